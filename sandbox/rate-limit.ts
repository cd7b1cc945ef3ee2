/**
 * The API gateway's throttling: one token bucket per access key, shared by every project and
 * every call of that key. Huawei's gateway answers an over-limit request with 429 APIG.0308 and
 * does not pass it on, so a throttled stop stops nothing.
 */
import type { RateLimit } from './types.js';

/** Tolerance for float drift in the refill (0.1 + 0.2 and friends). */
const EPSILON = 1e-9;

export type TakeResult = { readonly ok: true } | { readonly ok: false; readonly waitMs: number };

/**
 * A token bucket: starts full with `capacity` tokens and gains `ratePerSecond` tokens a second,
 * never more than `capacity`. `now` is a monotonic clock in milliseconds.
 */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    readonly ratePerSecond: number,
    readonly capacity: number,
    readonly now: () => number,
  ) {
    this.#tokens = capacity;
    this.#last = now();
  }

  /** Takes one token; when none is left, says how long until the next one. */
  take(): TakeResult {
    const now = this.now();
    // A clock that goes backwards (it should not) adds nothing instead of removing tokens.
    const elapsedMs = Math.max(0, now - this.#last);
    this.#last = now;
    this.#tokens = Math.min(this.capacity, this.#tokens + (elapsedMs * this.ratePerSecond) / 1000);
    if (this.#tokens >= 1 - EPSILON) {
      this.#tokens = Math.max(0, this.#tokens - 1);
      return { ok: true };
    }
    return { ok: false, waitMs: ((1 - this.#tokens) * 1000) / this.ratePerSecond };
  }
}

/** The default bucket size: one second's worth of requests, at least one. */
export function defaultBurst(requestsPerSecond: number): number {
  return Math.max(1, Math.ceil(requestsPerSecond));
}

/** Throws on a limit that cannot mean anything, so a typo in a test or a flag fails loudly. */
export function validateRateLimit(limit: RateLimit): void {
  const fail = (problem: string) => {
    throw new TypeError(`rateLimit: ${problem}`);
  };
  const { requestsPerSecond, burst, retryAfter } = limit;
  if (!(Number.isFinite(requestsPerSecond) && requestsPerSecond > 0))
    fail(`requestsPerSecond must be a number > 0, got ${requestsPerSecond}`);
  if (burst !== undefined && !(Number.isInteger(burst) && burst >= 1))
    fail(`burst must be a whole number >= 1, got ${burst}`);
  if (typeof retryAfter === 'number' && !(Number.isInteger(retryAfter) && retryAfter >= 0))
    fail(`retryAfter must be 'none', 'seconds' or whole seconds >= 0, got ${retryAfter}`);
  if (typeof retryAfter === 'string' && retryAfter !== 'none' && retryAfter !== 'seconds')
    fail(`retryAfter must be 'none', 'seconds' or whole seconds >= 0, got '${retryAfter}'`);
}

export interface Throttled {
  /** The limit's rate, which the gateway names in its message. */
  readonly requestsPerSecond: number;
  /** The `Retry-After` header value in seconds, when the limit sends one. */
  readonly retryAfterSeconds?: number;
}

/** The buckets of every access key under one limit; no limit lets everything through. */
export class RateLimiter {
  #limit: RateLimit | undefined;
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #now: () => number;

  constructor(limit: RateLimit | undefined, now: () => number) {
    this.#now = now;
    this.set(limit);
  }

  get limit(): RateLimit | undefined {
    return this.#limit;
  }

  /** Replaces the limit (undefined: none). Every key starts again with a full bucket. */
  set(limit: RateLimit | undefined): void {
    if (limit) validateRateLimit(limit);
    this.#limit = limit && { ...limit };
    this.#buckets.clear();
  }

  /** undefined when the key may go on (a token was taken); otherwise how to answer the 429. */
  check(ak: string): Throttled | undefined {
    const limit = this.#limit;
    if (!limit) return undefined;
    let bucket = this.#buckets.get(ak);
    if (!bucket) {
      const burst = limit.burst ?? defaultBurst(limit.requestsPerSecond);
      bucket = new TokenBucket(limit.requestsPerSecond, burst, this.#now);
      this.#buckets.set(ak, bucket);
    }
    const taken = bucket.take();
    if (taken.ok) return undefined;
    const { requestsPerSecond, retryAfter = 'none' } = limit;
    if (retryAfter === 'none') return { requestsPerSecond };
    const retryAfterSeconds =
      retryAfter === 'seconds' ? Math.max(1, Math.ceil(taken.waitMs / 1000)) : retryAfter;
    return { requestsPerSecond, retryAfterSeconds };
  }
}
