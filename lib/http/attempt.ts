/**
 * One HTTP exchange on an undici dispatcher, under one timer that covers everything from dispatch
 * to the last body byte. The handler records how far the request got, which is what decides
 * whether a failed stop may be sent again: undici calls `onRequestStart` just before it writes the
 * request to a connected socket, so a failure before that point means nothing reached the server.
 * A request abandoned (timed out) before that point is aborted there and never written.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { AttemptPhase, RawResponse } from './failure.js';

export interface AttemptOptions {
  readonly method: 'GET' | 'POST';
  /** Path and query, as sent. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
  readonly timeoutMs: number;
}

export type AttemptResult =
  | { readonly ok: true; readonly response: RawResponse }
  | { readonly ok: false; readonly error: unknown; readonly phase: AttemptPhase; readonly timedOut: boolean };

/** Marker for our own attempt timer; mapped to GesTimeoutError in failure.ts. */
export class AttemptTimeout extends Error {
  override readonly name = 'AttemptTimeout';
  constructor(
    readonly phase: AttemptPhase,
    readonly timeoutMs: number,
  ) {
    super(`attempt timed out after ${timeoutMs} ms (${phase})`);
  }
}

/** Never rejects: every outcome is an AttemptResult. */
export function sendAttempt(dispatcher: Dispatcher, options: AttemptOptions): Promise<AttemptResult> {
  return new Promise((resolve) => {
    let phase: AttemptPhase = 'before-send';
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;
    let status = 0;
    let headers: Record<string, string> = {};
    const chunks: Buffer[] = [];

    const settle = (result: AttemptResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => {
      const error = new AttemptTimeout(phase, options.timeoutMs);
      settle({ ok: false, error, phase, timedOut: true }); // first: abort() reports back synchronously
      controller?.abort(error);
    }, options.timeoutMs);

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        if (settled) {
          c.abort(new AttemptTimeout('before-send', options.timeoutMs));
          return;
        }
        controller = c;
        phase = 'awaiting-headers';
      },
      onResponseStart(_c, statusCode, responseHeaders) {
        if (statusCode < 200) return; // 1xx: the final answer is still to come
        phase = 'reading-body';
        status = statusCode;
        headers = flattenHeaders(responseHeaders);
      },
      onResponseData(_c, chunk) {
        chunks.push(chunk);
      },
      onResponseEnd() {
        settle({ ok: true, response: { status, headers, body: Buffer.concat(chunks).toString('utf8') } });
      },
      onResponseError(_c, error) {
        settle({ ok: false, error, phase, timedOut: false });
      },
    };

    try {
      dispatcher.dispatch(
        {
          method: options.method,
          path: options.path,
          headers: { ...options.headers },
          body: options.body ?? null,
          // Backstops only: our timer above is shorter-lived and also covers connecting.
          headersTimeout: options.timeoutMs,
          bodyTimeout: options.timeoutMs,
        },
        handler,
      );
    } catch (error) {
      settle({ ok: false, error, phase: 'before-send', timedOut: false });
    }
  });
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
