import { describe, expect, it } from 'vitest';
import { GesHttpError, GesNetworkError } from '../../lib/errors.js';
import { errorCodeOf, parseGesError, parseRetryAfter } from '../../lib/http/failure.js';
import { Limiter } from '../../lib/http/limiter.js';
import { backoffDelay, DEFAULT_RETRY_POLICY, decideRetry, type Failure } from '../../lib/http/retry.js';

const request = { method: 'POST', url: '/v2/p/graphs/g/stop' };
const http = (status: number, gesCode?: string, retryAfterMs?: number): Failure => ({
  kind: 'http',
  error: new GesHttpError({ status, gesCode, request, retryAfterMs }),
});
const network = (code: string, sent: boolean): Failure => ({
  kind: 'network',
  error: new GesNetworkError(request, { detail: code }),
  code,
  sent,
});
const decide = (
  failure: Failure,
  idempotent: boolean,
  extra: { attempt?: number; deadline?: number | undefined } = {},
) =>
  decideRetry({
    attempt: extra.attempt ?? 1,
    failure,
    idempotent,
    now: 0,
    startedAt: 0,
    deadline: extra.deadline,
    random: () => 0.5,
    policy: DEFAULT_RETRY_POLICY,
  }).kind;

describe('Function: decideRetry', () => {
  it.each([
    // failure, GET (idempotent), POST (stop/start): a POST is sent again only when the answer
    // proves it was not carried out; a 408, 5xx or GES.7005/7006 may come after GES acted.
    [http(408), 'retry', 'outcome-unknown'],
    [http(429), 'retry', 'retry'],
    [http(503), 'retry', 'outcome-unknown'],
    [http(500), 'retry', 'outcome-unknown'],
    [http(502), 'retry', 'outcome-unknown'],
    [http(504), 'retry', 'outcome-unknown'],
    [http(500, 'GES.7005'), 'retry', 'outcome-unknown'],
    [http(500, 'GES.7006'), 'retry', 'outcome-unknown'],
    [http(400, 'GES.7006'), 'retry', 'outcome-unknown'],
    [http(501), 'throw', 'outcome-unknown'],
    [http(400, 'GES.7001'), 'throw', 'throw'],
    [http(401), 'throw', 'throw'],
    [http(403), 'throw', 'throw'],
    [http(404), 'throw', 'throw'],
    [network('ECONNREFUSED', false), 'retry', 'retry'],
    [network('UND_ERR_CONNECT_TIMEOUT', false), 'retry', 'retry'],
    [network('ECONNRESET', false), 'retry', 'retry'],
    [network('ECONNRESET', true), 'retry', 'outcome-unknown'],
    [network('UND_ERR_SOCKET', true), 'retry', 'outcome-unknown'],
    [network('UND_ERR_HEADERS_TIMEOUT', true), 'retry', 'outcome-unknown'],
    [network('UND_ERR_BODY_TIMEOUT', true), 'retry', 'outcome-unknown'],
    [network('HPE_INVALID_CONSTANT', true), 'throw', 'outcome-unknown'],
    [network('CERT_HAS_EXPIRED', false), 'throw', 'throw'],
    [{ kind: 'unknown', error: new TypeError('bug') } as Failure, 'throw', 'throw'],
  ])('%# GET → %s, POST → %s', (failure, forGet, forPost) => {
    expect(decide(failure, true)).toBe(forGet);
    expect(decide(failure, false)).toBe(forPost);
  });

  const last = DEFAULT_RETRY_POLICY.maxAttempts;
  it.each([
    // a GET: a count for everything but throttles, time for throttles
    ['502', http(502), last - 1, undefined, 'retry'],
    ['502', http(502), last, undefined, 'throw'],
    ['502', http(502), last, 1_000_000, 'throw'],
    ['ECONNREFUSED', network('ECONNREFUSED', false), last, 1_000_000, 'throw'],
    ['429 APIG.0308', http(429, 'APIG.0308'), last, 1_000_000, 'retry'],
    ['429 APIG.0308', http(429, 'APIG.0308'), 500, 1_000_000, 'retry'],
    ['400 APIG.0308', http(400, 'APIG.0308'), 500, 1_000_000, 'retry'],
    ['503', http(503), last - 1, 1_000_000, 'retry'],
    ['503', http(503), last, 1_000_000, 'throw'],
    ['408', http(408), last, 1_000_000, 'throw'],
    ['500 GES.7005', http(500, 'GES.7005'), last, 1_000_000, 'throw'],
    ['429', http(429), 50, 100, 'deadline'],
    ['503', http(503), 1, 50, 'deadline'],
  ])('%s after %i attempts, deadline %s → %s', (_name, failure, attempt, deadline, expected) => {
    expect(decide(failure, true, { attempt, deadline })).toBe(expected);
  });

  it('without a deadline, retries throttles for throttleBudgetMs after the first attempt', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, throttleBudgetMs: 60_000 };
    const input = { attempt: 9, idempotent: false, startedAt: 0, random: () => 0, policy };
    expect(decideRetry({ ...input, now: 59_999, failure: http(429) })).toMatchObject({ kind: 'retry' });
    expect(decideRetry({ ...input, now: 60_000, failure: http(429) })).toMatchObject({ kind: 'throw' });
    expect(decideRetry({ ...input, now: 1_000, failure: http(429, undefined, 58_000) })).toMatchObject({
      kind: 'retry',
    });
    expect(decideRetry({ ...input, now: 1_000, failure: http(429, undefined, 59_000) })).toMatchObject({
      kind: 'throw',
      reason: 'status 429, retried for 60000 ms without a deadline',
    });
  });

  it('leaves the wait of a throttle to the pacer: retries at once, if its Retry-After fits before the deadline', () => {
    const input = {
      attempt: 1,
      idempotent: false,
      now: 0,
      startedAt: 0,
      random: () => 0,
      policy: DEFAULT_RETRY_POLICY,
    };
    expect(decideRetry({ ...input, failure: http(429, 'APIG.0308', 2_000) })).toMatchObject({
      kind: 'retry',
      delayMs: 0,
    });
    expect(decideRetry({ ...input, failure: http(429, undefined, 2_000), deadline: 2_100 })).toMatchObject({
      kind: 'retry',
      delayMs: 0,
    });
    expect(decideRetry({ ...input, failure: http(429, undefined, 2_000), deadline: 2_099 })).toMatchObject({
      kind: 'deadline',
    });
    expect(
      decideRetry({ ...input, failure: http(429, undefined, 300_000), deadline: 400_000 }),
    ).toMatchObject({
      kind: 'retry',
    });
  });

  it('waits as long as Retry-After says for a 503, when it fits before the deadline', () => {
    const input = {
      attempt: 1,
      idempotent: true,
      now: 0,
      startedAt: 0,
      random: () => 0,
      policy: DEFAULT_RETRY_POLICY,
    };
    expect(decideRetry({ ...input, failure: http(503, undefined, 2_000), deadline: 2_100 })).toMatchObject({
      kind: 'retry',
      delayMs: 2_000,
    });
    expect(decideRetry({ ...input, failure: http(503, undefined, 2_000), deadline: 2_099 })).toMatchObject({
      kind: 'deadline',
    });
  });

  it('shortens its own backoff to fit before the deadline', () => {
    const input = {
      attempt: 3,
      idempotent: true,
      now: 0,
      startedAt: 0,
      random: () => 1,
      policy: DEFAULT_RETRY_POLICY,
    };
    expect(decideRetry({ ...input, failure: http(503) })).toMatchObject({ kind: 'retry', delayMs: 2_000 });
    expect(decideRetry({ ...input, failure: http(503), deadline: 700 })).toMatchObject({
      kind: 'retry',
      delayMs: 600,
    });
    expect(decideRetry({ ...input, failure: http(503), deadline: 100 })).toMatchObject({ kind: 'deadline' });
  });
});

describe('Function: backoffDelay', () => {
  const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1_000 };
  it.each([
    [1, 1, 100],
    [2, 1, 200],
    [3, 0.5, 200],
    [5, 1, 1_000],
    [9, 1, 1_000],
    [4, 0, 0],
  ])('attempt %i with random %d waits %i ms', (attempt, random, expected) => {
    expect(backoffDelay(attempt, policy, () => random)).toBe(expected);
  });
});

describe('Function: parseRetryAfter', () => {
  const now = Date.UTC(2026, 2, 29, 1, 30, 0);
  it.each([
    ['3', 3_000],
    ['0', 0],
    [' 1.5 ', 1_500],
    ['Sun, 29 Mar 2026 01:30:10 GMT', 10_000],
    ['Sun, 29 Mar 2026 01:00:00 GMT', 0],
    ['-5', undefined],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %j', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe('Function: parseGesError', () => {
  it.each([
    ['{"errorCode":"GES.7001","errorMessage":"not running"}', 'GES.7001', 'not running'],
    ['{"error_code":"APIG.0308","error_msg":"throttled","request_id":"r"}', 'APIG.0308', 'throttled'],
    ['{"error":{"code":"APIG.0301","message":"bad auth"}}', 'APIG.0301', 'bad auth'],
    ['{"errorCode":7001}', undefined, undefined],
    ['[1,2]', undefined, undefined],
    ['<html>502 Bad Gateway</html>', undefined, undefined],
    ['', undefined, undefined],
  ])('%s', (body, gesCode, gesMessage) => {
    expect(parseGesError(body)).toEqual({ gesCode, gesMessage });
  });
});

describe('Function: errorCodeOf', () => {
  const coded = (code: string) => Object.assign(new Error(code), { code });
  it.each([
    [coded('ECONNRESET'), 'ECONNRESET'],
    [new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')]), 'ECONNREFUSED'],
    [new Error('wrapped', { cause: coded('ENOTFOUND') }), 'ENOTFOUND'],
    [new TypeError('bug'), undefined],
    ['not an error', undefined],
  ])('%#', (error, expected) => {
    expect(errorCodeOf(error)).toBe(expected);
  });
});

describe('Class: Limiter', () => {
  it('hands slots over first come, first served', async () => {
    const limiter = new Limiter(1);
    const order: number[] = [];
    const first = await limiter.acquire();
    const waiting = [1, 2].map(async (n) => {
      const release = await limiter.acquire();
      order.push(n);
      return release;
    });
    expect(limiter.waiting).toBe(2);
    first!();
    (await waiting[0]!)!();
    (await waiting[1]!)!();
    expect(order).toEqual([1, 2]);
    expect(limiter.maxActive).toBe(1);
    expect(limiter.active).toBe(0);
  });

  it('gives up after the timeout, and rejects waiters when closed', async () => {
    const limiter = new Limiter(1);
    await limiter.acquire();
    expect(await limiter.acquire(10)).toBeUndefined();
    expect(await limiter.acquire(0)).toBeUndefined();
    const waiter = limiter.acquire();
    limiter.close(new Error('closed'));
    await expect(waiter).rejects.toThrow('closed');
    await expect(limiter.acquire()).rejects.toThrow('closed');
  });
});
