import { describe, expect, it } from 'vitest';
import { judgeThrottle, type ThrottleContext } from '../../lib/http/noise.js';

const base: ThrottleContext = {
  learned: 10,
  sinceCut: { answers: 30, throttled: 9 },
  shareAtCut: 0.3,
  share: 0.3,
  background: undefined,
};

describe('Function: judgeThrottle', () => {
  it.each([
    { name: 'the first throttle cuts', c: { learned: undefined }, expected: 'cut' },
    {
      name: 'nothing got through since the cut: cut again',
      c: { sinceCut: { answers: 3, throttled: 3 } },
      expected: 'cut',
    },
    {
      name: 'one throttle alone since the cut is no sign (a random one would cut again and again)',
      c: { sinceCut: { answers: 1, throttled: 1 } },
      expected: 'hold',
    },
    {
      name: 'two in a row are not yet a sign either',
      c: { sinceCut: { answers: 2, throttled: 2 } },
      expected: 'hold',
    },
    {
      name: 'too few answers since the cut to judge it',
      c: { sinceCut: { answers: 10, throttled: 3 } },
      expected: 'hold',
    },
    { name: 'the share did not fall: the cut is undone', c: {}, expected: 'undo' },
    {
      name: 'the share fell as a bucket share does: cut again',
      c: { sinceCut: { answers: 60, throttled: 6 } },
      expected: 'cut',
    },
    {
      name: 'fewer throttles than before, but within chance at a low share: wait for more',
      c: { shareAtCut: 0.05, sinceCut: { answers: 113, throttled: 2 } },
      expected: 'hold',
    },
    {
      name: 'background share, nothing above it: hold',
      c: { background: 0.3, share: 0.45 },
      expected: 'hold',
    },
    {
      name: 'well above the background share: ours again',
      c: { background: 0.3, share: 0.6 },
      expected: 'cut',
    },
  ] as const)('$name', ({ c, expected }) => {
    expect(judgeThrottle({ ...base, ...c })).toBe(expected);
  });
});
