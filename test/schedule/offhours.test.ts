import { describe, expect, it } from 'vitest';
import {
  evaluateSchedule,
  isHolidayAt,
  isOffHours,
  isSkipped,
  stopIsLater,
} from '../../lib/schedule/offhours.js';
import { date, iso, schedule, yearly } from './support.js';

// Europe/Berlin is UTC+1 in winter; times below are written with their local offset.
const officeHours = schedule('Europe/Berlin', '0 20 * * 1-5', '0 7 * * 1-5');
const weekend = schedule('Europe/Berlin', '0 20 * * 5', '0 6 * * 1');
const nightly = schedule('Asia/Shanghai', '30 22 * * *', '0 6 * * *');

describe('Function: isOffHours', () => {
  it.each([
    { at: '2026-01-05T06:59:59+01:00', expected: true }, // Mon: still the weekend's off-hours
    { at: '2026-01-05T07:00:00+01:00', expected: false }, // Mon: start instant is on-hours
    { at: '2026-01-05T12:00:00+01:00', expected: false }, // Mon
    { at: '2026-01-05T19:59:59+01:00', expected: false }, // Mon: last second before the stop
    { at: '2026-01-05T20:00:00+01:00', expected: true }, // Mon: stop instant is off-hours
    { at: '2026-01-06T03:00:00+01:00', expected: true }, // Tue: overnight
    { at: '2026-01-06T07:00:00+01:00', expected: false }, // Tue
    { at: '2026-01-09T19:59:00+01:00', expected: false }, // Fri
    { at: '2026-01-09T20:00:00+01:00', expected: true }, // Fri
    { at: '2026-01-10T12:00:00+01:00', expected: true }, // Sat
    { at: '2026-01-11T23:59:59+01:00', expected: true }, // Sun
    { at: '2026-01-12T07:00:00+01:00', expected: false }, // Mon
    { at: '2026-07-06T06:59:00+02:00', expected: true }, // Mon, summer time
    { at: '2026-07-06T07:00:00+02:00', expected: false }, // Mon, summer time
  ])('office hours (Berlin, weekdays 07–20) at $at → $expected', ({ at, expected }) => {
    expect(isOffHours(officeHours, new Date(at))).toBe(expected);
  });

  it.each([
    { at: '2026-01-08T12:00:00+01:00', expected: false }, // Thu
    { at: '2026-01-09T19:59:59+01:00', expected: false }, // Fri
    { at: '2026-01-09T20:00:00+01:00', expected: true }, // Fri
    { at: '2026-01-10T04:00:00+01:00', expected: true }, // Sat
    { at: '2026-01-11T20:00:00+01:00', expected: true }, // Sun
    { at: '2026-01-12T05:59:59+01:00', expected: true }, // Mon
    { at: '2026-01-12T06:00:00+01:00', expected: false }, // Mon
    { at: '2026-01-14T22:00:00+01:00', expected: false }, // Wed night: weekend-only schedule
  ])('weekend (Berlin, Fri 20:00 → Mon 06:00) at $at → $expected', ({ at, expected }) => {
    expect(isOffHours(weekend, new Date(at))).toBe(expected);
  });

  it.each([
    { at: '2026-05-13T22:29:59+08:00', expected: false }, // Wed
    { at: '2026-05-13T22:30:00+08:00', expected: true }, // Wed
    { at: '2026-05-14T00:00:00+08:00', expected: true }, // Thu: across midnight
    { at: '2026-05-14T05:59:59+08:00', expected: true }, // Thu
    { at: '2026-05-14T06:00:00+08:00', expected: false }, // Thu
    { at: '2026-05-16T03:00:00+08:00', expected: true }, // Sat: every night, weekends included
  ])('nightly (Shanghai, 22:30 → 06:00) at $at → $expected', ({ at, expected }) => {
    expect(isOffHours(nightly, new Date(at))).toBe(expected);
  });

  it.each([
    { at: '2026-12-23T12:00:00+01:00', expected: false, holiday: false }, // Wed
    { at: '2026-12-24T00:00:00+01:00', expected: true, holiday: true }, // Thu: holiday from local midnight
    { at: '2026-12-24T12:00:00+01:00', expected: true, holiday: true }, // Thu: single date
    { at: '2026-12-25T12:00:00+01:00', expected: true, holiday: true }, // Fri: yearly
    { at: '2025-12-25T12:00:00+01:00', expected: true, holiday: true }, // Thu: yearly applies every year
    { at: '2025-12-24T12:00:00+01:00', expected: false, holiday: false }, // Wed: the single date is 2026 only
    { at: '2026-12-28T12:00:00+01:00', expected: false, holiday: false }, // Mon
    { at: '2026-12-23T23:30:00Z', expected: true, holiday: true }, // Thu 00:30 in Berlin: local date decides
    { at: '2026-12-23T22:59:59Z', expected: true, holiday: false }, // Wed 23:59:59 in Berlin: night, no holiday
    { at: '2028-02-29T12:00:00+01:00', expected: true, holiday: true }, // Tue: 02-29 in a leap year
    { at: '2027-03-01T12:00:00+01:00', expected: false, holiday: false }, // Mon: no 02-29 in 2027
  ])(
    'holidays (Berlin office hours + 2026-12-24, 12-25, 02-29) at $at → $expected',
    ({ at, expected, holiday }) => {
      const s = schedule('Europe/Berlin', '0 20 * * 1-5', '0 7 * * 1-5', [
        date(2026, 12, 24),
        yearly(12, 25),
        yearly(2, 29),
      ]);
      expect(isOffHours(s, new Date(at))).toBe(expected);
      expect(isHolidayAt(s, new Date(at))).toBe(holiday);
      expect(evaluateSchedule(s, new Date(at))).toMatchObject({ offHours: expected, holiday });
    },
  );

  // stop every day at 12:00, start only on Sundays at 12:00: on Sundays both fire at once.
  it.each([
    { at: '2026-06-06T23:00:00Z', expected: true }, // Sat
    { at: '2026-06-07T12:00:00Z', expected: false }, // Sun: stop and start coincide → on-hours
    { at: '2026-06-07T18:00:00Z', expected: false }, // Sun
    { at: '2026-06-08T11:59:59Z', expected: false }, // Mon
    { at: '2026-06-08T12:00:00Z', expected: true }, // Mon
  ])('stop and start at the same instant is on-hours: $at → $expected', ({ at, expected }) => {
    expect(isOffHours(schedule('UTC', '0 12 * * *', '0 12 * * 0'), new Date(at))).toBe(expected);
  });

  it('rejects an invalid Date and an invalid expression', () => {
    expect(() => isOffHours(officeHours, new Date('nope'))).toThrow(RangeError);
    expect(() => isOffHours(schedule('UTC', '0 19 ? * MON-FRI *', '0 7 * * *'), new Date())).toThrow(
      TypeError,
    );
  });
});

describe('Function: evaluateSchedule', () => {
  it('gives the latest boundaries at or before t and the earliest after it', () => {
    // Mon 2026-01-05 12:00 Berlin
    expect(evaluateSchedule(officeHours, new Date('2026-01-05T11:00:00Z'))).toEqual({
      offHours: false,
      holiday: false,
      prevStop: new Date('2026-01-02T19:00:00Z'), // Fri 20:00
      prevStart: new Date('2026-01-05T06:00:00Z'), // Mon 07:00
      nextStop: new Date('2026-01-05T19:00:00Z'), // Mon 20:00
      nextStart: new Date('2026-01-06T06:00:00Z'), // Tue 07:00
    });
  });

  it('counts a boundary at exactly t as previous, not next', () => {
    const w = evaluateSchedule(officeHours, new Date('2026-01-05T06:00:00Z')); // Mon 07:00
    expect(iso(w.prevStart)).toBe('2026-01-05T06:00:00.000Z');
    expect(iso(w.nextStart)).toBe('2026-01-06T06:00:00.000Z');
    expect(w.offHours).toBe(false);
  });

  it('finds boundaries years apart (0 0 29 2 *) within its 9-year horizon', () => {
    const leap = schedule('UTC', '0 0 29 2 *', '0 0 1 3 *');
    expect(evaluateSchedule(leap, new Date('2027-06-01T00:00:00Z'))).toMatchObject({
      offHours: false,
      prevStop: new Date('2024-02-29T00:00:00Z'), // Thu
      nextStop: new Date('2028-02-29T00:00:00Z'), // Tue
    });
    expect(isOffHours(leap, new Date('2028-02-29T12:00:00Z'))).toBe(true);
    // 2100 is not a leap year: the gap from 2096 to 2104 is 8 years.
    const w = evaluateSchedule(leap, new Date('2097-01-01T00:00:00Z'));
    expect(iso(w.prevStop)).toBe('2096-02-29T00:00:00.000Z'); // Wed
    expect(iso(w.nextStop)).toBe('2104-02-29T00:00:00.000Z'); // Fri
  });

  it('decides from the latest firings; none within the horizon counts as never', () => {
    expect(stopIsLater(undefined, undefined)).toBe(false);
    expect(stopIsLater(undefined, 5)).toBe(false);
    expect(stopIsLater(5, undefined)).toBe(true);
    expect(stopIsLater(5, 5)).toBe(false);
    expect(stopIsLater(6, 5)).toBe(true);
  });
});

describe('Function: isSkipped', () => {
  const until = new Date('2026-12-01T00:00:00Z');
  it.each([
    { graph: {}, at: '2026-11-30T00:00:00Z', expected: false },
    { graph: { skipUntil: until }, at: '2026-11-30T23:59:59Z', expected: true },
    { graph: { skipUntil: until }, at: '2026-12-01T00:00:00Z', expected: false }, // expires at that instant
    { graph: { skipUntil: until }, at: '2026-12-02T00:00:00Z', expected: false },
  ])('skipUntil $graph.skipUntil at $at → $expected', ({ graph, at, expected }) => {
    expect(isSkipped(graph, new Date(at))).toBe(expected);
  });
});
