/** Holiday entries: `YYYY-MM-DD` (one date) or `MM-DD` (every year). */
import { isRealDate, type LocalDate } from './calendar.js';
import type { Holiday } from './types.js';

export const HOLIDAY_PATTERN = /^(?:\d{4}-)?\d{2}-\d{2}$/;

/** The holiday, or why the text is not one. */
export function parseHoliday(text: string): Holiday | { readonly problem: string } {
  const q = JSON.stringify(text);
  const m = /^(?:(\d{4})-)?(\d{2})-(\d{2})$/.exec(text);
  if (m === null) {
    return {
      problem: `${q} is not a holiday: write a date as YYYY-MM-DD (2026-12-24) or a yearly day as MM-DD ("12-25")`,
    };
  }
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (m[1] === undefined) {
    // 2000 is a leap year, so 02-29 is accepted: it is a holiday in leap years only.
    if (!isRealDate(2000, month, day)) return { problem: `${q} is not a day of the year (MM-DD)` };
    return { kind: 'yearly', month, day };
  }
  const year = Number(m[1]);
  if (!isRealDate(year, month, day)) return { problem: `${q} is not a real date` };
  return { kind: 'date', year, month, day };
}

export function isHoliday(holidays: readonly Holiday[], date: LocalDate): boolean {
  return holidays.some(
    (h) => h.month === date.month && h.day === date.day && (h.kind === 'yearly' || h.year === date.year),
  );
}
