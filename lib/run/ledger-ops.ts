/**
 * What a run asks of the ledger of stop windows, and what it makes of a failure: stops never
 * depend on it (a stop that could not be recorded still happened, and says so), starts are refused
 * when it cannot tell whether a graph is ours, and every problem is kept for the run to fail
 * loudly on.
 */
import { isGesOffhoursError } from '../errors.js';
import { type EndedBy, type GraphRef, graphKey, type Ledger, type LedgerWindow } from '../ledger/types.js';
import type { Log } from '../log.js';
import type { WindowState } from './plan.js';

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

export interface WindowRead {
  readonly state: WindowState;
  /** The graph's open window (the earliest, when a failed write left more than one). */
  readonly open: LedgerWindow | undefined;
  /** Every open window of the graph: closing one closes them all. */
  readonly all?: readonly LedgerWindow[] | undefined;
}

/** The open window of each graph (by `graphKey`), or why the ledger could not say. */
export async function readWindows(
  refs: readonly GraphRef[],
  access: LedgerAccess,
): Promise<Map<string, WindowRead>> {
  const reads = new Map<string, WindowRead>();
  if (refs.length === 0) return reads;
  const { ledger } = access;
  if (!ledger) {
    const state: WindowState = {
      kind: 'unknown',
      message: 'no ledger of stop windows is configured (LEDGER_TABLE)',
    };
    for (const ref of refs) reads.set(graphKey(ref), { state, open: undefined });
    return reads;
  }
  let results: Awaited<ReturnType<Ledger['openWindows']>>;
  try {
    results = await ledger.openWindows(refs, { signal: access.signal });
  } catch (error) {
    const message = problem(access, error, 'read');
    for (const ref of refs)
      reads.set(graphKey(ref), { state: { kind: 'unknown', message }, open: undefined });
    return reads;
  }
  for (const ref of refs) {
    const key = graphKey(ref);
    const result = results.get(key);
    if (!result?.ok) {
      const message = problem(access, result?.error ?? new Error('no answer for this graph'), 'read');
      reads.set(key, { state: { kind: 'unknown', message }, open: undefined });
      continue;
    }
    const open = result.windows[0];
    const state: WindowState = open ? { kind: 'open', offUntil: open.offUntil } : { kind: 'none' };
    reads.set(key, { state, open, all: result.windows });
  }
  return reads;
}

export interface StopRecord {
  /** The graph was found running with a window of ours open for 7 days: the platform started it. */
  readonly restartedByPlatform?: boolean;
  readonly ledgerError?: string;
}

/** Opens the window of a stop GES accepted (a retried write never makes a second one). */
export async function recordStop(
  stop: {
    readonly ref: GraphRef;
    readonly jobId: string | undefined;
    readonly schedule: string;
    readonly offUntil: Date | undefined;
    readonly sizeIndex?: string | undefined;
    readonly replication?: number | undefined;
    readonly graphName?: string | undefined;
  },
  now: Date,
  access: LedgerAccess,
): Promise<StopRecord> {
  if (!access.ledger) return {};
  try {
    const opened = await access.ledger.openWindow(
      {
        ...stop.ref,
        stoppedAt: now,
        runId: access.runId,
        schedule: stop.schedule,
        jobId: stop.jobId,
        offUntil: stop.offUntil,
        sizeIndex: stop.sizeIndex,
        replication: stop.replication,
        graphName: stop.graphName,
      },
      { signal: access.signal },
    );
    if (opened.outcome !== 'already-open') return {};
    // Stopped again inside a window of ours: after 7 days that is the platform's restart.
    const age = now.getTime() - opened.window.stoppedAt.getTime();
    return age >= PLATFORM_RESTART_MS ? { restartedByPlatform: true } : {};
  } catch (error) {
    return {
      ledgerError: `the stop was not recorded in the ledger, so it will not be started by schedule: ${problem(access, error, 'write')}`,
    };
  }
}

/** Closes a graph's open windows (normally one); the error's words when that failed. */
export async function closeWindows(
  windows: readonly LedgerWindow[],
  endedBy: EndedBy,
  now: Date,
  access: LedgerAccess,
): Promise<string | undefined> {
  const { ledger } = access;
  if (!ledger) return undefined;
  try {
    for (const window of windows) {
      await ledger.closeWindow(window, { endedAt: now, endedBy }, { signal: access.signal });
    }
    return undefined;
  } catch (error) {
    return `its stop window could not be closed (${endedBy}): ${problem(access, error, 'write')}`;
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
