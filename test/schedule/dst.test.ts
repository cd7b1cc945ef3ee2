/**
 * Real DST change days in 2026. Instants are UTC; comments give the local time and weekday.
 * Rules under test (docs/configuration.md, "DST rules in plain words"): a boundary in a gap
 * fires when the clock jumps; a boundary in an overlap fires once, the first time.
 */
import { CronExpressionParser } from 'cron-parser';
import { describe, expect, it } from 'vitest';
import { evaluateSchedule } from '../../lib/schedule/offhours.js';
import { transitions } from '../../lib/schedule/zone.js';
import { iso, schedule } from './support.js';

interface Case {
  readonly at: string;
  readonly expected: boolean;
  readonly prevStop?: string;
  readonly prevStart?: string;
  readonly nextStop?: string;
  readonly nextStart?: string;
}

function check(zone: string, stop: string, start: string, c: Case): void {
  const w = evaluateSchedule(schedule(zone, stop, start), new Date(c.at));
  expect(w.offHours).toBe(c.expected);
  for (const key of ['prevStop', 'prevStart', 'nextStop', 'nextStart'] as const) {
    if (c[key] !== undefined) expect(iso(w[key]), key).toBe(new Date(c[key]).toISOString());
  }
}

describe('DST: the zone data the tests rely on', () => {
  it.each([
    { zone: 'Europe/Berlin', changes: ['2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z'] },
    { zone: 'America/New_York', changes: ['2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z'] },
    { zone: 'Australia/Sydney', changes: ['2026-04-04T16:00:00Z', '2026-10-03T16:00:00Z'] },
    { zone: 'Pacific/Auckland', changes: ['2026-04-04T14:00:00Z', '2026-09-26T14:00:00Z'] },
    { zone: 'Asia/Shanghai', changes: [] },
    { zone: 'Asia/Kolkata', changes: [] },
  ])('$zone changes its clocks at $changes in 2026', ({ zone, changes }) => {
    const found = transitions(zone, Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1));
    expect(found.map((t) => new Date(t.at).toISOString())).toEqual(
      changes.map((c) => new Date(c).toISOString()),
    );
  });
});

describe('DST: Europe/Berlin', () => {
  // Sun 2026-03-29: 02:00 CET → 03:00 CEST at 01:00Z. Sun 2026-10-25: 03:00 CEST → 02:00 CET at 01:00Z.
  it.each<Case>([
    { at: '2026-03-28T18:59:00Z', expected: false }, // Sat 19:59 CET
    { at: '2026-03-28T19:00:00Z', expected: true }, // Sat 20:00 CET
    { at: '2026-03-29T00:59:59Z', expected: true }, // Sun 01:59:59 CET, just before the jump
    { at: '2026-03-29T01:00:00Z', expected: true }, // Sun 03:00 CEST, just after
    { at: '2026-03-29T04:59:59Z', expected: true }, // Sun 06:59:59 CEST
    { at: '2026-03-29T05:00:00Z', expected: false, prevStart: '2026-03-29T05:00:00Z' }, // Sun 07:00 CEST
    { at: '2026-03-29T18:00:00Z', expected: true, prevStop: '2026-03-29T18:00:00Z' }, // Sun 20:00 CEST
    { at: '2026-10-24T17:59:59Z', expected: false }, // Sat 19:59:59 CEST
    { at: '2026-10-24T18:00:00Z', expected: true }, // Sat 20:00 CEST
    { at: '2026-10-25T01:30:00Z', expected: true }, // Sun 02:30 CET (second time)
    { at: '2026-10-25T05:59:59Z', expected: true }, // Sun 06:59:59 CET
    { at: '2026-10-25T06:00:00Z', expected: false, prevStart: '2026-10-25T06:00:00Z' }, // Sun 07:00 CET
    { at: '2026-10-25T19:00:00Z', expected: true }, // Sun 20:00 CET
  ])('evening window 20:00 → 07:00 at $at → $expected', (c) =>
    check('Europe/Berlin', '0 20 * * *', '0 7 * * *', c),
  );

  it.each<Case>([
    { at: '2026-03-28T12:00:00Z', expected: false, nextStop: '2026-03-29T01:00:00Z' }, // Sat 13:00 CET
    { at: '2026-03-29T00:59:59Z', expected: false, prevStop: '2026-03-28T01:30:00Z' }, // Sun 01:59:59 CET
    { at: '2026-03-29T01:00:00Z', expected: true, prevStop: '2026-03-29T01:00:00Z' }, // Sun 03:00 CEST: 02:30 fires at the jump
    { at: '2026-03-30T00:30:00Z', expected: true, prevStop: '2026-03-30T00:30:00Z' }, // Mon 02:30 CEST: normal again
    { at: '2026-10-25T00:29:59Z', expected: false }, // Sun 02:29:59 CEST (first time)
    { at: '2026-10-25T00:30:00Z', expected: true, nextStop: '2026-10-26T01:30:00Z' }, // Sun 02:30 CEST: fires
    { at: '2026-10-25T01:30:00Z', expected: true, prevStop: '2026-10-25T00:30:00Z' }, // Sun 02:30 CET: does not fire again
  ])('stop at 02:30 (in the gap and the overlap) at $at → $expected', (c) =>
    check('Europe/Berlin', '30 2 * * *', '0 7 * * *', c),
  );

  it.each<Case>([
    { at: '2026-03-29T00:30:00Z', expected: true }, // Sun 01:30 CET: stopped at 01:00
    { at: '2026-03-29T01:00:00Z', expected: false, prevStart: '2026-03-29T01:00:00Z' }, // Sun 03:00 CEST: 02:30 start fires at the jump
    { at: '2026-10-25T00:30:00Z', expected: false, prevStart: '2026-10-25T00:30:00Z' }, // Sun 02:30 CEST
    { at: '2026-10-25T01:30:00Z', expected: false, prevStart: '2026-10-25T00:30:00Z' }, // Sun 02:30 CET
  ])('start at 02:30 at $at → $expected', (c) => check('Europe/Berlin', '0 1 * * *', '30 2 * * *', c));

  it.each<Case>([
    { at: '2026-03-28T01:15:00Z', expected: true }, // Sat 02:15 CET: an ordinary day
    { at: '2026-03-29T01:00:00Z', expected: false }, // Sun 03:00 CEST: stop and start both fall in the gap → coincide → on
    { at: '2026-10-25T00:00:00Z', expected: true }, // Sun 02:00 CEST (first time)
    { at: '2026-10-25T00:30:00Z', expected: false }, // Sun 02:30 CEST
    { at: '2026-10-25T01:15:00Z', expected: false }, // Sun 02:15 CET (second time): the stop does not fire again
  ])('window 02:00 → 02:30 at $at → $expected', (c) => check('Europe/Berlin', '0 2 * * *', '30 2 * * *', c));
});

describe('DST: America/New_York', () => {
  // Sun 2026-03-08: 02:00 EST → 03:00 EDT at 07:00Z. Sun 2026-11-01: 02:00 EDT → 01:00 EST at 06:00Z.
  it('cron-parser#378: the 02:00 stop fires at the jump, not a day earlier', () => {
    // cron-parser's prev() answers Sat 02:00 EST here (2026-03-07T07:00Z): it skips a day.
    const prev = CronExpressionParser.parse('0 2 * * *', {
      tz: 'America/New_York',
      currentDate: '2026-03-08T07:01:00Z',
    }).prev();
    expect(prev.toISOString()).not.toBe('2026-03-08T07:00:00.000Z'); // if this fails, #378 is fixed upstream
    check('America/New_York', '0 2 * * *', '0 7 * * *', {
      at: '2026-03-08T07:01:00Z', // Sun 03:01 EDT
      expected: true,
      prevStop: '2026-03-08T07:00:00Z', // Sun 03:00 EDT: 02:00 does not exist
      prevStart: '2026-03-07T12:00:00Z', // Sat 07:00 EST
    });
  });

  it.each<Case>([
    { at: '2026-03-08T06:59:59Z', expected: false, prevStop: '2026-03-07T07:00:00Z' }, // Sun 01:59:59 EST
    { at: '2026-03-08T07:00:00Z', expected: true }, // Sun 03:00 EDT
    { at: '2026-03-08T10:59:59Z', expected: true }, // Sun 06:59:59 EDT
    { at: '2026-03-08T11:00:00Z', expected: false, prevStart: '2026-03-08T11:00:00Z' }, // Sun 07:00 EDT
  ])('stop at 02:00 on spring-forward day at $at → $expected', (c) =>
    check('America/New_York', '0 2 * * *', '0 7 * * *', c),
  );

  it.each<Case>([
    { at: '2026-03-08T02:59:59Z', expected: false }, // Sat 21:59:59 EST
    { at: '2026-03-08T03:00:00Z', expected: true }, // Sat 22:00 EST
    { at: '2026-03-08T09:59:59Z', expected: true }, // Sun 05:59:59 EDT
    { at: '2026-03-08T10:00:00Z', expected: false }, // Sun 06:00 EDT: an hour shorter night
    { at: '2026-11-01T02:00:00Z', expected: true }, // Sat 22:00 EDT
    { at: '2026-11-01T10:59:59Z', expected: true }, // Sun 05:59:59 EST
    { at: '2026-11-01T11:00:00Z', expected: false }, // Sun 06:00 EST: an hour longer night
  ])('overnight window 22:00 → 06:00 at $at → $expected', (c) =>
    check('America/New_York', '0 22 * * *', '0 6 * * *', c),
  );

  it.each<Case>([
    { at: '2026-11-01T05:29:59Z', expected: false }, // Sun 01:29:59 EDT
    { at: '2026-11-01T05:30:00Z', expected: true }, // Sun 01:30 EDT: fires
    { at: '2026-11-01T06:30:00Z', expected: true, prevStop: '2026-11-01T05:30:00Z' }, // Sun 01:30 EST: once only
    { at: '2026-11-01T11:59:59Z', expected: true }, // Sun 06:59:59 EST
    { at: '2026-11-01T12:00:00Z', expected: false }, // Sun 07:00 EST
  ])('stop at 01:30 on fall-back day at $at → $expected', (c) =>
    check('America/New_York', '30 1 * * *', '0 7 * * *', c),
  );
});

describe('DST: Australia/Sydney', () => {
  // Sun 2026-04-05: 03:00 AEDT → 02:00 AEST at 04-04 16:00Z. Sun 2026-10-04: 02:00 AEST → 03:00 AEDT at 10-03 16:00Z.
  it.each<Case>([
    { at: '2026-04-04T08:59:59Z', expected: false }, // Sat 19:59:59 AEDT
    { at: '2026-04-04T09:00:00Z', expected: true }, // Sat 20:00 AEDT
    { at: '2026-04-04T20:59:59Z', expected: true }, // Sun 06:59:59 AEST
    { at: '2026-04-04T21:00:00Z', expected: false }, // Sun 07:00 AEST
    { at: '2026-10-03T10:00:00Z', expected: true }, // Sat 20:00 AEST
    { at: '2026-10-03T19:59:59Z', expected: true }, // Sun 06:59:59 AEDT
    { at: '2026-10-03T20:00:00Z', expected: false }, // Sun 07:00 AEDT
  ])('evening window 20:00 → 07:00 at $at → $expected', (c) =>
    check('Australia/Sydney', '0 20 * * *', '0 7 * * *', c),
  );

  it.each<Case>([
    { at: '2026-04-04T15:29:59Z', expected: false }, // Sun 02:29:59 AEDT (first time)
    { at: '2026-04-04T15:30:00Z', expected: true }, // Sun 02:30 AEDT: fires
    { at: '2026-04-04T16:30:00Z', expected: true, prevStop: '2026-04-04T15:30:00Z' }, // Sun 02:30 AEST: once only
    { at: '2026-10-03T15:59:59Z', expected: false }, // Sun 01:59:59 AEST
    { at: '2026-10-03T16:00:00Z', expected: true, prevStop: '2026-10-03T16:00:00Z' }, // Sun 03:00 AEDT: 02:30 fires at the jump
    { at: '2026-10-03T20:00:00Z', expected: false }, // Sun 07:00 AEDT
  ])('stop at 02:30 at $at → $expected', (c) => check('Australia/Sydney', '30 2 * * *', '0 7 * * *', c));
});

describe('DST: Pacific/Auckland', () => {
  // Sun 2026-04-05: 03:00 NZDT → 02:00 NZST at 04-04 14:00Z. Sun 2026-09-27: 02:00 NZST → 03:00 NZDT at 09-26 14:00Z.
  it.each<Case>([
    { at: '2026-04-04T06:59:59Z', expected: false }, // Sat 19:59:59 NZDT
    { at: '2026-04-04T07:00:00Z', expected: true }, // Sat 20:00 NZDT
    { at: '2026-04-04T18:59:59Z', expected: true }, // Sun 06:59:59 NZST
    { at: '2026-04-04T19:00:00Z', expected: false }, // Sun 07:00 NZST
    { at: '2026-09-26T08:00:00Z', expected: true }, // Sat 20:00 NZST
    { at: '2026-09-26T17:59:59Z', expected: true }, // Sun 06:59:59 NZDT
    { at: '2026-09-26T18:00:00Z', expected: false }, // Sun 07:00 NZDT
  ])('evening window 20:00 → 07:00 at $at → $expected', (c) =>
    check('Pacific/Auckland', '0 20 * * *', '0 7 * * *', c),
  );

  it.each<Case>([
    { at: '2026-04-04T12:59:59Z', expected: false }, // Sun 01:59:59 NZDT
    { at: '2026-04-04T13:00:00Z', expected: true }, // Sun 02:00 NZDT: fires
    { at: '2026-04-04T14:00:00Z', expected: true, prevStop: '2026-04-04T13:00:00Z' }, // Sun 02:00 NZST: once only
    { at: '2026-04-04T17:59:59Z', expected: true }, // Sun 05:59:59 NZST
    { at: '2026-04-04T18:00:00Z', expected: false }, // Sun 06:00 NZST
  ])('stop at 02:00 on fall-back day at $at → $expected', (c) =>
    check('Pacific/Auckland', '0 2 * * *', '0 6 * * *', c),
  );

  it.each<Case>([
    { at: '2026-09-26T13:30:00Z', expected: true }, // Sun 01:30 NZST: stopped at 01:00
    { at: '2026-09-26T13:59:59Z', expected: true }, // Sun 01:59:59 NZST
    { at: '2026-09-26T14:00:00Z', expected: false, prevStart: '2026-09-26T14:00:00Z' }, // Sun 03:00 NZDT: 02:30 start fires at the jump
  ])('start at 02:30 on spring-forward day at $at → $expected', (c) =>
    check('Pacific/Auckland', '0 1 * * *', '30 2 * * *', c),
  );
});

describe('No DST: Asia/Shanghai (UTC+8) and Asia/Kolkata (UTC+5:30)', () => {
  it.each<Case>([
    { at: '2026-03-28T18:29:59Z', expected: false }, // Sun 03-29 02:29:59 CST
    { at: '2026-03-28T18:30:00Z', expected: true, prevStop: '2026-03-28T18:30:00Z' }, // Sun 02:30 CST exists
    { at: '2026-10-24T18:30:00Z', expected: true, nextStop: '2026-10-25T18:30:00Z' }, // Sun 10-25 02:30 CST, once a day
    { at: '2026-10-24T22:59:59Z', expected: true }, // Sun 06:59:59
    { at: '2026-10-24T23:00:00Z', expected: false }, // Sun 07:00
  ])('Shanghai, stop at 02:30 at $at → $expected', (c) =>
    check('Asia/Shanghai', '30 2 * * *', '0 7 * * *', c),
  );

  it.each<Case>([
    { at: '2026-03-29T14:29:59Z', expected: false }, // Sun 19:59:59 IST
    { at: '2026-03-29T14:30:00Z', expected: true }, // Sun 20:00 IST
    { at: '2026-03-30T01:29:59Z', expected: true }, // Mon 06:59:59 IST
    { at: '2026-03-30T01:30:00Z', expected: false, prevStop: '2026-03-29T14:30:00Z' }, // Mon 07:00 IST
    { at: '2026-10-25T01:30:00Z', expected: false, prevStart: '2026-10-25T01:30:00Z' }, // Sun 07:00 IST
  ])('Kolkata, 20:00 → 07:00 at $at → $expected', (c) => check('Asia/Kolkata', '0 20 * * *', '0 7 * * *', c));
});
