/**
 * Whether a schedule is in off-hours at an instant (docs/contracts.md §1). Pure: the instant is passed in.
 *
 * At t, off-hours when t's local date is a holiday, or when the latest `stop` firing at or before
 * t is later than the latest `start` firing at or before t. So a stop instant is off-hours and a
 * start instant is on-hours, and when stop and start fire at the same instant the schedule is
 * on-hours there (never stop when in doubt). A schedule whose `stop` has never fired within the
 * search horizon is on-hours; one whose `start` has not fired since its last stop is off-hours.
 * DST rules: see `zone.ts` (gap → fires when the clock jumps; overlap → fires once, the first time).
 */
import { type CronSpec, parseCron } from './cron.js';
import { isHoliday } from './holidays.js';
import { earliestAfter, latestAtOrBefore } from './occurrences.js';
import type { Schedule } from './types.js';
import { localDate } from './zone.js';

export interface ScheduleWindow {
  readonly offHours: boolean;
  /** t's local date is one of the schedule's holidays. */
  readonly holiday: boolean;
  /** Latest firings at or before t, and earliest strictly after t; holidays are not boundaries. */
  readonly prevStop?: Date;
  readonly prevStart?: Date;
  readonly nextStop?: Date;
  readonly nextStart?: Date;
}

const compiled = new Map<string, CronSpec>();

/** The parsed expression (cached). Throws TypeError for an expression the config would reject. */
export function compileCron(expression: string): CronSpec {
  let spec = compiled.get(expression);
  if (spec === undefined) {
    const result = parseCron(expression);
    if ('problem' in result) throw new TypeError(`invalid cron expression: ${result.problem}`);
    spec = result.spec;
    if (compiled.size >= 1000) compiled.clear();
    compiled.set(expression, spec);
  }
  return spec;
}

function instantOf(at: Date): number {
  const t = at.getTime();
  if (Number.isNaN(t)) throw new RangeError('invalid Date');
  return t;
}

/** The decision from the two latest firings (undefined: none within the search horizon). */
export function stopIsLater(prevStop: number | undefined, prevStart: number | undefined): boolean {
  return prevStop !== undefined && (prevStart === undefined || prevStop > prevStart);
}

export function isHolidayAt(schedule: Schedule, at: Date): boolean {
  return (
    schedule.holidays.length > 0 && isHoliday(schedule.holidays, localDate(instantOf(at), schedule.timezone))
  );
}

export function isOffHours(schedule: Schedule, at: Date): boolean {
  const t = instantOf(at);
  if (isHolidayAt(schedule, at)) return true;
  const zone = schedule.timezone;
  const prevStop = latestAtOrBefore(compileCron(schedule.stop), zone, t);
  if (prevStop === undefined) return false;
  return stopIsLater(prevStop, latestAtOrBefore(compileCron(schedule.start), zone, t));
}

export function evaluateSchedule(schedule: Schedule, at: Date): ScheduleWindow {
  const t = instantOf(at);
  const zone = schedule.timezone;
  const stop = compileCron(schedule.stop);
  const start = compileCron(schedule.start);
  const prevStop = latestAtOrBefore(stop, zone, t);
  const prevStart = latestAtOrBefore(start, zone, t);
  const nextStop = earliestAfter(stop, zone, t);
  const nextStart = earliestAfter(start, zone, t);
  const holiday = isHolidayAt(schedule, at);
  return {
    offHours: holiday || stopIsLater(prevStop, prevStart),
    holiday,
    ...(prevStop !== undefined && { prevStop: new Date(prevStop) }),
    ...(prevStart !== undefined && { prevStart: new Date(prevStart) }),
    ...(nextStop !== undefined && { nextStop: new Date(nextStop) }),
    ...(nextStart !== undefined && { nextStart: new Date(nextStart) }),
  };
}

/** `skipUntil` in force: the graph is left alone before that instant (and not from it on). */
export function isSkipped(graph: { readonly skipUntil?: Date | undefined }, at: Date): boolean {
  return graph.skipUntil !== undefined && instantOf(at) < graph.skipUntil.getTime();
}
