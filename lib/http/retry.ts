/**
 * The retry policy as data, and the one function that decides whether and when to try again.
 * Pure: the clock, the deadline and the random source are passed in.
 *
 * Two budgets. A throttle (429, APIG.0308) is retried until the caller's deadline: the gateway
 * asks us to come back, the pacer slows every request of that key down, and a throttle must not
 * fail a graph while time remains. Everything else that may be retried gets `maxAttempts`
 * attempts: 408, 5xx, GES.7005/7006 (also as a 400) and network errors (even those before
 * sending: a refused or unresolvable endpoint is not an answer).
 *
 * A stop or start is only sent again by the transport when the answer proves it was not carried
 * out: a throttle, or a request that never left. A 408, a 5xx or GES.7005/7006 may come after GES
 * acted (a gateway's 503 after the backend took the stop), so those are OutcomeUnknownError and the
 * run settles them by looking (docs/contracts.md §5).
 */
import type { GesHttpError, GesNetworkError, GesTimeoutError } from '../errors.js';

export interface RetryPolicy {
  /** Attempts in total, the first one included, for every failure but throttles. */
  readonly maxAttempts: number;
  /** Full jitter: the n-th retry waits random() × min(maxDelayMs, baseDelayMs × 2^(n-1)). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /**
   * Without a deadline, how long after the first attempt throttles are still retried; a
   * `Retry-After` that ends later is not waited for. With a deadline, the deadline.
   */
  readonly throttleBudgetMs: number;
  /** No attempt is started with less time than this left before the caller's deadline. */
  readonly minAttemptMs: number;
  /** Retried for every request that may be retried at all. */
  readonly statusCodes: readonly number[];
  readonly gesCodes: readonly string[];
  readonly networkCodes: readonly string[];
  /**
   * Answers that say the request was not carried out, so a non-idempotent request (stop, start)
   * may be sent again. Any other 5xx, and any transport failure after the request started to be
   * written, leaves its outcome unknown.
   */
  readonly notProcessedStatusCodes: readonly number[];
  readonly notProcessedGesCodes: readonly string[];
  /**
   * Throttles: retried at once, because the transport's pacer holds back every request of that
   * (origin, key) for the pause; only whether the pause fits before the deadline is decided here.
   */
  readonly throttleStatusCodes: readonly number[];
  readonly throttleGesCodes: readonly string[];
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 5_000,
  throttleBudgetMs: 60_000,
  minAttemptMs: 100,
  statusCodes: [408, 429, 500, 502, 503, 504],
  gesCodes: ['GES.7005', 'GES.7006'],
  networkCodes: [
    'ECONNRESET',
    'ECONNREFUSED',
    'ECONNABORTED',
    'EPIPE',
    'ETIMEDOUT',
    'ENOTFOUND',
    'EAI_AGAIN',
    'ENETDOWN',
    'ENETUNREACH',
    'EHOSTDOWN',
    'EHOSTUNREACH',
    'UND_ERR_SOCKET',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
  ],
  notProcessedStatusCodes: [429],
  notProcessedGesCodes: [],
  throttleStatusCodes: [429],
  throttleGesCodes: ['APIG.0308'],
};

/** What one failed attempt produced, already mapped to this project's errors. */
export type Failure =
  | { readonly kind: 'http'; readonly error: GesHttpError }
  | {
      readonly kind: 'network';
      readonly error: GesTimeoutError | GesNetworkError;
      /** `ECONNRESET`, `UND_ERR_HEADERS_TIMEOUT`, … */
      readonly code: string;
      /** False only when the request certainly never reached the wire. */
      readonly sent: boolean;
    }
  /** Anything else: a bug, never retried, rethrown untouched. */
  | { readonly kind: 'unknown'; readonly error: unknown };

export interface RetryInput {
  /** Attempts made so far, the failed one included (1 after the first). */
  readonly attempt: number;
  readonly failure: Failure;
  readonly idempotent: boolean;
  readonly now: number;
  /** Epoch ms of the first attempt. */
  readonly startedAt: number;
  /** Epoch ms; no sleep and no attempt reaches past it. */
  readonly deadline?: number | undefined;
  readonly random: () => number;
  readonly policy: RetryPolicy;
}

export type RetryDecision =
  | { readonly kind: 'retry'; readonly delayMs: number; readonly reason: string }
  /** Throw the failure's own error. */
  | { readonly kind: 'throw'; readonly reason: string }
  /** Throw OutcomeUnknownError: a stop or start may have been carried out. */
  | { readonly kind: 'outcome-unknown'; readonly reason: string }
  /** Throw DeadlineExceededError: a retry was due but cannot start before the deadline. */
  | { readonly kind: 'deadline'; readonly reason: string };

export function decideRetry(input: RetryInput): RetryDecision {
  const { failure, policy } = input;
  const reason = describeFailure(failure);
  if (failure.kind === 'unknown') return { kind: 'throw', reason };
  const unprocessed = isUnprocessedAnswer(failure, policy);
  if (!input.idempotent && !unprocessed && !(failure.kind === 'network' && !failure.sent)) {
    return mayHaveBeenProcessed(failure) ? { kind: 'outcome-unknown', reason } : { kind: 'throw', reason };
  }
  const throttle = failure.kind === 'http' && isThrottle(failure.error, policy);
  if (!throttle && (!isRetryable(failure, policy) || input.attempt >= policy.maxAttempts)) {
    return { kind: 'throw', reason };
  }

  const retryAfter = failure.kind === 'http' ? failure.error.retryAfterMs : undefined;
  const wait = retryAfter ?? (throttle ? 0 : backoffDelay(input.attempt, policy, input.random));
  if (input.deadline === undefined) {
    const budgetLeft = input.startedAt + policy.throttleBudgetMs - input.now;
    if (throttle && wait >= budgetLeft) {
      return {
        kind: 'throw',
        reason: `${reason}, retried for ${policy.throttleBudgetMs} ms without a deadline`,
      };
    }
  } else {
    const room = input.deadline - input.now - policy.minAttemptMs;
    // The server's Retry-After is honoured or not at all; our own backoff may be shortened.
    if (room <= 0 || (retryAfter !== undefined && wait > room)) return { kind: 'deadline', reason };
  }
  // A throttle's wait is the pacer's (it pauses the whole key); the retry itself goes at once.
  const delayMs = throttle ? 0 : Math.min(wait, roomOf(input));
  return { kind: 'retry', delayMs, reason };
}

/** 429 or APIG.0308: the gateway's rate limit. */
export function isThrottle(error: GesHttpError, policy: RetryPolicy = DEFAULT_RETRY_POLICY): boolean {
  return (
    policy.throttleStatusCodes.includes(error.status) ||
    (error.gesCode !== undefined && policy.throttleGesCodes.includes(error.gesCode))
  );
}

function roomOf(input: RetryInput): number {
  return input.deadline === undefined
    ? Number.POSITIVE_INFINITY
    : input.deadline - input.now - input.policy.minAttemptMs;
}

/** Exponential backoff with full jitter; `attempt` is the number of attempts made so far (≥ 1). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(Math.min(Math.max(random(), 0), 1) * ceiling);
}

export function describeFailure(failure: Failure): string {
  switch (failure.kind) {
    case 'http': {
      const { status, gesCode } = failure.error;
      return gesCode ? `status ${status} ${gesCode}` : `status ${status}`;
    }
    case 'network':
      return failure.sent ? failure.code : `${failure.code} (not sent)`;
    case 'unknown':
      return 'unexpected error';
  }
}

function isRetryable(failure: Failure, policy: RetryPolicy): boolean {
  switch (failure.kind) {
    case 'http': {
      const { status, gesCode } = failure.error;
      return (
        policy.statusCodes.includes(status) || (gesCode !== undefined && policy.gesCodes.includes(gesCode))
      );
    }
    case 'network':
      return policy.networkCodes.includes(failure.code);
    case 'unknown':
      return false;
  }
}

/** An answer saying the request was not carried out: retried until the deadline. */
function isUnprocessedAnswer(failure: Failure, policy: RetryPolicy): boolean {
  if (failure.kind !== 'http') return false;
  const { status, gesCode } = failure.error;
  return (
    policy.notProcessedStatusCodes.includes(status) ||
    (gesCode !== undefined && policy.notProcessedGesCodes.includes(gesCode)) ||
    isThrottle(failure.error, policy)
  );
}

/** GES codes that say "try again later", whatever the status: the action may still have happened. */
const AMBIGUOUS_GES_CODES: ReadonlySet<string> = new Set(['GES.7005', 'GES.7006']);

/**
 * A 4xx is a definite refusal, but for 408 and GES.7005/7006 ("retry later"); a 5xx or a transport
 * failure after sending may hide a done action.
 */
function mayHaveBeenProcessed(failure: Failure): boolean {
  switch (failure.kind) {
    case 'http':
      return (
        failure.error.status >= 500 ||
        failure.error.status === 408 ||
        AMBIGUOUS_GES_CODES.has(failure.error.gesCode ?? '')
      );
    case 'network':
      return failure.sent;
    case 'unknown':
      return false;
  }
}
