import { describe, expect, it } from 'vitest';
import { AdaptiveRate } from '../../lib/http/adaptive-rate.js';

/** Sends every `everyMs` from `from` for `count` requests, each accepted `latencyMs` later. */
function sendSteadily(
  rate: AdaptiveRate,
  from: number,
  everyMs: number,
  count: number,
  latencyMs = 50,
): number {
  let t = from;
  for (let i = 0; i < count; i++, t += everyMs) {
    rate.take(t);
    rate.answer(t + latencyMs, { sentAt: t, throttled: false });
  }
  return t;
}

describe('Class: AdaptiveRate', () => {
  it('does not pace at all before the first throttle', () => {
    const rate = new AdaptiveRate();
    for (let i = 0; i < 100; i++) {
      expect(rate.delay(0)).toBe(0);
      rate.take(0);
      rate.answer(1, { sentAt: 0, throttled: false });
    }
    expect(rate.rate).toBeUndefined();
  });

  it('spaces sends at maxPerSecond from the first request on', () => {
    const rate = new AdaptiveRate({ maxPerSecond: 4 });
    rate.take(1_000);
    expect(rate.delay(1_000)).toBe(250);
    expect(rate.delay(1_250)).toBe(0);
    rate.take(1_300);
    expect(rate.delay(1_300)).toBe(250);
  });

  it.each([0, -1, Number.NaN])('refuses maxPerSecond %d', (cap) => {
    expect(() => new AdaptiveRate({ maxPerSecond: cap })).toThrow(RangeError);
  });

  it('cuts to 0.7 × the measured send rate on a throttle, and pauses', () => {
    const rate = new AdaptiveRate();
    // 10 per second, every other one throttled: 5 per second got through, under 0.7 × 10.
    let t = 0;
    for (let i = 0; i < 10; i++, t += 100) {
      rate.take(t);
      if (i % 2 === 0) rate.answer(t + 50, { sentAt: t, throttled: false });
    }
    rate.take(t);
    rate.answer(t + 50, { sentAt: t, throttled: true });
    expect(rate.learned).toBeCloseTo(0.7 * 10, 5);
    expect(rate.delay(t + 50)).toBe(500);
  });

  it('never cuts below 0.8 of what got through over the last seconds', () => {
    const rate = new AdaptiveRate();
    const t = sendSteadily(rate, 0, 100, 30); // 10 per second for 3 s, all accepted
    rate.take(t);
    rate.answer(t + 50, { sentAt: t, throttled: true });
    // 0.8 of the 30 accepted over the 3.05 s since the first send (more than 0.7 × 10).
    expect(rate.learned).toBeCloseTo(0.8 * (30 / 3.05), 5);
  });

  it('cuts from the rate that got through when less than half of it did (a burst far over the limit)', () => {
    const rate = new AdaptiveRate();
    for (let i = 0; i < 40; i++) rate.take(i * 10); // 100 per second for 400 ms
    rate.answer(50, { sentAt: 0, throttled: false });
    rate.answer(250, { sentAt: 200, throttled: false });
    rate.answer(450, { sentAt: 400, throttled: true });
    expect(rate.learned).toBeCloseTo(0.7 * (2 / 0.4), 5);
  });

  it('cuts from the send rate, not to the floor, when the very first answer is a throttle', () => {
    const rate = new AdaptiveRate();
    for (let i = 0; i < 10; i++) rate.take(i * 100);
    rate.answer(1_000, { sentAt: 0, throttled: true });
    expect(rate.learned).toBeCloseTo(0.7 * 10, 5);
  });

  it('cuts once per congestion event: throttles of requests sent before the cut change nothing', () => {
    const rate = new AdaptiveRate();
    const t = sendSteadily(rate, 0, 100, 10);
    for (const sentAt of [t, t + 10, t + 20]) rate.take(sentAt);
    rate.answer(t + 50, { sentAt: t, throttled: true });
    const learned = rate.learned;
    rate.answer(t + 60, { sentAt: t + 10, throttled: true });
    rate.answer(t + 70, { sentAt: t + 20, throttled: true });
    expect(rate.learned).toBe(learned);
    expect(rate.throttles).toBe(3);
    expect(rate.pausedUntil).toBe(t + 550);
  });

  it.each([
    // Retry-After of each throttle (ms), successes in between?, pauses expected
    [[undefined, undefined, undefined, undefined, undefined], false, [500, 1_000, 2_000, 4_000, 5_000]],
    [[undefined, undefined, undefined], true, [500, 500, 500]],
    [[3_000, undefined], false, [3_000, 1_000]],
    [[0, 0], false, [0, 0]],
  ])(
    'pauses for Retry-After %j, or doubles its own pause while no success comes in between',
    (retryAfters, successes, expected) => {
      const rate = new AdaptiveRate();
      let t = sendSteadily(rate, 0, 100, 10);
      const pauses: number[] = [];
      for (const retryAfterMs of retryAfters) {
        t = Math.max(t, rate.pausedUntil) + 1;
        rate.take(t);
        if (successes) {
          rate.take(t + 1);
          rate.answer(t + 10, { sentAt: t + 1, throttled: false });
        }
        rate.answer(t + 20, { sentAt: t, throttled: true, retryAfterMs });
        pauses.push(Math.max(0, rate.pausedUntil - (t + 20)));
      }
      expect(pauses).toEqual(expected);
    },
  );

  it('is back at the rate it was cut from after recoverySeconds, and grows beyond it after', () => {
    const rate = new AdaptiveRate({ recoverySeconds: 8 });
    const t = sendSteadily(rate, 0, 50, 20); // 20 per second
    rate.take(t);
    rate.answer(t, { sentAt: t, throttled: true });
    const cutFrom = 20;
    // Keep sending at the allowed rate, so the 2 × measured ceiling never binds.
    let now = t + 500;
    const at = (seconds: number) => {
      for (; now < t + seconds * 1_000; now += 1_000 / (rate.rate ?? 1)) {
        rate.take(now);
        rate.answer(now, { sentAt: now, throttled: false });
      }
      return rate.learned ?? 0;
    };
    // Cut to no less than what got through (all 20 a second), then along the curve.
    expect(at(4)).toBeLessThanOrEqual(1.05 * cutFrom);
    expect(at(4)).toBeGreaterThan(0.9 * cutFrom);
    expect(Math.abs(at(8) - cutFrom)).toBeLessThan(0.1 * cutFrom); // the rate measured: 20 sends in 0.95 s
    expect(at(16)).toBeGreaterThan(1.1 * cutFrom);
  });

  it('never grows past twice what is really sent', () => {
    const rate = new AdaptiveRate({ recoverySeconds: 1 });
    const t = sendSteadily(rate, 0, 100, 10);
    rate.take(t);
    rate.answer(t, { sentAt: t, throttled: true });
    const cut = rate.learned;
    sendSteadily(rate, t + 1_000, 1_000, 30); // one per second, for long after the curve took off
    expect(rate.learned).toBe(cut); // the cubic curve alone would be at 10 × (1 + 0.3 × 29³) by now
  });

  it('never learns less than minRate', () => {
    const rate = new AdaptiveRate({ minRate: 0.5 });
    let t = 0;
    for (let i = 0; i < 30; i++) {
      rate.take(t);
      rate.answer(t + 1, { sentAt: t, throttled: true });
      t = rate.pausedUntil + 1;
    }
    expect(rate.learned).toBe(0.5);
    expect(rate.delay(rate.pausedUntil)).toBeLessThanOrEqual(2_000);
  });
});

describe('Class: AdaptiveRate and an `api` policy (the API total, every caller counted)', () => {
  const user = { policy: 'user', limit: 20, periodMs: 1_000 } as const;
  const api = { policy: 'api', limit: 1_000, periodMs: 1_000 } as const;

  it('keeps pacing to a user limit stated before, when an api throttle states a larger total', () => {
    const rate = new AdaptiveRate();
    let t = sendSteadily(rate, 0, 10, 100);
    rate.take(t);
    rate.answer(t + 50, { sentAt: t, throttled: true, stated: user });
    t += 100;
    rate.take(t);
    rate.answer(t + 50, { sentAt: t, throttled: true, stated: api });
    expect(rate.stated).toEqual(user);
    expect(rate.rate).toBeLessThanOrEqual(20);
  });

  it('never paces to an api total, which our own share cannot exceed', () => {
    const rate = new AdaptiveRate();
    const t = sendSteadily(rate, 0, 10, 100); // 100 a second, all accepted
    rate.take(t);
    rate.answer(t + 50, { sentAt: t, throttled: true, stated: { ...api, limit: 50 } });
    expect(rate.stated).toBeUndefined();
    expect(rate.rate).toBeUndefined();
    expect(rate.delay(t + 50)).toBe(0);
  });

  it("never pauses the key for an api total's spent window: the throttled request alone waits", () => {
    const rate = new AdaptiveRate();
    const t = sendSteadily(rate, 0, 10, 10);
    rate.take(t);
    const minute = { policy: 'api', limit: 500, periodMs: 60_000 } as const;
    rate.answer(t + 50, { sentAt: t, throttled: true, stated: minute });
    expect(rate.delay(t + 50)).toBe(0);
  });

  it('restores no pace at all when the first cut is undone (random throttles, not ours)', () => {
    const rate = new AdaptiveRate();
    let t = sendSteadily(rate, 0, 10, 200); // 100 a second
    const user = { policy: 'user', limit: 1_000, periodMs: 1_000 } as const;
    rate.take(t);
    rate.answer(t + 50, { sentAt: t, throttled: true, stated: user });
    expect(rate.learned).toBeDefined();
    // After the cut, one in ten is throttled, as before it: the cut did not help.
    for (let i = 1; i <= 40; i++, t += 10) {
      rate.take(t + 1_000);
      rate.answer(t + 1_050, { sentAt: t + 1_000, throttled: i % 10 === 0, stated: user });
    }
    expect(rate.learned).toBeUndefined();
  });
});
