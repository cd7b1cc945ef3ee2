/**
 * The API gateway's throttling: one token bucket per access key, shared by every project and
 * every call of that key. Huawei's gateway answers an over-limit request with 429 APIG.0308 and
 * does not pass it on, so a throttled stop stops nothing.
 */
import type { RateLimit, ThrottlePolicyName } from './types.js';

/** Tolerance for float drift in the refill (0.1 + 0.2 and friends). */
const EPSILON = 1e-9;

export type TakeResult = { readonly ok: true } | { readonly ok: false; readonly waitMs: number };

/**
 * A token bucket: starts full with `capacity` tokens and gains `ratePerSecond` tokens a second,
 * never more than `capacity`. `now` is a monotonic clock in milliseconds. Another client may spend
 * `spentPerSecond` of the refill, evenly: what is left for us is the difference.
 */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    readonly ratePerSecond: number,
    readonly capacity: number,
    readonly now: () => number,
    readonly spentPerSecond = 0,
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
    const left = this.ratePerSecond - this.spentPerSecond;
    this.#tokens = Math.max(0, Math.min(this.capacity, this.#tokens + (elapsedMs * left) / 1000));
    if (this.#tokens >= 1 - EPSILON) {
      this.#tokens = Math.max(0, this.#tokens - 1);
      return { ok: true };
    }
    return { ok: false, waitMs: ((1 - this.#tokens) * 1000) / left };
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
  const { requestsPerSecond, burst, retryAfter, otherClientPerSecond: other, policy } = limit;
  if (!(Number.isFinite(requestsPerSecond) && requestsPerSecond > 0))
    fail(`requestsPerSecond must be a number > 0, got ${requestsPerSecond}`);
  if (burst !== undefined && !(Number.isInteger(burst) && burst >= 1))
    fail(`burst must be a whole number >= 1, got ${burst}`);
  if (typeof retryAfter === 'number' && !(Number.isInteger(retryAfter) && retryAfter >= 0))
    fail(`retryAfter must be 'none', 'seconds' or whole seconds >= 0, got ${retryAfter}`);
  if (typeof retryAfter === 'string' && retryAfter !== 'none' && retryAfter !== 'seconds')
    fail(`retryAfter must be 'none', 'seconds' or whole seconds >= 0, got '${retryAfter}'`);
  if (other !== undefined && !(other >= 0 && other < requestsPerSecond))
    fail(`otherClientPerSecond must be >= 0 and under requestsPerSecond, got ${other}`);
  if (policy !== undefined && !THROTTLE_POLICY_NAMES.includes(policy))
    fail(`policy must be one of ${THROTTLE_POLICY_NAMES.join(', ')}, got '${policy}'`);
}

export const THROTTLE_POLICY_NAMES: readonly ThrottlePolicyName[] = ['user', 'ip', 'app', 'api'];

/** The gateway's message for a limit: `The throttling threshold has been reached: policy … time:1 second`. */
export function throttleMessage(policy: ThrottlePolicyName, limit: number, periodSeconds: number): string {
  const [count, unit] = periodText(periodSeconds);
  return `The throttling threshold has been reached: policy ${policy} over ratelimit,limit:${limit},time:${count} ${unit}`;
}

/**
 * A rate as the gateway states it: a whole number of requests over a whole number of seconds
 * (0.5 a second is `limit:1,time:2 second`; the gateway never states a fraction).
 */
export function wholeLimit(requestsPerSecond: number): [limit: number, seconds: number] {
  for (let seconds = 1; seconds <= 3_600; seconds++) {
    const limit = requestsPerSecond * seconds;
    if (Math.abs(limit - Math.round(limit)) < 1e-9 && Math.round(limit) >= 1)
      return [Math.round(limit), seconds];
  }
  return [Math.max(1, Math.round(requestsPerSecond * 3_600)), 3_600];
}

function periodText(seconds: number): [number, string] {
  for (const [size, unit] of [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ] as const)
    if (seconds % size === 0) return [seconds / size, unit];
  return [seconds, 'second'];
}

export interface Throttled {
  /** The limit's rate, which the gateway names in its message. */
  readonly requestsPerSecond: number;
  /** The `Retry-After` header value in seconds, when the limit sends one. */
  readonly retryAfterSeconds?: number;
  /** The 429's message, when it is not the default one of a per-user bucket. */
  readonly message?: string;
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
      bucket = new TokenBucket(limit.requestsPerSecond, burst, this.#now, limit.otherClientPerSecond);
      this.#buckets.set(ak, bucket);
    }
    const taken = bucket.take();
    if (taken.ok) return undefined;
    const { requestsPerSecond, retryAfter = 'none', policy } = limit;
    const [count, seconds] = wholeLimit(requestsPerSecond);
    const named = { requestsPerSecond, message: throttleMessage(policy ?? 'user', count, seconds) };
    if (retryAfter === 'none') return named;
    const retryAfterSeconds =
      retryAfter === 'seconds' ? Math.max(1, Math.ceil(taken.waitMs / 1000)) : retryAfter;
    return { ...named, retryAfterSeconds };
  }
}
