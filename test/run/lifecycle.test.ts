import { describe, expect, it } from 'vitest';
import {
  decide,
  LIFECYCLE,
  MAX_START_ATTEMPTS,
  type Mode,
  rowOf,
  type Situation,
  type Verdict,
  type WindowView,
} from '../../lib/run/lifecycle.js';

const NOW = new Date('2026-12-07T07:05:00Z'); // a Monday morning
const LATER = new Date('2026-12-07T20:00:00Z');

const STATES: Situation['state'][] = [
  'running',
  'stopped',
  'stopping',
  'starting',
  'busy',
  'not-stoppable',
  'unknown',
];
const MODES: Mode[] = ['off', 'on', 'stop', 'start'];
const VIEWS: WindowView[] = [
  { kind: 'none' },
  { kind: 'pending' },
  { kind: 'pending', offUntil: LATER },
  { kind: 'open' },
  { kind: 'open', offUntil: LATER },
  { kind: 'starting', attempts: 1 },
  { kind: 'starting', attempts: MAX_START_ATTEMPTS },
  { kind: 'starting', attempts: 1, job: 'success' },
  { kind: 'starting', attempts: 1, job: 'running' },
  { kind: 'starting', attempts: 1, job: 'failed' },
  { kind: 'unknown', message: 'ledger down' },
];

/** Every situation the table must answer. */
function* situations(): Generator<Situation> {
  for (const state of STATES)
    for (const window of VIEWS)
      for (const mode of MODES)
        for (const startGraphs of [true, false])
          for (const skipUntil of [undefined, LATER])
            yield { state, stateReason: 'status 209', window, mode, startGraphs, skipUntil, now: NOW };
}

describe('Table: the life cycle', () => {
  it('answers every situation, and every row decides at least one', () => {
    const used = new Set<number>();
    for (const s of situations()) used.add(rowOf(s));
    const unused = LIFECYCLE.map((_, i) => i).filter((i) => !used.has(i));
    expect(unused).toEqual([]);
  });

  it('never sends anything for a graph in a status it does not know', () => {
    for (const s of situations()) if (s.state === 'unknown') expect(decide(s).act).toBeUndefined();
  });

  it('never stops in on-hours, never starts in off-hours, never starts a graph that is not ours', () => {
    for (const s of situations()) {
      const { act } = decide(s);
      if (s.mode === 'on') expect(act).not.toBe('stop');
      if (s.mode === 'off') expect(act).not.toBe('start');
      if (s.mode === 'on' && act === 'start')
        expect(['pending', 'open', 'starting']).toContain(s.window.kind);
    }
  });

  const base = { stateReason: undefined, startGraphs: true, skipUntil: undefined, now: NOW };
  it.each<[string, Omit<Situation, keyof typeof base>, Partial<Verdict>]>([
    // The night.
    [
      'running in off-hours: stopped',
      { state: 'running', window: { kind: 'none' }, mode: 'off' },
      { act: 'stop' },
    ],
    [
      'a stopped graph with a pending window of ours is ours: confirmed',
      { state: 'stopped', window: { kind: 'pending' }, mode: 'off' },
      { window: { kind: 'confirm' }, outcome: 'already-stopped' },
    ],
    [
      'a running graph with a pending window: that stop failed, no hours; stopped again',
      { state: 'running', window: { kind: 'pending' }, mode: 'off' },
      { window: { kind: 'close', endedBy: 'stop-failed' }, act: 'stop' },
    ],
    [
      'a status this function does not know is loud',
      { state: 'unknown', window: { kind: 'none' }, mode: 'off' },
      { outcome: 'failed', errorCode: 'UNKNOWN_STATUS' },
    ],
    // The morning.
    [
      'stopped, with a pending window: confirmed and started',
      { state: 'stopped', window: { kind: 'pending' }, mode: 'on' },
      { window: { kind: 'confirm' }, act: 'start' },
    ],
    ['stopped, ours: started', { state: 'stopped', window: { kind: 'open' }, mode: 'on' }, { act: 'start' }],
    [
      'stopped by someone else: not ours',
      { state: 'stopped', window: { kind: 'none' }, mode: 'on' },
      { outcome: 'skipped', reason: 'not-ours' },
    ],
    [
      'a start of ours that failed after the run: started again',
      { state: 'stopped', window: { kind: 'starting', attempts: 1, job: 'failed' }, mode: 'on' },
      { act: 'start' },
    ],
    [
      'three failed starts in a row: failed (alarm)',
      { state: 'stopped', window: { kind: 'starting', attempts: 3 }, mode: 'on' },
      { outcome: 'failed', errorCode: 'START_FAILED' },
    ],
    [
      'a start of ours that ran the graph, stopped since by someone: theirs',
      { state: 'stopped', window: { kind: 'starting', attempts: 1, job: 'success' }, mode: 'on' },
      { outcome: 'skipped', reason: 'not-ours', window: { kind: 'close', endedBy: 'start' } },
    ],
    [
      'running with a start of ours recorded: the start is confirmed, the window closes',
      { state: 'running', window: { kind: 'starting', attempts: 1 }, mode: 'on' },
      { outcome: 'already-running', window: { kind: 'close', endedBy: 'start' } },
    ],
    [
      'running in on-hours with a pending window: no hours',
      { state: 'running', window: { kind: 'pending' }, mode: 'on' },
      { outcome: 'skipped', reason: 'on-hours', window: { kind: 'close', endedBy: 'stop-failed' } },
    ],
    [
      'a ledger that cannot say: not started',
      { state: 'stopped', window: { kind: 'unknown', message: 'down' }, mode: 'on' },
      { outcome: 'failed', errorCode: 'LEDGER_UNAVAILABLE' },
    ],
    // An operator.
    [
      'an ad-hoc start, whoever stopped it',
      { state: 'stopped', window: { kind: 'none' }, mode: 'start' },
      { act: 'start' },
    ],
    [
      'an ad-hoc stop in on-hours',
      { state: 'running', window: { kind: 'none' }, mode: 'stop' },
      { act: 'stop' },
    ],
  ])('%s', (_name, situation, expected) => {
    expect(decide({ ...base, ...situation })).toMatchObject(expected);
  });

  it('keeps a graph stopped by an ad-hoc stop stopped until its off-hours end', () => {
    const s: Situation = { ...base, state: 'stopped', window: { kind: 'open', offUntil: LATER }, mode: 'on' };
    expect(decide(s)).toMatchObject({ outcome: 'already-stopped' });
    expect(decide({ ...s, now: LATER })).toMatchObject({ act: 'start' });
  });
});
