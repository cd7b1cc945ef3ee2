/**
 * 5-field cron expressions (minute hour day-of-month month day-of-week), as in Vixie cron.
 *
 * cron-parser parses and validates the fields; it is never asked for occurrences (its prev()
 * and next() have open DST bugs, e.g. harrisiirak/cron-parser#378). Only the portable subset
 * is accepted: numbers, names (JAN–DEC, SUN–SAT), `*`, lists `,`, ranges `-` and steps `/`.
 * When both day fields are restricted (anything but `*`), a day matches if either matches.
 */
import { CronExpressionParser } from 'cron-parser';
import { dayOfWeek, type LocalDate } from './calendar.js';

export interface CronSpec {
  readonly source: string;
  /** Minutes since local midnight at which it fires, ascending (hour × 60 + minute). */
  readonly minutesOfDay: readonly number[];
  /** Indexed 1–12, 1–31 and 0–6 (Sunday = 0). */
  readonly months: readonly boolean[];
  readonly daysOfMonth: readonly boolean[];
  readonly daysOfWeek: readonly boolean[];
  readonly dayOfMonthRestricted: boolean;
  readonly dayOfWeekRestricted: boolean;
}

export type CronResult = { readonly spec: CronSpec } | { readonly problem: string };

const FIELD_NAMES = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'] as const;
const FORMAT = '5 fields: minute hour day-of-month month day-of-week, e.g. "0 20 * * 1-5"';
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export function parseCron(source: string): CronResult {
  const text = source.trim();
  const q = JSON.stringify(source);
  if (text === '') return { problem: `is empty: expected ${FORMAT}` };
  if (text.startsWith('@')) {
    return { problem: `${q}: shortcuts such as @daily are not supported, write the ${FORMAT}` };
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 5) return { problem: fieldCountProblem(q, fields) };
  for (const [i, field] of fields.entries()) {
    const problem = fieldSyntaxProblem(field, i);
    if (problem !== undefined) return { problem: `${q}: ${FIELD_NAMES[i]} ${problem}` };
  }
  let parsed: ReturnType<typeof CronExpressionParser.parse>;
  try {
    parsed = CronExpressionParser.parse(text);
  } catch (error) {
    return { problem: `${q}: ${libraryProblem(fields, error)}` };
  }
  const f = parsed.fields;
  const minutes = f.minute.values as number[];
  const hours = f.hour.values as number[];
  const minutesOfDay = hours.flatMap((h) => minutes.map((m) => h * 60 + m)).sort((a, b) => a - b);
  return {
    spec: {
      source: text,
      minutesOfDay,
      months: flags(13, f.month.values as number[]),
      daysOfMonth: flags(32, f.dayOfMonth.values as number[]),
      daysOfWeek: flags(
        7,
        (f.dayOfWeek.values as number[]).map((d) => d % 7),
      ),
      dayOfMonthRestricted: fields[2] !== '*',
      dayOfWeekRestricted: fields[4] !== '*',
    },
  };
}

function flags(size: number, values: readonly number[]): boolean[] {
  const out = new Array<boolean>(size).fill(false);
  for (const v of values) out[v] = true;
  return out;
}

/** Whether the expression fires at some time on this local date. */
export function cronMatchesDate(spec: CronSpec, date: LocalDate): boolean {
  return cronMatchesDay(spec, date.month, date.day, dayOfWeek(date));
}

/** The same, for a month (1–12), day of the month and weekday (0–6, Sunday = 0). */
export function cronMatchesDay(spec: CronSpec, month: number, day: number, weekday: number): boolean {
  if (!spec.months[month]) return false;
  const dom = spec.daysOfMonth[day] === true;
  const dow = spec.daysOfWeek[weekday] === true;
  if (spec.dayOfMonthRestricted && spec.dayOfWeekRestricted) return dom || dow;
  return dom && dow;
}

function fieldSyntaxProblem(field: string, index: number): string | undefined {
  const q = JSON.stringify(field);
  if (field.includes('?')) return `${q}: "?" is AWS/Quartz syntax, write "*"`;
  if (field.includes('#')) return `${q}: "#" (nth weekday of the month) is not supported`;
  for (const token of field.split(/[,/-]/)) {
    if (token === '*' || /^\d+$/.test(token)) continue;
    const upper = token.toUpperCase();
    if (index === 3 && MONTHS.includes(upper)) continue;
    if (index === 4 && DAYS.includes(upper)) continue;
    if (/^\d*[LW]$/i.test(token)) return `${q}: "L" and "W" (last day, nearest weekday) are not supported`;
    if (/^H/i.test(token)) return `${q}: "H" (hashed values) is not supported`;
    if (token === '') return `${q} is incomplete (a list, range or step is missing a value)`;
    const allowed =
      index === 3 ? 'numbers 1-12 or JAN-DEC' : index === 4 ? 'numbers 0-7 or SUN-SAT' : 'numbers';
    return `${q}: ${JSON.stringify(token)} is not allowed here (use ${allowed}, "*", lists ",", ranges "-" and steps "/")`;
  }
  return undefined;
}

/** cron-parser's message, attributed to the first field that fails on its own. */
function libraryProblem(fields: readonly string[], error: unknown): string {
  for (const [i, field] of fields.entries()) {
    const probe = fields.map((f, j) => (j === i ? f : '*')).join(' ');
    try {
      CronExpressionParser.parse(probe);
    } catch (fieldError) {
      return `${FIELD_NAMES[i]} ${JSON.stringify(field)}: ${messageOf(fieldError)}`;
    }
  }
  const message = messageOf(error);
  if (/day of month/i.test(message)) return 'never fires: those days do not exist in those months';
  return message;
}

/** cron-parser's wording, said plainly where we know it. */
function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const range = /got (?:value|range) (\S+) expected range (\d+-\d+)/.exec(message);
  if (range !== null) return `${range[1]} is outside ${range[2]}`;
  const reversed = /Invalid range: (\S+),/.exec(message);
  if (reversed !== null) return `the range ${reversed[1]} ends before it starts`;
  const duplicate = /duplicate values found: (\S+)/.exec(message);
  if (duplicate !== null) {
    return `${duplicate[1]} is listed twice${/DayOfWeek/.test(message) ? ' (0 and 7 are both Sunday)' : ''}`;
  }
  if (/repeat at every 0/.test(message)) return 'a step of 0 is not allowed';
  return message;
}

function fieldCountProblem(q: string, fields: readonly string[]): string {
  const n = fields.length;
  const aws =
    n === 6 && (fields[2] === '?' || fields[4] === '?' || /^(\*|\d{4}([-,/]\d{4})*)$/.test(fields[5] ?? ''));
  if (aws) {
    const suggestion = fromAws(fields);
    const use = suggestion === undefined ? `write the ${FORMAT}` : `use the 5-field form "${suggestion}"`;
    return `${q} has 6 fields, like an AWS EventBridge cron (minute hour day-of-month month day-of-week year): AWS/Quartz style is not supported, ${use}`;
  }
  if (n === 6 || (n === 7 && fields.includes('?'))) {
    return `${q} has ${n} fields, like a Quartz/Spring cron with seconds: AWS/Quartz style is not supported, write the ${FORMAT}`;
  }
  return `${q} has ${n} field${n === 1 ? '' : 's'}, expected ${FORMAT}`;
}

/** `0 19 ? * MON-FRI *` → `0 19 * * 1-5` (AWS numbers weekdays 1–7 from Sunday; cron 0–6). */
function fromAws(fields: readonly string[]): string | undefined {
  const [minute, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if (year !== '*') return undefined;
  let afterSlash = false;
  let converted = '';
  for (const token of (dow === '?' ? '*' : dow).split(/([,/-])/)) {
    if (token === ',' || token === '-' || token === '/') {
      converted += token;
      afterSlash = token === '/';
      continue;
    }
    const day = DAYS.indexOf(token.toUpperCase());
    if (afterSlash || token === '*') converted += token;
    else if (day >= 0) converted += String(day);
    else if (/^[1-7]$/.test(token)) converted += String(Number(token) - 1);
    else return undefined;
  }
  const candidate = [minute, hour, dom === '?' ? '*' : dom, month, converted].join(' ');
  return 'spec' in parseCron(candidate) ? candidate : undefined;
}
