import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { failure, START, useHarness } from './harness.js';
import { json } from './loopback.js';

const h = useHarness();
const KEY_A = 'AKIA-SECRET-ACCESS-KEY-A';
const KEY_B = 'AKIA-SECRET-ACCESS-KEY-B';
const hash = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 8);

/** Throttles key A's first request (with this Retry-After), answers everything else. */
function throttleFirstOfA(retryAfter?: string) {
  let throttled = false;
  h.server.handler = (req, res) => {
    if (req.headers['x-key'] === 'A' && !throttled) {
      throttled = true;
      json(
        res,
        429,
        { error_code: 'APIG.0308', error_msg: 'throttled' },
        retryAfter ? { 'retry-after': retryAfter } : {},
      );
    } else {
      json(res, 200, {});
    }
  };
}
const withKey = (key: string, tag: string) => ({ ...h.get(), rateKey: key, headers: { 'x-key': tag } });

describe('Class: Transport › pacing per (origin, rate key)', () => {
  it('pauses only the key that was throttled, for its Retry-After', async () => {
    throttleFirstOfA('3');
    const t = h.make();
    await t.request(withKey(KEY_A, 'A'));
    expect(h.sleeps).toEqual([3_000]);
    const before = h.now();
    await t.request(withKey(KEY_B, 'B'));
    await t.request(withKey(KEY_B, 'B'));
    expect(h.now()).toBe(before); // B never waited
    const origin = h.server.origin;
    expect(t.stats.pacers).toEqual({
      [`${origin}#${hash(KEY_A)}`]: { origin, throttled: 1, rate: expect.any(Number) },
      [`${origin}#${hash(KEY_B)}`]: { origin, throttled: 0, rate: undefined },
    });
    expect(t.stats.throttled).toBe(1);
    expect(t.stats.byOrigin[origin]?.throttled).toBe(1);
  });

  it('reports every throttle through onThrottle, naming the key only by its hash', async () => {
    throttleFirstOfA();
    const t = h.make();
    await t.request(withKey(KEY_A, 'A'));
    expect(h.throttles).toEqual([
      {
        method: 'GET',
        url: '/things?x=1',
        origin: h.server.origin,
        pacer: `${h.server.origin}#${hash(KEY_A)}`,
        attempt: 1,
        status: 429,
        gesCode: 'APIG.0308',
        retryAfterMs: undefined,
        rate: expect.any(Number),
        pausedUntil: START + 500,
      },
    ]);
    const shown = JSON.stringify([h.throttles, h.retries, t.stats]);
    expect(shown).not.toContain(KEY_A);
    expect(shown).not.toContain('SECRET');
  });

  it('shares one pacer per origin between requests without a rate key', async () => {
    throttleFirstOfA('2');
    const t = h.make();
    await t.request({ ...h.get(), headers: { 'x-key': 'A' } });
    await t.request({ ...h.get(), headers: { 'x-key': 'B' } });
    expect(Object.keys(t.stats.pacers)).toEqual([h.server.origin]);
    // The second request waits one interval of the rate the first one's throttle taught:
    // 0.7 × the one request sent in the first 100 ms (the shortest span measured).
    expect(h.sleeps).toEqual([2_000, expect.closeTo(1_000 / 7, 1)]);
  });

  it('spaces requests at maxRequestsPerSecond from the first one on', async () => {
    const t = h.make({ maxRequestsPerSecond: 4 });
    for (let i = 0; i < 4; i++) await t.request(withKey(KEY_A, 'A'));
    expect(h.sleeps).toEqual([250, 250, 250]);
    expect(t.stats.pacers[`${h.server.origin}#${hash(KEY_A)}`]?.rate).toBe(4);
  });

  it.each([0, -1, Number.NaN])('refuses maxRequestsPerSecond %d', (cap) => {
    expect(() => h.make({ maxRequestsPerSecond: cap })).toThrow(RangeError);
  });

  it('keeps retrying a throttled stop while time remains, and sends it once it gets through', async () => {
    h.server.handler = (_req, res, n) =>
      n <= 6 ? json(res, 429, { error_code: 'APIG.0308' }) : json(res, 200, { jobId: 'j1' });
    const response = await h
      .make({ retry: { maxAttempts: 2 } })
      .request({ ...h.post(), deadline: START + 120_000 });
    expect(response).toMatchObject({ status: 200, attempts: 7 });
    expect(h.throttles).toHaveLength(6);
  });

  it('fails a request still waiting for its turn at the deadline, with the throttle as the cause', async () => {
    h.server.handler = (_req, res) => json(res, 429, { error_code: 'APIG.0308' }, { 'retry-after': '30' });
    const error = await failure(h.make().request({ ...h.post(), deadline: START + 20_000 }));
    expect(error).toMatchObject({ name: 'DeadlineExceededError', code: 'DEADLINE_EXCEEDED' });
    expect(error.cause).toMatchObject({ status: 429, gesCode: 'APIG.0308', retryAfterMs: 30_000 });
    expect(h.server.requests).toHaveLength(1);
  });
});
