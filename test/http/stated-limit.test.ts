import { describe, expect, it } from 'vitest';
import { parseGesError } from '../../lib/http/failure.js';
import {
  isShared,
  isWindowed,
  nextWindowAt,
  parseStatedLimit,
  statedPace,
} from '../../lib/http/stated-limit.js';

const MINUTE = 60_000;

describe('Function: parseStatedLimit', () => {
  it.each([
    {
      name: 'v2 spelling, as seen in the wild',
      body: '{"error_msg":"The throttling threshold has been reached: policy ip over ratelimit,limit:5,time:1 minute","error_code":"APIG.0308","request_id":"3b4e"}',
      expected: { policy: 'ip', limit: 5, periodMs: MINUTE },
    },
    {
      name: 'v1.0 spelling',
      body: '{"errorCode":"APIG.0308","errorMessage":"The throttling threshold has been reached: policy user over ratelimit,limit:120,time:1 minute"}',
      expected: { policy: 'user', limit: 120, periodMs: MINUTE },
    },
    {
      name: 'spaces after the commas',
      body: '{"error_code":"APIG.0308","error_msg":"The throttling threshold has been reached: policy app over ratelimit, limit:100, time:1 second"}',
      expected: { policy: 'app', limit: 100, periodMs: 1_000 },
    },
    {
      name: 'an api policy per hour',
      body: '{"error_code":"APIG.0308","error_msg":"The throttling threshold has been reached: policy api over ratelimit,limit:5000,time:1 hour"}',
      expected: { policy: 'api', limit: 5000, periodMs: 3_600_000 },
    },
    {
      name: 'a period of several units, plural',
      body: '{"error_code":"APIG.0308","error_msg":"policy USER over ratelimit,limit:20,time:10 seconds"}',
      expected: { policy: 'user', limit: 20, periodMs: 10_000 },
    },
    {
      name: 'a day without a count',
      body: '{"error_code":"APIG.0308","error_msg":"policy user over ratelimit,limit:1000,time:day"}',
      expected: { policy: 'user', limit: 1000, periodMs: 86_400_000 },
    },
    {
      name: 'a limit without a policy',
      body: '{"error_code":"APIG.0308","error_msg":"The throttling threshold has been reached: limit:10,time:1 second"}',
      expected: { policy: undefined, limit: 10, periodMs: 1_000 },
    },
  ])('reads $name', ({ body, expected }) => {
    expect(parseStatedLimit(parseGesError(body).gesMessage)).toEqual(expected);
  });

  it.each([
    ['no message', undefined],
    ['the bare sentence', 'The throttling threshold has been reached'],
    ['a zero limit', 'policy user over ratelimit,limit:0,time:1 second'],
    ['a fractional limit', 'policy user over ratelimit,limit:0.5,time:1 second'],
    ['an unknown unit', 'policy user over ratelimit,limit:5,time:1 week'],
    ['no time', 'policy user over ratelimit,limit:5'],
    ['a zero period', 'policy user over ratelimit,limit:5,time:0 second'],
    ['not JSON at all', parseGesError('<html>429 Too Many Requests</html>').gesMessage],
  ])('states nothing for %s', (_name, message) => {
    expect(parseStatedLimit(message)).toBeUndefined();
  });

  it('takes a policy it does not know as none', () => {
    expect(parseStatedLimit('policy tenant over ratelimit,limit:5,time:1 second')?.policy).toBeUndefined();
  });
});

describe('Function: statedPace, isShared, isWindowed', () => {
  it.each([
    [{ policy: 'user', limit: 20, periodMs: 1_000 }, 19.6, false, false],
    [{ policy: 'api', limit: 1000, periodMs: 1_000 }, 980, true, false],
    [{ policy: 'user', limit: 120, periodMs: MINUTE }, 1.96, false, true],
  ] as const)('%j: paced at %d/s, shared %s, windowed %s', (stated, pace, shared, windowed) => {
    expect(statedPace(stated)).toBeCloseTo(pace, 5);
    expect([isShared(stated), isWindowed(stated)]).toEqual([shared, windowed]);
  });
});

describe('Function: nextWindowAt', () => {
  const stated = { policy: 'user' as const, limit: 3, periodMs: MINUTE };
  it.each([
    {
      name: 'the window we filled: its first send + the period',
      sends: [100, 200, 300],
      expected: 100 + MINUTE + 50,
    },
    { name: 'the last `limit` sends count', sends: [5, 100, 200, 300], expected: 100 + MINUTE + 50 },
    {
      name: 'fewer sends than the limit (others spent the window): look again a sixth of a period from now',
      sends: [200, 300],
      expected: 1_000 + MINUTE / 6,
    },
    {
      name: 'sends older than a period: a sixth of a period from now',
      sends: [-MINUTE, 200, 300],
      expected: 1_000 + MINUTE / 6,
    },
  ])('$name', ({ sends, expected }) => {
    expect(nextWindowAt(sends, stated, 1_000, 50)).toBe(expected);
  });

  it('looks again at least a second later when the start is unknown, however short the period', () => {
    expect(nextWindowAt([], { policy: 'user', limit: 5, periodMs: 2_000 }, 1_000, 50)).toBe(2_000);
  });
});
