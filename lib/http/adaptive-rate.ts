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

import { judgeThrottle, NOISE } from './noise.js';
import { isShared, isWindowed, nextWindowAt, type StatedLimit, statedPace } from './stated-limit.js';

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
  /** The limit a throttle's message states (stated-limit.ts), if any. */
  readonly stated?: StatedLimit | undefined;
}

export const ADAPTIVE_RATE_DEFAULTS = {
  beta: 0.7,
  recoverySeconds: 8,
  minRate: 0.5,
  basePauseMs: 500,
  maxPauseMs: 5_000,
} as const;

const MEASURE_WINDOW_MS = 1_000;
/** What got through over this long (at least a second) is the floor of the learned rate. */
const FLOOR_WINDOW_MS = 5_000;
const MIN_FLOOR_SPAN_MS = 1_000;
/**
 * A cut keeps at least this part of what got through: all of it held the learned rate at a
 * bucket's edge, where 10-14 % of requests were refused in simulation; 0.8 gives 6-7 %.
 */
const FLOOR_SHARE = 0.8;
/** Weight of the newest answer in the recent share of throttles. */
const SHARE_WEIGHT = 0.05;
/** Accepted send times kept, for the floor and for where a spent window began. */
const LOG_SIZE = 4_096;
/** Added to a window's estimated end: the way to the gateway, at least this. */
const MIN_WINDOW_MARGIN_MS = 200;
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
  /** The learned rate right after the last cut: the curve climbs from it, never below it. */
  #cutTo = 0;
  /** The learned rate the last cut found (undefined: none yet), which an undone cut restores. */
  #beforeCut: number | undefined;
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
  /** The latest limit a throttle stated: paced to, whatever is learned. */
  #stated: StatedLimit | undefined;
  /** Recent share of throttles among answers (moving average), and at the last cut. */
  #share = 0;
  #shareAtCut = 0;
  #sinceCut = { answers: 0, throttled: 0 };
  /** The share of throttles a cut did not change: not ours. */
  #background: number | undefined;
  /** Send times of accepted requests, oldest first, the last LOG_SIZE of them. */
  readonly #log: number[] = [];
  /** Pauses of the last FLOOR_WINDOW_MS or so, oldest first: time in them sent nothing. */
  readonly #pauses: { from: number; until: number }[] = [];

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

  /** Requests per second allowed now: the cap, the stated limit and the learned rate; undefined when unlimited. */
  get rate(): number | undefined {
    const stated = this.#stated ? statedPace(this.#stated) : Number.POSITIVE_INFINITY;
    const rate = Math.min(this.#cap, stated, this.#learned ?? Number.POSITIVE_INFINITY);
    return Number.isFinite(rate) ? rate : undefined;
  }

  /** The limit the gateway stated last, if any. */
  get stated(): StatedLimit | undefined {
    return this.#stated;
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
    // Throttles of a shared total or a spent window are handled apart and say nothing of the
    // share our own rate causes: they count in neither the recent share nor the one since the cut.
    const apart = answer.throttled && (isShared(answer.stated) || isWindowed(answer.stated));
    if (!apart) {
      this.#share += SHARE_WEIGHT * ((answer.throttled ? 1 : 0) - this.#share);
      if (answer.sentAt > this.#lastCutAt) this.#sinceCut.answers++;
    }
    if (answer.throttled) this.#throttled(now, answer);
    else this.#succeeded(now, answer.sentAt);
  }

  #throttled(now: number, answer: Answer): void {
    this.#throttles++;
    const { stated, retryAfterMs } = answer;
    // The API's total counts every caller's requests, ours among them: never a pace of ours, and
    // it must not replace a limit of our own stated before.
    if (stated && !isShared(stated)) this.#stated = stated;
    // The API's total, spent by every caller: no cut and no pause, even for a spent window (that
    // would cut us below what gets through, for others' use); retry.ts delays only the throttled
    // request by its Retry-After.
    if (isShared(stated)) return;
    if (isWindowed(stated)) {
      // Spent until the next window: wait for it, then go at the stated pace, spread evenly.
      const margin = Math.max(MIN_WINDOW_MARGIN_MS, 2 * (this.#rttMs ?? 0));
      this.#pause(now, retryAfterMs ?? nextWindowAt(this.#log, stated, now, margin) - now);
      return;
    }
    this.#learn(now, answer);
  }

  /**
   * A throttle that may follow our rate: CUBIC's cut, never below what recently got through,
   * unless noise.ts finds that the throttles do not follow our rate.
   */
  #learn(now: number, { sentAt, retryAfterMs, stated }: Answer): void {
    const afterCut = sentAt > this.#lastCutAt;
    if (afterCut) this.#sinceCut.throttled++;
    // A throttle that states a per-second limit we already pace under may come from others'
    // use of it; one that states nothing is learned from as it comes (AWS's way, with the floor):
    // judged as noise, a bucket that states nothing would be overrun (93 % throttled at 5 req/s).
    const verdict = !afterCut
      ? 'hold'
      : stated === undefined
        ? 'cut'
        : judgeThrottle({
            learned: this.#learned,
            sinceCut: this.#sinceCut,
            shareAtCut: this.#shareAtCut,
            share: this.#share,
            background: this.#background,
          });
    if (verdict === 'undo') {
      this.#background = this.#sinceCut.throttled / this.#sinceCut.answers;
      // Back to where the cut found us: no pace at all when it was the first.
      const before = this.#beforeCut;
      this.#learned = before === undefined ? undefined : Math.max(this.#learned ?? 0, this.#lastMax, before);
      this.#cutTo = this.#learned ?? 0;
    }
    if (verdict === 'cut') this.#cut(now, sentAt);
    this.#pause(now, retryAfterMs ?? (verdict === 'cut' ? this.#pauseFor(this.#streak) : 0));
  }

  #cut(now: number, sentAt: number): void {
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
    const floor = FLOOR_SHARE * this.#delivered(now);
    this.#beforeCut = this.#learned;
    this.#lastMax = from;
    // The share before the cut: counted over the answers since the last one when there are enough
    // (the moving average, just raised by the throttle at hand, reads high under random throttles).
    const counted = this.#sinceCut.answers >= NOISE.minAnswers;
    this.#shareAtCut = counted ? this.#sinceCut.throttled / this.#sinceCut.answers : this.#share;
    this.#lastCutAt = now;
    this.#learned = Math.max(this.#minRate, from * this.#beta, floor);
    this.#cutTo = this.#learned;
    this.#sinceCut = { answers: 0, throttled: 0 };
    this.#background = undefined;
  }

  /** Sends nothing until `now + pauseMs` (a later pause already set stands). */
  #pause(now: number, pauseMs: number): void {
    if (pauseMs > 0 && now + pauseMs > this.#pausedUntil) {
      const last = this.#pauses[this.#pauses.length - 1];
      if (last && last.until >= now) last.until = now + pauseMs;
      else this.#pauses.push({ from: now, until: now + pauseMs });
      while (this.#pauses.length > 0 && this.#pauses[0]!.until < now - FLOOR_WINDOW_MS) this.#pauses.shift();
      this.#pausedUntil = now + pauseMs;
      this.#measureFrom = this.#pausedUntil;
      this.#sends.length = 0;
    }
  }

  /**
   * Requests per second that got through (by send time) over the last FLOOR_WINDOW_MS, counted
   * over at least a second (a burst of the first few hundred ms must not read as a sustained
   * rate) and without the time paused (our own pauses are no sign of a lower limit).
   */
  #delivered(now: number): number {
    const span = Math.max(
      MIN_FLOOR_SPAN_MS,
      2 * (this.#rttMs ?? 0),
      Math.min(FLOOR_WINDOW_MS, now - (this.#firstSendAt ?? now)),
    );
    let count = 0;
    for (let i = this.#log.length - 1; i >= 0 && this.#log[i]! >= now - span; i--) count++;
    let paused = 0;
    for (const { from, until } of this.#pauses)
      paused += Math.max(0, Math.min(until, now) - Math.max(from, now - span));
    return (count * 1_000) / Math.max(MIN_MEASURE_SPAN_MS, span - paused);
  }

  #succeeded(now: number, sentAt: number): void {
    this.#accepted.push(sentAt);
    this.#record(sentAt);
    if (sentAt > this.#lastCutAt) this.#successSinceCut = true;
    if (this.#learned === undefined) return;
    const t = (now - this.#lastCutAt) / 1_000;
    const cubic = this.#lastMax * (1 + this.#scale * (t - this.#window) ** 3);
    const measured = this.#measured(now);
    // Never more than twice what is really sent: a quiet client must not learn a rate it never tried.
    const ceiling = measured > 0 ? 2 * measured : this.#learned;
    this.#learned = Math.max(this.#cutTo, Math.min(cubic, Math.max(ceiling, this.#learned)));
  }

  /** Keeps the log of accepted send times in order (answers may come back out of order). */
  #record(sentAt: number): void {
    let i = this.#log.length;
    while (i > 0 && this.#log[i - 1]! > sentAt) i--;
    this.#log.splice(i, 0, sentAt);
    if (this.#log.length > LOG_SIZE) this.#log.shift();
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
