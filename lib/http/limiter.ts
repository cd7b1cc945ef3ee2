/**
 * A first-come-first-served counting semaphore: at most `capacity` holders at a time. The
 * transport holds one slot per attempt, so requests wait here (where no timeout runs) and not in
 * undici's queue; the slot is given back while a retry sleeps.
 */
import { type Release, timerMs } from './pacer.js';

interface Waiter {
  readonly grant: (release: Release | undefined) => void;
  readonly reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

export class Limiter {
  #active = 0;
  #maxActive = 0;
  #closed: Error | undefined;
  readonly #waiters: Waiter[] = [];

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`invalid capacity ${capacity}`);
  }

  /** Slots held right now. */
  get active(): number {
    return this.#active;
  }

  /** The most slots ever held at once. */
  get maxActive(): number {
    return this.#maxActive;
  }

  get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * Resolves with a release function once a slot is free, or with `undefined` when `timeoutMs`
   * passes first. Rejects when the limiter is closed.
   */
  acquire(timeoutMs?: number): Promise<Release | undefined> {
    if (this.#closed) return Promise.reject(this.#closed);
    if (this.#active < this.capacity) return Promise.resolve(this.#take());
    if (timeoutMs !== undefined && timeoutMs <= 0) return Promise.resolve(undefined);
    return new Promise((grant, reject) => {
      const waiter: Waiter = { grant, reject, timer: undefined };
      if (timeoutMs !== undefined) {
        waiter.timer = setTimeout(() => {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          grant(undefined);
        }, timerMs(timeoutMs)); // deadlines may be fractional, or further off than a timer can wait
      }
      this.#waiters.push(waiter);
    });
  }

  /** Rejects every waiter with `error`; later acquires reject too. Held slots stay valid. */
  close(error: Error): void {
    this.#closed = error;
    for (const waiter of this.#waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }

  #take(): Release {
    this.#active++;
    this.#maxActive = Math.max(this.#maxActive, this.#active);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active--;
      this.#handOver();
    };
  }

  #handOver(): void {
    const next = this.#waiters.shift();
    if (!next) return;
    clearTimeout(next.timer);
    next.grant(this.#take());
  }
}
