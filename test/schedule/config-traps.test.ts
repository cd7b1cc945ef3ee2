/**
 * Configs that parse but would not do what their author meant: zones that never change for
 * summer time, a start that cancels every stop, and schedule names JavaScript objects treat
 * specially. Each is refused with its path, its place in the file and the fix, or works.
 */

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planAll } from '../../lib/run/run.js';
import { loadConfig, parseConfig } from '../../lib/schedule/config.js';
import { issuesOf } from './support.js';

const NOW = new Date('2026-06-01T00:00:00Z');

/** A one-schedule config; `name` is written as a YAML key and as the graph's reference. */
function config(o: { name?: string; timezone?: string; stop?: string; start?: string } = {}): string {
  const name = o.name ?? 'office-hours';
  return [
    'schedules:', // 1
    `  ${name}:`, // 2
    `    timezone: ${o.timezone ?? 'Europe/Berlin'}`, // 3
    `    stop: "${o.stop ?? '0 20 * * 1-5'}"`, // 4
    `    start: "${o.start ?? '0 7 * * 1-5'}"`, // 5
    'projects:',
    '  - projectId: 0123456789abcdef0123456789abcdef',
    '    region: cn-north-4',
    '    graphs:',
    '      - id: 11111111-2222-3333-4444-555555555555',
    `        schedule: ${name}`,
    '',
  ].join('\n');
}

describe('Trap: a time zone that never changes for summer time, or a legacy name', () => {
  it.each([
    {
      timezone: 'EST',
      words: /"EST" never changes for summer time.*for US Eastern time use America\/New_York/,
    },
    { timezone: 'MST', words: /"MST" never changes for summer time.*use America\/Denver/ },
    { timezone: 'HST', words: /"HST" never changes for summer time.*use Pacific\/Honolulu/ },
    { timezone: 'EST5EDT', words: /"EST5EDT" is a legacy POSIX-style name: .*use America\/New_York/ },
    { timezone: 'PST8PDT', words: /legacy POSIX-style name: .*use America\/Los_Angeles/ },
    { timezone: 'CET', words: /"CET" is a legacy name .* e\.g\. Europe\/Berlin/ },
    { timezone: 'Etc/GMT-1', words: /"Etc\/GMT-1" is a fixed offset \(UTC\+01:00 all year.*never changes/ },
    { timezone: 'Etc/GMT+5', words: /fixed offset \(UTC-05:00 all year/ },
    { timezone: 'GMT', words: /for UK time .* use Europe\/London; for UTC write UTC/ },
    { timezone: 'Etc/GMT', words: /for UK time .* use Europe\/London/ },
    { timezone: 'Zulu', words: /is UTC under a legacy name: write UTC/ },
    { timezone: 'US/Eastern', words: /"US\/Eastern" is a legacy time zone name: write "America\/New_York"/ },
    { timezone: 'Japan', words: /write "Asia\/Tokyo"/ },
    { timezone: '"+01:00"', words: /is a UTC offset, not a time zone/ },
  ])('refuses $timezone with the zone to write instead', ({ timezone, words }) => {
    const issues = issuesOf(config({ timezone }));
    expect(issues).toEqual([
      { path: 'schedules.office-hours.timezone', message: expect.stringMatching(words), line: 3, column: 15 },
    ]);
  });

  it.each(['UTC', 'Etc/UTC', 'Asia/Tokyo', 'America/Phoenix', 'America/Panama', 'Asia/Kolkata'])(
    'accepts %s (UTC, or a region zone with or without summer time)',
    (timezone) => {
      expect(parseConfig(config({ timezone }), 'f', NOW).config.schedules['office-hours']?.timezone).toBe(
        timezone,
      );
    },
  );
});

describe('Trap: a start that fires whenever stop does', () => {
  it.each([
    { stop: '0 20 * * 1-5', start: '0 20 * * MON-FRI', how: 'weekday names' },
    { stop: '0 20 * * 0', start: '0 20 * * 7', how: 'Sunday as 7' },
    { stop: '*/30 20 * * *', start: '0,30 20 * * *', how: 'a step and a list' },
    { stop: '0 20 * * 5,1-4', start: '0 20 * * mon-fri', how: 'list order and case' },
    { stop: '0 20 * * *', start: '0 20 1-31 * 1', how: 'day-of-month OR day-of-week covering every day' },
    { stop: '0 20 1-31 * *', start: '0 20 * * *', how: 'every day of the month is every day' },
    { stop: '0 20 * 1-12 *', start: '0 20 * * 0-6', how: 'every month and every weekday' },
    { stop: '0  20 * * 1-5', start: '0 20 * * 1-5', how: 'spacing' },
  ])('refuses $start against stop $stop ($how)', ({ stop, start }) => {
    expect(issuesOf(config({ stop, start }))).toEqual([
      {
        path: 'schedules.office-hours.start',
        message: expect.stringMatching(
          /means the same instants as stop .* never be in off-hours; set start to when off-hours end, e\.g\./,
        ),
        line: 5,
        column: 12,
      },
    ]);
  });

  it.each([
    { stop: '0 20 * * 1-5', start: '0 20 * * *', how: 'every day, stop on weekdays' },
    { stop: '0 20 1 * *', start: '0 20 * * *', how: 'every day, stop on the first' },
  ])('refuses $start, which fires at every stop too ($how)', ({ stop, start }) => {
    expect(issuesOf(config({ stop, start }))).toEqual([
      expect.objectContaining({
        path: 'schedules.office-hours.start',
        message: expect.stringMatching(/fires at every instant stop .* does: .*never be in off-hours/),
      }),
    ]);
  });

  it.each([
    { stop: '0 20 * * 1-5', start: '0 7 * * 1-5', how: 'the usual working day' },
    { stop: '0 20 * * *', start: '0 20 * * 1-5', how: 'a start on fewer days than the stop' },
    { stop: '0 20 1 * *', start: '0 20 * * 1', how: 'the 1st when it is not a Monday' },
    { stop: '0 20 * * 5', start: '0 6 * * 1', how: 'the weekend' },
  ])('accepts $start against stop $stop ($how)', ({ stop, start }) => {
    expect(() => parseConfig(config({ stop, start }), 'f', NOW)).not.toThrow();
  });
});

describe('Trap: schedule names that are also names of JavaScript object properties', () => {
  it.each(['constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'])(
    'a schedule named %s is loaded, and a plan evaluates it',
    (name) => {
      const { config: loaded } = parseConfig(config({ name }), 'f', NOW);
      expect(Object.keys(loaded.schedules)).toEqual([name]);
      expect(loaded.schedules[name]).toMatchObject({ name, timezone: 'Europe/Berlin' });
      // 2026-06-01 is a Monday; 00:00 UTC is 02:00 in Berlin: off-hours since Friday 20:00.
      expect(planAll(loaded, NOW)).toEqual([
        expect.objectContaining({ schedule: name, offHours: true, nextStart: '2026-06-01T05:00:00.000Z' }),
      ]);
    },
  );

  it('a schedule named constructor beside another keeps both, and each graph gets its own', () => {
    const text = config({ name: 'constructor' })
      .replace(
        'schedules:\n',
        'schedules:\n  days:\n    timezone: UTC\n    stop: "0 8 * * *"\n    start: "0 18 * * *"\n',
      )
      .concat('      - id: 22222222-2222-3333-4444-555555555555\n        schedule: days\n');
    const { config: loaded } = parseConfig(text, 'f', NOW);
    expect(Object.keys(loaded.schedules).sort()).toEqual(['constructor', 'days']);
    expect(planAll(loaded, NOW).map((r) => [r.schedule, r.offHours])).toEqual([
      ['constructor', true],
      ['days', false],
    ]);
  });

  it('a schedule named constructor is validated like any other', () => {
    expect(issuesOf(config({ name: 'constructor', timezone: 'EST', stop: '0 25 * * *' }))).toEqual([
      expect.objectContaining({
        path: 'schedules.constructor.timezone',
        message: expect.stringMatching(/"EST"/),
      }),
      expect.objectContaining({
        path: 'schedules.constructor.stop',
        message: expect.stringMatching(/hour "25"/),
      }),
    ]);
  });

  it('refuses __proto__ by name, at its key', () => {
    expect(issuesOf(config({ name: '__proto__' }))).toEqual([
      {
        path: 'schedules.__proto__',
        message: expect.stringMatching(
          /"__proto__" is not a usable schedule name: start with a letter or digit/,
        ),
        line: 2,
        column: 3,
      },
    ]);
  });

  it('a file with a schedule named constructor loads, and a plan of it runs', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'schedule-')), 'schedule.yaml');
    await writeFile(file, config({ name: 'constructor' }));
    const { config: loaded } = await loadConfig(file, NOW);
    expect(planAll(loaded, NOW).map((r) => r.schedule)).toEqual(['constructor']);
  });

  it('an unknown inherited name in a graph is an unknown schedule, not a crash', () => {
    const text = config().replace('        schedule: office-hours', '        schedule: toString');
    expect(issuesOf(text)).toEqual([
      expect.objectContaining({
        path: 'projects[0].graphs[0].schedule',
        message: expect.stringMatching(/unknown schedule "toString"/),
      }),
    ]);
  });
});

describe('Trap: a schedule name YAML reads as a number, a boolean or null', () => {
  it.each([
    { name: '0x1F', read: 'number (31)' },
    { name: '1e3', read: 'number (1000)' },
    { name: '010', read: 'number (10)' },
    { name: 'true', read: 'boolean (true)' },
  ])('refuses $name, saying to quote it', ({ name, read }) => {
    const issues = issuesOf(config({ name }));
    expect(issues).toContainEqual(
      expect.objectContaining({
        message: `the schedule name ${name} reads as a ${read} in YAML: quote it, "${name}":`,
      }),
    );
  });

  it('accepts the same name quoted', () => {
    const text = config({ name: '"0x1F"' });
    expect(parseConfig(text, 'schedule.yaml', NOW).config.schedules['0x1F']).toBeDefined();
  });
});
