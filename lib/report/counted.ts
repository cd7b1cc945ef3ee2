/**
 * Which stretch of a stop window counts as kept stopped (docs/contracts.md §9), for the savings
 * report, its per-day series and the history alike: from the confirmation that the graph stopped
 * (windows written before confirmations were recorded: from the stop) to the window's end, or
 * `now` while it is open. A pending window (the stop not yet seen to take) and a stop whose job
 * failed count nothing.
 */
import type { LedgerWindow } from '../ledger/types.js';

/**
 * What write-ahead stops add to a stored window (docs/contracts.md §8). Every field is optional:
 * windows written before them have none, and the ledger's reader fills in what it knows.
 */
export interface WindowProgress {
  /** When the graph was seen stopped; hours count from here. */
  readonly confirmedAt?: Date | undefined;
  /** Written before the stop left and not yet confirmed: counts nothing. */
  readonly pending?: boolean | undefined;
  /** A start sent but not yet seen to finish (the window stays open until it is). */
  readonly startJobId?: string | undefined;
  readonly startedAt?: Date | undefined;
  /** Starts tried in a row without the graph running. */
  readonly startAttempts?: number | undefined;
}

/** A window as the ledger returns it, with whatever progress it recorded. */
export type RecordedWindow = LedgerWindow & WindowProgress;

/** How a stop whose job failed (the graph kept running) is closed. */
export const STOP_FAILED = 'stop-failed';

/** The window's progress fields, typed, whether or not the ledger's own type declares them yet. */
export function progressOf(window: LedgerWindow): RecordedWindow {
  return window as RecordedWindow;
}

/** The counted stretch in epoch ms, or undefined when the window counts nothing. */
export function countedSpan(
  window: LedgerWindow,
  now: Date,
): { readonly start: number; readonly end: number } | undefined {
  const w = progressOf(window);
  if (w.pending === true || String(w.endedBy) === STOP_FAILED) return undefined;
  const start = (w.confirmedAt ?? w.stoppedAt).getTime();
  const end = w.endedAt?.getTime() ?? now.getTime();
  return end > start ? { start, end } : undefined;
}
