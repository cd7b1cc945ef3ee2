import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PreconditionError } from '../../lib/errors.js';
import { Transport } from '../../lib/http/transport.js';
import { json, Loopback } from './loopback.js';

let server: Loopback;
let transport: Transport;
beforeEach(async () => {
  server = await Loopback.start();
  transport = new Transport({
    concurrency: 1,
    requestTimeoutMs: 2_000,
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
  });
});
afterEach(async () => {
  await transport.close();
  await server.close();
});

const stop = (precondition: () => string | undefined) =>
  transport.request({
    method: 'POST',
    url: new URL('/v2/p/graphs/g/stop', server.origin),
    body: '{}',
    idempotent: false,
    precondition,
  });

describe('Class: Transport › precondition', () => {
  it('sends the request while the precondition holds', async () => {
    const response = await stop(() => undefined);
    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(1);
  });

  it('refuses to send, with the reason, once it no longer holds', async () => {
    const error = await stop(() => 'off-hours ended').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreconditionError);
    expect((error as PreconditionError).reason).toBe('off-hours ended');
    expect(server.requests).toHaveLength(0);
  });

  it('is asked again before a retry, and a retry it refuses is not sent', async () => {
    server.handler = (_req, res) => json(res, 429, { error_code: 'APIG.0308' });
    let asked = 0;
    const error = await stop(() => (++asked > 1 ? 'off-hours ended' : undefined)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreconditionError);
    expect((error as PreconditionError).cause).toMatchObject({ status: 429, gesCode: 'APIG.0308' });
    expect(server.requests).toHaveLength(1);
    expect(asked).toBe(2);
  });

  it('is asked after the wait for a slot, not before it', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    server.handler = async (_req, res) => {
      await held;
      json(res, 200, {});
    };
    let ended = false;
    const first = stop(() => undefined);
    const second = stop(() => (ended ? 'off-hours ended' : undefined)).catch((e: unknown) => e);
    // The only slot is held by the first until release(): the second is asked only after that.
    ended = true;
    release();
    await first;
    expect(await second).toBeInstanceOf(PreconditionError);
    expect(server.requests).toHaveLength(1);
  });
});
