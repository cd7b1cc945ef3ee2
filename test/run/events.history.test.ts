/** parseEvent for `history`: graphs by name or id (or none: all), a range that defaults to the last week. */
import { describe, expect, it } from 'vitest';
import { EventError } from '../../lib/errors.js';
import { parseEvent } from '../../lib/run/events.js';

const NOW = new Date('2026-11-29T12:00:00Z'); // a Sunday
const WEEK_BEFORE = new Date('2026-11-22T12:00:00Z');

describe('parseEvent: history', () => {
  it.each([
    {
      name: 'named graphs over a range',
      event: {
        action: 'history',
        graphs: ['fraud-detection', ' 1d6875ee-4127-475f-ab84-5ecbd8256216 '],
        from: '2026-11-01T00:00:00Z',
        to: '2026-11-08T00:00:00+01:00',
      },
      expected: {
        action: 'history',
        dryRun: false,
        graphs: ['fraud-detection', '1d6875ee-4127-475f-ab84-5ecbd8256216'],
        from: new Date('2026-11-01T00:00:00Z'),
        to: new Date('2026-11-07T23:00:00Z'),
      },
    },
    {
      name: 'no graphs and no range: every graph, the week up to now',
      event: { action: 'history' },
      expected: { action: 'history', dryRun: false, from: WEEK_BEFORE, to: NOW },
    },
    {
      name: '"graphs": "all", as ad-hoc actions take it',
      event: { action: 'history', graphs: 'all', to: '2026-11-29T12:00:00Z' },
      expected: { action: 'history', dryRun: false, from: WEEK_BEFORE, to: NOW },
    },
    {
      name: 'only "from": up to now',
      event: { action: 'history', graphs: ['a'], from: '2026-11-28T00:00:00Z' },
      expected: {
        action: 'history',
        dryRun: false,
        graphs: ['a'],
        from: new Date('2026-11-28T00:00:00Z'),
        to: NOW,
      },
    },
  ])('accepts $name', ({ event, expected }) => {
    expect(parseEvent(event, NOW)).toEqual(expected);
  });

  it.each([
    {
      name: 'a range the wrong way round',
      event: { action: 'history', from: '2026-11-08T00:00:00Z', to: '2026-11-01T00:00:00Z' },
      words: '"from" (2026-11-08T00:00:00.000Z) must be before "to" (2026-11-01T00:00:00.000Z)',
    },
    {
      name: 'an empty range',
      event: { action: 'history', from: '2026-11-08T00:00:00Z', to: '2026-11-08T00:00:00Z' },
      words: 'must be before "to"',
    },
    {
      name: 'a date that does not exist',
      event: { action: 'history', from: '2026-02-30T00:00:00Z' },
      words: '"from" is not a date and time that exists',
    },
    {
      name: 'a range without a zone',
      event: { action: 'history', to: '2026-11-08T00:00:00' },
      words: '"to" must be an ISO-8601 instant',
    },
    {
      name: 'an empty list of graphs',
      event: { action: 'history', graphs: [] },
      words: '"graphs" must be "all" or a non-empty list',
    },
    {
      name: 'a graph that is no string',
      event: { action: 'history', graphs: ['a', 7] },
      words: '"graphs" entries must be non-empty strings; got 7',
    },
    {
      name: 'dryRun (history changes nothing)',
      event: { action: 'history', dryRun: true },
      words: 'unknown field "dryRun"',
    },
    {
      name: 'a field of another action',
      event: { action: 'history', at: '2026-11-08T00:00:00Z' },
      words: 'unknown field "at"',
    },
    { name: 'a misspelt action', event: { action: 'histroy' }, words: 'did you mean "history"?' },
  ])('refuses $name', ({ event, words }) => {
    expect(() => parseEvent(event, NOW)).toThrow(EventError);
    expect(() => parseEvent(event, NOW)).toThrow(words);
  });
});
