/**
 * The limit Huawei's API gateway states in a throttle (429, APIG.0308), read from the message of
 * either body spelling (`errorMessage` in v1.0, `error_msg` in v2; failure.ts finds it):
 *
 *   The throttling threshold has been reached: policy ip over ratelimit,limit:5,time:1 minute
 *
 * `policy` says what counts the requests: `user`, `ip` and `app` count ours (and whatever else
 * shares that user, address or app); `api` is the API's total, spent by every caller. Pure.
 */

export const THROTTLE_POLICIES = ['user', 'ip', 'app', 'api'] as const;
export type ThrottlePolicy = (typeof THROTTLE_POLICIES)[number];

const PERIOD_MS = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

export interface StatedLimit {
  /** Undefined when the message names a limit but no policy. */
  readonly policy: ThrottlePolicy | undefined;
  /** Requests allowed per period. */
  readonly limit: number;
  readonly periodMs: number;
}

const LIMIT = /\blimit\s*:\s*(\d{1,9})\s*,\s*time\s*:\s*(?:(\d{1,6})\s*)?(second|minute|hour|day)s?\b/i;
const POLICY = /\bpolicy\s+(user|ip|app|api)\s+over\s+ratelimit\b/i;

/** The stated limit, or undefined when the message states none (or one that cannot be meant). */
export function parseStatedLimit(message: string | undefined): StatedLimit | undefined {
  const found = message === undefined ? null : LIMIT.exec(message);
  if (!found) return undefined;
  const limit = Number(found[1]);
  const count = found[2] === undefined ? 1 : Number(found[2]);
  if (!(limit >= 1 && count >= 1)) return undefined;
  const unit = found[3]!.toLowerCase() as keyof typeof PERIOD_MS;
  const policy = POLICY.exec(message ?? '')?.[1]?.toLowerCase() as ThrottlePolicy | undefined;
  return { policy, limit, periodMs: count * PERIOD_MS[unit] };
}

/** An `api` policy counts every caller's requests: its throttles say little about our own rate. */
export function isShared(stated: StatedLimit | undefined): boolean {
  return stated?.policy === 'api';
}

/** A limit counted over a fixed window longer than a second: once spent, wait for the next one. */
export function isWindowed(stated: StatedLimit | undefined): stated is StatedLimit {
  return stated !== undefined && stated.periodMs > 1_000;
}

/**
 * Sends spaced evenly at this share of a stated limit stay inside it despite arrival jitter (0.95
 * cost the 20 req/s bucket of the benchmark 10 % of its speed; a bucket refills faster than 0.98
 * of its rate spends, and a window of N holds at most N such sends).
 */
const PACE_SHARE = 0.98;

/** Requests a second to pace to under a stated limit, spread evenly. */
export function statedPace(stated: StatedLimit): number {
  return (stated.limit * 1_000 * PACE_SHARE) / stated.periodMs;
}

/**
 * When the next window of a spent windowed limit begins, at the latest, from the send times of
 * our accepted requests (oldest first). If the last `limit` of them fall within one period, they
 * filled one window, which began at or before the first of them: the next one begins at or before
 * that send + the period (plus `marginMs` for the way to the gateway). Otherwise others spent part
 * of the quota and where the window began is unknown: look again a sixth of a period later.
 */
export function nextWindowAt(
  acceptedSends: readonly number[],
  stated: StatedLimit,
  now: number,
  marginMs: number,
): number {
  const first = acceptedSends[acceptedSends.length - stated.limit];
  if (first !== undefined && first > now - stated.periodMs) return first + stated.periodMs + marginMs;
  return now + Math.max(1_000, stated.periodMs / UNKNOWN_START_PROBES);
}

/**
 * Where a spent window began is unknown (others spent it, or it began before this run): it ends
 * within a period, so look this many times a period rather than wait a whole one, which could
 * outlast the run while the window reopens a moment later.
 */
const UNKNOWN_START_PROBES = 6;
