/**
 * A client of N requests through one Pacer against a simulated gateway token bucket, on virtual
 * time: every number it reports is deterministic.
 */
import { AdaptiveRate, type AdaptiveRateOptions } from '../../lib/http/adaptive-rate.js';
import { Limiter } from '../../lib/http/limiter.js';
import { Pacer } from '../../lib/http/pacer.js';
import { VirtualTime } from './virtual-time.js';

export interface GatewayPhase {
  /** From this many ms after the start (the first phase starts at 0). */
  readonly fromMs: number;
  /** Tokens per second and bucket size. */
  readonly rate: number;
  readonly burst: number;
}

export interface SimulationOptions {
  readonly requests: number;
  readonly concurrency: number;
  readonly latencyMs: number;
  readonly gateway: readonly GatewayPhase[];
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
  const gateway = new Gateway(options.gateway);
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
      const ok = gateway.take(sentAt);
      await time.sleep(options.latencyMs);
      const retryAfterMs = ok ? undefined : options.retryAfterMs;
      pacer.answer({ sentAt, throttled: !ok, retryAfterMs }); // before the slot is given back, as the transport does
      release();
      if (ok) {
        accepted.push(sentAt);
        pending--;
        return;
      }
      throttled++;
    }
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

  take(now: number): boolean {
    const phase = [...this.phases].reverse().find((p) => p.fromMs <= now)!;
    this.#tokens = Math.min(phase.burst, this.#tokens + ((now - this.#at) * phase.rate) / 1_000);
    this.#at = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
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
