/**
 * Admission for one (origin, access key): requests leave first come, first served, no faster than
 * its AdaptiveRate allows, and each one only together with a concurrency slot.
 *
 * Only the head of the queue asks for a concurrency slot, once its send time is due, and the send
 * time is taken when the slot is there: a request waiting for its turn holds no slot (a paused
 * key never blocks another key on the same origin), and a turn is never spent while the request
 * still waits for a slot (which would let several leave at once later: the burst a gateway
 * bucket refuses). Throughput is min(rate, concurrency / latency) either way.
 */

import { timerMs } from '../clock.js';
import type { AdaptiveRate, Answer } from './adaptive-rate.js';

export type Release = () => void;
/** The concurrency limiter's `acquire`: a slot, or undefined when `timeoutMs` passes first. */
export type SlotSource = (timeoutMs: number | undefined) => Promise<Release | undefined>;
/** Resolves after `ms`, or as soon as `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

interface Waiter {
  /** Called when this waiter becomes the head. */
  wake: () => void;
}

export class Pacer {
  readonly #queue: Waiter[] = [];
  /** Wakes the head early when the rate or the pause changed. */
  #nudge: AbortController | undefined;
  #closed: Error | undefined;

  constructor(
    readonly rate: AdaptiveRate,
    readonly now: () => number,
    readonly sleep: Sleep,
  ) {}

  get waiting(): number {
    return this.#queue.length;
  }

  /**
   * Waits for this request's turn and a concurrency slot; resolves with the slot's release, or
   * with undefined when the request could not leave by `cutoff` (epoch ms). Rejects when closed.
   */
  async admit(cutoff: number | undefined, slot: SlotSource): Promise<Release | undefined> {
    if (this.#closed) throw this.#closed;
    const waiter: Waiter = { wake: () => {} };
    this.#queue.push(waiter);
    try {
      if (!(await this.#turn(waiter, cutoff))) return undefined;
      return await this.#leave(cutoff, slot);
    } finally {
      const wasHead = this.#queue[0] === waiter;
      this.#queue.splice(this.#queue.indexOf(waiter), 1);
      if (wasHead) this.#queue[0]?.wake();
    }
  }

  /** Feeds an HTTP answer to the rate and lets the head look again. */
  answer(answer: Answer): void {
    this.rate.answer(this.now(), answer);
    this.#nudge?.abort();
  }

  /** Fails every waiter with `error` (and every later admit). */
  close(error: Error): void {
    this.#closed = error;
    this.#nudge?.abort();
    for (const waiter of this.#queue) waiter.wake();
  }

  /** Resolves true once `waiter` is the head, false when its cutoff came first. */
  async #turn(waiter: Waiter, cutoff: number | undefined): Promise<boolean> {
    if (this.#queue[0] === waiter) return true;
    const done = new AbortController();
    const turn = new Promise<void>((resolve) => {
      waiter.wake = resolve;
    });
    const timeout =
      cutoff === undefined ? new Promise<never>(() => {}) : this.sleep(cutoff - this.now(), done.signal);
    await Promise.race([turn, timeout]);
    done.abort();
    if (this.#closed) throw this.#closed;
    return this.#queue[0] === waiter;
  }

  /** The head's loop: wait for its send time, then a slot, then take the send time. */
  async #leave(cutoff: number | undefined, slot: SlotSource): Promise<Release | undefined> {
    for (;;) {
      if (this.#closed) throw this.#closed;
      const now = this.now();
      const wait = this.rate.delay(now);
      if (cutoff !== undefined && now + wait > cutoff) return undefined;
      if (wait > 0) {
        this.#nudge = new AbortController();
        await this.sleep(wait, this.#nudge.signal);
        this.#nudge = undefined;
        continue;
      }
      const release = await slot(cutoff === undefined ? undefined : cutoff - now);
      if (!release) return undefined;
      if (this.#closed || this.rate.delay(this.now()) > 0) {
        release(); // closed, or a throttle paused the key while this one waited for the slot
        continue;
      }
      this.rate.take(this.now());
      return release;
    }
  }
}

/** The default Sleep: a timer that never gets a fraction or an out-of-range delay. */
export const timerSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, timerMs(ms));
    signal?.addEventListener('abort', done, { once: true });
  });

export { timerMs };
