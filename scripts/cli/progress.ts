/**
 * The line `npm run invoke` prints every few seconds while a run goes on, when stdout is a
 * terminal: `… 7 of 14 graphs settled (5 more decided, waiting for GES to confirm), 42 requests (3 throttled),
 * 4.8 req/s`. The ticker takes its clock and timer from the caller, so tests drive it without
 * waiting.
 */
import type { ProgressSnapshot, RunProgress } from '../../lib/run/progress.js';

export const PROGRESS_INTERVAL_MS = 3_000;

/** One progress line; `pace` is requests per second since the previous line. */
export function progressLine(snapshot: ProgressSnapshot, pace: number): string {
  const { total, acted, done, requests } = snapshot;
  // Decided: stopped, started, skipped or failed as far as this run can tell; settled: final, its
  // project's stops and starts confirmed (a graph that needed nothing waits for its project too).
  const confirming = acted > done ? ` (${acted - done} more decided, waiting for GES to confirm)` : '';
  const graphs =
    total === 0
      ? 'listing graphs'
      : `${done} of ${total} graph${total === 1 ? '' : 's'} settled${confirming}`;
  const throttled = requests.throttled > 0 ? ` (${requests.throttled} throttled)` : '';
  return `… ${graphs}, ${requests.sent} request${requests.sent === 1 ? '' : 's'}${throttled}, ${pace.toFixed(1)} req/s\n`;
}

export interface TickerOptions {
  readonly progress: RunProgress;
  readonly write: (text: string) => void;
  /** Epoch ms. */
  readonly now: () => number;
  /** Calls `tick` every `ms` until the returned function is called. */
  readonly every: (ms: number, tick: () => void) => () => void;
  readonly intervalMs?: number | undefined;
}

/** Starts printing; returns the function that stops it (call it before the table is printed). */
export function startTicker(options: TickerOptions): () => void {
  const { progress, write, now } = options;
  let last = { at: now(), sent: 0 };
  return options.every(options.intervalMs ?? PROGRESS_INTERVAL_MS, () => {
    const snapshot = progress.snapshot();
    const at = now();
    const seconds = (at - last.at) / 1000;
    const pace = seconds > 0 ? (snapshot.requests.sent - last.sent) / seconds : 0;
    last = { at, sent: snapshot.requests.sent };
    write(progressLine(snapshot, pace));
  });
}

/** The real timer: unref'd, so a forgotten stop never keeps the process alive. */
export function everyInterval(ms: number, tick: () => void): () => void {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => clearInterval(timer);
}
