/** A clock and sleep that only move when `run` says so: deterministic, no real waiting. */
import type { Sleep } from '../../lib/http/pacer.js';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fire: () => void;
}

export class VirtualTime {
  #now: number;
  #seq = 0;
  #timers: Timer[] = [];

  constructor(start = 1_000_000) {
    this.#now = start;
  }

  readonly now = (): number => this.#now;

  readonly sleep: Sleep = (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) {
        resolve();
        return;
      }
      const timer: Timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fire: () => done() };
      const done = () => {
        this.#timers = this.#timers.filter((t) => t !== timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.#timers.push(timer);
      signal?.addEventListener('abort', done, { once: true });
    });

  /** Fires timers in time order until none is left (or `until` is reached), settling promises in between. */
  async run(until = Number.POSITIVE_INFINITY): Promise<void> {
    for (;;) {
      await settle();
      const next = this.#timers.reduce<Timer | undefined>(
        (a, t) => (a === undefined || t.at < a.at || (t.at === a.at && t.seq < a.seq) ? t : a),
        undefined,
      );
      if (next === undefined || next.at > until) break;
      this.#now = Math.max(this.#now, next.at);
      next.fire();
    }
    if (Number.isFinite(until)) this.#now = Math.max(this.#now, until);
  }
}

/** Lets every pending promise callback run (a macrotask turn; no time passes on the virtual clock). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
