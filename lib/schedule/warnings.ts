/**
 * Things worth logging about a valid config (docs/contracts.md §1, "Warnings"): boundaries that DST can
 * skip or repeat, off stretches longer than GES's 7-day limit, unused schedules, and `skipUntil`
 * values that have passed.
 */
import {
  addDays,
  compareDates,
  DAY_MS,
  formatDate,
  formatMinuteOfDay,
  formatWall,
  MINUTE_MS,
  type WallTime,
  wallFromLabel,
} from './calendar.js';
import { type CronSpec, cronMatchesDate } from './cron.js';
import { isHoliday } from './holidays.js';
import { earliestAfter, firesAt, instantOnDay, latestAtOrBefore, startOfDay } from './occurrences.js';
import { compileCron, isOffHours, stopIsLater } from './offhours.js';
import type { Config, ConfigWarning, Schedule } from './types.js';
import { localDate, type Transition, transitions, wallClock } from './zone.js';

const YEAR_MS = 366 * DAY_MS;
const WEEK_MS = 7 * DAY_MS;

export function configWarnings(config: Config, now: Date): ConfigWarning[] {
  const warnings: ConfigWarning[] = [];
  const graphs = config.projects.flatMap((p) => p.graphs);
  const used = new Set(graphs.map((g) => g.schedule));
  // With a schedule tag, GES tags may name any schedule: none is known to be unused.
  const byTag = config.projects.some((p) => p.scheduleTag !== undefined);
  const changesByZone = new Map<string, Transition[]>();
  for (const schedule of Object.values(config.schedules)) {
    const path = `schedules.${schedule.name}`;
    if (!used.has(schedule.name) && !byTag) {
      warnings.push({ path, message: 'is not used by any graph' });
      continue;
    }
    let changes = changesByZone.get(schedule.timezone);
    if (changes === undefined) {
      changes = transitions(schedule.timezone, now.getTime(), now.getTime() + YEAR_MS);
      changesByZone.set(schedule.timezone, changes);
    }
    warnings.push(...dstWarnings(schedule, changes));
    const stretch = longOffStretch(schedule, now.getTime());
    if (stretch !== undefined) warnings.push({ path, message: stretchMessage(schedule.timezone, stretch) });
  }
  warnings.push(...tagWarnings(config));
  for (const graph of graphs) {
    if (graph.skipUntil !== undefined && graph.skipUntil.getTime() <= now.getTime()) {
      warnings.push({
        path: `${graph.path}.skipUntil`,
        message: `${graph.skipUntil.toISOString()} has passed: the graph follows its schedule again; remove skipUntil`,
      });
    }
  }
  return warnings;
}

/** Boundaries between 01:00 and 03:59, or inside an actual change in the next year. */
function dstWarnings(schedule: Schedule, changes: readonly Transition[]): ConfigWarning[] {
  const zone = schedule.timezone;
  if (changes.length === 0) return [];
  const warnings: ConfigWarning[] = [];
  for (const role of ['stop', 'start'] as const) {
    const spec = compileCron(schedule[role]);
    const expr = JSON.stringify(schedule[role]);
    const details = changes.flatMap((change) => affected(spec, change, role));
    const early = spec.minutesOfDay.filter((m) => m >= 60 && m < 240);
    let message: string;
    if (details.length > 0) {
      message = `${expr} is affected by daylight saving time in ${zone}: ${details.join('; ')}`;
    } else if (early.length > 0) {
      const times = early.slice(0, 3).map(formatMinuteOfDay).join(', ') + (early.length > 3 ? ', …' : '');
      const dates = changes.map((c) => formatDate(localDate(c.at, zone))).join(', ');
      message =
        `${expr} fires at ${times}, between 01:00 and 03:59, and ${zone} changes its clocks for daylight saving time ` +
        `(next: ${dates}): on a change day such a time can be skipped (the ${role} then fires when the clock jumps) ` +
        'or happen twice (it fires once, the first time)';
    } else {
      continue;
    }
    warnings.push({
      path: `schedules.${schedule.name}.${role}`,
      message: `${message}. Consider a time outside 01:00–03:59`,
    });
  }
  return warnings;
}

/** What happens to this expression's firings during one offset change, in words. */
function affected(spec: CronSpec, change: Transition, role: string): string[] {
  const before = wallFromLabel(change.at + change.offsetBefore);
  const after = wallFromLabel(change.at + change.offsetAfter);
  const gap = change.offsetAfter > change.offsetBefore;
  const from = Math.min(change.at + change.offsetBefore, change.at + change.offsetAfter);
  const to = Math.max(change.at + change.offsetBefore, change.at + change.offsetAfter);
  for (let label = from; label < to && label < from + DAY_MS; label += MINUTE_MS) {
    const wall = wallFromLabel(label);
    if (!fires(spec, wall)) continue;
    const time = formatMinuteOfDay(wall.hour * 60 + wall.minute);
    return [
      gap
        ? `on ${formatDate(wall)}, ${time} does not exist (the clock jumps from ${hm(before)} to ${hm(after)}) and the ${role} fires at ${hm(after)}`
        : `on ${formatDate(wall)}, ${time} happens twice (the clock goes back from ${hm(before)} to ${hm(after)}) and the ${role} fires once, the first time`,
    ];
  }
  return [];
}

function fires(spec: CronSpec, wall: WallTime): boolean {
  return cronMatchesDate(spec, wall) && spec.minutesOfDay.includes(wall.hour * 60 + wall.minute);
}

function hm(wall: WallTime): string {
  return formatMinuteOfDay(wall.hour * 60 + wall.minute);
}

interface Stretch {
  readonly from: number;
  /** Undefined: still off at the end of the year looked at. */
  readonly to?: number;
}

/**
 * The first off stretch longer than 7 days within a year from t0. The graph can only come back
 * on at a start firing on a non-holiday, or at the midnight that ends a holiday; so only the
 * gaps between those moments that exceed 7 days need a closer look.
 */
export function longOffStretch(schedule: Schedule, t0: number): Stretch | undefined {
  const zone = schedule.timezone;
  const stop = compileCron(schedule.stop);
  const start = compileCron(schedule.start);
  const end = t0 + YEAR_MS;
  const cronOff = (t: number) =>
    stopIsLater(latestAtOrBefore(stop, zone, t), latestAtOrBefore(start, zone, t));
  /** The first off instant in (t, limit), if any. */
  const firstOffAfter = (t: number, limit: number): number | undefined => {
    let s = earliestAfter(stop, zone, t);
    while (s !== undefined && s < limit && firesAt(start, zone, s)) s = earliestAfter(stop, zone, s);
    let holiday = Infinity;
    if (schedule.holidays.length > 0) {
      const lastDate = localDate(limit, zone);
      for (let d = addDays(localDate(t, zone), 1); compareDates(d, lastDate) <= 0; d = addDays(d, 1)) {
        if (isHoliday(schedule.holidays, d)) {
          holiday = startOfDay(d, zone);
          break;
        }
      }
    }
    const off = Math.min(s ?? Infinity, holiday);
    return off < limit ? off : undefined;
  };

  let onAt = isOffHours(schedule, new Date(t0)) ? undefined : t0;
  /** Looks at a moment the graph is on-hours again; returns a long stretch that ends there. */
  const onAgain = (c: number): Stretch | undefined => {
    if (onAt === undefined) {
      if (c - t0 > WEEK_MS) return { from: t0, to: c };
    } else if (c - onAt > WEEK_MS) {
      const off = firstOffAfter(onAt, c);
      if (off !== undefined && c - off > WEEK_MS) return { from: off, to: c };
    }
    onAt = Math.max(onAt ?? c, c);
    return undefined;
  };
  const last = start.minutesOfDay.length - 1;
  const endDate = localDate(end, zone);
  let date = localDate(t0, zone);
  let previousHoliday = isHoliday(schedule.holidays, addDays(date, -1));
  for (; compareDates(date, endDate) <= 0; date = addDays(date, 1)) {
    const holiday = isHoliday(schedule.holidays, date);
    if (!holiday && previousHoliday) {
      const midnight = startOfDay(date, zone);
      const stretch = midnight > t0 && midnight <= end && !cronOff(midnight) ? onAgain(midnight) : undefined;
      if (stretch !== undefined) return stretch;
    }
    previousHoliday = holiday;
    if (holiday || !cronMatchesDate(start, date)) continue;
    const lastInstant = instantOnDay(start, zone, date, last);
    if (lastInstant <= t0) continue;
    // The day's first start matters only when it could end a stretch of more than 7 days.
    if (onAt === undefined || lastInstant - onAt > WEEK_MS) {
      const first = instantOnDay(start, zone, date, 0);
      const c = first > t0 ? first : (earliestAfter(start, zone, t0) ?? lastInstant);
      if (c > end) break;
      const stretch = onAgain(c);
      if (stretch !== undefined) return stretch;
    }
    if (lastInstant > end) break;
    const stretch = onAgain(lastInstant);
    if (stretch !== undefined) return stretch;
  }
  if (onAt === undefined) return { from: t0 };
  const off = firstOffAfter(onAt, end);
  return off !== undefined && end - off > WEEK_MS ? { from: off } : undefined;
}

function stretchMessage(zone: string, stretch: Stretch): string {
  const from = formatWall(wallClock(stretch.from, zone));
  const limit =
    'GES starts a graph again after it has been stopped for 7 days; the function stops it again on its next run';
  if (stretch.to === undefined) {
    return `is off from ${from} (${zone}) with no start for more than 7 days within the next year: ${limit}`;
  }
  const to = formatWall(wallClock(stretch.to, zone));
  const days = Math.round(((stretch.to - stretch.from) / DAY_MS) * 10) / 10;
  return `is off from ${from} to ${to} (${zone}), ${days} days, longer than 7: ${limit}`;
}

/** What a GES tag value may hold (Huawei's tag rules): a schedule name outside them cannot be tagged. */
const TAG_VALUE = /^[\p{L}\p{N} _.:/=+\-@]{1,255}$/u;

/** A schedule a tag can never select, and a scheduleTag that no schedule can answer. */
function tagWarnings(config: Config): ConfigWarning[] {
  const tagged = config.projects.flatMap((p, i) => (p.scheduleTag === undefined ? [] : [{ p, i }]));
  if (tagged.length === 0) return [];
  const names = Object.keys(config.schedules);
  const warnings: ConfigWarning[] = [];
  if (names.includes('off')) {
    warnings.push({
      path: 'schedules.off',
      message:
        'a tag value "off" opts a graph out, so no graph can select this schedule by its tag: rename it',
    });
  }
  if (!names.some((name) => name !== 'off' && TAG_VALUE.test(name))) {
    for (const { p, i } of tagged) {
      warnings.push({
        path: `projects[${i}].scheduleTag`,
        message: `no schedule name can be a tag value, so the ${p.scheduleTag} tag can select no graph: name a schedule with letters, digits and _ . : / = + - @ only`,
      });
    }
  }
  return warnings;
}
