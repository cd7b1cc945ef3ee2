/**
 * A pause: a runtime switch, kept in the ledger table, under which scheduled runs stop and start
 * nothing. It always ends by itself (`until`), so a forgotten pause cannot switch the function off
 * for good. Pure: the store is lib/pause/store.ts.
 */

/** The longest pause one event may ask for: a quarter is longer than any freeze we know of. */
export const MAX_PAUSE_DAYS = 90;
export const MAX_REASON_LENGTH = 500;

export interface Pause {
  /** When the pause was set. */
  readonly pausedAt: Date;
  /** When it ends by itself (exclusive). */
  readonly until: Date;
  readonly reason: string;
  /** The run (invocation) that set it. */
  readonly runId: string;
}

/** Whether the pause holds at `at`: set at or before `at`, and not yet ended. */
export function isPausedAt(pause: Pause | undefined, at: Date): pause is Pause {
  return pause !== undefined && pause.pausedAt <= at && at < pause.until;
}

/** Why `until` cannot end a pause set at `now`, or undefined when it can. */
export function pauseUntilProblem(until: Date, now: Date): string | undefined {
  const when = until.toISOString();
  if (until <= now)
    return `"until" (${when}) is not in the future (now ${now.toISOString()}): a pause must end later`;
  const limit = new Date(now.getTime() + MAX_PAUSE_DAYS * 86_400_000);
  if (until > limit) {
    return (
      `"until" (${when}) is more than ${MAX_PAUSE_DAYS} days away (latest ${limit.toISOString()}): ` +
      'pause again before it ends, or switch the schedule off with a deploy (scheduleEnabled=false)'
    );
  }
  return undefined;
}

/** The pause as the summary, plan and logs show it. */
export interface PauseView {
  readonly until: string;
  readonly reason: string;
  readonly pausedAt: string;
}

export function pauseView(pause: Pause): PauseView {
  return { until: pause.until.toISOString(), reason: pause.reason, pausedAt: pause.pausedAt.toISOString() };
}

/** `paused until 2026-12-28T08:00:00.000Z (holiday freeze), set 2026-12-18T16:00:00.000Z`. */
export function pauseLine(pause: PauseView): string {
  return `paused until ${pause.until} (${pause.reason}), set ${pause.pausedAt}`;
}
