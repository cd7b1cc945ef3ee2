import { type Dispatcher, errors as undiciErrors } from 'undici';
import { describe, expect, it, vi } from 'vitest';
import { GesNetworkError, GesTimeoutError } from '../../lib/errors.js';
import { AttemptTimeout, sendAttempt } from '../../lib/http/attempt.js';
import { type AttemptPhase, transportFailure } from '../../lib/http/failure.js';

const request = { method: 'POST', url: '/v2/p/graphs/g/stop' };

/** A dispatcher that only records the handler, so a test can play undici's part by hand. */
function fakeDispatcher(): { dispatcher: Dispatcher; handler: () => Dispatcher.DispatchHandler } {
  let captured: Dispatcher.DispatchHandler | undefined;
  const dispatcher = {
    dispatch: (_options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) => {
      captured = handler;
      return true;
    },
  } as unknown as Dispatcher;
  return { dispatcher, handler: () => captured! };
}

function controller(): Dispatcher.DispatchController & { abort: (reason: Error) => void } {
  return {
    abort: vi.fn<(reason: Error) => void>(),
    pause: vi.fn(),
    resume: vi.fn(),
    aborted: false,
    paused: false,
    reason: null,
  };
}

const options = { method: 'POST', path: '/x', headers: {}, body: '{}', timeoutMs: 20 } as const;

describe('Function: sendAttempt', () => {
  it('times out before sending, and aborts the request when undici gets to it, so it is never written', async () => {
    const { dispatcher, handler } = fakeDispatcher();
    const result = await sendAttempt(dispatcher, options);
    expect(result).toMatchObject({ ok: false, phase: 'before-send', timedOut: true });
    const late = controller();
    handler().onRequestStart?.(late, {});
    expect(late.abort).toHaveBeenCalledOnce();
  });

  it('times out while awaiting headers once the request was started, and aborts it', async () => {
    const { dispatcher, handler } = fakeDispatcher();
    const pending = sendAttempt(dispatcher, options);
    const c = controller();
    handler().onRequestStart?.(c, {});
    expect(await pending).toMatchObject({ ok: false, phase: 'awaiting-headers', timedOut: true });
    expect(c.abort).toHaveBeenCalledWith(expect.any(AttemptTimeout));
  });

  it('collects the answer', async () => {
    const { dispatcher, handler } = fakeDispatcher();
    const pending = sendAttempt(dispatcher, { ...options, timeoutMs: 1_000 });
    const c = controller();
    const h = handler();
    h.onRequestStart?.(c, {});
    h.onResponseStart?.(c, 200, { 'Set-Cookie': ['a', 'b'], 'x-one': '1' }, 'OK');
    h.onResponseData?.(c, Buffer.from('{"jo'));
    h.onResponseData?.(c, Buffer.from('bId":"j"}'));
    h.onResponseEnd?.(c, {});
    expect(await pending).toEqual({
      ok: true,
      response: { status: 200, headers: { 'set-cookie': 'a, b', 'x-one': '1' }, body: '{"jobId":"j"}' },
    });
  });
});

describe('Function: transportFailure', () => {
  const system = (code: string, syscall: string) => Object.assign(new Error(code), { code, syscall });
  it.each([
    [
      new AttemptTimeout('before-send', 20),
      'before-send',
      true,
      GesTimeoutError,
      'UND_ERR_CONNECT_TIMEOUT',
      false,
    ],
    [
      new AttemptTimeout('awaiting-headers', 20),
      'awaiting-headers',
      true,
      GesTimeoutError,
      'UND_ERR_HEADERS_TIMEOUT',
      true,
    ],
    [
      new AttemptTimeout('reading-body', 20),
      'reading-body',
      true,
      GesTimeoutError,
      'UND_ERR_BODY_TIMEOUT',
      true,
    ],
    [
      new undiciErrors.ConnectTimeoutError(),
      'before-send',
      false,
      GesTimeoutError,
      'UND_ERR_CONNECT_TIMEOUT',
      false,
    ],
    [
      new undiciErrors.HeadersTimeoutError(),
      'awaiting-headers',
      false,
      GesTimeoutError,
      'UND_ERR_HEADERS_TIMEOUT',
      true,
    ],
    [
      new undiciErrors.SocketError('other side closed'),
      'awaiting-headers',
      false,
      GesNetworkError,
      'UND_ERR_SOCKET',
      true,
    ],
    [system('ECONNREFUSED', 'connect'), 'before-send', false, GesNetworkError, 'ECONNREFUSED', false],
    [system('ENOTFOUND', 'getaddrinfo'), 'before-send', false, GesNetworkError, 'ENOTFOUND', false],
    [system('ECONNRESET', 'read'), 'reading-body', false, GesNetworkError, 'ECONNRESET', true],
  ] as const)('%s → %s', (error, phase, timedOut, type, code, sent) => {
    const failure = transportFailure({ error, phase: phase as AttemptPhase, timedOut }, request, 20);
    expect(failure).toMatchObject({ kind: 'network', code, sent });
    expect(failure.error).toBeInstanceOf(type);
    if (!timedOut) expect((failure.error as Error).cause).toBe(error);
  });

  it.each([
    [new TypeError('x is not a function')],
    [new undiciErrors.InvalidArgumentError('invalid header')],
    [Object.assign(new TypeError('bad'), { code: 'ERR_INVALID_ARG_TYPE' })],
    ['a string'],
  ])('passes %s on untouched as unknown (a bug)', (error) => {
    expect(transportFailure({ error, phase: 'before-send', timedOut: false }, request, 20)).toEqual({
      kind: 'unknown',
      error,
    });
  });
});
