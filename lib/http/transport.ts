/**
 * HTTP transport on undici: one keep-alive Pool per origin with `concurrency` connections, an
 * in-process limit of `concurrency` attempts in flight per origin (so queueing never eats into an
 * attempt's timeout: undici arms its own timers only once a request is on a socket), one timer per
 * attempt of min(requestTimeoutMs, time left to the deadline), and the retry policy of retry.ts.
 *
 * What a request can end in:
 * - the 2xx answer (`HttpResponse`);
 * - GesHttpError / GesTimeoutError / GesNetworkError: the last failure, when it may not or need not
 *   be retried, or the attempts are used up;
 * - OutcomeUnknownError (cause: the failure): a non-idempotent request that may have been carried
 *   out; it is never retried here;
 * - DeadlineExceededError (cause: the last failure, if any): no attempt could start before the
 *   deadline. For a non-idempotent request this is only thrown when every failed attempt was
 *   certainly not carried out;
 * - anything else (a bug in a sign callback, an undici misuse): rethrown untouched, never retried.
 */
// By path: the package index would also load fetch, WebSocket, the cache and the mock agent.
import Pool from 'undici/lib/dispatcher/pool.js';
import {
  DeadlineExceededError,
  type GesOffhoursError,
  OutcomeUnknownError,
  type RequestInfo,
} from '../errors.js';
import { sendAttempt } from './attempt.js';
import { httpFailure, type RawResponse, transportFailure } from './failure.js';
import { Limiter } from './limiter.js';
import { DEFAULT_RETRY_POLICY, decideRetry, type Failure, type RetryPolicy } from './retry.js';

export interface TransportOptions {
  /** Attempts in flight per origin, and undici connections per origin. */
  readonly concurrency: number;
  /** Upper bound of one attempt, from leaving the queue to the last body byte. */
  readonly requestTimeoutMs: number;
  readonly retry?: Partial<RetryPolicy> | undefined;
  /** [0, 1); jitter. Default Math.random. */
  readonly random?: (() => number) | undefined;
  /** Epoch ms, for deadlines and Retry-After dates. Default Date.now. */
  readonly now?: (() => number) | undefined;
  /** How to wait between attempts. Default: a timer. */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
  readonly onRetry?: ((event: RetryEvent) => void) | undefined;
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly body?: string | undefined;
  /** False for requests that change state (stop, start): see retry.ts for what that changes. */
  readonly idempotent: boolean;
  /** Epoch ms (same clock as `now`): nothing is started or waited for past it. */
  readonly deadline?: number | undefined;
}

/** What a sign callback sees; it returns the complete headers to send for this attempt. */
export interface OutgoingRequest {
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
}
export type Signer = (request: OutgoingRequest) => Record<string, string>;

export interface HttpResponse extends RawResponse {
  /** Attempts it took, this one included. */
  readonly attempts: number;
}

/** Plain data, safe to log: never headers, bodies or credentials. */
export interface RetryEvent {
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  readonly origin: string;
  /** The attempt that failed, 1-based. */
  readonly attempt: number;
  readonly delayMs: number;
  /** `status 503`, `status 429 APIG.0308`, `ECONNRESET`, `UND_ERR_CONNECT_TIMEOUT (not sent)`… */
  readonly reason: string;
  readonly errorCode: string;
  readonly message: string;
}

export interface OriginStats {
  /** Attempts dispatched, retries included. */
  readonly requests: number;
  readonly retries: number;
  /** Highest number of attempts in flight at once. */
  readonly maxInFlight: number;
}

export interface TransportStats {
  readonly requests: number;
  readonly retries: number;
  readonly byOrigin: Readonly<Record<string, OriginStats>>;
}

interface Origin {
  readonly name: string;
  readonly pool: Pool;
  readonly limiter: Limiter;
  requests: number;
  retries: number;
}

const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export class Transport {
  readonly #options: TransportOptions;
  readonly #policy: RetryPolicy;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #origins = new Map<string, Origin>();
  #closed = false;

  constructor(options: TransportOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1)
      throw new RangeError(`concurrency must be a positive integer, got ${options.concurrency}`);
    if (!(options.requestTimeoutMs > 0) || !Number.isFinite(options.requestTimeoutMs))
      throw new RangeError(`requestTimeoutMs must be a positive number, got ${options.requestTimeoutMs}`);
    this.#options = options;
    this.#policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    if (!Number.isInteger(this.#policy.maxAttempts) || this.#policy.maxAttempts < 1)
      throw new RangeError(`retry.maxAttempts must be a positive integer, got ${this.#policy.maxAttempts}`);
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  get policy(): RetryPolicy {
    return this.#policy;
  }

  get stats(): TransportStats {
    const byOrigin: Record<string, OriginStats> = {};
    let requests = 0;
    let retries = 0;
    for (const o of this.#origins.values()) {
      byOrigin[o.name] = { requests: o.requests, retries: o.retries, maxInFlight: o.limiter.maxActive };
      requests += o.requests;
      retries += o.retries;
    }
    return { requests, retries, byOrigin };
  }

  async request(req: HttpRequest, sign?: Signer): Promise<HttpResponse> {
    const info: RequestInfo = { method: req.method, url: `${req.url.pathname}${req.url.search}` };
    const origin = this.#originOf(req.url);
    let last: Failure | undefined;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#attempt(req, info, origin, sign, last);
      if (!('kind' in outcome)) return { ...outcome, attempts: attempt };
      const decision = decideRetry({
        attempt,
        failure: outcome,
        idempotent: req.idempotent,
        now: this.#now(),
        deadline: req.deadline,
        random: this.#random,
        policy: this.#policy,
      });
      switch (decision.kind) {
        case 'throw':
          throw outcome.error;
        case 'outcome-unknown':
          throw new OutcomeUnknownError(info, { cause: outcome.error });
        case 'deadline':
          throw new DeadlineExceededError(info, { cause: outcome.error });
        case 'retry':
          if (outcome.kind === 'unknown') throw outcome.error; // decideRetry never retries these
          origin.retries++;
          this.#options.onRetry?.(retryEvent(info, origin.name, attempt, decision, outcome.error));
          await this.#sleep(decision.delayMs);
          last = outcome;
      }
    }
  }

  /** Destroys every pool (open sockets included) and fails requests still waiting for a slot. */
  async close(): Promise<void> {
    this.#closed = true;
    const origins = [...this.#origins.values()];
    for (const o of origins) o.limiter.close(new Error('transport closed'));
    await Promise.all(origins.map((o) => o.pool.destroy()));
  }

  async #attempt(
    req: HttpRequest,
    info: RequestInfo,
    origin: Origin,
    sign: Signer | undefined,
    last: Failure | undefined,
  ): Promise<RawResponse | Failure> {
    if (this.#closed) throw new Error('transport closed');
    const deadlineError = () => new DeadlineExceededError(info, last ? { cause: last.error } : undefined);
    const waitLimit =
      req.deadline === undefined ? undefined : req.deadline - this.#now() - this.#policy.minAttemptMs;
    const release = await origin.limiter.acquire(waitLimit);
    if (!release) throw deadlineError();
    try {
      const left = req.deadline === undefined ? Number.POSITIVE_INFINITY : req.deadline - this.#now();
      if (left < this.#policy.minAttemptMs) throw deadlineError();
      const timeoutMs = Math.max(1, Math.floor(Math.min(this.#options.requestTimeoutMs, left)));
      const outgoing: OutgoingRequest = {
        method: req.method,
        url: req.url,
        headers: { ...req.headers },
        body: req.body,
      };
      const headers = sign ? sign(outgoing) : outgoing.headers;
      origin.requests++;
      const result = await sendAttempt(origin.pool, { ...outgoing, path: info.url, headers, timeoutMs });
      if (!result.ok) return transportFailure(result, info, timeoutMs);
      const { response } = result;
      return response.status >= 200 && response.status < 300
        ? response
        : httpFailure(response, info, this.#now());
    } finally {
      release();
    }
  }

  #originOf(url: URL): Origin {
    if (this.#closed) throw new Error('transport closed');
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new TypeError(`unsupported URL scheme ${url.protocol}`);
    const existing = this.#origins.get(url.origin);
    if (existing) return existing;
    const { concurrency, requestTimeoutMs } = this.#options;
    const pool = new Pool(url.origin, {
      connections: concurrency,
      pipelining: 1,
      connectTimeout: requestTimeoutMs,
      headersTimeout: requestTimeoutMs,
      bodyTimeout: requestTimeoutMs,
      maxResponseSize: MAX_RESPONSE_BYTES,
    });
    const origin: Origin = {
      name: url.origin,
      pool,
      limiter: new Limiter(concurrency),
      requests: 0,
      retries: 0,
    };
    this.#origins.set(url.origin, origin);
    return origin;
  }
}

function retryEvent(
  info: RequestInfo,
  origin: string,
  attempt: number,
  decision: { delayMs: number; reason: string },
  error: GesOffhoursError,
): RetryEvent {
  const { delayMs, reason } = decision;
  return { ...info, origin, attempt, delayMs, reason, errorCode: error.code, message: error.message };
}
