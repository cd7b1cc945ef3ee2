/**
 * When a cron expression fires in a time zone, found by walking local calendar days.
 *
 * A day's firing times are wall-clock times; `instantOfWall` turns them into instants with the
 * gap/overlap rules in `zone.ts`. That mapping never decreases, so the instants of one day's
 * firing times are in order and a binary search finds the one next to `t`. The mapping also
 * means every wall-clock time up to t's own (minute) maps at or before t, and every later one
 * after t except inside an overlap: the backward search therefore starts two days after t's
 * local date, which covers any overlap.
 *
 * Searches give up after 9 years (`0 0 29 2 *` fires at least every 8), returning undefined.
 */
import { addDays, type LocalDate } from './calendar.js';
import { type CronSpec, cronMatchesDate } from './cron.js';
import { instantOfWall, localDate } from './zone.js';

export const SEARCH_DAYS = 9 * 366;

export function instantOnDay(spec: CronSpec, zone: string, date: LocalDate, index: number): number {
  const minuteOfDay = spec.minutesOfDay[index] ?? 0;
  return instantOfWall({ ...date, hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60 }, zone);
}

/** The latest firing instant at or before t (ms), or undefined within the search horizon. */
export function latestAtOrBefore(spec: CronSpec, zone: string, t: number): number | undefined {
  const last = spec.minutesOfDay.length - 1;
  let date = addDays(localDate(t, zone), 2);
  for (let i = 0; i < SEARCH_DAYS; i++, date = addDays(date, -1)) {
    if (!cronMatchesDate(spec, date)) continue;
    const at = (index: number) => instantOnDay(spec, zone, date, index);
    const lastInstant = at(last);
    if (lastInstant <= t) return lastInstant;
    const firstInstant = at(0);
    if (firstInstant > t) continue;
    // at(lo) <= t < at(hi)
    let lo = 0;
    let hi = last;
    let loInstant = firstInstant;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      const midInstant = at(mid);
      if (midInstant <= t) {
        lo = mid;
        loInstant = midInstant;
      } else {
        hi = mid;
      }
    }
    return loInstant;
  }
  return undefined;
}

/** The earliest firing instant strictly after t (ms), or undefined within the search horizon. */
export function earliestAfter(spec: CronSpec, zone: string, t: number): number | undefined {
  const last = spec.minutesOfDay.length - 1;
  let date = localDate(t, zone);
  for (let i = 0; i < SEARCH_DAYS; i++, date = addDays(date, 1)) {
    if (!cronMatchesDate(spec, date)) continue;
    const at = (index: number) => instantOnDay(spec, zone, date, index);
    const firstInstant = at(0);
    if (firstInstant > t) return firstInstant;
    const lastInstant = at(last);
    if (lastInstant <= t) continue;
    // at(lo) <= t < at(hi)
    let lo = 0;
    let hi = last;
    let hiInstant = lastInstant;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      const midInstant = at(mid);
      if (midInstant <= t) {
        lo = mid;
      } else {
        hi = mid;
        hiInstant = midInstant;
      }
    }
    return hiInstant;
  }
  return undefined;
}

/** Whether the expression fires exactly at instant t. */
export function firesAt(spec: CronSpec, zone: string, t: number): boolean {
  return latestAtOrBefore(spec, zone, t) === t;
}

/** Local midnight (the first instant of the local date), with the gap rule of `zone.ts`. */
export function startOfDay(date: LocalDate, zone: string): number {
  return instantOfWall({ ...date, hour: 0, minute: 0 }, zone);
}
