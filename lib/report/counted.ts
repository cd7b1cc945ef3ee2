/**
 * Which stretch of a stop window counts as kept stopped (docs/contracts.md §9), for the savings
 * report, its per-day series and the history alike: from the confirmation that the graph stopped
 * (windows written before confirmations were recorded: from the stop) to the window's end, or
 * `now` while it is open. A pending window (the stop not yet seen to take) and a stop whose job
 * failed count nothing.
 */
import { EndedBy, type LedgerWindow } from '../ledger/types.js';

/** When a window's hours begin, or undefined when it counts nothing. */
export function savedSince(window: LedgerWindow): Date | undefined {
  if (window.endedBy === EndedBy.stopFailed || window.pending) return undefined;
  return window.confirmedAt ?? window.stoppedAt;
}

/** The counted stretch in epoch ms, or undefined when the window counts nothing. */
export function countedSpan(
  window: LedgerWindow,
  now: Date,
): { readonly start: number; readonly end: number } | undefined {
  const since = savedSince(window);
  if (since === undefined) return undefined;
  const start = since.getTime();
  const end = window.endedAt?.getTime() ?? now.getTime();
  return end > start ? { start, end } : undefined;
}
