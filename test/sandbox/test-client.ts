/** A minimal signed HTTP client for the sandbox's own tests (the project's real client lives in lib/). */
import { Agent, request } from 'undici';
import { signRequest } from '../../lib/ges/signer.js';
import type { SandboxAccount } from '../../sandbox/types.js';

export interface CallOptions {
  method?: 'GET' | 'POST';
  body?: string;
  /** Signing date (default now). */
  date?: Date;
  /** Sent and signed as X-Project-Id. */
  projectId?: string;
  account?: SandboxAccount;
  /** Changes the signed headers before sending (to break the signature on purpose). */
  tamper?: (headers: Record<string, string>) => void;
  /** Sends this body instead of the signed one. */
  sendBody?: string;
  timeoutMs?: number;
}

export interface CallResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed body; undefined when it is not JSON. */
  json: unknown;
}

export class TestClient {
  readonly #agent = new Agent({ keepAliveTimeout: 1_000 });

  constructor(
    readonly baseUrl: string,
    readonly account: SandboxAccount,
  ) {}

  async call(path: string, options: CallOptions = {}): Promise<CallResult> {
    const method =
      options.method ?? (path.includes('/action') || /\/(stop|start)$/.test(path) ? 'POST' : 'GET');
    const url = new URL(this.baseUrl + path);
    const headers = signRequest(
      { method, url, headers: { 'Content-Type': 'application/json' }, body: options.body },
      {
        credentials: options.account ?? this.account,
        date: options.date ?? new Date(),
        projectId: options.projectId,
      },
    );
    options.tamper?.(headers);
    // An abort timer, not undici's headersTimeout, whose clock ticks in steps of about a second.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('client timeout')), options.timeoutMs ?? 5_000);
    try {
      const response = await request(url, {
        method,
        headers,
        body: options.sendBody ?? options.body ?? null,
        dispatcher: this.#agent,
        signal: controller.signal,
      });
      const text = await response.body.text();
      return { status: response.statusCode, headers: response.headers, text, json: parseJson(text) };
    } finally {
      clearTimeout(timer);
    }
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Polls `probe` every few milliseconds until it returns something other than undefined. */
export async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 2_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waitFor: nothing after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
