/**
 * Each schedule evaluated once per run, not once per graph (a thousand graphs on one schedule cost
 * one evaluation), and the re-check a decision gets when its request is about to leave: a run
 * that was slowed down (a slow listing, a throttled gateway) must not stop a graph after its
 * off-hours ended.
 */
import type { Config } from '../schedule/config.js';
import { evaluateSchedule, isOffHours, type ScheduleWindow } from '../schedule/offhours.js';

export class ScheduleWindows {
  readonly #config: Config;
  readonly #at: Date;
  readonly #cache = new Map<string, ScheduleWindow>();

  constructor(config: Config, at: Date) {
    this.#config = config;
    this.#at = at;
  }

  /** The schedule's window at the run's instant. */
  windowOf(name: string): ScheduleWindow {
    let window = this.#cache.get(name);
    if (!window) {
      window = evaluateSchedule(this.#schedule(name), this.#at);
      this.#cache.set(name, window);
    }
    return window;
  }

  /**
   * Whether the schedule is in off-hours at `at` (later than the run's instant). Off-hours that
   * are not a holiday last at least until the next `start` fires, so before that instant the
   * answer needs no evaluation; after it, or on a holiday (which ends at local midnight), the
   * schedule is evaluated again.
   */
  isOffHoursAt(name: string, at: Date): boolean {
    const window = this.windowOf(name);
    if (window.offHours && !window.holiday && window.nextStart !== undefined && at < window.nextStart)
      return true;
    return isOffHours(this.#schedule(name), at);
  }

  /**
   * When the off-hours that a stop now belongs to end: the next `start` when the schedule is in
   * off-hours, else the `start` after its next `stop` (an ad-hoc stop in on-hours lasts through
   * the coming off-hours). Undefined when no such boundary is within the search horizon.
   */
  offHoursEnd(name: string): Date | undefined {
    const window = this.windowOf(name);
    if (window.offHours) return window.nextStart;
    if (window.nextStop === undefined) return undefined;
    return evaluateSchedule(this.#schedule(name), window.nextStop).nextStart;
  }

  #schedule(name: string) {
    const schedule = Object.hasOwn(this.#config.schedules, name) ? this.#config.schedules[name] : undefined;
    if (!schedule) throw new Error(`schedule "${name}" is not in the config`);
    return schedule;
  }
}
