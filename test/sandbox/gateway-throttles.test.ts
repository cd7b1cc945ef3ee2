import { describe, expect, it } from 'vitest';
import { parseCliArgs, type ServeCommand } from '../../sandbox/cli-args.js';
import { RateLimiter, TokenBucket } from '../../sandbox/rate-limit.js';
import { DEFAULT_RANDOM_THROTTLE_MESSAGE, GatewayThrottles } from '../../sandbox/throttles.js';
import { P1, paths, setup } from './setup.js';

function manualClock(startMs = 1_000) {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    advance: (ms: number) => {
      nowMs += ms;
    },
  };
}

describe('GatewayThrottles: a fixed window per access key', () => {
  it('lets `limit` through per window, refuses the rest stating the limit, and opens the next window', () => {
    const clock = manualClock();
    const throttles = new GatewayThrottles({ windowLimit: { limit: 2, periodSeconds: 60 } }, clock.now, 1);
    expect([throttles.check('A'), throttles.check('A')]).toEqual([undefined, undefined]);
    clock.advance(59_000);
    expect(throttles.check('A')).toEqual({
      requestsPerSecond: 2 / 60,
      message: 'The throttling threshold has been reached: policy user over ratelimit,limit:2,time:1 minute',
    });
    expect(throttles.check('B')).toBeUndefined(); // each key its own window
    clock.advance(1_000);
    expect(throttles.check('A')).toBeUndefined();
  });

  it('keeps windows on the first one’s grid, and says when the next opens when asked', () => {
    const clock = manualClock(0);
    const window = { limit: 1, periodSeconds: 10, policy: 'ip' as const, retryAfter: 'window' as const };
    const throttles = new GatewayThrottles({ windowLimit: window }, clock.now, 1);
    throttles.check('A');
    clock.advance(25_000); // the third window, opened at 20 s
    expect(throttles.check('A')).toBeUndefined();
    clock.advance(1_500);
    expect(throttles.check('A')).toMatchObject({
      message: expect.stringContaining('policy ip over ratelimit,limit:1,time:10 second'),
      retryAfterSeconds: 4,
    });
  });

  it.each([
    [{ windowLimit: { limit: 0, periodSeconds: 60 } }, /limit must be/],
    [{ windowLimit: { limit: 1, periodSeconds: 0.5 } }, /periodSeconds/],
    [{ windowLimit: { limit: 1, periodSeconds: 60, policy: 'tenant' as never } }, /policy/],
    [{ randomThrottle: { share: 1.5 } }, /share/],
    [{ randomThrottle: { share: 0.1, retryAfterSeconds: -1 } }, /retryAfterSeconds/],
  ])('refuses %j', (options, message) => {
    expect(() => new GatewayThrottles(options, () => 0, 1)).toThrow(message);
  });
});

describe('GatewayThrottles: 429s at random', () => {
  it('refuses about the share asked, whatever the rate, from a seeded draw', () => {
    const throttles = new GatewayThrottles({ randomThrottle: { share: 0.3 } }, () => 0, 16);
    const refused = Array.from({ length: 2_000 }, () => throttles.check('A')).filter(Boolean).length;
    expect(refused / 2_000).toBeGreaterThan(0.27);
    expect(refused / 2_000).toBeLessThan(0.33);
  });

  it.each([
    [{ share: 1 }, { requestsPerSecond: 0, message: DEFAULT_RANDOM_THROTTLE_MESSAGE }],
    [
      { share: 1, retryAfterSeconds: 1, message: 'policy user over ratelimit,limit:9,time:1 second' },
      {
        requestsPerSecond: 0,
        message: 'policy user over ratelimit,limit:9,time:1 second',
        retryAfterSeconds: 1,
      },
    ],
  ])('answers %j with its text and Retry-After', (randomThrottle, expected) => {
    expect(new GatewayThrottles({ randomThrottle }, () => 0, 1).check('A')).toEqual(expected);
  });

  it('names an api policy by default', () => {
    expect(DEFAULT_RANDOM_THROTTLE_MESSAGE).toContain('policy api over ratelimit,limit:1000,time:1 second');
  });
});

describe('Another client on the same bucket', () => {
  it('leaves only what it does not spend: 20/s less 8/s refills 12 tokens a second', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(20, 20, clock.now, 8);
    for (let i = 0; i < 20; i++) bucket.take();
    clock.advance(1_000);
    const got = Array.from({ length: 20 }, () => bucket.take().ok).filter(Boolean).length;
    expect(got).toBe(12);
  });

  it('names the policy it was given, and refuses spending all of the bucket', () => {
    const limiter = new RateLimiter({ requestsPerSecond: 1, burst: 1, policy: 'api' }, manualClock().now);
    limiter.check('A');
    expect(limiter.check('A')?.message).toContain('policy api over ratelimit,limit:1,time:1 second');
    expect(() => new RateLimiter({ requestsPerSecond: 10, otherClientPerSecond: 10 }, () => 0)).toThrow(
      /otherClientPerSecond/,
    );
  });
});

describe('GesSandbox: the gateway’s stated throttles', () => {
  it('answers a spent window with the gateway’s v2 body whatever the path, and carries nothing out', async () => {
    const { sandbox, client } = await setup({ windowLimit: { limit: 1, periodSeconds: 60 } });
    await client.call(paths.v2.list(P1));
    const res = await client.call(paths.v1.stop(P1, 'g-running'));
    expect(res.status).toBe(429);
    expect(res.json).toEqual({
      error_code: 'APIG.0308',
      error_msg:
        'The throttling threshold has been reached: policy user over ratelimit,limit:1,time:1 minute',
    });
    expect(sandbox.graph(P1, 'g-running')?.status).toBe('200');
    expect(sandbox.count({ fault: 'throttle' })).toBe(1);
  });

  it('throttles at random with the chosen text and Retry-After', async () => {
    const { sandbox, client } = await setup({
      randomThrottle: {
        share: 1,
        retryAfterSeconds: 2,
        message: 'policy app over ratelimit,limit:3,time:1 second',
      },
    });
    const res = await client.call(paths.v2.list(P1));
    expect(res).toMatchObject({ status: 429, headers: { 'retry-after': '2' } });
    expect((res.json as { error_msg: string }).error_msg).toBe(
      'policy app over ratelimit,limit:3,time:1 second',
    );
    expect(sandbox.count({ fault: 'throttle' })).toBe(1);
  });
});

describe('npm run sandbox: throttle flags', () => {
  const serve = (...args: string[]) => parseCliArgs(args) as ServeCommand;

  it('reads a window, random throttles with their text, a policy and another client', () => {
    const command = serve(
      '--rate',
      '20',
      '--other-client',
      '8',
      '--policy',
      'ip',
      '--window',
      '120/minute',
      '--random-throttle',
      '0.05:1',
      '--throttle-message',
      'policy api over ratelimit,limit:9,time:1 second',
    );
    expect(command.rateLimit).toEqual({ requestsPerSecond: 20, otherClientPerSecond: 8, policy: 'ip' });
    expect(command.windowLimit).toEqual({ limit: 120, periodSeconds: 60, policy: 'ip' });
    expect(command.randomThrottle).toEqual({
      share: 0.05,
      retryAfterSeconds: 1,
      message: 'policy api over ratelimit,limit:9,time:1 second',
    });
    expect(serve('--window', '20/10s').windowLimit).toEqual({ limit: 20, periodSeconds: 10 });
  });

  it.each([
    [['--other-client', '8'], /--other-client needs --rate/],
    [['--rate', '10', '--other-client', '10'], /--other-client must be/],
    [['--window', '120'], /--window must be LIMIT\/PERIOD/],
    [['--window', '0/minute'], /--window must be/],
    [['--random-throttle', '2'], /--random-throttle must be/],
    [['--random-throttle', '0.1:soon'], /Retry-After must be whole seconds/],
    [['--throttle-message', 'x'], /--throttle-message needs --random-throttle/],
    [['--rate', '1', '--policy', 'tenant'], /--policy must be one of/],
  ])('refuses %j', (args, message) => {
    expect(() => parseCliArgs(args)).toThrow(message);
  });
});
