/**
 * The gateway's throttles besides the token bucket (rate-limit.ts): a fixed-window quota per
 * access key whose 429 states it (`limit:120,time:1 minute`), and 429s at random, which do not
 * follow the client's rate at all (an `api` policy other tenants spend, or a quota someone else
 * uses). Both answer 429 APIG.0308 and carry nothing out.
 */
import { makePrng } from './faults.js';
import { THROTTLE_POLICY_NAMES, type Throttled, throttleMessage } from './rate-limit.js';
import type { RandomThrottle, WindowLimit } from './types.js';

export const DEFAULT_RANDOM_THROTTLE_MESSAGE = throttleMessage('api', 1000, 1);

/** Throws on a quota or a share that cannot mean anything. */
export function validateThrottles(window: WindowLimit | undefined, random: RandomThrottle | undefined): void {
  const fail = (problem: string) => {
    throw new TypeError(problem);
  };
  if (window) {
    const { limit, periodSeconds, policy, retryAfter } = window;
    if (!(Number.isInteger(limit) && limit >= 1))
      fail(`windowLimit: limit must be a whole number >= 1, got ${limit}`);
    if (!(Number.isInteger(periodSeconds) && periodSeconds >= 1))
      fail(`windowLimit: periodSeconds must be a whole number >= 1, got ${periodSeconds}`);
    if (policy !== undefined && !THROTTLE_POLICY_NAMES.includes(policy))
      fail(`windowLimit: policy must be one of ${THROTTLE_POLICY_NAMES.join(', ')}, got '${policy}'`);
    if (retryAfter !== undefined && retryAfter !== 'none' && retryAfter !== 'window')
      fail(`windowLimit: retryAfter must be 'none' or 'window', got '${retryAfter}'`);
  }
  if (random) {
    const { share, retryAfterSeconds } = random;
    if (!(share >= 0 && share <= 1)) fail(`randomThrottle: share must be 0..1, got ${share}`);
    if (retryAfterSeconds !== undefined && !(Number.isInteger(retryAfterSeconds) && retryAfterSeconds >= 0))
      fail(`randomThrottle: retryAfterSeconds must be whole seconds >= 0, got ${retryAfterSeconds}`);
  }
}

/** Per access key: how many requests its current window let through, and when that window began. */
interface Window {
  start: number;
  used: number;
}

export class GatewayThrottles {
  readonly #window: WindowLimit | undefined;
  readonly #random: RandomThrottle | undefined;
  readonly #windows = new Map<string, Window>();
  readonly #draw: () => number;

  constructor(
    options: { windowLimit?: WindowLimit | undefined; randomThrottle?: RandomThrottle | undefined },
    readonly now: () => number,
    seed: number,
  ) {
    validateThrottles(options.windowLimit, options.randomThrottle);
    this.#window = options.windowLimit && { ...options.windowLimit };
    this.#random = options.randomThrottle && { ...options.randomThrottle };
    // A PRNG of its own: adding random throttles does not move the fault rules' draws.
    this.#draw = makePrng(seed ^ 0x7e57);
  }

  /** undefined when the key may go on; otherwise how to answer the 429. */
  check(ak: string): Throttled | undefined {
    return this.#randomly() ?? this.#windowed(ak);
  }

  #randomly(): Throttled | undefined {
    const random = this.#random;
    if (!random || !(this.#draw() < random.share)) return undefined;
    return {
      requestsPerSecond: 0,
      message: random.message ?? DEFAULT_RANDOM_THROTTLE_MESSAGE,
      ...(random.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: random.retryAfterSeconds }),
    };
  }

  #windowed(ak: string): Throttled | undefined {
    const limit = this.#window;
    if (!limit) return undefined;
    const now = this.now();
    const periodMs = limit.periodSeconds * 1000;
    let window = this.#windows.get(ak);
    if (!window) {
      window = { start: now, used: 0 };
      this.#windows.set(ak, window);
    }
    // Windows follow each other from the first one's start: the gateway counts in fixed windows.
    if (now >= window.start + periodMs) {
      window.start += Math.floor((now - window.start) / periodMs) * periodMs;
      window.used = 0;
    }
    if (window.used < limit.limit) {
      window.used++;
      return undefined;
    }
    const message = throttleMessage(limit.policy ?? 'user', limit.limit, limit.periodSeconds);
    const untilNext = Math.max(1, Math.ceil((window.start + periodMs - now) / 1000));
    return {
      requestsPerSecond: limit.limit / limit.periodSeconds,
      message,
      ...(limit.retryAfter === 'window' ? { retryAfterSeconds: untilNext } : {}),
    };
  }
}
