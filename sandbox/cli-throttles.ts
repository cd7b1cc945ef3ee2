/** The throttle flags of `npm run sandbox` (cli-args.ts calls these; the help is in cli-text.ts). */
import { UsageError } from './cli-args.js';
import { THROTTLE_POLICY_NAMES } from './rate-limit.js';
import type { RandomThrottle, RateLimit, ThrottlePolicyName, WindowLimit } from './types.js';

export interface ThrottleFlags {
  readonly policy?: string | undefined;
  readonly 'other-client'?: string | undefined;
  readonly window?: string | undefined;
  readonly 'random-throttle'?: string | undefined;
  readonly 'throttle-message'?: string | undefined;
}

const SECONDS = {
  s: 1,
  second: 1,
  m: 60,
  minute: 60,
  h: 3_600,
  hour: 3_600,
  d: 86_400,
  day: 86_400,
} as const;

/** --policy and --other-client on top of --rate's limit. */
export function bucketExtras(flags: ThrottleFlags, rate: RateLimit | undefined): RateLimit | undefined {
  const policy = policyOf(flags.policy);
  const other = flags['other-client'];
  if (!rate) {
    if (other !== undefined) throw new UsageError('--other-client needs --rate');
    return undefined;
  }
  let otherClientPerSecond: number | undefined;
  if (other !== undefined) {
    otherClientPerSecond = Number(other);
    if (!(other.trim() !== '' && otherClientPerSecond >= 0 && otherClientPerSecond < rate.requestsPerSecond))
      throw new UsageError(`--other-client must be requests a second from 0 to under --rate, got '${other}'`);
  }
  return {
    ...rate,
    ...(policy ? { policy } : {}),
    ...(otherClientPerSecond === undefined ? {} : { otherClientPerSecond }),
  };
}

/** `--window LIMIT/PERIOD`: `120/minute`, `20/10s`, `1000/day`. */
export function windowOf(flags: ThrottleFlags): WindowLimit | undefined {
  const text = flags.window;
  if (text === undefined) return undefined;
  const found = /^(\d{1,9})\/(\d{0,6})\s*(s|second|m|minute|h|hour|d|day)s?$/.exec(text.trim());
  const limit = Number(found?.[1]);
  const count = found?.[2] ? Number(found[2]) : 1;
  if (!found || limit < 1 || count < 1)
    throw new UsageError(`--window must be LIMIT/PERIOD such as 120/minute or 20/10s, got '${text}'`);
  const policy = policyOf(flags.policy);
  const unit = found[3] as keyof typeof SECONDS;
  return { limit, periodSeconds: count * SECONDS[unit], ...(policy ? { policy } : {}) };
}

/** `--random-throttle SHARE[:RETRY_AFTER_SECONDS]`, with `--throttle-message` as the 429's text. */
export function randomThrottleOf(flags: ThrottleFlags): RandomThrottle | undefined {
  const text = flags['random-throttle'];
  const message = flags['throttle-message'];
  if (text === undefined) {
    if (message !== undefined) throw new UsageError('--throttle-message needs --random-throttle');
    return undefined;
  }
  const [shareText = '', after, ...rest] = text.split(':');
  const share = Number(shareText);
  if (rest.length > 0 || !(shareText.trim() !== '' && share >= 0 && share <= 1))
    throw new UsageError(`--random-throttle must be SHARE[:RETRY_AFTER], a share 0..1, got '${text}'`);
  if (after !== undefined && !/^\d{1,5}$/.test(after))
    throw new UsageError(`--random-throttle: Retry-After must be whole seconds, got '${after}'`);
  return {
    share,
    ...(after === undefined ? {} : { retryAfterSeconds: Number(after) }),
    ...(message === undefined ? {} : { message }),
  };
}

function policyOf(text: string | undefined): ThrottlePolicyName | undefined {
  if (text === undefined) return undefined;
  if (!(THROTTLE_POLICY_NAMES as readonly string[]).includes(text))
    throw new UsageError(`--policy must be one of ${THROTTLE_POLICY_NAMES.join(', ')}, got '${text}'`);
  return text as ThrottlePolicyName;
}
