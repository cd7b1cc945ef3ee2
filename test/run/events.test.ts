import { describe, expect, it } from 'vitest';
import { EventError } from '../../lib/errors.js';
import { parseEvent } from '../../lib/run/events.js';

const scheduled = {
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-11-22T20:00:00Z',
  region: 'eu-central-1',
  resources: ['arn:aws:events:eu-central-1:123456789012:rule/ges-offhours'],
  detail: {},
};

describe('parseEvent: accepted events', () => {
  it.each([
    {
      name: 'an EventBridge scheduled event',
      event: scheduled,
      expected: { action: 'reconcile', dryRun: false },
    },
    { name: 'an empty object', event: {}, expected: { action: 'reconcile', dryRun: false } },
    { name: 'no event at all', event: undefined, expected: { action: 'reconcile', dryRun: false } },
    { name: 'reconcile', event: { action: 'reconcile' }, expected: { action: 'reconcile', dryRun: false } },
    { name: 'a dry-run reconcile', event: { dryRun: true }, expected: { action: 'reconcile', dryRun: true } },
    {
      name: 'a stop by name and id',
      event: { action: 'stop', graphs: ['fraud-detection', '11111111-2222-3333-4444-555555555555'] },
      expected: {
        action: 'stop',
        dryRun: false,
        graphs: ['fraud-detection', '11111111-2222-3333-4444-555555555555'],
        projectId: undefined,
      },
    },
    {
      name: 'a stop of all graphs in one project, dry run',
      event: { action: 'stop', graphs: 'all', projectId: '0123456789abcdef0123456789abcdef', dryRun: true },
      expected: {
        action: 'stop',
        dryRun: true,
        graphs: 'all',
        projectId: '0123456789abcdef0123456789abcdef',
      },
    },
    {
      name: 'a stop that repeats a name (kept once)',
      event: { action: 'stop', graphs: ['a', ' a '] },
      expected: { action: 'stop', dryRun: false, graphs: ['a'], projectId: undefined },
    },
    {
      name: 'a plan for now',
      event: { action: 'plan' },
      expected: { action: 'plan', dryRun: false, at: undefined },
    },
    {
      name: 'a plan at an instant',
      event: { action: 'plan', at: '2026-03-29T01:30:00Z' },
      expected: { action: 'plan', dryRun: false, at: new Date('2026-03-29T01:30:00Z') },
    },
  ])('accepts $name', ({ event, expected }) => {
    expect(parseEvent(event)).toEqual(expected);
  });
});

describe('parseEvent: refused events say what is wrong', () => {
  it.each([
    { name: 'an unknown action', event: { action: 'restart' }, words: 'unknown action "restart"' },
    { name: 'a string', event: 'stop', words: 'event must be a JSON object' },
    { name: 'an array', event: [], words: 'event must be a JSON object' },
    {
      name: 'a stop without graphs',
      event: { action: 'stop' },
      words: '"graphs" must be "all" or a non-empty list',
    },
    { name: 'a stop with an empty list', event: { action: 'stop', graphs: [] }, words: 'non-empty list' },
    {
      name: 'a stop with a number',
      event: { action: 'stop', graphs: [42] },
      words: 'entries must be non-empty strings',
    },
    { name: 'a typo in a field', event: { action: 'stop', graph: ['a'] }, words: 'unknown field "graph"' },
    { name: 'dryRun as a string', event: { dryRun: 'yes' }, words: '"dryRun" must be true or false' },
    { name: 'a bad projectId', event: { action: 'stop', graphs: 'all', projectId: 'abc' }, words: '32 hex' },
    {
      name: 'a plan time without zone',
      event: { action: 'plan', at: '2026-03-29T01:30:00' },
      words: 'with a zone',
    },
    { name: 'a plan time that is no date', event: { action: 'plan', at: 'tomorrow' }, words: 'ISO-8601' },
    {
      name: 'an inherited property name as action',
      event: { action: 'constructor' },
      words: 'unknown action "constructor"',
    },
    { name: 'another inherited name', event: { action: '__proto__' }, words: 'unknown action "__proto__"' },
    {
      name: 'a scheduled event with dryRun added by hand',
      event: { ...scheduled, dryRun: true },
      words: 'a scheduled event with "action" or "dryRun" is ambiguous',
    },
    {
      name: 'a scheduled event with an action added by hand',
      event: { 'detail-type': 'Scheduled Event', action: 'stop', graphs: ['x'] },
      words: 'is ambiguous',
    },
  ])('refuses $name', ({ event, words }) => {
    expect(() => parseEvent(event)).toThrow(EventError);
    expect(() => parseEvent(event)).toThrow(words);
  });
});

describe('parseEvent: a refused event says what was probably meant', () => {
  it.each([
    {
      name: 'a misspelt "action"',
      event: { acton: 'stop' },
      words: 'unknown field "acton" (did you mean "action"?)',
    },
    {
      name: '"graph" for "graphs"',
      event: { action: 'stop', graph: ['fraud-detection'] },
      words: 'unknown field "graph" (did you mean "graphs"?) for action "stop"',
    },
    {
      name: 'a snake_case "dry_run"',
      event: { action: 'stop', graphs: 'all', dry_run: true },
      words: '"dry_run" (did you mean "dryRun"?)',
    },
    {
      name: '"project" for "projectId"',
      event: { action: 'stop', graphs: 'all', project: 'x' },
      words: '"project" (did you mean "projectId"?)',
    },
    {
      name: 'a stop field without "action": "stop"',
      event: { graphs: ['fraud-detection'] },
      words:
        'unknown field "graphs" (only with "action": "stop" or "action": "start" or "action": "history") for action "reconcile"',
    },
    {
      name: 'a misspelt stop field on a plan',
      event: { action: 'plan', grpahs: 'all' },
      words:
        '"grpahs" (did you mean "graphs", only with "action": "stop" or "action": "start" or "action": "history")',
    },
    {
      name: 'each of several unknown fields',
      event: { acton: 'stop', graph: 'all' },
      words: 'unknown fields "acton" (did you mean "action"?), "graph" (did you mean "graphs", only with',
    },
    {
      name: 'a swapped pair in the action',
      event: { action: 'stpo' },
      words: 'unknown action "stpo": did you mean "stop"?',
    },
    {
      name: 'an action in capitals',
      event: { action: 'PLAN' },
      words: 'unknown action "PLAN": did you mean "plan"?',
    },
    {
      name: 'a misspelt reconcile',
      event: { action: 'reconclie' },
      words: 'unknown action "reconclie": did you mean "reconcile"?',
    },
    {
      name: 'an action close to none, with the list of actions',
      event: { action: 'shutdown' },
      words: 'unknown action "shutdown": actions are "reconcile", "stop", "start", "plan", "report"',
    },
    { name: 'an action that is not a string', event: { action: 7 }, words: 'unknown action 7: actions are' },
  ])('suggests for $name', ({ event, words }) => {
    expect(() => parseEvent(event)).toThrow(EventError);
    expect(() => parseEvent(event)).toThrow(words);
  });

  it('gives no suggestion for a field unlike any it knows', () => {
    expect(() => parseEvent({ action: 'stop', graphs: 'all', colour: 'blue' })).toThrow(
      /unknown field "colour" for action "stop"; expected/,
    );
  });
});

describe('parseEvent: start and report', () => {
  const NOW = new Date('2026-11-29T12:00:00Z');

  it.each([
    {
      name: 'an ad-hoc start of named graphs',
      event: { action: 'start', graphs: ['fraud-detection'] },
      expected: { action: 'start', dryRun: false, graphs: ['fraud-detection'], projectId: undefined },
    },
    {
      name: 'a dry-run start of every configured graph',
      event: { action: 'start', graphs: 'all', dryRun: true },
      expected: { action: 'start', dryRun: true, graphs: 'all', projectId: undefined },
    },
    {
      name: 'a report over a range',
      event: { action: 'report', from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' },
      expected: {
        action: 'report',
        dryRun: false,
        from: new Date('2026-11-01T00:00:00Z'),
        to: new Date('2026-12-01T00:00:00Z'),
      },
    },
    {
      name: 'a report from a leap day, in an offset, without seconds',
      event: { action: 'report', from: '2028-02-29T00:00+01:00', to: '2028-03-01T00:00:00Z' },
      expected: {
        action: 'report',
        dryRun: false,
        from: new Date('2028-02-28T23:00:00Z'),
        to: new Date('2028-03-01T00:00:00Z'),
      },
    },
    {
      name: 'a report without a range: the 30 days up to now',
      event: { action: 'report' },
      expected: { action: 'report', dryRun: false, from: new Date('2026-10-30T12:00:00Z'), to: NOW },
    },
  ])('accepts $name', ({ event, expected }) => {
    expect(parseEvent(event, NOW)).toEqual(expected);
  });

  it.each([
    { event: { action: 'start' }, words: '"graphs" must be "all" or a non-empty list' },
    {
      event: { action: 'report', from: '2026-12-01T00:00:00Z', to: '2026-11-01T00:00:00Z' },
      words: 'must be before "to"',
    },
    { event: { action: 'report', from: 'yesterday' }, words: '"from" must be an ISO-8601 instant' },
    // Sorts before "2026-…" as a string: the ledger's range read would find nothing.
    { event: { action: 'report', to: '+010000-01-01T00:00:00Z' }, words: '"to" must be an ISO-8601 instant' },
    { event: { action: 'report', to: '9999-12-31T23:00:00-05:00' }, words: 'years 0000 to 9999 (UTC)' },
    // Date.parse reads these as 2 March and 1 December.
    {
      event: { action: 'report', from: '2026-02-30T00:00:00Z' },
      words: '"from" is not a date and time that exists',
    },
    {
      event: { action: 'report', to: '2026-11-31T00:00:00+01:00' },
      words: '"to" is not a date and time that exists',
    },
    {
      event: { action: 'plan', at: '2026-03-29T24:00:00Z' },
      words: '"at" is not a date and time that exists',
    },
    { event: { action: 'report', graphs: 'all' }, words: 'unknown field "graphs"' },
  ])('refuses $event', ({ event, words }) => {
    expect(() => parseEvent(event, NOW)).toThrow(EventError);
    expect(() => parseEvent(event, NOW)).toThrow(words);
  });
});
