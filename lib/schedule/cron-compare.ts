/**
 * Comparing cron expressions by the instants they mean, not by their text: `0 20 * * 1-5`,
 * `0 20 * * MON-FRI` and `0 20 * * 5,4,3,2,1` are the same; so are `0 20 * * 0` and `0 20 * * 7`,
 * and `*` + `/30` and `0,30` in the minute field. The comparison runs on the parsed field sets
 * through `cronMatchesDay`, so it follows the same day-of-month / day-of-week OR rule as the
 * schedule evaluation.
 */
import { type CronSpec, cronMatchesDay } from './cron.js';

/** Days in each month, February with its leap day: every (month, day) that occurs in some year. */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** Whether every instant at which `b` fires is also an instant at which `a` fires. */
export function cronCovers(a: CronSpec, b: CronSpec): boolean {
  const minutes = new Set(a.minutesOfDay);
  return b.minutesOfDay.every((m) => minutes.has(m)) && daysCover(a, b);
}

/** Whether two expressions fire at exactly the same instants. */
export function cronEquivalent(a: CronSpec, b: CronSpec): boolean {
  return cronCovers(a, b) && cronCovers(b, a);
}

/**
 * Whether `a` fires on every day on which `b` fires. Every (month, day, weekday) combination
 * occurs in some year, so checking all of them is exact for the calendar.
 */
function daysCover(a: CronSpec, b: CronSpec): boolean {
  for (const [index, days] of MONTH_DAYS.entries()) {
    for (let day = 1; day <= days; day++) {
      for (let weekday = 0; weekday < 7; weekday++) {
        if (cronMatchesDay(b, index + 1, day, weekday) && !cronMatchesDay(a, index + 1, day, weekday)) {
          return false;
        }
      }
    }
  }
  return true;
}
