import { describe, expect, it } from 'vitest';
import { parseCron } from '../../lib/schedule/cron.js';
import { cronCovers, cronEquivalent } from '../../lib/schedule/cron-compare.js';

function spec(expr: string) {
  const result = parseCron(expr);
  if ('problem' in result) throw new Error(result.problem);
  return result.spec;
}

describe('Function: cronEquivalent (on the parsed fields, not the text)', () => {
  it.each([
    { a: '0 20 * * 1-5', b: '0 20 * * MON-FRI' },
    { a: '0 20 * * 0', b: '0 20 * * 7' },
    { a: '*/30 * * * *', b: '0,30 * * * *' },
    { a: '0 8-10 * * *', b: '0 8,9,10 * * *' },
    { a: '0 20 * * *', b: '0 20 1-31 * 0' }, // day-of-month covers every day, OR anything
    { a: '0 20 * * *', b: '0 20 * 1-12 0-6' },
    { a: '0 20 1 jan *', b: '0 20 1 1 *' },
  ])('$a ≡ $b', ({ a, b }) => {
    expect(cronEquivalent(spec(a), spec(b))).toBe(true);
    expect(cronEquivalent(spec(b), spec(a))).toBe(true);
  });

  it.each([
    { a: '0 20 * * 1-5', b: '0 20 * * 1-6' },
    { a: '0 20 * * *', b: '0 20 1-30 * *' }, // the 31st
    { a: '0 20 1 * 1', b: '0 20 1 * *' }, // OR: Mondays too
    { a: '0 20 * * *', b: '1 20 * * *' },
    { a: '0 20 29 2 *', b: '0 20 28 2 *' },
  ])('$a ≢ $b', ({ a, b }) => {
    expect(cronEquivalent(spec(a), spec(b))).toBe(false);
  });
});

describe('Function: cronCovers', () => {
  it.each([
    { a: '0 20 * * *', b: '0 20 * * 1-5', expected: true }, // every day covers weekdays
    { a: '0 20 * * 1-5', b: '0 20 * * *', expected: false },
    { a: '0,30 20 * * *', b: '30 20 * * 3', expected: true },
    { a: '0 20 * * 1', b: '0 20 1 * 1', expected: false }, // the 1st that is not a Monday
    { a: '0 20 1 * 1', b: '0 20 * * 1', expected: true },
  ])('$a covers $b: $expected', ({ a, b, expected }) => {
    expect(cronCovers(spec(a), spec(b))).toBe(expected);
  });
});
