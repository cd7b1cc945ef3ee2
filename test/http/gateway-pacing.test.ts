/**
 * The pacer against throttles as Huawei's gateway gives them, in virtual time (simulation.ts):
 * concurrency 8, answers in 50 ms, so 160 requests/s unthrottled.
 */
import { describe, expect, it } from 'vitest';
import type { StatedLimit } from '../../lib/http/stated-limit.js';
import { maxInWindow, type SimulationOptions, simulate } from './simulation.js';

const BASE = { concurrency: 8, latencyMs: 50 } as const;
const API: StatedLimit = { policy: 'api', limit: 1000, periodMs: 1_000 };
const unthrottledMs = (requests: number) => (requests / 160) * 1_000;

describe('Class: Pacer › throttles stated as Huawei states them (virtual time)', () => {
  it.each([0.05, 0.15, 0.3])(
    'a share %d of 429s at random from an api policy costs about that share of throughput',
    async (share) => {
      const result = await simulate({ ...BASE, requests: 600, noise: { share, stated: API } });
      // Every throttled request is sent again: 600 take 600 / (1 - share) sends at full speed.
      expect(result.elapsedMs).toBeLessThan((1.15 * unthrottledMs(600)) / (1 - share));
    },
  );

  it('does not pause the key on an api throttle with Retry-After (it is that request’s)', async () => {
    const result = await simulate({
      ...BASE,
      requests: 600,
      noise: { share: 0.15, stated: API, retryAfterMs: 1_000 },
    });
    expect(result.elapsedMs).toBeLessThan(1.3 * unthrottledMs(600));
  });

  it('paces under a stated per-second bucket, throttled only while it learns the limit', async () => {
    const result = await simulate({
      ...BASE,
      requests: 1_000,
      gateway: [{ fromMs: 0, rate: 20, burst: 20 }],
      statesBucket: true,
    });
    expect(result.throttled).toBeLessThanOrEqual(8); // the requests in flight when the first 429 came
    expect(result.elapsedMs).toBeLessThan(1.1 * (1_000 / 20) * 1_000);
    expect(result.finalRate).toBeCloseTo(19.6, 5);
  });

  it('learns what is left of a stated bucket another client spends, not collapsing below it', async () => {
    const result = await simulate({
      ...BASE,
      requests: 600,
      gateway: [{ fromMs: 0, rate: 20, burst: 20, others: 8 }],
      statesBucket: true,
    });
    expect(result.elapsedMs).toBeLessThan(1.1 * (600 / 12) * 1_000);
    expect(result.throttledShare).toBeLessThan(0.1);
  });

  it('waits out a spent per-minute window instead of probing it, then spreads sends evenly', async () => {
    const options: SimulationOptions = {
      ...BASE,
      requests: 220,
      window: { limit: 120, periodMs: 60_000, startMs: 20 },
    };
    const result = await simulate(options);
    // Only the requests in flight when the window was spent; none while it stayed spent.
    expect(result.throttled).toBeLessThanOrEqual(BASE.concurrency);
    const inSecondWindow = result.accepted.filter((t) => t >= 60_020);
    expect(result.accepted.filter((t) => t >= 120_020)).toEqual([]); // all done in the second window
    expect(Math.min(...inSecondWindow)).toBeLessThan(60_020 + 1_500); // no time lost past the window's start
    expect(maxInWindow(inSecondWindow, 1_000)).toBeLessThanOrEqual(2); // 120 a minute, evenly
  });
});
