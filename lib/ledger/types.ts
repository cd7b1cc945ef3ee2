/**
 * The ledger of stop windows: one record per stop this function made, open until the graph runs
 * again. A graph is started in the morning only when it has an open window, so a graph someone
 * else stopped is never started by us. GES tags cannot be changed, hence a table of our own.
 */
import type { LedgerError } from '../errors.js';

/** Who or what ended a window. */
export const EndedBy = {
  /** This function started the graph. */
  start: 'start',
  /** A run found the graph running while its window was open (someone started it). */
  seenRunning: 'seen-running',
  /** The graph no longer exists. */
  deleted: 'deleted',
  /** The stop's job failed, or the graph was found running with the window still pending: no hours. */
  stopFailed: 'stop-failed',
} as const;
export type EndedBy = (typeof EndedBy)[keyof typeof EndedBy];

export interface GraphRef {
  readonly projectId: string;
  readonly graphId: string;
}

/** Where a window is stored: the table's partition and sort key, exactly as written. */
export interface WindowKey {
  /** `{projectId}/{graphId}` */
  readonly graph: string;
  /** ISO-8601 UTC, as stored (the exact string addresses the item). */
  readonly stoppedAt: string;
}

export interface OpenWindowInput extends GraphRef {
  /** When GES accepted the stop. A retry of the same write must pass the same instant. */
  readonly stoppedAt: Date;
  readonly runId: string;
  readonly schedule: string;
  readonly jobId?: string | undefined;
  /** When the off-hours that the stop belongs to end: the graph is not started before. */
  readonly offUntil?: Date | undefined;
  /** GES's graphSizeTypeIndex, as GES gives it. */
  readonly sizeIndex?: string | undefined;
  readonly replication?: number | undefined;
  /** The graph's name in GES; lets the report find a config entry that names it by name only. */
  readonly graphName?: string | undefined;
  /**
   * Written before the stop leaves (write-ahead): the window stays pending until the graph is seen
   * stopped. A stopped graph with a pending window of ours is ours, whatever the answers said.
   */
  readonly pending?: boolean | undefined;
}

/** What a run learns about an open window after it was written. */
export interface WindowPatch {
  readonly jobId?: string | undefined;
  /** The graph was seen stopped: the window is confirmed and its hours count from here. */
  readonly confirmedAt?: Date | undefined;
  /** A start this function sent: recorded until the graph is seen running. */
  readonly start?: {
    readonly startedAt: Date;
    readonly jobId?: string | undefined;
    readonly attempts: number;
  };
  /** Forget a recorded start (it failed and the off-hours began again). */
  readonly clearStart?: boolean | undefined;
}

/** A stop window as stored: what the stop wrote, where it is stored, and how it ended. */
export interface LedgerWindow extends OpenWindowInput {
  readonly key: WindowKey;
  /** When the graph was seen stopped. Windows written before write-ahead have none and no `pending`. */
  readonly confirmedAt?: Date | undefined;
  /** A start of this function not yet seen to run the graph: when, its job, and how many in a row. */
  readonly startedAt?: Date | undefined;
  readonly startJobId?: string | undefined;
  readonly startAttempts?: number | undefined;
  /** Epoch seconds when DynamoDB's TTL removes the item. */
  readonly expiresAt?: number | undefined;
  /** Absent while the window is open. */
  readonly endedAt?: Date | undefined;
  readonly endedBy?: EndedBy | undefined;
}

/**
 * - `opened`: this stop's window is the graph's open window (also when a retry finds its own write).
 * - `already-open`: an earlier open window already stands for the graph; it is returned and this
 *   stop was not recorded again (a graph stopped again inside the same window, or a concurrent run).
 * - `already-closed`: this exact window exists and was closed meanwhile.
 */
export type OpenResult =
  | { readonly outcome: 'opened'; readonly window: LedgerWindow }
  | { readonly outcome: 'already-open'; readonly window: LedgerWindow }
  | { readonly outcome: 'already-closed'; readonly window: LedgerWindow };

export interface CloseInput {
  readonly endedAt: Date;
  readonly endedBy: EndedBy;
}

/**
 * - `closed`: this call closed it.
 * - `already-closed`: someone closed it first (a concurrent run); not an error. `window` as it is now.
 * - `missing`: no such window (removed meanwhile); not an error.
 */
export type CloseResult =
  | { readonly outcome: 'closed'; readonly window: LedgerWindow }
  | { readonly outcome: 'already-closed'; readonly window: LedgerWindow }
  | { readonly outcome: 'missing' };

/** The open windows of one graph, or why they could not be read (that graph's starts are refused). */
export type OpenWindowsResult =
  | { readonly ok: true; readonly windows: readonly LedgerWindow[] }
  | { readonly ok: false; readonly error: LedgerError };

export interface WindowsInRange {
  /** Earliest first. */
  readonly windows: readonly LedgerWindow[];
  /** Items that are not windows (hand-edited?), described by key: reported, never guessed at. */
  readonly skipped: readonly string[];
}

export interface CallOptions {
  /** Aborts the call (the run's deadline): it then rejects with a LedgerError, problem `deadline`. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Every method rejects with LedgerError only (never a raw AWS error). Writes are conditional, so
 * retrying any of them is safe.
 */
export interface Ledger {
  readonly table: string;
  openWindow(input: OpenWindowInput, options?: CallOptions): Promise<OpenResult>;
  /**
   * The open windows of each graph, keyed by `graphKey(ref)`. One read per graph, a bounded number
   * at a time; one graph's failure is that graph's result and never rejects the whole call.
   */
  openWindows(
    graphs: readonly GraphRef[],
    options?: CallOptions,
  ): Promise<ReadonlyMap<string, OpenWindowsResult>>;
  closeWindow(
    window: LedgerWindow | WindowKey,
    input: CloseInput,
    options?: CallOptions,
  ): Promise<CloseResult>;
  /** Records what was learnt about an open window; `missing` when it is closed or gone. */
  updateWindow(
    window: LedgerWindow | WindowKey,
    patch: WindowPatch,
    options?: CallOptions,
  ): Promise<'updated' | 'missing'>;
  /** Removes a pending window whose stop never happened (never sent, or refused); closed ones stay. */
  discardPending(window: LedgerWindow, options?: CallOptions): Promise<void>;
  /** Every open window (pending included) of a project, from the index of open windows. */
  openWindowsOf(projectId: string, options?: CallOptions): Promise<readonly LedgerWindow[]>;
  /** Every window overlapping [from, to) (open windows included), for the savings report. */
  windows(from: Date, to: Date, options?: CallOptions): Promise<WindowsInRange>;
}

export function graphKey(ref: GraphRef): string {
  return `${ref.projectId}/${ref.graphId}`;
}
