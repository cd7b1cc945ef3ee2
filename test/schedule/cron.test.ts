import { describe, expect, it } from 'vitest';
import { cronMatchesDate, parseCron } from '../../lib/schedule/cron.js';

function spec(expr: string) {
  const result = parseCron(expr);
  if ('problem' in result) throw new Error(result.problem);
  return result.spec;
}

function problem(expr: string): string {
  const result = parseCron(expr);
  return 'problem' in result ? result.problem : 'valid';
}

describe('Function: parseCron', () => {
  it('expands fields into minutes of the day and day flags', () => {
    const s = spec(' 0  20 * * 1-5 ');
    expect(s.source).toBe('0  20 * * 1-5');
    expect(s.minutesOfDay).toEqual([20 * 60]);
    expect(s.daysOfWeek).toEqual([false, true, true, true, true, true, false]);
    expect(s.dayOfMonthRestricted).toBe(false);
    expect(s.dayOfWeekRestricted).toBe(true);
    expect(spec('*/20 8-9 * * *').minutesOfDay).toEqual([480, 500, 520, 540, 560, 580]);
  });

  it.each([
    { a: '0 20 * * MON-FRI', b: '0 20 * * 1-5' },
    { a: '0 20 * * 7', b: '0 20 * * 0' }, // 7 is Sunday too
    { a: '0 20 * * sun', b: '0 20 * * 0' },
    { a: '0 20 * jan,FEB *', b: '0 20 * 1,2 *' },
    { a: '0 20 * * 5-7', b: '0 20 * * 0,5,6' },
  ])('reads $a like $b', ({ a, b }) => {
    const { source: _a, ...left } = spec(a);
    const { source: _b, ...right } = spec(b);
    expect(left).toEqual(right);
  });

  it.each([
    // AWS EventBridge: minute hour day-of-month month day-of-week year, weekdays 1–7 from Sunday.
    {
      expr: '0 19 ? * MON-FRI *',
      words: [/AWS\/Quartz style is not supported/, /use the 5-field form "0 19 \* \* 1-5"/],
    },
    { expr: '0 8 ? * 2-6 *', words: [/AWS EventBridge/, /"0 8 \* \* 1-5"/] },
    { expr: '30 6 1 * ? 2026', words: [/AWS\/Quartz style is not supported/, /write the 5 fields/] },
    { expr: '0 0 19 ? * MON-FRI', words: [/6 fields, like a Quartz\/Spring cron with seconds/] },
    { expr: '0 0 12 * * ? 2026', words: [/7 fields, like a Quartz/] },
    {
      expr: '0 20 * *',
      words: [/has 4 fields, expected 5 fields: minute hour day-of-month month day-of-week/],
    },
    { expr: '', words: [/is empty/] },
    { expr: '@daily', words: [/shortcuts such as @daily are not supported/] },
    { expr: '0 20 ? * *', words: [/day-of-month "\?": "\?" is AWS\/Quartz syntax, write "\*"/] },
    { expr: '0 20 L * *', words: [/"L" and "W" .* are not supported/] },
    { expr: '0 20 15W * *', words: [/"L" and "W"/] },
    { expr: '0 20 * * 5L', words: [/"L" and "W"/] },
    { expr: '0 20 * * 1#2', words: [/"#" \(nth weekday of the month\) is not supported/] },
    { expr: 'H 20 * * *', words: [/"H" \(hashed values\) is not supported/] },
    { expr: '0 24 * * *', words: [/hour "24": 24 is outside 0-23/] },
    { expr: '60 0 * * *', words: [/minute "60": 60 is outside 0-59/] },
    { expr: '0 20 * 13 *', words: [/month "13": 13 is outside 1-12/] },
    { expr: '0 20 * * 8', words: [/day-of-week "8": 8 is outside 0-7/] },
    { expr: '0 20 1-40 * *', words: [/day-of-month "1-40": 1-40 is outside 1-31/] },
    { expr: '0 20 30 2 *', words: [/never fires/] },
    { expr: '0 20 * * MONDAY', words: [/"MONDAY" is not allowed here \(use numbers 0-7 or SUN-SAT/] },
    { expr: '0 20 * * 1-', words: [/is incomplete/] },
    { expr: '5-1 * * * *', words: [/the range 5-1 ends before it starts/] },
    { expr: '0 20 * * 0,7', words: [/0 is listed twice \(0 and 7 are both Sunday\)/] },
    { expr: '0 20 */0 * *', words: [/a step of 0 is not allowed/] },
  ])('rejects $expr', ({ expr, words }) => {
    const message = problem(expr);
    for (const w of words) expect(message).toMatch(w);
  });
});

describe('Function: cronMatchesDate', () => {
  it.each([
    // Both day fields restricted: either matches (1st/15th OR Monday).
    { expr: '0 0 1,15 * 1', date: { year: 2026, month: 6, day: 1 }, expected: true }, // Mon 1st
    { expr: '0 0 1,15 * 1', date: { year: 2026, month: 6, day: 8 }, expected: true }, // Mon
    { expr: '0 0 1,15 * 1', date: { year: 2026, month: 7, day: 15 }, expected: true }, // Wed 15th
    { expr: '0 0 1,15 * 1', date: { year: 2026, month: 6, day: 2 }, expected: false }, // Tue
    // One restricted: it alone decides.
    { expr: '0 0 1 * *', date: { year: 2026, month: 6, day: 1 }, expected: true }, // Mon
    { expr: '0 0 1 * *', date: { year: 2026, month: 6, day: 8 }, expected: false }, // Mon
    { expr: '0 0 * * 1', date: { year: 2026, month: 6, day: 2 }, expected: false }, // Tue
    { expr: '0 0 * 2 *', date: { year: 2026, month: 3, day: 2 }, expected: false }, // Mon in March
    { expr: '0 0 29 2 *', date: { year: 2028, month: 2, day: 29 }, expected: true }, // Tue
    // `*/2` counts as restricted (as in cron-parser, unlike Vixie cron): OR with the 1st.
    { expr: '0 0 1 * */2', date: { year: 2026, month: 6, day: 2 }, expected: true }, // Tue (2)
  ])('$expr on $date.year-$date.month-$date.day → $expected', ({ expr, date, expected }) => {
    expect(cronMatchesDate(spec(expr), date)).toBe(expected);
  });
});
