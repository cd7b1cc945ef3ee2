import { describe, expect, it } from 'vitest';
import { AdaptiveRate } from '../../lib/http/adaptive-rate.js';
import { Limiter } from '../../lib/http/limiter.js';
import { Pacer, timerMs } from '../../lib/http/pacer.js';
import { maxInWindow, simulate } from './simulation.js';
import { VirtualTime } from './virtual-time.js';

const perSecond = (times: readonly number[], fromMs: number, toMs: number) =>
  (times.filter((t) => t >= fromMs && t < toMs).length * 1_000) / (toMs - fromMs);

describe('Class: Pacer › against a simulated gateway token bucket (virtual time)', () => {
  it.each([
    // bucket rate per second, Retry-After on 429s
    [5, undefined],
    [10, undefined],
    [20, undefined],
    [5, 1_000],
    [10, 1_000],
    [20, 1_000],
  ])(
    'at %i requests/s (Retry-After %s): under a tenth throttled, settling just under the bucket rate',
    async (rate, retryAfterMs) => {
      const result = await simulate({
        requests: rate * 60,
        concurrency: 8,
        latencyMs: 100,
        gateway: [{ fromMs: 0, rate, burst: rate }],
        retryAfterMs,
      });
      expect(result.throttledShare).toBeLessThan(0.1);
      const settled = perSecond(result.accepted, 20_000, 50_000);
      // The most a bucket lets through in 30 s: its rate, and one burst.
      expect(settled).toBeLessThanOrEqual(rate + rate / 30);
      expect(settled).toBeGreaterThan(0.75 * rate);
    },
  );

  it.each([1_100, 2_500])(
    'keeps its rate when answers take %i ms, longer than the measuring second',
    async (latencyMs) => {
      // Sends measured over one second read as none when answers take longer: the first
      // throttle then cut the rate to the floor (0.5/s) for good, and 300 requests took 370 s.
      const result = await simulate({
        requests: 300,
        concurrency: 8,
        latencyMs,
        gateway: [{ fromMs: 0, rate: 10, burst: 1 }],
      });
      const ideal = Math.max(300 / 10, ((300 / 8) * latencyMs) / 1000) * 1000;
      expect(result.elapsedMs).toBeLessThan(1.2 * ideal);
      expect(result.throttledShare).toBeLessThan(0.1);
    },
  );

  it('never sends faster than maxPerSecond, even with the gateway allowing more', async () => {
    const result = await simulate({
      requests: 40,
      concurrency: 8,
      latencyMs: 100,
      gateway: [{ fromMs: 0, rate: 100, burst: 100 }],
      pacing: { maxPerSecond: 4 },
    });
    expect(result.throttled).toBe(0);
    expect(result.maxPerSecond).toBe(4);
  });

  it('sends everything at once before the first throttle (no pacing until one is seen)', async () => {
    const result = await simulate({
      requests: 8,
      concurrency: 8,
      latencyMs: 100,
      gateway: [{ fromMs: 0, rate: 100, burst: 100 }],
    });
    expect(result.elapsedMs).toBe(100);
    expect(result.finalRate).toBeUndefined();
  });

  it('speeds up again after the gateway allows more', async () => {
    const result = await simulate({
      requests: 1_200,
      concurrency: 8,
      latencyMs: 100,
      gateway: [
        { fromMs: 0, rate: 5, burst: 5 },
        { fromMs: 20_000, rate: 30, burst: 30 },
      ],
    });
    expect(perSecond(result.accepted, 10_000, 20_000)).toBeLessThanOrEqual(5 + 5 / 10); // rate + burst over 10 s
    expect(perSecond(result.accepted, 50_000, 60_000)).toBeGreaterThan(15);
    expect(result.throttledShare).toBeLessThan(0.1);
  });

  it('counts windows the way the cap means them', () => {
    expect(maxInWindow([0, 250, 500, 750, 1_000], 1_000)).toBe(4);
    expect(maxInWindow([0, 1, 2], 1_000)).toBe(3);
  });
});

describe('Class: Pacer', () => {
  const setUp = (capacity = 4) => {
    const time = new VirtualTime();
    const rate = new AdaptiveRate();
    const limiter = new Limiter(capacity);
    const pacer = new Pacer(rate, time.now, time.sleep);
    const slot = (ms: number | undefined) => limiter.acquire(ms);
    return { time, rate, limiter, pacer, slot };
  };
  /** Pauses the pacer: one throttle with this Retry-After. */
  const throttle = (pacer: Pacer, time: VirtualTime, retryAfterMs: number) => {
    pacer.rate.take(time.now());
    pacer.answer({ sentAt: time.now(), throttled: true, retryAfterMs });
  };

  it('lets requests leave first come, first served after a pause', async () => {
    const { time, pacer, slot } = setUp();
    throttle(pacer, time, 1_000);
    const order: number[] = [];
    const all = [1, 2, 3].map((n) =>
      pacer.admit(undefined, slot).then((release) => {
        order.push(n);
        release?.();
      }),
    );
    await time.run();
    await Promise.all(all);
    expect(order).toEqual([1, 2, 3]);
    expect(time.now()).toBeGreaterThanOrEqual(1_000_000 + 1_000);
  });

  it('gives up at the cutoff when the pause lasts longer, holding no slot meanwhile', async () => {
    const { time, pacer, slot, limiter } = setUp(1);
    throttle(pacer, time, 10_000);
    const start = time.now();
    const first = pacer.admit(start + 10_000, slot);
    const second = pacer.admit(start + 3_000, slot);
    await time.run(start + 2_000);
    expect(limiter.active).toBe(0);
    await time.run(start + 3_000);
    expect(await second).toBeUndefined();
    await time.run();
    const release = await first;
    expect(release).toBeTypeOf('function');
    expect(time.now()).toBe(start + 10_000);
    release?.();
  });

  it('fails at once a request whose cutoff falls inside the pause', async () => {
    const { time, pacer, slot } = setUp();
    throttle(pacer, time, 5_000);
    expect(await pacer.admit(time.now() + 4_000, slot)).toBeUndefined();
  });

  it('does not block another key on the same concurrency limiter while it is paused', async () => {
    const { time, pacer, limiter } = setUp(1);
    const other = new Pacer(new AdaptiveRate(), time.now, time.sleep);
    const slot = (ms: number | undefined) => limiter.acquire(ms);
    throttle(pacer, time, 5_000);
    const paused = pacer.admit(undefined, slot);
    const release = await other.admit(undefined, slot);
    expect(release).toBeTypeOf('function');
    expect(time.now()).toBe(1_000_000);
    release?.();
    await time.run();
    (await paused)?.();
  });

  it('re-checks the send time after waiting for a slot: a throttle meanwhile pauses it too', async () => {
    const { time, pacer, limiter, slot } = setUp(1);
    const held = await limiter.acquire();
    const waiting = pacer.admit(undefined, slot);
    throttle(pacer, time, 2_000);
    held!();
    await time.run();
    (await waiting)?.();
    expect(time.now()).toBe(1_000_000 + 2_000);
  });

  it('fails waiters and later requests once closed', async () => {
    const { time, pacer, slot } = setUp();
    throttle(pacer, time, 5_000);
    const waiting = pacer.admit(undefined, slot);
    pacer.close(new Error('transport closed'));
    await expect(waiting).rejects.toThrow('transport closed');
    await expect(pacer.admit(undefined, slot)).rejects.toThrow('transport closed');
  });
});

describe('Function: timerMs', () => {
  it.each([
    [0.4, 1],
    [100, 100],
    [-5, 0],
    [Number.NaN, 0],
    [Number.POSITIVE_INFINITY, 2_147_483_647],
    [3e10, 2_147_483_647],
  ])('%d → %i', (ms, expected) => {
    expect(timerMs(ms)).toBe(expected);
  });
});
