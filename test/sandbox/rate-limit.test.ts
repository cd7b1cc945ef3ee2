import { describe, expect, it } from 'vitest';
import { parseStatedLimit } from '../../lib/http/stated-limit.js';
import { parseFixture } from '../../sandbox/fixture.js';
import { RateLimiter, TokenBucket } from '../../sandbox/rate-limit.js';
import type { RateLimit } from '../../sandbox/types.js';
import { ACCOUNT, LIMITED, P1, P2, paths, setup } from './setup.js';

/** A monotonic clock the test moves by hand. */
function manualClock(startMs = 1_000) {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    advance: (ms: number) => {
      nowMs += ms;
    },
  };
}

const THROTTLED_BODY = {
  error_code: 'APIG.0308',
  error_msg: 'The throttling threshold has been reached: policy user over ratelimit,limit:10,time:1 second',
};

describe('TokenBucket', () => {
  it('lets a full bucket through `capacity` times, then says how long until the next token', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(1, 3, clock.now);
    expect([1, 2, 3, 4].map(() => bucket.take())).toEqual([
      { ok: true },
      { ok: true },
      { ok: true },
      { ok: false, waitMs: 1000 },
    ]);
  });

  it.each([
    {
      name: 'half a token after half the interval',
      rate: 1,
      advanceMs: 500,
      expected: { ok: false, waitMs: 500 },
    },
    { name: 'a whole token after the interval', rate: 1, advanceMs: 1000, expected: { ok: true } },
    { name: '10/s: a token every 100 ms', rate: 10, advanceMs: 100, expected: { ok: true } },
    {
      name: '10/s: not after 99 ms',
      rate: 10,
      advanceMs: 99,
      expected: { ok: false, waitMs: expect.closeTo(1, 6) },
    },
    { name: '0.5/s: a token every 2 s', rate: 0.5, advanceMs: 1000, expected: { ok: false, waitMs: 1000 } },
  ])('refills at its rate: $name', ({ rate, advanceMs, expected }) => {
    const clock = manualClock();
    const bucket = new TokenBucket(rate, 1, clock.now);
    expect(bucket.take()).toEqual({ ok: true });
    clock.advance(advanceMs);
    expect(bucket.take()).toEqual(expected);
  });

  it('never holds more than its capacity, however long it was idle', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(1, 2, clock.now);
    clock.advance(60_000);
    expect([1, 2, 3].map(() => bucket.take().ok)).toEqual([true, true, false]);
  });

  it('loses no tokens when the clock goes backwards', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(1, 1, clock.now);
    clock.advance(-5_000);
    expect(bucket.take()).toEqual({ ok: true });
  });
});

describe('RateLimiter', () => {
  it('keeps one bucket per access key', () => {
    const limiter = new RateLimiter({ requestsPerSecond: 1, burst: 1 }, manualClock().now);
    expect([limiter.check('A'), limiter.check('B'), limiter.check('A')]).toEqual([
      undefined,
      undefined,
      {
        requestsPerSecond: 1,
        message:
          'The throttling threshold has been reached: policy user over ratelimit,limit:1,time:1 second',
      },
    ]);
  });

  it.each([
    { rate: 20, stated: 'limit:20,time:1 second' },
    { rate: 0.5, stated: 'limit:1,time:2 second' },
    { rate: 2.5, stated: 'limit:5,time:2 second' },
    { rate: 0.1, stated: 'limit:1,time:10 second' },
    { rate: 1 / 60, stated: 'limit:1,time:1 minute' },
    { rate: 1 / 7_200, stated: 'limit:1,time:1 hour' }, // no whole count within an hour: rounded up to 1 an hour
    { rate: Math.PI, stated: 'limit:11310,time:1 hour' }, // no whole count of any whole second: per hour, rounded
  ])('states a rate of $rate a second in whole numbers, as the gateway does: $stated', ({ rate, stated }) => {
    const limiter = new RateLimiter({ requestsPerSecond: rate, burst: 1 }, manualClock().now);
    limiter.check('A');
    const answer = limiter.check('A');
    expect(answer?.message).toContain(`policy user over ratelimit,${stated}`);
    expect(parseStatedLimit(answer?.message)).toBeDefined();
  });

  it('defaults the burst to one second of requests', () => {
    const limiter = new RateLimiter({ requestsPerSecond: 4 }, manualClock().now);
    const answers = Array.from({ length: 5 }, () => limiter.check('A') === undefined);
    expect(answers).toEqual([true, true, true, true, false]);
  });

  it.each([
    { retryAfter: undefined, waitMs: 1500, expected: undefined },
    { retryAfter: 'none', waitMs: 1500, expected: undefined },
    { retryAfter: 'seconds', waitMs: 1500, expected: 2 },
    { retryAfter: 'seconds', waitMs: 200, expected: 1 },
    { retryAfter: 7, waitMs: 200, expected: 7 },
  ] as const)(
    'answers Retry-After $expected for $retryAfter with the next token $waitMs ms away',
    ({ retryAfter, waitMs, expected }) => {
      const clock = manualClock();
      const limit: RateLimit = { requestsPerSecond: 0.5, burst: 1, ...(retryAfter ? { retryAfter } : {}) };
      const limiter = new RateLimiter(limit, clock.now);
      limiter.check('A');
      clock.advance(2000 - waitMs);
      expect(limiter.check('A')?.retryAfterSeconds).toBe(expected);
    },
  );

  it('lets everything through without a limit, and refills every bucket when the limit is replaced', () => {
    const limiter = new RateLimiter(undefined, manualClock().now);
    expect(Array.from({ length: 100 }, () => limiter.check('A')).every((t) => t === undefined)).toBe(true);
    limiter.set({ requestsPerSecond: 1, burst: 1 });
    expect([limiter.check('A'), limiter.check('A')?.requestsPerSecond]).toEqual([undefined, 1]);
    limiter.set({ requestsPerSecond: 1, burst: 1 });
    expect(limiter.check('A')).toBeUndefined();
  });

  it.each([
    { limit: { requestsPerSecond: 0 }, message: /requestsPerSecond/ },
    { limit: { requestsPerSecond: Number.NaN }, message: /requestsPerSecond/ },
    { limit: { requestsPerSecond: 1, burst: 0 }, message: /burst/ },
    { limit: { requestsPerSecond: 1, burst: 1.5 }, message: /burst/ },
    { limit: { requestsPerSecond: 1, retryAfter: -1 }, message: /retryAfter/ },
    { limit: { requestsPerSecond: 1, retryAfter: 'later' }, message: /retryAfter/ },
  ])('refuses a limit that cannot mean anything ($message)', ({ limit, message }) => {
    expect(() => new RateLimiter(limit as RateLimit, manualClock().now)).toThrow(message);
  });
});

describe('GesSandbox: rate limit', () => {
  /** Almost no refill during a test: only the burst gets through. */
  const burstOnly = (burst: number): RateLimit => ({ requestsPerSecond: 0.001, burst });

  it('throttles an access key over its burst across projects and calls with 429 APIG.0308', async () => {
    // A clock that stands still: no refill between the requests, however slow the machine.
    const { sandbox, client } = await setup({
      rateLimit: { requestsPerSecond: 10, burst: 2 },
      monotonicMs: () => 0,
    });
    const answers = [
      await client.call(paths.v2.list(P1)),
      await client.call(paths.v1.get(P2, sandbox.graphs(P2)[0]?.id ?? '')),
      await client.call(paths.v2.stop(P1, 'g-running')),
      await client.call(paths.v1.list(P2)),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 429, 429]);
    // The gateway's own body, whatever the path's API version.
    expect(answers[2]?.json).toEqual(THROTTLED_BODY);
    expect(answers[3]?.json).toEqual(THROTTLED_BODY);
    expect(answers[2]?.headers['retry-after']).toBeUndefined();
  });

  it('never carries out a throttled stop, and records it as a 429 throttle', async () => {
    const { sandbox, client } = await setup({ rateLimit: burstOnly(1) });
    await client.call(paths.v2.list(P1));
    const res = await client.call(paths.v2.stop(P1, 'g-running'));
    expect(res.status).toBe(429);
    expect(sandbox.graph(P1, 'g-running')?.status).toBe('200');
    expect(sandbox.requests[1]).toMatchObject({ kind: 'stop', status: 429, fault: 'throttle' });
    expect(sandbox.count({ fault: 'throttle' })).toBe(1);
    expect(sandbox.count({ status: 429 })).toBe(1);
    expect(sandbox.requestsMatching({ fault: 'throttle' }).map((r) => r.kind)).toEqual(['stop']);
  });

  it('gives each access key its own bucket', async () => {
    const { client } = await setup({ rateLimit: burstOnly(1) });
    const statuses = [
      (await client.call(paths.v2.list(P1))).status,
      (await client.call(paths.v2.list(P1), { account: LIMITED })).status,
      (await client.call(paths.v2.list(P1))).status,
    ];
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('authenticates first: an unknown or wrongly signed key gets 401 and takes no token', async () => {
    const { sandbox, client } = await setup({ rateLimit: burstOnly(1) });
    const unknown = await client.call(paths.v2.list(P1), { account: { ak: 'UNKNOWNAK', sk: 'x' } });
    const badSignature = await client.call(paths.v2.list(P1), { account: { ak: ACCOUNT.ak, sk: 'wrong' } });
    const good = await client.call(paths.v2.list(P1));
    expect([unknown.status, badSignature.status, good.status]).toEqual([401, 401, 200]);
    expect(sandbox.count({ fault: 'throttle' })).toBe(0);
  });

  it('throttles before the project checks: a key over its limit gets 429 even for a forbidden project', async () => {
    const { client } = await setup({ rateLimit: burstOnly(1) });
    await client.call(paths.v2.list(P1), { account: LIMITED });
    expect((await client.call(paths.v2.list(P2), { account: LIMITED })).status).toBe(429);
  });

  it('refills with the monotonic clock and sends Retry-After in whole seconds when asked', async () => {
    const clock = manualClock();
    const rateLimit: RateLimit = { requestsPerSecond: 1, burst: 1, retryAfter: 'seconds' };
    const { client } = await setup({ rateLimit, monotonicMs: clock.now });
    expect((await client.call(paths.v2.list(P1))).status).toBe(200);
    const throttled = await client.call(paths.v2.list(P1));
    expect(throttled).toMatchObject({ status: 429, headers: { 'retry-after': '1' } });
    clock.advance(1000);
    expect((await client.call(paths.v2.list(P1))).status).toBe(200);
  });

  it('changes the limit at runtime with setRateLimit, and lifts it with undefined', async () => {
    const { sandbox, client } = await setup();
    expect((await client.call(paths.v2.list(P1))).status).toBe(200);
    sandbox.setRateLimit(burstOnly(1));
    expect(sandbox.rateLimit).toEqual(burstOnly(1));
    const limited = [
      (await client.call(paths.v2.list(P1))).status,
      (await client.call(paths.v2.list(P1))).status,
    ];
    sandbox.setRateLimit(undefined);
    expect([...limited, (await client.call(paths.v2.list(P1))).status]).toEqual([200, 429, 200]);
    expect(() => sandbox.setRateLimit({ requestsPerSecond: -1 })).toThrow(/requestsPerSecond/);
  });

  it('refuses a bad limit before listening', async () => {
    await expect(setup({ rateLimit: { requestsPerSecond: 1, burst: 0 } })).rejects.toThrow(/burst/);
  });

  it('records a throttle after a latency fault as latency+throttle, found by either effect', async () => {
    const { sandbox, client } = await setup({
      rateLimit: burstOnly(1),
      faults: [{ kinds: ['get'], effect: { type: 'latency', ms: 1 } }],
    });
    await client.call(paths.v2.list(P1));
    await client.call(paths.v2.get(P1, 'g-running'));
    expect(sandbox.requests[1]?.fault).toBe('latency+throttle');
    expect([sandbox.count({ fault: 'throttle' }), sandbox.count({ fault: 'latency' })]).toEqual([1, 1]);
  });

  it('reads a rate limit from a fixture', () => {
    const text = `accounts: [{ak: A, sk: S}]\ngraphs: []\nrateLimit: {requestsPerSecond: 2, burst: 4, retryAfter: seconds}\n`;
    expect(parseFixture(text, 'f').rateLimit).toEqual({
      requestsPerSecond: 2,
      burst: 4,
      retryAfter: 'seconds',
    });
    expect(() =>
      parseFixture('accounts: [{ak: A, sk: S}]\ngraphs: []\nrateLimit: {requestsPerSecond: 0}', 'f'),
    ).toThrow(/rateLimit\.requestsPerSecond/);
  });
});
