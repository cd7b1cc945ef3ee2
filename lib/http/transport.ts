/**
 * HTTP transport on undici: one keep-alive Pool per origin with `concurrency` connections, an
 * in-process limit of `concurrency` attempts in flight per origin (so queueing never eats into an
 * attempt's timeout: undici arms its own timers only once a request is on a socket), pacing per
 * (origin, rate key) learned from throttles (pacer.ts, adaptive-rate.ts), one timer per attempt of
 * min(requestTimeoutMs, time left to the deadline), and the retry policy of retry.ts.
 *
 * What a request can end in:
 * - the 2xx answer (`HttpResponse`);
 * - GesHttpError / GesTimeoutError / GesNetworkError: the last failure, when it may not or need not
 *   be retried, or the attempts are used up;
 * - OutcomeUnknownError (cause: the failure): a non-idempotent request that may have been carried
 *   out; it is never retried here;
 * - DeadlineExceededError (cause: the last failure, if any): no attempt could start before the
 *   deadline (a request throttled until its deadline carries the 429 as cause). For a
 *   non-idempotent request this is only thrown when every failed attempt was certainly not
 *   carried out;
 * - anything else (a bug in a sign callback, an undici misuse): rethrown untouched, never retried.
 */
// By path: the package index would also load fetch, WebSocket, the cache and the mock agent.
import { createHash } from 'node:crypto';
import Pool from 'undici/lib/dispatcher/pool.js';
import {
  DeadlineExceededError,
  type GesHttpError,
  type GesOffhoursError,
  OutcomeUnknownError,
  PreconditionError,
  type RequestInfo,
} from '../errors.js';
import { AdaptiveRate, type AdaptiveRateOptions } from './adaptive-rate.js';
import { sendAttempt } from './attempt.js';
import { httpFailure, type RawResponse, transportFailure } from './failure.js';
import { Limiter } from './limiter.js';
import { Pacer, type Sleep, timerSleep } from './pacer.js';
import { DEFAULT_RETRY_POLICY, decideRetry, type Failure, isThrottle, type RetryPolicy } from './retry.js';
import { parseStatedLimit } from './stated-limit.js';

export interface TransportOptions {
  /** Attempts in flight per origin, and undici connections per origin. */
  readonly concurrency: number;
  /** Upper bound of one attempt, from leaving the queue to the last body byte. */
  readonly requestTimeoutMs: number;
  readonly retry?: Partial<RetryPolicy> | undefined;
  /** [0, 1); jitter. Default Math.random. */
  readonly random?: (() => number) | undefined;
  /** Epoch ms, for deadlines, pacing and Retry-After dates. Default Date.now. */
  readonly now?: (() => number) | undefined;
  /** How to wait between attempts and for a send time; should end early when `signal` aborts. */
  readonly sleep?: Sleep | undefined;
  /** Hard cap per (origin, rate key), applied from the first request. Default: none (adaptive only). */
  readonly maxRequestsPerSecond?: number | undefined;
  /** Tuning of the learned rate (tests and benchmarks); `maxPerSecond` is `maxRequestsPerSecond`. */
  readonly pacing?: Omit<AdaptiveRateOptions, 'maxPerSecond'> | undefined;
  readonly onRetry?: ((event: RetryEvent) => void) | undefined;
  /** Every 429 / APIG.0308 answer, retried or not. */
  readonly onThrottle?: ((event: ThrottleEvent) => void) | undefined;
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
  /**
   * What the gateway counts its rate limit by (the access key): requests with the same origin and
   * rate key share one pacer. Never logged nor shown; stats name it by a short hash.
   */
  readonly rateKey?: string | undefined;
  /**
   * Asked right before each attempt leaves, after its wait for pacing and a slot: a reason not to
   * send it any more (the request then fails with PreconditionError), or undefined to go on.
   */
  readonly precondition?: (() => string | undefined) | undefined;
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

/** Plain data, safe to log: the rate key appears only as `pacer`, a short hash. */
export interface ThrottleEvent {
  readonly method: string;
  readonly url: string;
  readonly origin: string;
  /** `origin` alone, or `origin#<8 hex of SHA-256 of the rate key>`. */
  readonly pacer: string;
  readonly attempt: number;
  readonly status: number;
  readonly gesCode: string | undefined;
  readonly retryAfterMs: number | undefined;
  /** Requests per second this pacer allows after learning from this throttle. */
  readonly rate: number | undefined;
  /** Until when (epoch ms) the pacer sends nothing. */
  readonly pausedUntil: number;
}

export interface OriginStats {
  /** Attempts dispatched, retries included. */
  readonly requests: number;
  readonly retries: number;
  /** 429 / APIG.0308 answers received. */
  readonly throttled: number;
  /** Highest number of attempts in flight at once. */
  readonly maxInFlight: number;
}

export interface PacerStats {
  readonly origin: string;
  readonly throttled: number;
  /** Requests per second allowed now (cap or learned); undefined while unlimited. */
  readonly rate: number | undefined;
}

export interface TransportStats {
  readonly requests: number;
  readonly retries: number;
  readonly throttled: number;
  readonly byOrigin: Readonly<Record<string, OriginStats>>;
  /** By pacer name (see ThrottleEvent.pacer). */
  readonly pacers: Readonly<Record<string, PacerStats>>;
}

interface Origin {
  readonly name: string;
  readonly pool: Pool;
  readonly limiter: Limiter;
  readonly pacers: Map<string, { readonly name: string; readonly pacer: Pacer }>;
  requests: number;
  retries: number;
  throttled: number;
}

const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
const MAX_TIMER_MS = 2_147_483_647;

export class Transport {
  readonly #options: TransportOptions;
  readonly #policy: RetryPolicy;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #sleep: Sleep;
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
    this.#sleep = options.sleep ?? timerSleep;
    new AdaptiveRate({ maxPerSecond: options.maxRequestsPerSecond }); // validates the cap now
  }

  get policy(): RetryPolicy {
    return this.#policy;
  }

  get stats(): TransportStats {
    const byOrigin: Record<string, OriginStats> = {};
    const pacers: Record<string, PacerStats> = {};
    let requests = 0;
    let retries = 0;
    let throttled = 0;
    for (const o of this.#origins.values()) {
      const { throttled: t, limiter } = o;
      byOrigin[o.name] = {
        requests: o.requests,
        retries: o.retries,
        throttled: t,
        maxInFlight: limiter.maxActive,
      };
      for (const { name, pacer } of o.pacers.values()) {
        pacers[name] = { origin: o.name, throttled: pacer.rate.throttles, rate: pacer.rate.rate };
      }
      requests += o.requests;
      retries += o.retries;
      throttled += t;
    }
    return { requests, retries, throttled, byOrigin, pacers };
  }

  async request(req: HttpRequest, sign?: Signer): Promise<HttpResponse> {
    const info: RequestInfo = { method: req.method, url: `${req.url.pathname}${req.url.search}` };
    const origin = this.#originOf(req.url);
    const pacer = this.#pacerOf(origin, req.rateKey);
    const startedAt = this.#now();
    let last: Failure | undefined;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#attempt(req, info, { origin, ...pacer }, sign, last);
      if (!('kind' in outcome)) return { ...outcome, attempts: attempt };
      if (outcome.kind === 'http' && isThrottle(outcome.error, this.#policy)) {
        this.#options.onThrottle?.(throttleEvent(info, origin.name, pacer, attempt, outcome.error));
      }
      const decision = decideRetry({
        attempt,
        failure: outcome,
        idempotent: req.idempotent,
        now: this.#now(),
        startedAt,
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
          if (decision.delayMs > 0) await this.#sleep(decision.delayMs);
          last = outcome;
      }
    }
  }

  /** Destroys every pool (open sockets included) and fails requests still waiting for a slot. */
  async close(): Promise<void> {
    this.#closed = true;
    const origins = [...this.#origins.values()];
    for (const o of origins) {
      for (const { pacer } of o.pacers.values()) pacer.close(new Error('transport closed'));
      o.limiter.close(new Error('transport closed'));
    }
    await Promise.all(origins.map((o) => o.pool.destroy()));
  }

  async #attempt(
    req: HttpRequest,
    info: RequestInfo,
    { origin, pacer }: { origin: Origin; pacer: Pacer },
    sign: Signer | undefined,
    last: Failure | undefined,
  ): Promise<RawResponse | Failure> {
    if (this.#closed) throw new Error('transport closed');
    const deadlineError = () => new DeadlineExceededError(info, last ? { cause: last.error } : undefined);
    const cutoff = req.deadline === undefined ? undefined : req.deadline - this.#policy.minAttemptMs;
    const release = await pacer.admit(cutoff, (timeoutMs) => origin.limiter.acquire(timeoutMs));
    if (!release) throw deadlineError();
    try {
      const left = req.deadline === undefined ? Number.POSITIVE_INFINITY : req.deadline - this.#now();
      if (left < this.#policy.minAttemptMs) throw deadlineError();
      const unwanted = req.precondition?.();
      if (unwanted !== undefined)
        throw new PreconditionError(info, unwanted, last ? { cause: last.error } : undefined);
      // Whole ms within what a timer accepts: deadlines and settings may be fractional or huge.
      const timeoutMs = Math.min(
        MAX_TIMER_MS,
        Math.max(1, Math.floor(Math.min(this.#options.requestTimeoutMs, left))),
      );
      const outgoing: OutgoingRequest = {
        method: req.method,
        url: req.url,
        headers: { ...req.headers },
        body: req.body,
      };
      const headers = sign ? sign(outgoing) : outgoing.headers;
      origin.requests++;
      const sentAt = this.#now();
      const result = await sendAttempt(origin.pool, { ...outgoing, path: info.url, headers, timeoutMs });
      if (!result.ok) return transportFailure(result, info, timeoutMs);
      const { response } = result;
      if (response.status >= 200 && response.status < 300) {
        pacer.answer({ sentAt, throttled: false });
        return response;
      }
      const failure = httpFailure(response, info, this.#now());
      const throttled = failure.kind === 'http' && isThrottle(failure.error, this.#policy);
      if (throttled) origin.throttled++;
      const error = failure.kind === 'http' ? failure.error : undefined;
      pacer.answer(
        throttled
          ? {
              sentAt,
              throttled,
              retryAfterMs: error?.retryAfterMs,
              stated: parseStatedLimit(error?.gesMessage),
            }
          : { sentAt, throttled },
      );
      return failure;
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
    const { concurrency } = this.#options;
    // undici refuses fractional timeouts: whole ms, within what a timer accepts.
    const timeoutMs = Math.min(MAX_TIMER_MS, Math.ceil(this.#options.requestTimeoutMs));
    const pool = new Pool(url.origin, {
      connections: concurrency,
      pipelining: 1,
      connectTimeout: timeoutMs,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      maxResponseSize: MAX_RESPONSE_BYTES,
    });
    const origin: Origin = {
      name: url.origin,
      pool,
      limiter: new Limiter(concurrency),
      pacers: new Map(),
      requests: 0,
      retries: 0,
      throttled: 0,
    };
    this.#origins.set(url.origin, origin);
    return origin;
  }

  #pacerOf(origin: Origin, rateKey: string | undefined): { name: string; pacer: Pacer } {
    const key = rateKey ?? '';
    const existing = origin.pacers.get(key);
    if (existing) return existing;
    const rate = new AdaptiveRate({
      ...this.#options.pacing,
      maxPerSecond: this.#options.maxRequestsPerSecond,
    });
    const name =
      key === ''
        ? origin.name
        : `${origin.name}#${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
    const entry = { name, pacer: new Pacer(rate, this.#now, this.#sleep) };
    origin.pacers.set(key, entry);
    return entry;
  }
}

function throttleEvent(
  info: RequestInfo,
  origin: string,
  { name, pacer }: { name: string; pacer: Pacer },
  attempt: number,
  error: GesHttpError,
): ThrottleEvent {
  const { status, gesCode, retryAfterMs } = error;
  const { rate, pausedUntil } = pacer.rate;
  return { ...info, origin, pacer: name, attempt, status, gesCode, retryAfterMs, rate, pausedUntil };
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
