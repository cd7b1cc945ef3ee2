import { setTimeout as delay } from 'node:timers/promises';

/** Time as the run sees it; tests and the benchmark may pass their own. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => delay(Math.max(0, ms)),
};

/**
 * Whole ms in [0, 2^31 - 1] for a timer or AbortSignal.timeout: rounded up (never wake early);
 * deadlines may be fractional, and remaining times further off than a timer can wait.
 */
export function timerMs(ms: number): number {
  if (Number.isNaN(ms)) return 0;
  return Math.min(2_147_483_647, Math.max(0, Math.ceil(ms)));
}
