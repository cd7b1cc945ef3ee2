import { describe, expect, it } from 'vitest';
import { DeadlineExceededError, GesTimeoutError, OutcomeUnknownError } from '../../lib/errors.js';
import { failure, START, useHarness } from './harness.js';
import { json } from './loopback.js';

const h = useHarness();

describe('Class: Transport › timeouts and deadlines', () => {
  it('gives up on a server that never answers after requestTimeoutMs', async () => {
    h.server.handler = () => {};
    const started = Date.now();
    const error = await failure(
      h.make({ requestTimeoutMs: 200, retry: { maxAttempts: 2 } }).request(h.get()),
    );
    expect(error).toBeInstanceOf(GesTimeoutError);
    expect(error.message).toBe('Request timed out after 200 ms: GET /things?x=1');
    expect(h.server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports a POST that timed out after sending as outcome unknown', async () => {
    h.server.handler = () => {};
    const error = await failure(h.make({ requestTimeoutMs: 200 }).request(h.post()));
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(error.cause).toBeInstanceOf(GesTimeoutError);
    expect(h.server.requests).toHaveLength(1);
  });

  it('limits each attempt to the time left before the deadline', async () => {
    h.server.handler = () => {};
    const error = await failure(
      h.make({ requestTimeoutMs: 10_000, now: Date.now }).request({ ...h.get(), deadline: Date.now() + 150 }),
    );
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error.cause).toBeInstanceOf(GesTimeoutError);
    expect(h.server.requests).toHaveLength(1);
  });

  it('never sleeps past the deadline: shortens its own backoff, then gives up', async () => {
    h.answerInTurn(503);
    let clock = 1_000_000;
    const t = h.make({
      now: () => clock,
      random: () => 1,
      sleep: async (ms) => {
        h.sleeps.push(ms);
        clock += ms;
      },
      retry: { maxAttempts: 10, baseDelayMs: 1_000, minAttemptMs: 100 },
    });
    const error = await failure(t.request({ ...h.get(), deadline: clock + 2_500 }));
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error.cause).toMatchObject({ name: 'GesHttpError', status: 503 });
    expect(h.sleeps).toEqual([1_000, 1_400]);
    expect(h.server.requests).toHaveLength(3);
  });

  it('throws DeadlineExceededError at once when a Retry-After would end past the deadline', async () => {
    h.server.handler = (_req, res) => json(res, 429, {}, { 'retry-after': '5' });
    const error = await failure(h.make().request({ ...h.post(), deadline: START + 3_000 }));
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error.cause).toMatchObject({ status: 429 });
    expect(h.sleeps).toEqual([]);
    expect(h.server.requests).toHaveLength(1);
  });

  it('waits for a long Retry-After that fits before the deadline', async () => {
    h.server.handler = (_req, res, n) =>
      n === 1 ? json(res, 429, { error_code: 'APIG.0308' }, { 'retry-after': '120' }) : json(res, 200, {});
    const response = await h.make().request({ ...h.post(), deadline: START + 600_000 });
    expect(response.attempts).toBe(2);
    expect(h.sleeps).toEqual([120_000]);
  });

  it('retries a throttle until the deadline, then fails with the 429 as the cause', async () => {
    h.server.handler = (_req, res) => json(res, 429, { error_code: 'APIG.0308', error_msg: 'throttled' });
    const error = await failure(
      h.make({ retry: { maxAttempts: 2 } }).request({ ...h.post(), deadline: START + 10_000 }),
    );
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error.cause).toMatchObject({ name: 'GesHttpError', status: 429, gesCode: 'APIG.0308' });
    expect(h.server.requests.length).toBeGreaterThan(2);
    expect(h.now()).toBeLessThanOrEqual(START + 10_000);
    expect(h.transport!.stats.throttled).toBe(h.server.requests.length);
  });

  it.each([
    ['a fractional deadline', { deadline: Date.now() + 60_000.25 }, {}],
    ['a fractional requestTimeoutMs', {}, { requestTimeoutMs: 1_500.5 }],
    ['a requestTimeoutMs beyond what a timer can wait', {}, { requestTimeoutMs: 3e10 }],
  ])('accepts %s', async (_name, request, options) => {
    h.answerInTurn(503, 200);
    const t = h.make({ now: Date.now, sleep: undefined, retry: { baseDelayMs: 0.5 }, ...options });
    const response = await t.request({ ...h.get(), ...request });
    expect(response.attempts).toBe(2);
  });

  it('sends nothing when the deadline has already passed', async () => {
    const error = await failure(h.make().request({ ...h.get(), deadline: START - 1 }));
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error.cause).toBeUndefined();
    expect(h.server.requests).toHaveLength(0);
  });
});
