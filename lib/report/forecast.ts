/**
 * What the schedules alone would save: each configured graph's off-hours in the week after `now`
 * (seven local days in the schedule's zone: a week with a DST change has 167 or 169 hours) and in
 * the average month after `now` (365.25 / 12 days), evaluated exactly as runs evaluate them
 * (lib/schedule/offhours.ts), so DST changes and holidays count as they will happen. The off/on state only changes when `stop` or `start`
 * fires, or at a local midnight (a holiday begins or ends), so the week is walked from one such
 * instant to the next instead of minute by minute.
 */
import type { LedgerWindow } from '../ledger/types.js';
import { addDays, HOUR_MS, MINUTE_MS } from '../schedule/calendar.js';
import { startOfDay } from '../schedule/occurrences.js';
import { evaluateSchedule } from '../schedule/offhours.js';
import type { Config, Schedule } from '../schedule/types.js';
import { instantOfWall, localDate, wallClock } from '../schedule/zone.js';
import { priceOf, round2 } from './price.js';
import type { ForecastEntry } from './types.js';

/** The forecast's month: an average one, 365.25 / 12 days. */
export const MONTH_MS = (365.25 / 12) * 24 * HOUR_MS;

/** Hours of off-hours in [from, to). */
export function offHoursBetween(schedule: Schedule, from: Date, to: Date): number {
  const end = to.getTime();
  let t = from.getTime();
  let off = 0;
  while (t < end) {
    const window = evaluateSchedule(schedule, new Date(t));
    const next = Math.min(
      end,
      window.nextStop?.getTime() ?? end,
      window.nextStart?.getTime() ?? end,
      schedule.holidays.length > 0 ? nextLocalMidnight(t, schedule.timezone) : end,
    );
    if (window.offHours) off += next - t;
    t = next;
  }
  return off / HOUR_MS;
}

/** The same local wall-clock time seven days after `from`. */
export function localWeekAfter(from: Date, zone: string): Date {
  const t = from.getTime();
  const wall = wallClock(t, zone);
  return new Date(instantOfWall({ ...wall, ...addDays(wall, 7) }, zone) + (t % MINUTE_MS));
}

function nextLocalMidnight(t: number, zone: string): number {
  // A day or two on: a midnight skipped by a DST change (startOfDay moves it to when the clock
  // jumps) still lies ahead of t.
  for (let days = 1; ; days++) {
    const midnight = startOfDay(addDays(localDate(t, zone), days), zone);
    if (midnight > t) return midnight;
  }
}

/**
 * Why the forecast may not be the whole picture, or undefined: it reads the config alone, so
 * graphs a project selects by tag (`scheduleTag`) are not in it.
 */
export function forecastNote(config: Config): string | undefined {
  const tagged = config.projects.filter((p) => p.scheduleTag !== undefined).map((p) => p.projectId);
  if (tagged.length === 0) return undefined;
  return (
    `graphs selected by tag (scheduleTag) in project ${tagged.join(', ')} are not in the forecast: ` +
    'it reads the config alone, and only a run asks GES for tags'
  );
}

/**
 * One entry per configured graph. Its price: the entry's `hourlyPrice`, else `pricing.hourly` of
 * the size the graph had when last stopped (from `windows`, found by id, or for an entry without
 * an id by the name GES gave); without either, hours only.
 */
export function forecast(config: Config, now: Date, windows: readonly LedgerWindow[] = []): ForecastEntry[] {
  const perSchedule = new Map<string, { week: number; month: number }>();
  // The latest window of each graph, by id and by the name GES gave (for name-only entries).
  const latest = new Map<string, LedgerWindow>();
  const keep = (key: string, window: LedgerWindow) => {
    const seen = latest.get(key);
    if (!seen || seen.stoppedAt < window.stoppedAt) latest.set(key, window);
  };
  for (const window of windows) {
    keep(`id:${window.projectId}/${window.graphId}`, window);
    if (window.graphName !== undefined) keep(`name:${window.projectId}/${window.graphName}`, window);
  }
  const monthEnd = new Date(now.getTime() + MONTH_MS);
  return config.projects.flatMap((project) =>
    project.graphs.map((graph) => {
      const schedule = Object.hasOwn(config.schedules, graph.schedule)
        ? config.schedules[graph.schedule]
        : undefined;
      if (!schedule) throw new Error(`schedule "${graph.schedule}" is not in the config`);
      const weekEnd = localWeekAfter(now, schedule.timezone);
      // skipUntil: the graph is left alone until then, so that part of the week and month saves nothing.
      const skipped = graph.skipUntil !== undefined && graph.skipUntil > now ? graph.skipUntil : undefined;
      let hours = skipped === undefined ? perSchedule.get(graph.schedule) : undefined;
      if (hours === undefined) {
        const from = (end: Date) => (skipped === undefined ? now : skipped < end ? skipped : end);
        hours = {
          week: offHoursBetween(schedule, from(weekEnd), weekEnd),
          month: offHoursBetween(schedule, from(monthEnd), monthEnd),
        };
        if (skipped === undefined) perSchedule.set(graph.schedule, hours);
      }
      const key =
        graph.id !== undefined
          ? `id:${project.projectId}/${graph.id}`
          : graph.name !== undefined
            ? `name:${project.projectId}/${graph.name}`
            : undefined;
      const size = key === undefined ? undefined : latest.get(key);
      const price = priceOf(graph, size, config.pricing);
      return {
        projectId: project.projectId,
        graphId: graph.id,
        graphName: graph.name,
        schedule: graph.schedule,
        offHoursPerWeek: round2(hours.week),
        offHoursPerMonth: round2(hours.month),
        ...(skipped === undefined ? {} : { skippedUntil: skipped.toISOString() }),
        ...(price.known
          ? { hourlyPrice: price.hourly, savedPerMonth: round2(hours.month * price.hourly) }
          : {}),
      };
    }),
  );
}
