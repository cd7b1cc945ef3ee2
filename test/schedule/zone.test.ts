import { describe, expect, it } from 'vitest';
import { HOUR_MS, MINUTE_MS, wallFromLabel } from '../../lib/schedule/calendar.js';
import { instantOfWall, offsetAt, transitions, wallClock, zoneProblem } from '../../lib/schedule/zone.js';

const wall = (s: string) => wallFromLabel(Date.parse(`${s}:00Z`));

describe('Function: instantOfWall', () => {
  it.each([
    { zone: 'Europe/Berlin', wall: '2026-01-15T12:00', expected: '2026-01-15T11:00:00Z' }, // Thu, CET
    { zone: 'Europe/Berlin', wall: '2026-03-29T02:30', expected: '2026-03-29T01:00:00Z' }, // Sun, gap → 03:00 CEST
    { zone: 'Europe/Berlin', wall: '2026-03-29T02:00', expected: '2026-03-29T01:00:00Z' }, // Sun, gap start
    { zone: 'Europe/Berlin', wall: '2026-03-29T03:00', expected: '2026-03-29T01:00:00Z' }, // Sun, first real time
    { zone: 'Europe/Berlin', wall: '2026-10-25T02:30', expected: '2026-10-25T00:30:00Z' }, // Sun, overlap → CEST
    { zone: 'America/Santiago', wall: '2026-09-06T00:00', expected: '2026-09-06T04:00:00Z' }, // Sun, midnight in the gap → 01:00
    { zone: 'Australia/Lord_Howe', wall: '2026-10-04T02:15', expected: '2026-10-03T15:30:00Z' }, // Sun, 30-minute gap
    { zone: 'Australia/Lord_Howe', wall: '2026-04-05T01:45', expected: '2026-04-04T14:45:00Z' }, // Sun, 30-minute overlap
    { zone: 'Asia/Kolkata', wall: '2026-03-29T02:30', expected: '2026-03-28T21:00:00Z' }, // Sun, +05:30
  ])('$zone $wall → $expected', ({ zone, wall: w, expected }) => {
    expect(new Date(instantOfWall(wall(w), zone)).toISOString()).toBe(new Date(expected).toISOString());
  });

  it('round-trips every wall time near every 2026 offset change of every zone Intl knows', () => {
    let checked = 0;
    for (const zone of Intl.supportedValuesOf('timeZone')) {
      for (const change of transitions(zone, Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1))) {
        const from = change.at + Math.min(change.offsetBefore, change.offsetAfter) - HOUR_MS;
        const to = change.at + Math.max(change.offsetBefore, change.offsetAfter) + HOUR_MS;
        for (let label = from; label <= to; label += 15 * MINUTE_MS) {
          const r = instantOfWall(wallFromLabel(label), zone);
          const shown = wallClock(r, zone);
          const inGap =
            change.offsetAfter > change.offsetBefore &&
            label >= change.at + change.offsetBefore &&
            label < change.at + change.offsetAfter;
          if (inGap) {
            expect(r, `${zone} ${new Date(label).toISOString()}`).toBe(change.at);
          } else {
            expect(shown, `${zone} ${new Date(label).toISOString()}`).toEqual(wallFromLabel(label));
            // In an overlap, the first time: before the change.
            const inOverlap =
              label >= change.at + change.offsetAfter && label < change.at + change.offsetBefore;
            if (inOverlap) expect(r).toBeLessThan(change.at);
          }
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});

describe('Function: offsetAt', () => {
  it('knows half- and quarter-hour offsets', () => {
    expect(offsetAt(Date.UTC(2026, 5, 1), 'Asia/Kolkata')).toBe(5.5 * HOUR_MS);
    expect(offsetAt(Date.UTC(2026, 5, 1), 'Asia/Kathmandu')).toBe(5.75 * HOUR_MS);
    expect(offsetAt(Date.UTC(2026, 5, 1), 'America/St_Johns')).toBe(-2.5 * HOUR_MS);
  });
});

describe('Function: zoneProblem', () => {
  it.each(['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'UTC', 'Etc/UTC', 'Australia/Lord_Howe'])(
    'accepts %s',
    (zone) => expect(zoneProblem(zone)).toBeUndefined(),
  );
  it.each([
    { zone: 'Europe/Berln', words: /"Europe\/Berln" is not a known IANA time zone/ },
    { zone: 'europe/berlin', words: /case-sensitive, write "Europe\/Berlin"/ },
    { zone: '+01:00', words: /is a UTC offset, not a time zone/ },
    { zone: 'UTC+1', words: /is a UTC offset/ },
    { zone: 'Berlin', words: /not a known IANA time zone/ },
    { zone: ' Europe/Berlin', words: /not a known IANA time zone/ },
    { zone: '', words: /not a known IANA time zone/ },
  ])('rejects $zone', ({ zone, words }) => {
    expect(zoneProblem(zone)).toMatch(words);
  });
});

describe('Function: zoneProblem, names that never change for summer time or are legacy links', () => {
  it.each([
    { zone: 'EST', words: /never changes for summer time .* for US Eastern time use America\/New_York/ },
    { zone: 'est', words: /for US Eastern time use America\/New_York/ },
    { zone: 'MST', words: /for US Mountain time use America\/Denver \(America\/Phoenix for Arizona/ },
    { zone: 'HST', words: /for Hawaii use Pacific\/Honolulu/ },
    { zone: 'EST5EDT', words: /legacy POSIX-style name: for US Eastern time use America\/New_York/ },
    { zone: 'CST6CDT', words: /use America\/Chicago/ },
    { zone: 'MST7MDT', words: /use America\/Denver/ },
    { zone: 'PST8PDT', words: /use America\/Los_Angeles/ },
    { zone: 'CET', words: /Central European Time: .* Europe\/Berlin/ },
    { zone: 'MET', words: /Central European Time/ },
    { zone: 'EET', words: /Europe\/Athens/ },
    { zone: 'WET', words: /Europe\/Lisbon/ },
    {
      zone: 'Etc/GMT-1',
      words: /fixed offset \(UTC\+01:00 all year; the sign of Etc\/GMT names is inverted\)/,
    },
    { zone: 'Etc/GMT+10', words: /fixed offset \(UTC-10:00 all year/ },
    { zone: 'Etc/GMT-14', words: /UTC\+14:00/ },
    { zone: 'GMT', words: /for UK time \(which does\) use Europe\/London; for UTC write UTC/ },
    { zone: 'Etc/GMT0', words: /Europe\/London/ },
    { zone: 'Greenwich', words: /Europe\/London/ },
    { zone: 'UCT', words: /is UTC under a legacy name: write UTC/ },
    { zone: 'Etc/Universal', words: /write UTC/ },
    { zone: 'US/Pacific', words: /legacy time zone name: write "America\/Los_Angeles"/ },
    { zone: 'Canada/Eastern', words: /write "America\/Toronto"/ },
    { zone: 'GB', words: /write "Europe\/London"/ },
    { zone: 'PRC', words: /write "Asia\/Shanghai"/ },
  ])('refuses $zone and says what to write', ({ zone, words }) => {
    expect(zoneProblem(zone)).toMatch(words);
  });

  it.each([
    'Asia/Tokyo',
    'Asia/Shanghai',
    'America/Phoenix',
    'America/Panama',
    'Pacific/Honolulu',
    'Africa/Lagos',
  ])('accepts %s: a region zone without summer time is what its region does', (zone) =>
    expect(zoneProblem(zone)).toBeUndefined(),
  );

  it('accepts every zone Intl lists (Area/City names on Node 20 and 24 alike)', () => {
    const refused = Intl.supportedValuesOf('timeZone').filter((zone) => zoneProblem(zone) !== undefined);
    expect(refused).toEqual([]);
  });
});
