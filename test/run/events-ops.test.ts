/** Rehearsals ("at" with a dry run), pause and resume, and the bounds on ad-hoc events. */
import { describe, expect, it } from 'vitest';
import { EventError } from '../../lib/errors.js';
import { MAX_GRAPHS, MAX_NAME_LENGTH, parseEvent } from '../../lib/run/events.js';

const NOW = new Date('2026-12-05T09:00:00Z'); // Saturday
const AT = '2026-12-07T07:05:00Z'; // Monday morning

describe('parseEvent: rehearsals', () => {
  it.each([
    { event: { dryRun: true, at: AT }, expected: { action: 'reconcile', dryRun: true, at: new Date(AT) } },
    {
      event: { action: 'stop', graphs: 'all', dryRun: true, at: AT },
      expected: { action: 'stop', dryRun: true, graphs: 'all', at: new Date(AT) },
    },
    {
      event: { action: 'start', graphs: ['g'], dryRun: true, at: AT },
      expected: { action: 'start', dryRun: true, graphs: ['g'], at: new Date(AT) },
    },
  ])('accepts $event', ({ event, expected }) => {
    expect(parseEvent(event, NOW)).toEqual(expected);
  });

  it.each([
    { event: { at: AT } },
    { event: { action: 'reconcile', at: AT, dryRun: false } },
    { event: { action: 'stop', graphs: 'all', at: AT } },
    { event: { action: 'start', graphs: ['g'], at: AT } },
  ])('refuses "at" without a dry run: $event', ({ event }) => {
    expect(() => parseEvent(event, NOW)).toThrow(EventError);
    expect(() => parseEvent(event, NOW)).toThrow('"at" rehearses a dry run: add "dryRun": true');
  });

  it('refuses a rehearsal instant that is no instant', () => {
    expect(() => parseEvent({ dryRun: true, at: 'tomorrow 7:00' }, NOW)).toThrow('"at" must be an ISO-8601');
  });
});

describe('parseEvent: pause and resume', () => {
  it('accepts a pause with until and reason', () => {
    expect(
      parseEvent({ action: 'pause', until: '2026-12-28T08:00:00Z', reason: ' holiday freeze ' }, NOW),
    ).toEqual({
      action: 'pause',
      dryRun: false,
      until: new Date('2026-12-28T08:00:00Z'),
      reason: 'holiday freeze',
    });
  });

  it('accepts resume', () => {
    expect(parseEvent({ action: 'resume' }, NOW)).toEqual({ action: 'resume', dryRun: false });
  });

  it.each([
    { name: 'without until', event: { action: 'pause', reason: 'x' }, words: 'a pause needs "until"' },
    {
      name: 'until in the past',
      event: { action: 'pause', until: '2026-12-01T00:00:00Z', reason: 'x' },
      words: 'is not in the future',
    },
    {
      name: 'until now',
      event: { action: 'pause', until: NOW.toISOString(), reason: 'x' },
      words: 'is not in the future',
    },
    {
      name: 'until more than 90 days away',
      event: { action: 'pause', until: '2027-03-06T09:00:01Z', reason: 'x' },
      words: 'more than 90 days away',
    },
    {
      name: 'without a reason',
      event: { action: 'pause', until: '2026-12-28T08:00:00Z' },
      words: 'a pause needs a "reason"',
    },
    {
      name: 'an empty reason',
      event: { action: 'pause', until: '2026-12-28T08:00:00Z', reason: '  ' },
      words: 'a pause needs a "reason"',
    },
    {
      name: 'a dry run (a pause changes nothing in GES: there is nothing to rehearse)',
      event: { action: 'pause', until: '2026-12-28T08:00:00Z', reason: 'x', dryRun: true },
      words: 'unknown field "dryRun"',
    },
    {
      name: 'resume with graphs',
      event: { action: 'resume', graphs: 'all' },
      words: 'unknown field "graphs"',
    },
  ])('refuses a pause $name', ({ event, words }) => {
    expect(() => parseEvent(event, NOW)).toThrow(EventError);
    expect(() => parseEvent(event, NOW)).toThrow(words);
  });

  it('accepts a pause of exactly 90 days', () => {
    const until = new Date(NOW.getTime() + 90 * 86_400_000).toISOString();
    expect(parseEvent({ action: 'pause', until, reason: 'x' }, NOW)).toMatchObject({ action: 'pause' });
  });
});

/** The message of the error parseEvent throws. */
function refusal(event: unknown): string {
  try {
    parseEvent(event, NOW);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('parseEvent: ad-hoc events are bounded, and their errors stay short', () => {
  it('refuses more than MAX_GRAPHS names, saying how many and the limit', () => {
    const graphs = Array.from({ length: 20_000 }, (_, i) => `graph-${i}`);
    const message = refusal({ action: 'stop', graphs });
    expect(message).toContain(`"graphs" names 20000 graphs; at most ${MAX_GRAPHS}`);
    expect(message.length).toBeLessThan(2_000);
  });

  it('accepts exactly MAX_GRAPHS names of MAX_NAME_LENGTH characters', () => {
    const graphs = Array.from({ length: MAX_GRAPHS }, (_, i) => `${i}`.padStart(MAX_NAME_LENGTH, 'g'));
    expect(parseEvent({ action: 'stop', graphs }, NOW)).toMatchObject({ graphs });
  });

  it('refuses names longer than MAX_NAME_LENGTH: the first three, cut, and a count of the rest', () => {
    const long = (c: string, n: number) => c.repeat(n);
    const graphs = ['ok', long('a', 160_000), long('b', 129), long('c', 200), long('d', 300)];
    const message = refusal({ action: 'stop', graphs });
    expect(message).toContain(`at most ${MAX_NAME_LENGTH} characters`);
    expect(message).toContain('(160000 characters)');
    expect(message).toContain('(129 characters)');
    expect(message).toContain('and 1 more');
    expect(message).not.toContain('ddd');
    expect(message.length).toBeLessThan(1_000);
  });

  it.each([
    { name: 'a huge non-list graphs', event: { action: 'stop', graphs: 'x'.repeat(300_000) } },
    { name: 'a huge action', event: { action: 'y'.repeat(300_000) } },
    { name: 'a huge at', event: { dryRun: true, at: 'z'.repeat(300_000) } },
    {
      name: 'many unknown fields',
      event: Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`field-${i}`.repeat(20), 1])),
    },
  ])('keeps the error of $name short', ({ event }) => {
    expect(refusal(event).length).toBeLessThan(2_000);
  });
});
