/**
 * How far a run has come, for a person watching a terminal (`npm run invoke`). The run fills it in
 * as projects are listed and finish; whoever shows it reads `snapshot()` when it likes. The Lambda
 * handler never passes one: progress never reaches the function's logs.
 */
import type { RequestStats } from './types.js';

export interface ProgressSnapshot {
  /** Graphs the run has to decide about so far (each project's count arrives with its listing). */
  readonly total: number;
  /** Graphs decided and acted on (a stop or start sent and answered, or nothing to send). */
  readonly acted: number;
  /** Graphs whose outcome is final: their project's stops and starts confirmed. */
  readonly done: number;
  readonly requests: RequestStats;
}

export class RunProgress {
  #total = 0;
  #acted = 0;
  #done = 0;
  #requests: () => RequestStats = () => ({ sent: 0, retries: 0, throttled: 0 });

  /** The run's request counters, read at each snapshot. */
  watchRequests(read: () => RequestStats): void {
    this.#requests = read;
  }

  listed(graphs: number): void {
    this.#total += graphs;
  }

  acted(graphs: number): void {
    this.#acted += graphs;
  }

  finished(graphs: number): void {
    this.#done += graphs;
  }

  snapshot(): ProgressSnapshot {
    return { total: this.#total, acted: this.#acted, done: this.#done, requests: this.#requests() };
  }
}
