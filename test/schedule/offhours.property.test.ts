/**
 * Property tests over random schedules, zones and instants (many near real DST changes).
 * Run counts are in RUNS; failures print fast-check's seed and the shrunk counterexample.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, DAY_MS, MINUTE_MS, wallFromLabel } from '../../lib/schedule/calendar.js';
import { startOfDay } from '../../lib/schedule/occurrences.js';
import { evaluateSchedule, isOffHours } from '../../lib/schedule/offhours.js';
import type { Holiday, Schedule } from '../../lib/schedule/types.js';
import { instantOfWall, localDate, transitions } from '../../lib/schedule/zone.js';
import { reference, wallAt } from './reference.js';

const RUNS = { reference: 400, overnight: 1000, constant: 400, wallTime: 1000 } as const;

const ZONES = [
  'Europe/Berlin',
  'Europe/London',
  'America/New_York',
  'America/St_Johns', // UTC−3:30 / −2:30
  'America/Santiago', // changes at midnight: 00:00 does not exist on its spring-forward day
  'America/Havana', // also changes at midnight
  'Australia/Sydney',
  'Australia/Lord_Howe', // 30-minute DST
  'Pacific/Auckland',
  'Africa/Casablanca', // two changes a month apart (Ramadan)
  'Asia/Shanghai',
  'Asia/Kolkata', // UTC+5:30, no DST
  'Asia/Kathmandu', // UTC+5:45
  'UTC',
];
const FROM = Date.UTC(2024, 0, 1);
const TO = Date.UTC(2031, 0, 1);
const CHANGES = new Map(ZONES.map((z) => [z, transitions(z, FROM, TO).map((c) => c.at)]));

/** Mostly instants within 3 days of one of the zone's changes, often on a whole minute. */
const instantIn = (zone: string) => {
  const changes = CHANGES.get(zone) ?? [];
  const near =
    changes.length === 0
      ? fc.integer({ min: FROM, max: TO })
      : fc
          .tuple(fc.constantFrom(...changes), fc.integer({ min: -3 * DAY_MS, max: 3 * DAY_MS }))
          .map(([c, d]) => c + d);
  return fc
    .tuple(fc.oneof(near, fc.integer({ min: FROM, max: TO })), fc.boolean())
    .map(([t, snap]) => (snap ? Math.floor(t / MINUTE_MS) * MINUTE_MS : t));
};

const minuteField = fc.oneof(
  fc.constantFrom('0', '15', '30', '45'),
  fc.integer({ min: 0, max: 59 }).map(String),
  fc.constantFrom('*/15', '*/20', '0,30', '10-12', '5,59'),
);
const hourField = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 4 }).map(String) }, // where DST changes happen
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 23 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('1-3', '0,2', '22-23', '*/6', '*') },
);
const dayOfWeekField = fc.oneof(
  { weight: 3, arbitrary: fc.constant('*') },
  {
    weight: 2,
    arbitrary: fc
      .uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 4 })
      .map((d) => d.sort((a, b) => a - b).join(',')),
  },
  { weight: 1, arbitrary: fc.constantFrom('1-5', 'MON-FRI', '0,6', '6-7', '7', 'SUN') },
);
const cron = fc
  .record({
    minute: minuteField,
    hour: hourField,
    // A restricted day of month only with a restricted day of week (either matches), so that
    // every expression fires at least weekly and the reference's window finds it.
    dayOfMonth: fc.oneof(
      { weight: 5, arbitrary: fc.constant('*') },
      { weight: 1, arbitrary: fc.constantFrom('1,15', '10-20') },
    ),
    month: fc.oneof(
      { weight: 9, arbitrary: fc.constant('*') },
      { weight: 1, arbitrary: fc.constantFrom('3-4,9-11') },
    ),
    dayOfWeek: dayOfWeekField,
  })
  .map(({ minute, hour, dayOfMonth, month, dayOfWeek }) => {
    const dow = dayOfMonth !== '*' && dayOfWeek === '*' ? '1-5' : dayOfWeek;
    return `${minute} ${hour} ${dayOfMonth} ${month} ${dow}`;
  });

/** Holidays on t's local date or a day next to it, single or yearly. */
const holidaysNear = (zone: string, t: number) =>
  fc.subarray([-1, 0, 1]).chain((offsets) =>
    fc.tuple(...offsets.map(() => fc.boolean())).map((yearlyFlags) =>
      offsets.map((offset, i): Holiday => {
        const d = addDays(localDate(t, zone), offset);
        return yearlyFlags[i] ? { kind: 'yearly', month: d.month, day: d.day } : { kind: 'date', ...d };
      }),
    ),
  );

const scenario = fc.constantFrom(...ZONES).chain((zone) =>
  instantIn(zone).chain((t) =>
    fc.record({
      t: fc.constant(t),
      schedule: fc.record({
        name: fc.constant('p'),
        timezone: fc.constant(zone),
        stop: cron,
        start: cron,
        holidays: fc.oneof(
          { weight: 3, arbitrary: fc.constant([]) },
          { weight: 1, arbitrary: holidaysNear(zone, t) },
        ),
        startGraphs: fc.constant(false),
      }),
    }),
  ),
);

describe('Property: off-hours evaluation', () => {
  it(`equals an independent minute-walk reference (${RUNS.reference} runs)`, () => {
    const window = 8 * DAY_MS;
    let decided = 0;
    fc.assert(
      fc.property(scenario, ({ t, schedule }) => {
        const w = evaluateSchedule(schedule, new Date(t));
        const ref = reference(schedule, t, window);
        const at = (d: Date | undefined) => d?.getTime();
        // A firing the reference did not see lies outside its window.
        const prev = (mine: number | undefined, theirs: number | undefined) =>
          theirs === undefined ? mine === undefined || mine <= t - window : mine === theirs;
        const next = (mine: number | undefined, theirs: number | undefined) =>
          theirs === undefined ? mine === undefined || mine > t + window : mine === theirs;
        expect(prev(at(w.prevStop), ref.prevStop), 'prevStop').toBe(true);
        expect(prev(at(w.prevStart), ref.prevStart), 'prevStart').toBe(true);
        expect(next(at(w.nextStop), ref.nextStop), 'nextStop').toBe(true);
        expect(next(at(w.nextStart), ref.nextStart), 'nextStart').toBe(true);
        if (ref.offHours !== undefined) {
          decided++;
          expect(w.offHours).toBe(ref.offHours);
        }
      }),
      { numRuns: RUNS.reference },
    );
    expect(decided).toBeGreaterThan(RUNS.reference * 0.8);
  });

  it(`an overnight window equals its split form (${RUNS.overnight} runs)`, () => {
    const overnight = fc.record({
      zone: fc.constantFrom(...ZONES),
      stopHour: fc.integer({ min: 17, max: 23 }),
      startHour: fc.integer({ min: 0, max: 9 }),
      stopMinute: fc.integer({ min: 0, max: 59 }),
      startMinute: fc.integer({ min: 0, max: 59 }),
      t: fc.integer({ min: FROM, max: TO }),
    });
    fc.assert(
      fc.property(overnight, ({ zone, stopHour, startHour, stopMinute, startMinute, t }) => {
        const stop = `${stopMinute} ${stopHour} * * *`;
        const start = `${startMinute} ${startHour} * * *`;
        const make = (a: string, b: string): Schedule => ({
          name: 's',
          timezone: zone,
          stop: a,
          start: b,
          holidays: [],
          startGraphs: false,
        });
        const at = new Date(t);
        const whole = isOffHours(make(stop, start), at);
        const evening = isOffHours(make(stop, '0 0 * * *'), at);
        const morning = isOffHours(make('0 0 * * *', start), at);
        expect(whole).toBe(evening || morning);
      }),
      { numRuns: RUNS.overnight },
    );
  });

  it(`is constant between consecutive boundaries (${RUNS.constant} runs × 5 instants)`, () => {
    const withFractions = scenario.chain((s) =>
      fc.record({
        s: fc.constant(s),
        fractions: fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), {
          minLength: 5,
          maxLength: 5,
        }),
      }),
    );
    fc.assert(
      fc.property(withFractions, ({ s: { t, schedule }, fractions }) => {
        const w = evaluateSchedule(schedule, new Date(t));
        const zone = schedule.timezone;
        const today = localDate(t, zone);
        const midnights =
          schedule.holidays.length > 0 ? [startOfDay(today, zone), startOfDay(addDays(today, 1), zone)] : [];
        const from = Math.max(
          w.prevStop?.getTime() ?? -Infinity,
          w.prevStart?.getTime() ?? -Infinity,
          ...midnights.filter((m) => m <= t),
        );
        const to = Math.min(
          w.nextStop?.getTime() ?? Infinity,
          w.nextStart?.getTime() ?? Infinity,
          ...midnights.filter((m) => m > t),
        );
        fc.pre(Number.isFinite(from) && Number.isFinite(to));
        expect(from).toBeLessThanOrEqual(t);
        expect(to).toBeGreaterThan(t);
        for (const x of [
          from,
          to - 1,
          ...fractions.map((f) => Math.min(to - 1, from + Math.floor(f * (to - from)))),
        ]) {
          expect(isOffHours(schedule, new Date(x)), new Date(x).toISOString()).toBe(w.offHours);
        }
      }),
      { numRuns: RUNS.constant },
    );
  });
});

describe('Property: wall time → instant', () => {
  it(`maps to the first instant the clock shows it, or the jump over it (${RUNS.wallTime} runs)`, () => {
    // Wall times up to 3 hours either side of what the clock shows near a change: some in gaps.
    const wall = fc
      .constantFrom(...ZONES)
      .chain((zone) =>
        fc
          .tuple(instantIn(zone), fc.integer({ min: -180, max: 180 }))
          .map(([t, minutes]) => ({ zone, wall: wallFromLabel(wallAt(t, zone) + minutes * MINUTE_MS) })),
      );
    fc.assert(
      fc.property(wall, ({ zone, wall: w }) => {
        const label = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
        const r = instantOfWall(w, zone);
        const shown = wallAt(r, zone);
        if (shown === label) {
          // The first time: half an hour, an hour or two earlier the clock did not show it.
          for (const d of [30, 60, 120]) expect(wallAt(r - d * MINUTE_MS, zone)).not.toBe(label);
        } else {
          // Skipped: the clock jumped over it at r.
          expect(shown).toBeGreaterThan(label);
          expect(wallAt(r - MINUTE_MS, zone)).toBeLessThan(label);
        }
      }),
      { numRuns: RUNS.wallTime },
    );
  });
});
