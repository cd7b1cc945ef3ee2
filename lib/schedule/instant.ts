/** `skipUntil`: an ISO-8601 instant that names its zone (`Z` or an offset such as `+01:00`). */
import { isRealDate } from './calendar.js';

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;
const EXAMPLE = 'e.g. 2026-12-01T00:00:00Z or 2026-12-01T08:00:00+08:00';

/** The instant, or undefined when the text is not one (see `instantProblem`). */
export function parseInstant(text: string): Date | undefined {
  const m = INSTANT.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second = 0] = m
    .slice(1, 7)
    .map((s) => (s === undefined ? 0 : Number(s)));
  const fraction = Number(`0.${m[7] ?? '0'}`);
  if (
    year === undefined ||
    month === undefined ||
    day === undefined ||
    hour === undefined ||
    minute === undefined
  ) {
    return undefined;
  }
  if (!isRealDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  const offsetHours = Number(m[10] ?? 0);
  const offsetMinutes = Number(m[11] ?? 0);
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const sign = m[9] === '-' ? -1 : 1;
  const offsetMs = m[8] === undefined ? sign * (offsetHours * 60 + offsetMinutes) * 60_000 : 0;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second) + Math.floor(fraction * 1000);
  return new Date(utc - offsetMs);
}

export function instantProblem(text: string): string | undefined {
  if (parseInstant(text) !== undefined) return undefined;
  const q = JSON.stringify(text);
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    return `${q} is a date without a time and zone: write an instant, ${EXAMPLE}`;
  }
  if (/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/.test(text)) {
    return `${q} has no time zone: add Z (UTC) or an offset such as +01:00, ${EXAMPLE}`;
  }
  if (INSTANT.test(text)) return `${q} is not a real date and time`;
  return `${q} is not an ISO-8601 instant with a zone: ${EXAMPLE}`;
}
