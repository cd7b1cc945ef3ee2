import { describe, expect, it } from 'vitest';
import {
  forecast,
  forecastNote,
  localWeekAfter,
  MONTH_MS,
  offHoursBetween,
} from '../../lib/report/forecast.js';
import { MINUTE_MS } from '../../lib/schedule/calendar.js';
import { isOffHours } from '../../lib/schedule/offhours.js';
import type { Schedule } from '../../lib/schedule/types.js';
import { configOf, gid, OFFICE, P1, windowOf } from './support.js';

function scheduleOf(fields: Partial<Schedule> & Pick<Schedule, 'timezone' | 'stop' | 'start'>): Schedule {
  return { name: 'test', holidays: [], startGraphs: false, ...fields };
}

const office = scheduleOf(OFFICE);
const officeXmas = scheduleOf({
  ...OFFICE,
  holidays: [
    { kind: 'yearly', month: 12, day: 24 },
    { kind: 'yearly', month: 12, day: 25 },
  ],
});
const nightsNewYork = scheduleOf({ timezone: 'America/New_York', stop: '0 20 * * *', start: '0 7 * * *' });
const alwaysOffUtc = scheduleOf({ timezone: 'UTC', stop: '0 0 * * *', start: '0 0 1 1 *' });

const week = (schedule: Schedule, from: string) =>
  offHoursBetween(schedule, new Date(from), localWeekAfter(new Date(from), schedule.timezone));

describe('Function: offHoursBetween, a week of a schedule', () => {
  // Office hours Mon-Fri 07:00-20:00 Berlin: 168 h - 5 × 13 h = 103 h off in an ordinary week.
  it.each<[string, Schedule, string, number]>([
    ['an ordinary week (Mon 2 Nov 2026 00:00 Berlin)', office, '2026-11-01T23:00:00Z', 103],
    ['an ordinary week starting mid-week (Wed 4 Nov 12:00 Berlin)', office, '2026-11-04T11:00:00Z', 103],
    [
      'the week clocks go forward (Sun 29 Mar 2026): 167 h, one off-hour less',
      office,
      '2026-03-22T23:00:00Z',
      102,
    ],
    [
      'the week clocks go back (Sun 25 Oct 2026): 169 h, one off-hour more',
      office,
      '2026-10-18T22:00:00Z',
      104,
    ],
    ['Christmas week, 24 and 25 Dec (Thu, Fri) holidays: +2 × 13 h', officeXmas, '2026-12-20T23:00:00Z', 129],
    [
      'nights in New York over its spring change (Sun 8 Mar 2026): 7 × 11 h - 1 h',
      nightsNewYork,
      '2026-03-05T05:00:00Z',
      76,
    ],
    ['always off (UTC, no DST)', alwaysOffUtc, '2026-03-22T23:00:00Z', 168],
  ])('%s', (_name, schedule, from, hours) => {
    expect(week(schedule, from)).toBe(hours);
  });

  it.each<[string, Schedule, string]>([
    ['office hours, clocks forward', office, '2026-03-23T09:17:42Z'],
    [
      'holidays inside a week with a DST change',
      scheduleOf({
        ...OFFICE,
        holidays: [
          { kind: 'date', year: 2026, month: 3, day: 27 },
          { kind: 'yearly', month: 3, day: 29 },
        ],
      }),
      '2026-03-24T00:00:00Z',
    ],
  ])('agrees with isOffHours sampled every minute: %s', (_name, schedule, from) => {
    const start = new Date(from).getTime();
    const end = localWeekAfter(new Date(from), schedule.timezone).getTime();
    let minutes = 0;
    for (let t = Math.ceil(start / MINUTE_MS) * MINUTE_MS; t < end; t += MINUTE_MS)
      if (isOffHours(schedule, new Date(t))) minutes++;
    // Sampling counts whole minutes from the first full one; the walk counts the partial first minute.
    const partial = (Math.ceil(start / MINUTE_MS) * MINUTE_MS - start) / MINUTE_MS;
    const offAtStart = isOffHours(schedule, new Date(start)) ? partial : 0;
    expect(offHoursBetween(schedule, new Date(start), new Date(end)) * 60).toBeCloseTo(
      minutes + offAtStart,
      6,
    );
  });
});

describe('Function: localWeekAfter', () => {
  it.each([
    ['an ordinary week: 168 h', '2026-11-01T23:00:00Z', 'Europe/Berlin', '2026-11-08T23:00:00.000Z'],
    ['over the spring change: 167 h', '2026-03-22T23:00:00Z', 'Europe/Berlin', '2026-03-29T22:00:00.000Z'],
    ['over the autumn change: 169 h', '2026-10-18T22:00:00Z', 'Europe/Berlin', '2026-10-25T23:00:00.000Z'],
    ['seconds kept', '2026-11-01T23:00:42.5Z', 'UTC', '2026-11-08T23:00:42.500Z'],
  ])('%s', (_name, from, zone, to) => {
    expect(localWeekAfter(new Date(from), zone).toISOString()).toBe(to);
  });
});

describe('Function: forecast', () => {
  const config = configOf({
    schedules: { office: OFFICE, always: { timezone: 'UTC', stop: '0 0 * * *', start: '0 0 1 1 *' } },
    projects: [
      {
        projectId: P1,
        region: 'cn-north-4',
        graphs: [
          { id: gid(1), name: 'priced-by-entry', schedule: 'office', hourlyPrice: 1.25 },
          { id: gid(2), schedule: 'office' },
          { name: 'by-name-only', schedule: 'always' },
          { id: gid(4), name: 'never-stopped', schedule: 'always' },
        ],
      },
    ],
    pricing: { currency: 'USD', hourly: { '4': 12 } },
  });
  const windows = [
    windowOf({
      graph: 2,
      stoppedAt: '2026-10-01T18:00:00Z',
      endedAt: '2026-10-02T05:00:00Z',
      sizeIndex: '1',
    }),
    windowOf({
      graph: 2,
      stoppedAt: '2026-10-30T19:00:00Z',
      endedAt: '2026-11-02T06:00:00Z',
      sizeIndex: '4',
      replication: 2,
    }),
    // The name GES gave finds the size of an entry without an id.
    {
      ...windowOf({ graph: 3, stoppedAt: '2026-10-30T19:00:00Z', sizeIndex: '4' }),
      graphName: 'by-name-only',
    },
  ];
  const entries = forecast(config, new Date('2026-11-01T23:00:00Z'), windows);

  it('gives every configured graph its schedule, off-hours per week and, where priced, money per month', () => {
    expect(entries).toEqual([
      {
        projectId: P1,
        graphId: gid(1),
        graphName: 'priced-by-entry',
        schedule: 'office',
        offHoursPerWeek: 103,
        offHoursPerMonth: 441,
        hourlyPrice: 1.25,
        savedPerMonth: 551.25,
      },
      {
        projectId: P1,
        graphId: gid(2),
        graphName: undefined,
        schedule: 'office',
        offHoursPerWeek: 103,
        offHoursPerMonth: 441,
        hourlyPrice: 24,
        savedPerMonth: 10584,
      },
      {
        projectId: P1,
        graphId: undefined,
        graphName: 'by-name-only',
        schedule: 'always',
        offHoursPerWeek: 168,
        offHoursPerMonth: 730.5,
        hourlyPrice: 12,
        savedPerMonth: 8766,
      },
      {
        projectId: P1,
        graphId: gid(4),
        graphName: 'never-stopped',
        schedule: 'always',
        offHoursPerWeek: 168,
        offHoursPerMonth: 730.5,
      },
    ]);
  });

  it('counts the month (365.25 / 12 days) itself: Mon 2 Nov 00:00 to Wed 2 Dec 10:30 Berlin', () => {
    expect(MONTH_MS).toBe(730.5 * 3_600_000);
    // 4 weeks × 103 h + Mon 30 Nov and Tue 1 Dec (11 h each) + Wed 2 Dec 00:00-07:00.
    expect(entries[0]?.offHoursPerMonth).toBe(412 + 22 + 7);
  });

  it.each([
    // Mon 21 Dec 2026 00:00 Berlin to Wed 20 Jan 2027 10:30: 4 × 103 h + 24 and 25 Dec (2 × 13 h)
    // + Mon 18 and Tue 19 Jan (11 h each) + 7 h; the holiday week is not multiplied out.
    ['made in Christmas week', officeXmas, '2026-12-20T23:00:00Z', 129, 467],
    // Mon 23 Mar 2026 00:00 Berlin + 730.5 h = Wed 22 Apr 11:30 (summer time): 4 × 103 h - 1 h
    // (clocks forward on a Sunday) + Mon 20, Tue 21 Apr + Wed 22 Apr 00:00-07:00.
    ['made in the week clocks go forward', office, '2026-03-22T23:00:00Z', 102, 412 - 1 + 22 + 7],
  ])('forecasts the month directly when %s', (_name, schedule, at, week, month) => {
    const config = configOf({
      schedules: { s: OFFICE },
      projects: [
        { projectId: P1, region: 'cn-north-4', graphs: [{ id: gid(1), schedule: 's', hourlyPrice: 2 }] },
      ],
    });
    const withHolidays = { ...config, schedules: { s: schedule } };
    const [entry] = forecast(withHolidays, new Date(at));
    expect(entry).toMatchObject({ offHoursPerWeek: week, offHoursPerMonth: month, savedPerMonth: month * 2 });
  });
});

describe('Function: forecast, what the config alone cannot see', () => {
  const NOW = new Date('2026-11-01T23:00:00Z'); // Mon 2 Nov 00:00 Berlin
  const configWith = (graph: Record<string, unknown>, project: Record<string, unknown> = {}) =>
    configOf({
      schedules: { office: OFFICE },
      projects: [
        {
          projectId: P1,
          region: 'cn-north-4',
          graphs: [{ id: gid(1), schedule: 'office', ...graph }],
          ...project,
        },
      ],
    });

  it.each([
    // Left alone Mon and Tue (11 off-hours each): 103 - 22 in the week, 441 - 22 in the month.
    ['a skipUntil two days ahead', '2026-11-03T23:00:00Z', 81, 419, '2026-11-03T23:00:00.000Z'],
    ['a skipUntil beyond the month', '2027-01-01T00:00:00Z', 0, 0, '2027-01-01T00:00:00.000Z'],
    ['a skipUntil already passed', '2026-11-01T12:00:00Z', 103, 441, undefined],
  ])('leaves out the off-hours before %s, and says so', (_name, skipUntil, week, month, skippedUntil) => {
    const [entry] = forecast(configWith({ skipUntil, hourlyPrice: 1 }), NOW);
    expect(entry).toMatchObject({ offHoursPerWeek: week, offHoursPerMonth: month, savedPerMonth: month });
    expect(entry?.skippedUntil).toBe(skippedUntil);
  });

  it('notes that graphs selected by tag are not in the forecast, only when a project has scheduleTag', () => {
    expect(forecastNote(configWith({}))).toBeUndefined();
    expect(forecastNote(configWith({}, { scheduleTag: 'offhours' }))).toBe(
      `graphs selected by tag (scheduleTag) in project ${P1} are not in the forecast: ` +
        'it reads the config alone, and only a run asks GES for tags',
    );
  });
});
