import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GesHttpError } from '../../lib/errors.js';
import { Transport } from '../../lib/http/transport.js';
import { json, Loopback } from './loopback.js';

let server: Loopback;
let transport: Transport;

beforeEach(async () => {
  server = await Loopback.start();
  // One attempt for every kind of failure (no deadline, and no time budget for 429/503 either).
  transport = new Transport({
    concurrency: 2,
    requestTimeoutMs: 2_000,
    retry: { maxAttempts: 1, throttleBudgetMs: 0 },
  });
});

afterEach(async () => {
  await transport.close();
  await server.close();
});

describe('Class: Transport › error mapping', () => {
  it.each([
    {
      status: 400,
      body: { errorCode: 'GES.7001', errorMessage: 'graph is not running' },
      gesCode: 'GES.7001',
      gesMessage: 'graph is not running',
      message:
        'Request failed with status code 400: POST /v1.0/p/graphs/g/action?action_id=stop GES.7001 (graph is not running)',
    },
    {
      status: 401,
      body: { error_code: 'APIG.0301', error_msg: 'Incorrect IAM authentication information' },
      gesCode: 'APIG.0301',
      gesMessage: 'Incorrect IAM authentication information',
      message: 'Request failed with status code 401 (credentials or signature refused)',
    },
    {
      status: 403,
      body: { error_code: 'GES.0016', error_msg: 'forbidden' },
      gesCode: 'GES.0016',
      gesMessage: 'forbidden',
      message: 'status code 403 (not allowed for these credentials)',
    },
    {
      status: 404,
      body: 'Not Found',
      gesCode: undefined,
      gesMessage: undefined,
      message: 'status code 404: POST',
    },
    {
      status: 429,
      body: { error_code: 'APIG.0308', error_msg: 'The throttling threshold has been reached' },
      gesCode: 'APIG.0308',
      gesMessage: 'The throttling threshold has been reached',
      message: 'status code 429 (throttled)',
    },
    {
      status: 500,
      body: { errorCode: 'GES.7006', errorMessage: 'internal error' },
      gesCode: 'GES.7006',
      gesMessage: 'internal error',
      message: 'status code 500',
    },
    {
      status: 503,
      body: '<html>busy</html>',
      gesCode: undefined,
      gesMessage: undefined,
      message: 'status code 503',
    },
    { status: 502, body: '', gesCode: undefined, gesMessage: undefined, message: 'status code 502' },
  ])('maps $status with body $body', async ({ status, body, gesCode, gesMessage, message }) => {
    server.handler = (_req, res) => json(res, status, body);
    const url = server.url('/v1.0/p/graphs/g/action?action_id=stop');
    const error = await transport
      .request({ method: 'POST', url, body: '{}', idempotent: true }, (r) => ({
        ...r.headers,
        Authorization: 'SDK-HMAC-SHA256 Access=SECRET-AK',
      }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GesHttpError);
    expect(error).toMatchObject({
      code: 'GES_HTTP',
      status,
      gesCode,
      gesMessage,
      method: 'POST',
      url: '/v1.0/p/graphs/g/action?action_id=stop',
    });
    const text = (error as Error).message;
    expect(text).toContain(message);
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain('SECRET-AK');
  });
});

describe('Class: Transport › concurrency and lifecycle', () => {
  it('keeps at most `concurrency` requests in flight per origin', async () => {
    const t = new Transport({ concurrency: 3, requestTimeoutMs: 2_000 });
    server.handler = (_req, res) => {
      setTimeout(() => json(res, 200, {}), 20);
    };
    await Promise.all(
      Array.from({ length: 12 }, () => t.request({ method: 'GET', url: server.url('/'), idempotent: true })),
    );
    expect(server.requests).toHaveLength(12);
    expect(server.maxInFlight).toBe(3);
    expect(t.stats.byOrigin[server.origin]).toEqual({
      requests: 12,
      retries: 0,
      throttled: 0,
      maxInFlight: 3,
    });
    await t.close();
  });

  it('does not start the timeout of a request while it waits for a slot', async () => {
    const t = new Transport({ concurrency: 1, requestTimeoutMs: 300 });
    server.handler = (_req, res) => {
      setTimeout(() => json(res, 200, {}), 120);
    };
    const responses = await Promise.all(
      Array.from({ length: 3 }, () => t.request({ method: 'GET', url: server.url('/'), idempotent: true })),
    );
    // The third waited ~240 ms for its slot and then took ~120 ms: over 300 ms in all, yet no timeout.
    expect(responses.map((r) => r.attempts)).toEqual([1, 1, 1]);
    expect(server.maxInFlight).toBe(1);
    await t.close();
  });

  it('gives up waiting for a slot at the deadline', async () => {
    const t = new Transport({ concurrency: 1, requestTimeoutMs: 2_000 });
    server.handler = (_req, res) => {
      setTimeout(() => json(res, 200, {}), 200);
    };
    const first = t.request({ method: 'GET', url: server.url('/1'), idempotent: true });
    const second = t.request({
      method: 'GET',
      url: server.url('/2'),
      idempotent: true,
      deadline: Date.now() + 150,
    });
    await expect(second).rejects.toMatchObject({ name: 'DeadlineExceededError' });
    await first;
    expect(server.requests.map((r) => r.url)).toEqual(['/1']);
    await t.close();
  });

  it('close() closes every connection it opened and refuses new requests', async () => {
    const before = tcpHandles();
    const t = new Transport({ concurrency: 4, requestTimeoutMs: 2_000 });
    await Promise.all(
      Array.from({ length: 4 }, () => t.request({ method: 'GET', url: server.url('/'), idempotent: true })),
    );
    expect(server.openSockets).toBeGreaterThan(0); // kept alive
    const closed = server.socketsClosed();
    await t.close();
    await closed;
    expect(server.openSockets).toBe(0);
    expect(tcpHandles()).toBeLessThanOrEqual(before);
    await expect(t.request({ method: 'GET', url: server.url('/'), idempotent: true })).rejects.toThrow(
      'transport closed',
    );
  });

  it('close() fails requests still waiting for a slot', async () => {
    const t = new Transport({ concurrency: 1, requestTimeoutMs: 2_000 });
    server.handler = () => {};
    const first = t
      .request({ method: 'GET', url: server.url('/1'), idempotent: true })
      .catch((e: unknown) => e);
    const queued = t
      .request({ method: 'GET', url: server.url('/2'), idempotent: true })
      .catch((e: unknown) => e);
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    await t.close();
    expect(await queued).toMatchObject({ message: 'transport closed' });
    expect(await first).toMatchObject({ name: 'GesNetworkError' });
    expect(server.requests).toHaveLength(1);
  });
});

function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
}
