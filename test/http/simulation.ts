/**
 * A client of N requests through one Pacer against a simulated gateway token bucket, on virtual
 * time: every number it reports is deterministic.
 */
import { AdaptiveRate, type AdaptiveRateOptions } from '../../lib/http/adaptive-rate.js';
import { Limiter } from '../../lib/http/limiter.js';
import { Pacer } from '../../lib/http/pacer.js';
import type { StatedLimit } from '../../lib/http/stated-limit.js';
import { makePrng } from '../../sandbox/faults.js';
import { VirtualTime } from './virtual-time.js';

export interface GatewayPhase {
  /** From this many ms after the start (the first phase starts at 0). */
  readonly fromMs: number;
  /** Tokens per second and bucket size. */
  readonly rate: number;
  readonly burst: number;
  /** Tokens per second another client takes from the same bucket (default 0). */
  readonly others?: number;
}

/** 429s at random, whatever the rate, stating `stated` (nothing when undefined). */
export interface Noise {
  readonly share: number;
  readonly stated?: StatedLimit | undefined;
  readonly retryAfterMs?: number | undefined;
}

/** A fixed-window quota: `limit` per `periodMs`, windows from `startMs` on. */
export interface FixedWindow {
  readonly limit: number;
  readonly periodMs: number;
  readonly startMs?: number;
}

export interface SimulationOptions {
  readonly requests: number;
  readonly concurrency: number;
  readonly latencyMs: number;
  /** The bucket; none when undefined (only noise or a window throttle). */
  readonly gateway?: readonly GatewayPhase[] | undefined;
  /** Whether the bucket's 429s state its limit (a per-user policy per second), as Huawei's do. */
  readonly statesBucket?: boolean;
  readonly noise?: Noise | undefined;
  readonly window?: FixedWindow | undefined;
  /** Sent with every 429, in ms (the gateway's Retry-After); none when undefined. */
  readonly retryAfterMs?: number | undefined;
  readonly pacing?: AdaptiveRateOptions | undefined;
}

export interface SimulationResult {
  readonly sent: number;
  readonly throttled: number;
  readonly throttledShare: number;
  readonly elapsedMs: number;
  /** Accepted requests per second over the whole run. */
  readonly achievedRate: number;
  /** Send times of accepted and throttled requests, ms from the start. */
  readonly accepted: readonly number[];
  /** Most requests sent within any one second. */
  readonly maxPerSecond: number;
  readonly finalRate: number | undefined;
}

export async function simulate(options: SimulationOptions): Promise<SimulationResult> {
  const time = new VirtualTime(0);
  const rate = new AdaptiveRate(options.pacing);
  const pacer = new Pacer(rate, time.now, time.sleep);
  const limiter = new Limiter(options.concurrency);
  const gateway = options.gateway && new Gateway(options.gateway);
  const window = options.window && new Window(options.window);
  const draw = makePrng(16);
  const sends: number[] = [];
  const accepted: number[] = [];
  let throttled = 0;
  let pending = options.requests;

  const one = async (): Promise<void> => {
    for (;;) {
      const release = await pacer.admit(undefined, () => limiter.acquire());
      if (!release) throw new Error('no deadline: admit must not give up');
      const sentAt = time.now();
      sends.push(sentAt);
      const refusal = refuse(sentAt);
      const ok = refusal === undefined;
      await time.sleep(options.latencyMs);
      // Before the slot is given back, as the transport does.
      pacer.answer(ok ? { sentAt, throttled: false } : { sentAt, throttled: true, ...refusal });
      release();
      if (ok) {
        accepted.push(sentAt);
        pending--;
        return;
      }
      throttled++;
    }
  };
  /** undefined when the request gets through; else what its 429 says. */
  const refuse = (
    at: number,
  ): { stated?: StatedLimit | undefined; retryAfterMs?: number | undefined } | undefined => {
    const { noise } = options;
    if (noise && draw() < noise.share) return { stated: noise.stated, retryAfterMs: noise.retryAfterMs };
    if (window && !window.take(at)) {
      const { limit, periodMs } = window.options;
      return { stated: { policy: 'user', limit, periodMs } };
    }
    if (gateway && !gateway.take(at)) {
      const stated = options.statesBucket
        ? { policy: 'user' as const, limit: gateway.rateAt(at), periodMs: 1_000 }
        : undefined;
      return { stated, retryAfterMs: options.retryAfterMs };
    }
    return undefined;
  };
  const all = Promise.all(Array.from({ length: options.requests }, one));
  await time.run();
  await all;
  if (pending !== 0) throw new Error(`${pending} requests never finished`);
  const elapsedMs = time.now();
  return {
    sent: sends.length,
    throttled,
    throttledShare: throttled / sends.length,
    elapsedMs,
    achievedRate: (options.requests * 1_000) / elapsedMs,
    accepted,
    maxPerSecond: maxInWindow(sends, 1_000),
    finalRate: rate.rate,
  };
}

/** The gateway's per-key token bucket: `burst` tokens, refilled at `rate` per second. */
class Gateway {
  #tokens: number;
  #at = 0;
  constructor(readonly phases: readonly GatewayPhase[]) {
    this.#tokens = phases[0]!.burst;
  }

  rateAt(now: number): number {
    return [...this.phases].reverse().find((p) => p.fromMs <= now)!.rate;
  }

  take(now: number): boolean {
    const phase = [...this.phases].reverse().find((p) => p.fromMs <= now)!;
    const left = phase.rate - (phase.others ?? 0);
    this.#tokens = Math.max(0, Math.min(phase.burst, this.#tokens + ((now - this.#at) * left) / 1_000));
    this.#at = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/** A fixed-window quota: at most `limit` requests in each window. */
class Window {
  #index = Number.NaN;
  #used = 0;
  constructor(readonly options: FixedWindow) {}

  take(now: number): boolean {
    const index = Math.floor((now - (this.options.startMs ?? 0)) / this.options.periodMs);
    if (index !== this.#index) {
      this.#index = index;
      this.#used = 0;
    }
    if (this.#used >= this.options.limit) return false;
    this.#used++;
    return true;
  }
}

/** The most timestamps in any window [t, t + windowMs). */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}
