/**
 * How fast one (origin, access key) may send, learned from throttles. Pure: every method takes
 * `now` (epoch ms) and nothing here waits; the pacer (pacer.ts) does the waiting.
 *
 * The rate rule is CUBIC as in the AWS SDK's adaptive retry mode (smithy-typescript
 * `DefaultRateLimiter`: beta 0.7, minimum rate 0.5/s, growth capped at twice the measured send
 * rate, nothing limited before the first throttle), reimplemented rather than imported because that class reads
 * `Date.now` and sleeps through a static, process-wide `setTimeout` inside `getSendToken` (no
 * injectable clock, no deadline, no cancellation), knows no pause or `Retry-After`, and is only a
 * transitive dependency here (`@smithy/core/retry`). Differences, each for a reason:
 * - the curve is relative to the rate cut from, rate(t) = lastMax × (1 + C (t − K)³) with K =
 *   `recoverySeconds` (8): AWS's absolute C = 0.4 req/s per s³ climbs back within 1.5 s at
 *   5 req/s, which in simulation throttled 23% of requests at 5 req/s and 10% at 10 req/s; with
 *   K = 8 s it is 5–7%, 3–4% and about 2% at 5, 10 and 20 req/s (test/http/pacer.test.ts);
 * - sends are spaced evenly (a bucket of one token) instead of allowing a second's burst: a
 *   gateway bucket's burst size is unknown, and even spacing at or under its rate is never refused;
 * - one cut per congestion event: a throttle of a request sent before the last cut says nothing
 *   new (it was sent at the old rate), so in-flight requests do not cut the rate again and again;
 * - the measured send rate is counted over the last second of sending, paused time excluded, so a
 *   pause does not read as a slow client and cap the recovery;
 * - when less than half of what was sent over the last seconds got through, the cut starts from
 *   the rate that got through instead (the first throttle often follows a burst far above the
 *   limit: cutting by 0.7 at a time from there costs a throttled round trip per step);
 * - a throttle also pauses every send: for `Retry-After` when the gateway gives one, otherwise for
 *   `basePauseMs` (0.5 s), doubled up to `maxPauseMs` (5 s) while throttles keep coming with no
 *   success in between. Short first: a token bucket refills continuously and the cut already
 *   keeps sends under its refill, so the pause only stops what was queued at the old rate, and a
 *   long one costs throughput on every cycle (0.5 s and 1 s throttled the same share in
 *   simulation). Huawei's advised 2–5 s is reached after two to four events without a success:
 *   a limit counted over a longer window, or another client spending the same quota.
 */

export interface AdaptiveRateOptions {
  /** Hard cap in requests per second, applied from the first request on. */
  readonly maxPerSecond?: number | undefined;
  /** The rate is multiplied by this on a throttle. */
  readonly beta?: number | undefined;
  /** Seconds after a cut until the rate is back at the rate it was cut from (CUBIC's K). */
  readonly recoverySeconds?: number | undefined;
  /** Requests per second, the lowest learned rate. */
  readonly minRate?: number | undefined;
  /** Pause after a throttle without `Retry-After`. */
  readonly basePauseMs?: number | undefined;
  readonly maxPauseMs?: number | undefined;
}

export interface Answer {
  /** When the request left (what `take` was called with). */
  readonly sentAt: number;
  readonly throttled: boolean;
  readonly retryAfterMs?: number | undefined;
}

export const ADAPTIVE_RATE_DEFAULTS = {
  beta: 0.7,
  recoverySeconds: 8,
  minRate: 0.5,
  basePauseMs: 500,
  maxPauseMs: 5_000,
} as const;

const MEASURE_WINDOW_MS = 1_000;
const ACCEPTED_WINDOW_MS = 2_000;
/** Weight of the newest answer in the smoothed round-trip time. */
const RTT_WEIGHT = 0.2;
const MIN_MEASURE_SPAN_MS = 100;

export class AdaptiveRate {
  readonly #cap: number;
  readonly #beta: number;
  /** CUBIC's C relative to the last max: rate(t) = lastMax × (1 + C (t − K)³). */
  readonly #scale: number;
  readonly #window: number;
  readonly #minRate: number;
  readonly #basePauseMs: number;
  readonly #maxPauseMs: number;
  /** Requests per second once a throttle was seen; until then nothing is learned. */
  #learned: number | undefined;
  #lastMax = 0;
  #lastCutAt = Number.NEGATIVE_INFINITY;
  #nextAt = Number.NEGATIVE_INFINITY;
  #pausedUntil = Number.NEGATIVE_INFINITY;
  #measureFrom = Number.NEGATIVE_INFINITY;
  readonly #sends: number[] = [];
  /** Send times of the answers that got through, for the accepted rate. */
  readonly #accepted: number[] = [];
  #firstSendAt: number | undefined;
  #streak = 0;
  /** Smoothed time from send to answer: rates are measured over windows at least twice as long. */
  #rttMs: number | undefined;
  #successSinceCut = true;
  #throttles = 0;

  constructor(options: AdaptiveRateOptions = {}) {
    const cap = options.maxPerSecond ?? Number.POSITIVE_INFINITY;
    if (!(cap > 0)) throw new RangeError(`maxPerSecond must be a positive number, got ${cap}`);
    this.#cap = cap;
    this.#beta = options.beta ?? ADAPTIVE_RATE_DEFAULTS.beta;
    this.#window = options.recoverySeconds ?? ADAPTIVE_RATE_DEFAULTS.recoverySeconds;
    this.#scale = (1 - this.#beta) / this.#window ** 3;
    this.#minRate = options.minRate ?? ADAPTIVE_RATE_DEFAULTS.minRate;
    this.#basePauseMs = options.basePauseMs ?? ADAPTIVE_RATE_DEFAULTS.basePauseMs;
    this.#maxPauseMs = options.maxPauseMs ?? ADAPTIVE_RATE_DEFAULTS.maxPauseMs;
  }

  /** Requests per second allowed now: the cap and the learned rate; undefined when unlimited. */
  get rate(): number | undefined {
    const rate = Math.min(this.#cap, this.#learned ?? Number.POSITIVE_INFINITY);
    return Number.isFinite(rate) ? rate : undefined;
  }

  /** The learned rate alone (undefined before the first throttle). */
  get learned(): number | undefined {
    return this.#learned;
  }

  get throttles(): number {
    return this.#throttles;
  }

  get pausedUntil(): number {
    return this.#pausedUntil;
  }

  /** Ms from `now` until a request may leave; 0 when one may leave now. */
  delay(now: number): number {
    return Math.max(0, this.#nextAt - now, this.#pausedUntil - now);
  }

  /** A request leaves now (only after `delay(now)` was 0). */
  take(now: number): void {
    this.#firstSendAt ??= now;
    this.#sends.push(now);
    const rate = this.rate;
    this.#nextAt = rate === undefined ? Number.NEGATIVE_INFINITY : Math.max(this.#nextAt, now) + 1_000 / rate;
  }

  /** Learns from an HTTP answer (transport failures carry no news about the rate). */
  answer(now: number, answer: Answer): void {
    const rtt = Math.max(0, now - answer.sentAt);
    this.#rttMs = this.#rttMs === undefined ? rtt : this.#rttMs + RTT_WEIGHT * (rtt - this.#rttMs);
    if (answer.throttled) this.#throttled(now, answer);
    else this.#succeeded(now, answer.sentAt);
  }

  #throttled(now: number, { sentAt, retryAfterMs }: Answer): void {
    this.#throttles++;
    const newEvent = sentAt > this.#lastCutAt;
    if (newEvent) {
      this.#streak = this.#successSinceCut ? 1 : this.#streak + 1;
      this.#successSinceCut = false;
      const measured = this.#measured(now);
      // Nothing sent since the last pause began says nothing about the rate: keep the learned one.
      const sending =
        measured === 0
          ? (this.#learned ?? this.#minRate)
          : Math.min(measured, this.#learned ?? Number.POSITIVE_INFINITY);
      const accepted = this.#acceptedRate(now, sentAt);
      // Nothing accepted yet (the first answer is a throttle) is no evidence of a low limit.
      const from = accepted > 0 && accepted < sending / 2 ? Math.max(accepted, this.#minRate) : sending;
      this.#lastMax = from;
      this.#lastCutAt = now;
      this.#learned = Math.max(this.#minRate, from * this.#beta);
    }
    const pauseMs = retryAfterMs ?? (newEvent ? this.#pauseFor(this.#streak) : 0);
    if (now + pauseMs > this.#pausedUntil) {
      this.#pausedUntil = now + pauseMs;
      this.#measureFrom = this.#pausedUntil;
      this.#sends.length = 0;
    }
  }

  #succeeded(now: number, sentAt: number): void {
    this.#accepted.push(sentAt);
    if (sentAt > this.#lastCutAt) this.#successSinceCut = true;
    if (this.#learned === undefined) return;
    const t = (now - this.#lastCutAt) / 1_000;
    const cubic = this.#lastMax * (1 + this.#scale * (t - this.#window) ** 3);
    const measured = this.#measured(now);
    // Never more than twice what is really sent: a quiet client must not learn a rate it never tried.
    const ceiling = measured > 0 ? 2 * measured : this.#learned;
    this.#learned = Math.max(this.#minRate, Math.min(cubic, Math.max(ceiling, this.#learned)));
  }

  #pauseFor(streak: number): number {
    return Math.min(this.#maxPauseMs, this.#basePauseMs * 2 ** (streak - 1));
  }

  /**
   * Requests per second that got through over the last seconds, by send time, up to the send
   * time of the latest answer (`until`): later requests are still in flight, not refused.
   */
  #acceptedRate(now: number, until: number): number {
    const from = now - this.#span(ACCEPTED_WINDOW_MS);
    while (this.#accepted.length > 0 && this.#accepted[0]! < from) this.#accepted.shift();
    const span = Math.max(MIN_MEASURE_SPAN_MS, until - Math.max(from, this.#firstSendAt ?? until));
    return (this.#accepted.length * 1_000) / span;
  }

  /** Sends per second over the last second of sending, time paused excluded. */
  #measured(now: number): number {
    const from = Math.max(now - this.#span(MEASURE_WINDOW_MS), this.#measureFrom);
    while (this.#sends.length > 0 && this.#sends[0]! < from) this.#sends.shift();
    if (this.#sends.length === 0) return 0;
    const span = Math.max(MIN_MEASURE_SPAN_MS, now - Math.max(from, this.#firstSendAt ?? now));
    return (this.#sends.length * 1_000) / span;
  }

  /**
   * A measuring window of at least `least` ms and two round trips: with answers slower than the
   * window, the sends behind them would fall out of it and read as a client sending nothing.
   */
  #span(least: number): number {
    return Math.max(least, 2 * (this.#rttMs ?? 0));
  }
}
