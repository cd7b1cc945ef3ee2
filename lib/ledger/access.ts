/**
 * The ledger as a run uses it, and what a failure means: stops never depend on it (a stop that
 * could not be recorded still happens, and says so), starts are refused when it cannot tell whether
 * a graph is ours, and every problem is kept for the run to fail loudly on. Every call here returns
 * the problem's words instead of throwing.
 */
import { isGesOffhoursError } from '../errors.js';
import type { Log } from '../log.js';
import {
  type EndedBy,
  type GraphRef,
  graphKey,
  type Ledger,
  type LedgerWindow,
  type OpenWindowInput,
  type WindowPatch,
} from './types.js';

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

/** What the ledger holds for a graph: its open window (none), or why it could not say. */
export type WindowRead =
  /** `open`: the earliest, when a failed write left more than one. */
  | { readonly ok: true; readonly open?: LedgerWindow | undefined }
  | { readonly ok: false; readonly problem: string };

const NO_LEDGER = 'no ledger of stop windows is configured (LEDGER_TABLE)';

/** The open window of each graph (by `graphKey`), or why the ledger could not say. */
export async function readWindows(
  refs: readonly GraphRef[],
  access: LedgerAccess,
): Promise<Map<string, WindowRead>> {
  const reads = new Map<string, WindowRead>();
  const unknown = (message: string) => {
    for (const ref of refs) reads.set(graphKey(ref), { ok: false, problem: message });
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
      reads.set(key, { ok: false, problem: message });
      continue;
    }
    reads.set(key, { ok: true, open: result.windows[0] });
  }
  return reads;
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
  if (!read.ok) {
    return { ledgerError: `the stop was not recorded in the ledger (it could not be read): ${read.problem}` };
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
export function patchWindow(window: LedgerWindow | undefined, patch: WindowPatch, access: LedgerAccess) {
  return write(access, window, 'could not be updated', (l, signal) =>
    l.updateWindow(window!, patch, { signal }),
  );
}

export function closeWindow(
  window: LedgerWindow | undefined,
  endedBy: EndedBy,
  now: Date,
  access: LedgerAccess,
) {
  return write(access, window, `could not be closed (${endedBy})`, (l, signal) =>
    l.closeWindow(window!, { endedAt: now, endedBy }, { signal }),
  );
}

/** Removes the pending window of a stop that did not happen. */
export function discardWindow(ahead: WriteAhead, access: LedgerAccess) {
  const mine = ahead.written ? ahead.window : undefined;
  return write(access, mine, 'could not be removed (its stop did not happen)', (l, signal) =>
    l.discardPending(mine!, { signal }),
  );
}

/** One write to a window: the problem's words when it failed, nothing when there is no window. */
async function write(
  access: LedgerAccess,
  window: LedgerWindow | undefined,
  failed: string,
  work: (ledger: Ledger, signal: AbortSignal) => Promise<unknown>,
): Promise<string | undefined> {
  if (!access.ledger || !window) return undefined;
  try {
    await work(access.ledger, access.signal);
    return undefined;
  } catch (error) {
    return `its stop window ${failed}: ${problem(access, error, 'write')}`;
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
