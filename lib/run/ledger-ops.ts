/**
 * What a run asks of the ledger of stop windows, and what it makes of a failure: stops never
 * depend on it (a stop that could not be recorded still happens, and says so), starts are refused
 * when it cannot tell whether a graph is ours, and every problem is kept for the run to fail
 * loudly on. Every call here returns the problem's words instead of throwing.
 */
import { isGesOffhoursError } from '../errors.js';
import {
  type EndedBy,
  type GraphRef,
  graphKey,
  type Ledger,
  type LedgerWindow,
  type OpenWindowInput,
  type WindowPatch,
} from '../ledger/types.js';
import type { Log } from '../log.js';
import type { WindowView } from './lifecycle.js';

/** The platform starts a graph that has been stopped for 7 days; a little slack for its timing. */
const PLATFORM_RESTART_MS = 7 * 86_400_000 - 3_600_000;

export interface LedgerAccess {
  readonly ledger: Ledger | undefined;
  /** Aborts at the run's deadline. */
  readonly signal: AbortSignal;
  readonly log: Log;
  readonly runId: string;
  /** Every ledger problem of the run, for the summary. */
  readonly problems: string[];
}

/** What the ledger holds for a graph: the view the life cycle decides on, and the window itself. */
export interface WindowRead {
  readonly view: WindowView;
  /** The graph's open window (the earliest, when a failed write left more than one). */
  readonly open?: LedgerWindow | undefined;
}

const NO_LEDGER = 'no ledger of stop windows is configured (LEDGER_TABLE)';

/** The open window of each graph (by `graphKey`), or why the ledger could not say. */
export async function readWindows(
  refs: readonly GraphRef[],
  access: LedgerAccess,
): Promise<Map<string, WindowRead>> {
  const reads = new Map<string, WindowRead>();
  const unknown = (message: string) => {
    for (const ref of refs) reads.set(graphKey(ref), { view: { kind: 'unknown', message } });
    return reads;
  };
  if (refs.length === 0) return reads;
  if (!access.ledger) return unknown(NO_LEDGER);
  let results: Awaited<ReturnType<Ledger['openWindows']>>;
  try {
    results = await access.ledger.openWindows(refs, { signal: access.signal });
  } catch (error) {
    return unknown(problem(access, error, 'read'));
  }
  for (const ref of refs) {
    const key = graphKey(ref);
    const result = results.get(key);
    if (!result?.ok) {
      const message = problem(access, result?.error ?? new Error('no answer for this graph'), 'read');
      reads.set(key, { view: { kind: 'unknown', message } });
      continue;
    }
    const open = result.windows[0];
    reads.set(key, { view: viewOf(open), open });
  }
  return reads;
}

function viewOf(open: LedgerWindow | undefined): WindowView {
  if (!open) return { kind: 'none' };
  const { offUntil } = open;
  if (open.startedAt) return { kind: 'starting', offUntil, attempts: open.startAttempts ?? 1 };
  return open.pending ? { kind: 'pending', offUntil } : { kind: 'open', offUntil };
}

export interface WriteAhead {
  /** The window that stands for this stop: ours, or an earlier open one of the graph. */
  readonly window?: LedgerWindow | undefined;
  /** Written by this stop (a pending window of its own), so removable when the stop did not happen. */
  readonly written?: boolean | undefined;
  /** An open window of ours had stood for 7 days with the graph running: the platform started it. */
  readonly restartedByPlatform?: boolean | undefined;
  readonly ledgerError?: string | undefined;
}

/** Records a stop as pending before it leaves (a retried write never makes a second window). */
export async function writeAhead(
  input: OpenWindowInput,
  read: WindowRead,
  access: LedgerAccess,
): Promise<WriteAhead> {
  if (!access.ledger) return {};
  if (read.view.kind === 'unknown') {
    return {
      ledgerError: `the stop was not recorded in the ledger (it could not be read): ${read.view.message}`,
    };
  }
  try {
    const opened = await access.ledger.openWindow({ ...input, pending: true }, { signal: access.signal });
    if (opened.outcome === 'opened') return { window: opened.window, written: true };
    if (opened.outcome === 'already-closed') return {};
    const age = input.stoppedAt.getTime() - opened.window.stoppedAt.getTime();
    return { window: opened.window, restartedByPlatform: age >= PLATFORM_RESTART_MS };
  } catch (error) {
    return {
      ledgerError: `the stop was not recorded in the ledger, so it will not be started by schedule: ${problem(access, error, 'write')}`,
    };
  }
}

/** Records what the run learnt about a window (its job, its confirmation, a start). */
export async function patchWindow(
  window: LedgerWindow | undefined,
  patch: WindowPatch,
  access: LedgerAccess,
): Promise<string | undefined> {
  if (!access.ledger || !window) return undefined;
  try {
    await access.ledger.updateWindow(window, patch, { signal: access.signal });
    return undefined;
  } catch (error) {
    return `its stop window could not be updated: ${problem(access, error, 'write')}`;
  }
}

/** Closes a window; the error's words when that failed. */
export async function closeWindow(
  window: LedgerWindow | undefined,
  endedBy: EndedBy,
  now: Date,
  access: LedgerAccess,
): Promise<string | undefined> {
  if (!access.ledger || !window) return undefined;
  try {
    await access.ledger.closeWindow(window, { endedAt: now, endedBy }, { signal: access.signal });
    return undefined;
  } catch (error) {
    return `its stop window could not be closed (${endedBy}): ${problem(access, error, 'write')}`;
  }
}

/** Removes the pending window of a stop that did not happen. */
export async function discardWindow(ahead: WriteAhead, access: LedgerAccess): Promise<string | undefined> {
  if (!access.ledger || !ahead.written || !ahead.window) return undefined;
  try {
    await access.ledger.discardPending(ahead.window, { signal: access.signal });
    return undefined;
  } catch (error) {
    return `the pending window of a stop that did not happen could not be removed: ${problem(access, error, 'write')}`;
  }
}

/**
 * Closes `deleted` every open window of the project whose graph GES no longer lists, however the
 * graph was selected (an id, a name, a tag, or an entry since removed from the config).
 */
export async function closeWindowsOfGone(
  projectId: string,
  live: ReadonlySet<string>,
  now: Date,
  access: LedgerAccess,
): Promise<void> {
  const { ledger } = access;
  if (!ledger) return;
  try {
    const open = await ledger.openWindowsOf(projectId, { signal: access.signal });
    for (const window of open.filter((w) => !live.has(w.graphId))) {
      await ledger.closeWindow(window, { endedAt: now, endedBy: 'deleted' }, { signal: access.signal });
      access.log.info('closed the stop window of a graph GES no longer lists', {
        projectId,
        graphId: window.graphId,
        graphName: window.graphName,
        stoppedAt: window.key.stoppedAt,
      });
    }
  } catch (error) {
    problem(access, error, 'write');
  }
}

function problem(access: LedgerAccess, error: unknown, what: 'read' | 'write'): string {
  const message = isGesOffhoursError(error) || error instanceof Error ? error.message : String(error);
  access.problems.push(message);
  access.log.error(`ledger ${what} failed`, {
    errorCode: isGesOffhoursError(error) ? error.code : 'INTERNAL',
    error: message,
  });
  return message;
}
