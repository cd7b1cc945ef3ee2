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
