import { describe, expect, it } from 'vitest';
import { graphStateOf } from '../../lib/ges/types.js';
import { type Decision, type DecisionInput, decide } from '../../lib/run/plan.js';

const now = new Date('2026-11-23T21:00:00Z'); // a Monday evening
const later = new Date('2026-12-01T00:00:00Z');
const earlier = new Date('2026-11-01T00:00:00Z');
const base: DecisionInput = { state: graphStateOf('200'), offHours: true, honourSkipUntil: true, now };

describe('decide: what happens to a graph', () => {
  it.each<{ name: string; input: Partial<DecisionInput>; expected: Partial<Decision> }>([
    { name: 'a running graph in off-hours is stopped', input: {}, expected: { kind: 'stop' } },
    {
      name: 'a running graph in on-hours is left',
      input: { offHours: false },
      expected: { kind: 'skip', reason: 'on-hours' },
    },
    {
      name: 'an ad-hoc stop ignores the schedule',
      input: { offHours: undefined },
      expected: { kind: 'stop' },
    },
    {
      name: 'a stopped graph is already stopped',
      input: { state: graphStateOf('900') },
      expected: { kind: 'already-stopped' },
    },
    {
      name: 'a stopping graph is already stopped',
      input: { state: graphStateOf('901') },
      expected: { kind: 'already-stopped' },
    },
    {
      name: 'a stopped graph in on-hours reports its state, not the schedule',
      input: { state: graphStateOf('900'), offHours: false },
      expected: { kind: 'already-stopped' },
    },
    {
      name: 'skipUntil in the future leaves it alone',
      input: { skipUntil: later },
      expected: { kind: 'skip', reason: 'skip-until' },
    },
    {
      name: 'an expired skipUntil no longer protects it',
      input: { skipUntil: earlier },
      expected: { kind: 'stop' },
    },
    { name: 'skipUntil exactly now has expired', input: { skipUntil: now }, expected: { kind: 'stop' } },
    {
      name: 'a named ad-hoc stop overrides skipUntil',
      input: { skipUntil: later, honourSkipUntil: false, offHours: undefined },
      expected: { kind: 'stop' },
    },
    {
      name: 'an importing graph is busy',
      input: { state: graphStateOf('202') },
      expected: { kind: 'skip', reason: 'busy' },
    },
    {
      name: 'a backing-up graph is busy',
      input: { state: graphStateOf('903') },
      expected: { kind: 'skip', reason: 'busy' },
    },
    {
      name: 'a starting graph is busy',
      input: { state: graphStateOf('920') },
      expected: { kind: 'skip', reason: 'busy' },
    },
    {
      name: 'an unknown status is treated as busy',
      input: { state: graphStateOf('777') },
      expected: { kind: 'skip', reason: 'busy' },
    },
    {
      name: 'a faulty graph is not stoppable',
      input: { state: graphStateOf('300') },
      expected: { kind: 'skip', reason: 'not-stoppable' },
    },
    {
      name: 'a frozen graph is not stoppable',
      input: { state: graphStateOf('800') },
      expected: { kind: 'skip', reason: 'not-stoppable' },
    },
    {
      name: 'a graph missing from GES fails with its code',
      input: { state: undefined, problem: { errorCode: 'GES.7000', message: 'no graph' } },
      expected: { kind: 'fail', errorCode: 'GES.7000' },
    },
    {
      name: 'a project whose credentials were refused fails its graphs',
      input: { state: undefined, problem: { errorCode: 'APIG.0301', message: 'refused' } },
      expected: { kind: 'fail', errorCode: 'APIG.0301' },
    },
  ])('$name', ({ input, expected }) => {
    expect(decide({ ...base, ...input })).toMatchObject(expected);
  });

  it('says why a busy graph was skipped', () => {
    expect(decide({ ...base, state: graphStateOf('202') })).toEqual({
      kind: 'skip',
      reason: 'busy',
      message: 'graph is busy: importing (status 202); a later run will stop it',
    });
  });
});
