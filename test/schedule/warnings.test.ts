import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { addDays, DAY_MS } from '../../lib/schedule/calendar.js';
import { type Holiday, parseConfig, type Schedule } from '../../lib/schedule/config.js';
import { isHoliday } from '../../lib/schedule/holidays.js';
import { startOfDay } from '../../lib/schedule/occurrences.js';
import { evaluateSchedule } from '../../lib/schedule/offhours.js';
import { longOffStretch } from '../../lib/schedule/warnings.js';
import { localDate } from '../../lib/schedule/zone.js';
import { schedule, yearly } from './support.js';

const NOW = new Date('2026-06-01T00:00:00Z'); // Mon

interface ScheduleInput {
  timezone: string;
  stop: string;
  start: string;
  holidays?: string[];
}

function warningsFor(schedules: Record<string, ScheduleInput>, skipUntil?: string, scheduleTag?: string) {
  const names = Object.keys(schedules);
  const config = {
    schedules,
    projects: [
      {
        projectId: '0123456789abcdef0123456789abcdef',
        region: 'cn-north-4',
        ...(scheduleTag && { scheduleTag }),
        graphs: names
          .filter((n) => !n.startsWith('unused'))
          .map((n, i) => ({ id: `graph-${i}`, schedule: n, ...(skipUntil && { skipUntil }) })),
      },
    ],
  };
  return parseConfig(stringify(config), 'schedule.yaml', NOW).warnings;
}

describe('Warnings: DST', () => {
  it('explains a boundary that falls into an actual change', () => {
    const warnings = warningsFor({
      night: { timezone: 'Europe/Berlin', stop: '30 2 * * *', start: '0 7 * * *' },
    });
    expect(warnings).toEqual([
      {
        path: 'schedules.night.stop',
        message:
          '"30 2 * * *" is affected by daylight saving time in Europe/Berlin: ' +
          'on 2026-10-25, 02:30 happens twice (the clock goes back from 03:00 to 02:00) and the stop fires once, the first time; ' +
          'on 2027-03-28, 02:30 does not exist (the clock jumps from 02:00 to 03:00) and the stop fires at 03:00. ' +
          'Consider a time outside 01:00–03:59',
      },
    ]);
  });

  it('warns about 01:00–03:59 in a DST zone even when this year’s change days miss it', () => {
    // Weekdays only; Berlin changes on Sundays.
    const warnings = warningsFor({
      early: { timezone: 'Europe/Berlin', stop: '0 20 * * 1-5', start: '0 2,3 * * 1-5' },
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.path).toBe('schedules.early.start');
    expect(warnings[0]?.message).toMatch(
      /^"0 2,3 \* \* 1-5" fires at 02:00, 03:00, between 01:00 and 03:59, and Europe\/Berlin changes its clocks .*\(next: 2026-10-25, 2027-03-28\)/,
    );
  });

  it('warns about a midnight boundary in a zone that changes at midnight', () => {
    const warnings = warningsFor({
      chile: { timezone: 'America/Santiago', stop: '0 20 * * *', start: '0 0 * * *' },
    });
    expect(warnings).toEqual([
      {
        path: 'schedules.chile.start',
        message: expect.stringMatching(
          /on 2026-09-06, 00:00 does not exist \(the clock jumps from 00:00 to 01:00\) and the start fires at 01:00/,
        ),
      },
    ]);
  });

  it.each([
    { timezone: 'Asia/Shanghai', stop: '30 2 * * *', start: '0 7 * * *' }, // no DST
    { timezone: 'Asia/Kolkata', stop: '0 1 * * *', start: '0 3 * * *' }, // no DST
    { timezone: 'Europe/Berlin', stop: '0 20 * * 1-5', start: '0 7 * * 1-5' }, // outside 01:00–03:59
    { timezone: 'America/New_York', stop: '59 0 * * *', start: '0 4 * * *' },
  ])('says nothing about $stop → $start in $timezone', (s) => {
    expect(warningsFor({ s })).toEqual([]);
  });
});

describe('Warnings: off stretches longer than 7 days', () => {
  it('finds the Christmas break made of holidays', () => {
    const holidays = ['12-24', '12-25', '12-26', '12-27', '12-28', '12-29', '12-30', '12-31'];
    const warnings = warningsFor({
      xmas: { timezone: 'Asia/Shanghai', stop: '0 22 * * *', start: '0 6 * * *', holidays },
    });
    expect(warnings).toEqual([
      {
        path: 'schedules.xmas',
        message:
          'is off from 2026-12-23 22:00 to 2027-01-01 06:00 (Asia/Shanghai), 8.3 days, longer than 7: ' +
          'GES starts a graph again after it has been stopped for 7 days; the function stops it again on its next run',
      },
    ]);
  });

  it.each([
    {
      name: 'a monthly start',
      stop: '0 20 * * *',
      start: '0 7 1 * *',
      from: Date.parse('2026-06-01T18:00:00Z'),
      to: Date.parse('2026-07-01T05:00:00Z'),
    },
    {
      name: 'a start that waits for 29 February',
      stop: '0 20 * * *',
      start: '0 7 29 2 *',
      from: NOW.getTime(),
      to: undefined,
    },
  ])('finds $name', ({ stop, start, from, to }) => {
    expect(longOffStretch(schedule('Europe/Berlin', stop, start), NOW.getTime())).toEqual(
      to === undefined ? { from } : { from, to },
    );
  });

  it.each([
    {
      name: 'office hours with a long Christmas weekend',
      stop: '0 20 * * 1-5',
      start: '0 7 * * 1-5',
      holidays: [yearly(12, 24), yearly(12, 25), yearly(12, 26)],
    },
    { name: 'weekends', stop: '0 20 * * 5', start: '0 6 * * 1', holidays: [] },
    {
      name: 'a stop that coincides with a start on weekdays',
      stop: '0 7 * * *',
      start: '0 7 * * 1-5',
      holidays: [],
    },
    { name: 'a start every minute', stop: '*/2 * * * *', start: '* * * * *', holidays: [] },
  ])('finds none for $name', ({ stop, start, holidays }) => {
    expect(longOffStretch(schedule('Europe/Berlin', stop, start, holidays), NOW.getTime())).toBeUndefined();
  });

  it('counts an off stretch that has already begun from now', () => {
    // Mon 2026-06-01 02:00 Berlin is inside a stretch that ends on Wed 2026-06-10 07:00.
    const s = schedule('Europe/Berlin', '0 20 31 5 *', '0 7 10 6 *');
    expect(longOffStretch(s, NOW.getTime())).toEqual({
      from: NOW.getTime(),
      to: Date.parse('2026-06-10T05:00:00Z'),
    });
  });
});

describe('Warnings: unused schedules and expired skipUntil', () => {
  it('names a schedule no graph uses', () => {
    const warnings = warningsFor({
      office: { timezone: 'Europe/Berlin', stop: '0 20 * * 1-5', start: '0 7 * * 1-5' },
      'unused-night': { timezone: 'Europe/Berlin', stop: '30 2 * * *', start: '0 7 * * *' },
    });
    expect(warnings).toEqual([{ path: 'schedules.unused-night', message: 'is not used by any graph' }]);
  });

  it('calls no schedule unused when a project selects graphs by tag, and still checks it', () => {
    const warnings = warningsFor(
      {
        office: { timezone: 'Europe/Berlin', stop: '0 20 * * 1-5', start: '0 7 * * 1-5' },
        'unused-night': { timezone: 'Europe/Berlin', stop: '30 2 * * *', start: '0 7 * * *' },
      },
      undefined,
      'offhours',
    );
    expect(warnings.map((w) => w.path)).toEqual(['schedules.unused-night.stop']);
  });

  it.each([
    {
      skipUntil: '2026-05-31T23:59:59Z',
      expected: [
        {
          path: 'projects[0].graphs[0].skipUntil',
          message:
            '2026-05-31T23:59:59.000Z has passed: the graph follows its schedule again; remove skipUntil',
        },
      ],
    },
    {
      skipUntil: '2026-06-01T00:00:00Z',
      expected: [{ path: 'projects[0].graphs[0].skipUntil', message: expect.stringMatching(/has passed/) }],
    },
    { skipUntil: '2026-06-01T00:00:01Z', expected: [] },
  ])('skipUntil $skipUntil at 2026-06-01T00:00:00Z', ({ skipUntil, expected }) => {
    expect(
      warningsFor(
        { office: { timezone: 'Europe/Berlin', stop: '0 20 * * 1-5', start: '0 7 * * 1-5' } },
        skipUntil,
      ),
    ).toEqual(expected);
  });
});

describe('Property: longOffStretch', () => {
  /** Walks every boundary of the year (firings and holiday edges) and measures each off stretch. */
  function walk(s: Schedule, t0: number): { from: number; to?: number } | undefined {
    const end = t0 + 366 * DAY_MS;
    const zone = s.timezone;
    const holidayEdgeAfter = (t: number) => {
      for (let d = addDays(localDate(t, zone), 1), i = 0; i < 400; d = addDays(d, 1), i++) {
        if (isHoliday(s.holidays, d) !== isHoliday(s.holidays, addDays(d, -1))) return startOfDay(d, zone);
      }
      return Infinity;
    };
    let t = t0;
    let w = evaluateSchedule(s, new Date(t));
    let offFrom = w.offHours ? t0 : undefined;
    for (;;) {
      const next = Math.min(
        w.nextStop?.getTime() ?? Infinity,
        w.nextStart?.getTime() ?? Infinity,
        holidayEdgeAfter(t),
      );
      if (next > end) break;
      t = next;
      w = evaluateSchedule(s, new Date(t));
      if (offFrom !== undefined && !w.offHours) {
        if (t - offFrom > 7 * DAY_MS) return { from: offFrom, to: t };
        offFrom = undefined;
      } else if (offFrom === undefined && w.offHours) {
        offFrom = t;
      }
    }
    return offFrom !== undefined && end - offFrom > 7 * DAY_MS ? { from: offFrom } : undefined;
  }

  const RUNS = 25;
  it(`equals a walk over every boundary of the year (${RUNS} runs)`, () => {
    const weekdays = fc
      .uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 3 })
      .map((d) => d.join(','));
    const cron = fc
      .tuple(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 23 }), weekdays)
      .map(([m, h, d]) => `${m} ${h} * * ${d}`);
    const holidays = fc.array(
      fc.tuple(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        fc.integer({ min: 0, max: 10 }),
      ),
      { maxLength: 2 },
    );
    const input = fc.record({
      zone: fc.constantFrom('Europe/Berlin', 'America/Santiago', 'Asia/Kolkata', 'Australia/Lord_Howe'),
      stop: cron,
      start: cron,
      // Runs of consecutive holidays, long enough to make stretches of more than 7 days.
      holidays: holidays.map((runs) =>
        runs.flatMap(([month, day, length]) =>
          Array.from({ length }, (_, i) => addDays({ year: 2026, month, day }, i)).map(
            (d): Holiday => ({ kind: 'yearly', month: d.month, day: d.day }),
          ),
        ),
      ),
      t0: fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 0, 1) }),
    });
    fc.assert(
      fc.property(input, ({ zone, stop, start, holidays, t0 }) => {
        fc.pre(stop !== start);
        const s = schedule(zone, stop, start, holidays);
        expect(longOffStretch(s, t0)).toEqual(walk(s, t0));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('Warnings: schedules a tag cannot select', () => {
  const NIGHTS = { timezone: 'UTC', stop: '0 20 * * *', start: '0 7 * * *' };

  it.each([
    {
      name: 'a schedule named off, which a tag value means opting out',
      schedules: { off: NIGHTS, nights: NIGHTS },
      expected: [
        { path: 'schedules.off', message: expect.stringContaining('a tag value "off" opts a graph out') },
      ],
    },
    {
      name: 'a scheduleTag with only a schedule named off: no tag can select anything',
      schedules: { off: NIGHTS },
      expected: [
        { path: 'schedules.off', message: expect.stringContaining('opts a graph out') },
        {
          path: 'projects[0].scheduleTag',
          message: expect.stringContaining('the offhours tag can select no graph'),
        },
      ],
    },
    { name: 'schedules a tag can name', schedules: { nights: NIGHTS, 'office.hours': NIGHTS }, expected: [] },
  ])('warns about $name', ({ schedules, expected }) => {
    const warnings = warningsFor(schedules, undefined, 'offhours').filter(
      (w) => w.path === 'schedules.off' || w.path.endsWith('scheduleTag'),
    );
    expect(warnings).toEqual(expected);
  });

  it('says nothing of a schedule named off without a scheduleTag', () => {
    expect(warningsFor({ off: NIGHTS }).filter((w) => w.path === 'schedules.off')).toEqual([]);
  });
});
