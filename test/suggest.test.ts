import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../lib/suggest.js';

describe('closest: what the user probably meant', () => {
  it.each([
    { word: 'acton', candidates: ['action', 'dryRun'], expected: 'action' }, // one letter missing
    { word: 'graph', candidates: ['action', 'graphs', 'projectId'], expected: 'graphs' },
    { word: 'stpo', candidates: ['reconcile', 'stop', 'plan'], expected: 'stop' }, // two letters swapped: one edit
    { word: 'Stop', candidates: ['reconcile', 'stop', 'plan'], expected: 'stop' }, // case only
    { word: 'dry_run', candidates: ['action', 'dryRun'], expected: 'dryRun' }, // separators only
    {
      word: 'fraud-detectoin',
      candidates: ['fraud-detection', 'recommendations'],
      expected: 'fraud-detection',
    },
    { word: 'xyz', candidates: ['reconcile', 'stop', 'plan'], expected: undefined }, // nothing close
    { word: 'start', candidates: ['reconcile', 'stop', 'plan'], expected: undefined }, // 3 edits from stop
    { word: 'ab', candidates: ['cd'], expected: undefined }, // short words need a closer match
    { word: 'constructor', candidates: ['stop'], expected: undefined }, // inherited names are not aliases
  ])('suggests $expected for $word', ({ word, candidates, expected }) => {
    expect(closest(word, candidates)).toBe(expected);
  });

  it('prefers an alias over the nearest spelling, but only when the alias is a candidate', () => {
    const aliases = { tz: 'timezone' };
    expect(closest('tz', ['timezone', 'to'], aliases)).toBe('timezone');
    expect(closest('tz', ['to'], aliases)).toBe('to');
  });
});

describe('editDistance', () => {
  it.each([
    { a: '', b: 'abc', expected: 3 },
    { a: 'stop', b: 'stop', expected: 0 },
    { a: 'stop', b: 'stpo', expected: 1 }, // a swap counts one
    { a: 'ab', b: 'ba', expected: 1 },
    { a: 'abc', b: 'ca', expected: 3 }, // a swapped pair is not edited again
    { a: 'kitten', b: 'sitting', expected: 3 },
  ])('is $expected between "$a" and "$b"', ({ a, b, expected }) => {
    expect(editDistance(a, b)).toBe(expected);
  });
});
