import { describe, expect, it } from 'vitest';
import { GesHttpError, GesNetworkError, OutcomeUnknownError } from '../../lib/errors.js';
import { failure, resetSocket, START, useHarness } from './harness.js';
import { closedPort, json } from './loopback.js';

const h = useHarness();

describe('Class: Transport', () => {
  it('returns a 2xx answer with its headers, body and attempt count', async () => {
    h.server.handler = (_req, res) => json(res, 200, { ok: true }, { 'x-request-id': 'r1' });
    const response = await h.make().request(h.get());
    expect(response).toMatchObject({ status: 200, body: '{"ok":true}', attempts: 1 });
    expect(response.headers['x-request-id']).toBe('r1');
    expect(h.server.requests.map((r) => r.url)).toEqual(['/things?x=1']);
  });

  it('retries a 503, then returns the success', async () => {
    h.answerInTurn(503, 200);
    const response = await h.make().request(h.get());
    expect(response.attempts).toBe(2);
    expect(h.server.requests).toHaveLength(2);
    expect(h.retries).toEqual([
      expect.objectContaining({
        attempt: 1,
        reason: 'status 503 X.1',
        url: '/things?x=1',
        errorCode: 'GES_HTTP',
      }),
    ]);
    expect(h.transport!.stats).toEqual({
      requests: 2,
      retries: 1,
      throttled: 0,
      byOrigin: { [h.server.origin]: { requests: 2, retries: 1, throttled: 0, maxInFlight: 1 } },
      pacers: { [h.server.origin]: { origin: h.server.origin, throttled: 0, rate: undefined } },
    });
  });

  it('backs off exponentially with full jitter', async () => {
    h.answerInTurn(502, 502, 502, 200);
    await h.make({ random: () => 0.99, retry: { maxAttempts: 4, baseDelayMs: 100 } }).request(h.get());
    expect(h.sleeps).toEqual([99, 198, 396]);
  });

  it.each([
    ['delta-seconds', () => '2', 2_000],
    ['an HTTP-date', (now: number) => new Date(now + 3_000).toUTCString(), 3_000],
    ['an HTTP-date in the past', (now: number) => new Date(now - 60_000).toUTCString(), 0],
  ])('honours Retry-After given as %s', async (_name, header, expected) => {
    h.server.handler = (_req, res, n) =>
      n === 1
        ? json(res, 429, { error_code: 'APIG.0308' }, { 'retry-after': header(START) })
        : json(res, 200, {});
    const response = await h.make().request(h.post());
    expect(response.attempts).toBe(2);
    // The pacer waits, not the retry: the whole (origin, key) is paused for the Retry-After.
    expect(h.sleeps).toEqual(expected === 0 ? [] : [expected]);
  });

  it('without a deadline, gives up on a Retry-After that ends past throttleBudgetMs', async () => {
    h.server.handler = (_req, res) => json(res, 429, {}, { 'retry-after': '120' });
    const error = await failure(h.make({ retry: { throttleBudgetMs: 60_000 } }).request(h.get()));
    expect(error).toBeInstanceOf(GesHttpError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 120_000 });
    expect(h.server.requests).toHaveLength(1);
  });

  it.each([502, 504, 500])('stops a %i after maxAttempts and throws the last error', async (status) => {
    h.answerInTurn(status);
    const error = await failure(h.make({ retry: { maxAttempts: 3 } }).request(h.get()));
    expect(error).toBeInstanceOf(GesHttpError);
    expect((error as GesHttpError).status).toBe(status);
    expect(h.server.requests).toHaveLength(3);
  });

  it('retries a throttle beyond maxAttempts while time remains', async () => {
    h.answerInTurn(429, 429, 429, 429, 429, 200);
    const response = await h
      .make({ retry: { maxAttempts: 2 } })
      .request({ ...h.post(), deadline: START + 60_000 });
    expect(response.attempts).toBe(6);
  });

  it.each([408, 503])(
    'reads a GET again after a %i, but only maxAttempts times: an outage does not end by waiting',
    async (status) => {
      h.answerInTurn(status, status, status, status, status, 200);
      const error = await failure(
        h.make({ retry: { maxAttempts: 3 } }).request({ ...h.get(), deadline: START + 60_000 }),
      );
      expect(error).toMatchObject({ name: 'GesHttpError', status });
      expect(h.server.requests).toHaveLength(3);
    },
  );

  it.each([400, 401, 403, 404, 409])('never retries a %i', async (status) => {
    h.answerInTurn(status);
    const error = await failure(h.make().request(h.get()));
    expect(error).toMatchObject({ name: 'GesHttpError', status });
    expect(h.server.requests).toHaveLength(1);
  });

  it('never retries an unknown error (a bug), and sends nothing', async () => {
    const sign = () => {
      throw new TypeError('bug in the signer');
    };
    const error = await failure(h.make().request(h.get(), sign));
    expect(error).toBeInstanceOf(TypeError);
    expect(h.server.requests).toHaveLength(0);
    expect(h.transport!.stats.requests).toBe(0);
  });

  it('signs every attempt afresh', async () => {
    h.answerInTurn(429, 200);
    let calls = 0;
    const sign = (req: { headers: Readonly<Record<string, string>>; body: string | undefined }) => ({
      ...req.headers,
      'x-attempt': String(++calls),
      'x-body': req.body ?? '',
    });
    await h.make().request({ ...h.post(), headers: { 'x-fixed': 'yes' } }, sign);
    expect(
      h.server.requests.map((r) => [r.headers['x-attempt'], r.headers['x-fixed'], r.headers['x-body']]),
    ).toEqual([
      ['1', 'yes', '{}'],
      ['2', 'yes', '{}'],
    ]);
  });
});

describe('Class: Transport › idempotency', () => {
  // Only a throttle proves a stop was not carried out: a 408 or a 5xx may come after GES acted.
  it.each([
    [408, 'outcome unknown'],
    [429, 'retried'],
    [503, 'outcome unknown'],
    [500, 'outcome unknown'],
    [502, 'outcome unknown'],
    [504, 'outcome unknown'],
  ])('a POST answered %i is %s', async (status, expected) => {
    h.answerInTurn(status, 200);
    const result = await h
      .make()
      .request(h.post())
      .catch((e: unknown) => e);
    if (expected === 'retried') {
      expect(result).toMatchObject({ status: 200, attempts: 2 });
    } else {
      expect(result).toBeInstanceOf(OutcomeUnknownError);
      expect((result as Error).cause).toMatchObject({ name: 'GesHttpError', status });
      expect(h.server.requests).toHaveLength(1);
    }
  });

  it.each([
    [500, 'GES.7005', 'outcome unknown'],
    [500, 'GES.7006', 'outcome unknown'],
    [400, 'GES.7006', 'outcome unknown'],
    [400, 'GES.7001', 'refused'],
  ])('a POST answered %i %s is %s', async (status, gesCode, expected) => {
    h.server.handler = (_req, res, n) =>
      n === 1 ? json(res, status, { errorCode: gesCode }) : json(res, 200, {});
    const result = await h
      .make()
      .request(h.post())
      .catch((e: unknown) => e);
    if (expected === 'refused') expect(result).toMatchObject({ name: 'GesHttpError', gesCode });
    else expect(result).toBeInstanceOf(OutcomeUnknownError);
    expect(h.server.requests).toHaveLength(1);
  });

  it('retries a GET whose connection was reset', async () => {
    h.server.handler = (req, res, n) => (n === 1 ? resetSocket(res) : json(res, 200, { url: req.url }));
    const response = await h.make().request(h.get());
    expect(response.attempts).toBe(2);
    expect(h.retries[0]?.errorCode).toBe('NETWORK');
  });

  it('reports a POST whose connection was reset after sending as outcome unknown, without retrying', async () => {
    h.server.handler = (_req, res) => resetSocket(res);
    const error = await failure(h.make().request(h.post()));
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(error.cause).toBeInstanceOf(GesNetworkError);
    expect(h.server.requests).toHaveLength(1);
  });

  it('retries a POST whose connection was refused (it was never sent)', async () => {
    const url = new URL(`http://127.0.0.1:${await closedPort()}/things/1/stop`);
    const error = await failure(h.make().request({ ...h.post(), url }));
    expect(error).toBeInstanceOf(GesNetworkError);
    expect(error.message).toContain('ECONNREFUSED');
    expect(h.transport!.stats.requests).toBe(3);
    expect(h.retries.map((r) => r.reason)).toEqual(['ECONNREFUSED (not sent)', 'ECONNREFUSED (not sent)']);
  });
});
