/**
 * Shared set-up of the transport suites: a loopback server and a transport on a virtual clock that
 * moves only when the transport sleeps (so it never really waits; attempts still use real timers).
 */
import type { ServerResponse } from 'node:http';
import { afterEach, beforeEach } from 'vitest';
import {
  type HttpRequest,
  type RetryEvent,
  type ThrottleEvent,
  Transport,
  type TransportOptions,
} from '../../lib/http/transport.js';
import { json, Loopback } from './loopback.js';

/** Where the virtual clock starts: 2026-03-29T01:30:00Z. */
export const START = Date.UTC(2026, 2, 29, 1, 30, 0);

export interface Harness {
  readonly server: Loopback;
  readonly transport: Transport | undefined;
  /** Every wait the transport asked for, in ms. */
  readonly sleeps: number[];
  readonly retries: RetryEvent[];
  readonly throttles: ThrottleEvent[];
  /** The virtual clock of `make()` transports; starts at START each test. */
  now(): number;
  /** A transport whose waits are recorded and skipped (3 attempts, 100 ms base delay, jitter 0.5). */
  make(options?: Partial<TransportOptions>): Transport;
  get(path?: string): HttpRequest;
  post(path?: string): HttpRequest;
  /** Answers with each status in turn (the last one repeats); 200 answers `{"ok":true}`. */
  answerInTurn(...statuses: number[]): void;
}

/** Registers the hooks that start and close the server and transport around each test. */
export function useHarness(): Harness {
  let server: Loopback | undefined;
  let transport: Transport | undefined;
  const sleeps: number[] = [];
  const retries: RetryEvent[] = [];
  const throttles: ThrottleEvent[] = [];
  let clock = START;
  beforeEach(async () => {
    server = await Loopback.start();
    sleeps.length = 0;
    retries.length = 0;
    throttles.length = 0;
    clock = START;
  });
  afterEach(async () => {
    await transport?.close();
    transport = undefined;
    await server?.close();
  });
  const h: Harness = {
    get server() {
      return server!;
    },
    get transport() {
      return transport;
    },
    sleeps,
    retries,
    throttles,
    now: () => clock,
    make(options = {}) {
      transport = new Transport({
        concurrency: 4,
        requestTimeoutMs: 2_000,
        random: () => 0.5,
        now: () => clock,
        sleep: async (ms) => {
          sleeps.push(ms);
          clock += ms;
        },
        onRetry: (event) => retries.push(event),
        onThrottle: (event) => throttles.push(event),
        ...options,
        retry: { maxAttempts: 3, baseDelayMs: 100, ...options.retry },
      });
      return transport;
    },
    get: (path = '/things?x=1') => ({ method: 'GET', url: h.server.url(path), idempotent: true }),
    post: (path = '/things/1/stop') => ({
      method: 'POST',
      url: h.server.url(path),
      body: '{}',
      idempotent: false,
    }),
    answerInTurn(...statuses) {
      h.server.handler = (_req, res, n) => {
        const status = statuses[Math.min(n, statuses.length) - 1]!;
        json(res, status, status === 200 ? { ok: true } : { error_code: 'X.1', error_msg: 'no' });
      };
    },
  };
  return h;
}

/** The error a request failed with (fails the test when it succeeded). */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected the request to fail');
  return error;
}

/** TCP RST instead of an answer. */
export function resetSocket(res: ServerResponse): void {
  res.socket?.resetAndDestroy();
}
