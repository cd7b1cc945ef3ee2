import { describe, expect, it } from 'vitest';
import type { Clock } from '../../lib/clock.js';
import { GesHttpError, GesTimeoutError, OutcomeUnknownError } from '../../lib/errors.js';
import type { GesClient } from '../../lib/ges/client.js';
import { type Graph, graphStateOf, type ListedJob } from '../../lib/ges/types.js';
import { silentLog } from '../../lib/log.js';
import { type ActResult, actSafely } from '../../lib/run/act.js';

const REQUEST = { method: 'POST', url: '/v2/p/graphs/g/stop' };
const lost = () => new OutcomeUnknownError(REQUEST, { cause: new GesTimeoutError(REQUEST, 300) });
const http = (status: number, gesCode: string) => new GesHttpError({ status, gesCode, request: REQUEST });
/** A 503 (or a 400 GES.7006) to a stop that may have been carried out: the transport's word for it. */
const ambiguous = (status: number, gesCode: string) =>
  new OutcomeUnknownError(REQUEST, { cause: http(status, gesCode) });
const graph = (status: string): Graph => ({
  id: 'g',
  name: 'g',
  status,
  state: graphStateOf(status),
  tags: [],
});
const job = (jobType: string): ListedJob => ({ jobId: 'job-c', status: 'running', jobType, graphName: 'g' });

/**
 * A client that answers stops (or starts), reads and job centre listings from scripts, in turn,
 * and counts them. The last read repeats (a graph stays as it was last seen).
 */
function scripted(sends: (string | Error)[], reads: (Graph | Error)[] = [], jobs?: ListedJob[][]) {
  const calls = { sends: 0, reads: 0, jobs: 0 };
  const answer = async <T>(next: T | Error | undefined) => {
    if (next instanceof Error) throw next;
    if (next === undefined) throw new Error('script ran out');
    return next;
  };
  const send = () => answer(sends[calls.sends++]);
  const client = {
    apiVersion: jobs ? 'v2' : 'v1',
    stopGraph: send,
    startGraph: send,
    getGraph: () => answer(reads[Math.min(calls.reads++, reads.length - 1)]),
    listJobs: async () => (jobs ? (jobs[calls.jobs++] ?? []) : undefined),
  } as unknown as GesClient;
  return { client, calls };
}

/** Time that moves only when the code under test sleeps. */
function virtualClock(): Clock {
  let now = Date.UTC(2026, 11, 7, 2, 0, 0);
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  };
}

type Row = {
  name: string;
  answers: (string | Error)[];
  reads?: (Graph | Error)[];
  /** The v2 job centre's answers, one listing per look; absent = v1.0 (no job centre). */
  jobs?: ListedJob[][];
  expected: Partial<ActResult>;
  sends: number;
};

const STOPS: Row[] = [
  { name: 'accepted: the job id', answers: ['job-1'], expected: { kind: 'done', jobId: 'job-1' }, sends: 1 },
  {
    name: 'GES.7001, graph stopped: already stopped (not ours)',
    answers: [http(400, 'GES.7001')],
    reads: [graph('900')],
    expected: { kind: 'already' },
    sends: 1,
  },
  {
    name: 'GES.7001 means "not running": a graph that began importing is busy, not stopped',
    answers: [http(400, 'GES.7001')],
    reads: [graph('202')],
    expected: { kind: 'skip', reason: 'busy', message: expect.stringContaining('importing') },
    sends: 1,
  },
  {
    name: 'GES.7003, graph stopping: already stopped',
    answers: [http(400, 'GES.7003')],
    reads: [graph('901')],
    expected: { kind: 'already' },
    sends: 1,
  },
  {
    name: 'GES.7002: busy backing up',
    answers: [http(400, 'GES.7002')],
    expected: { kind: 'skip', reason: 'busy' },
    sends: 1,
  },
  {
    name: 'refused: the GES code',
    answers: [http(403, 'GES.0016')],
    expected: { kind: 'fail', errorCode: 'GES.0016' },
    sends: 1,
  },
  {
    name: 'a 503 after GES acted, graph now stopping: ours, never sent again',
    answers: [ambiguous(503, 'APIG.0201')],
    reads: [graph('901')],
    expected: { kind: 'done', jobId: undefined },
    sends: 1,
  },
  {
    name: 'answer lost on v2: the job centre lists our job, no second send while reads still lag',
    answers: [lost()],
    reads: [graph('200')],
    jobs: [[job('StopGraph')]],
    expected: { kind: 'done', jobId: 'job-c' },
    sends: 1,
  },
  {
    name: 'answer lost on v2: a start job in the job centre is not our stop',
    answers: [lost(), 'job-2'],
    reads: [graph('200')],
    jobs: [[job('StartGraph')], []],
    expected: { kind: 'done', jobId: 'job-2' },
    sends: 2,
  },
  {
    name: 'answer lost, reads lag for a moment: the state read again shows it stopping',
    answers: [lost()],
    reads: [graph('200'), graph('200'), graph('901')],
    expected: { kind: 'done', jobId: undefined },
    sends: 1,
  },
  {
    name: 'answer lost, graph running over every read: sent again once',
    answers: [lost(), 'job-2'],
    reads: [graph('200')],
    expected: { kind: 'done', jobId: 'job-2' },
    sends: 2,
  },
  {
    name: '400 GES.7006 is "retry later": looked at, then sent again',
    answers: [ambiguous(400, 'GES.7006'), 'job-2'],
    reads: [graph('200')],
    expected: { kind: 'done', jobId: 'job-2' },
    sends: 2,
  },
  {
    name: 'answer lost, then GES.7001 while reads still show it running: unresolved, left to the next run',
    answers: [lost(), http(400, 'GES.7001')],
    reads: [graph('200')],
    expected: { kind: 'unresolved', errorCode: 'OUTCOME_UNKNOWN' },
    sends: 2,
  },
  {
    name: 'answer lost, then GES.7001 and the graph stopped: it was our stop',
    answers: [lost(), http(400, 'GES.7001')],
    reads: [graph('200'), graph('200'), graph('200'), graph('200'), graph('900')],
    expected: { kind: 'done', jobId: undefined },
    sends: 2,
  },
  {
    name: 'answer lost, graph became busy: skipped',
    answers: [lost()],
    reads: [graph('903')],
    expected: { kind: 'skip', reason: 'busy' },
    sends: 1,
  },
  {
    name: 'answer lost and the state unreadable: unresolved, never re-sent',
    answers: [lost()],
    reads: [http(503, 'APIG.0201')],
    expected: { kind: 'unresolved', errorCode: 'OUTCOME_UNKNOWN' },
    sends: 1,
  },
  {
    name: 'answer lost three times, still running: unresolved, with the underlying code',
    answers: [lost(), lost(), lost()],
    reads: [graph('200')],
    expected: { kind: 'unresolved', errorCode: 'TIMEOUT' },
    sends: 3,
  },
];

const STARTS: Row[] = [
  { name: 'accepted: the job id', answers: ['job-1'], expected: { kind: 'done', jobId: 'job-1' }, sends: 1 },
  {
    name: 'GES.7015: neither running nor stopped, a later run looks again',
    answers: [http(400, 'GES.7015')],
    reads: [graph('901')],
    expected: {
      kind: 'skip',
      reason: 'busy',
      message: expect.stringContaining('GES refused the start (GES.7015)'),
    },
    sends: 1,
  },
  {
    name: 'answer lost, graph now starting: started, job id unknown',
    answers: [lost()],
    reads: [graph('920')],
    expected: { kind: 'done', jobId: undefined },
    sends: 1,
  },
  {
    name: 'answer lost on v2: the job centre lists our start',
    answers: [lost()],
    reads: [graph('900')],
    jobs: [[job('StartGraph')]],
    expected: { kind: 'done', jobId: 'job-c' },
    sends: 1,
  },
  {
    name: 'answer lost, graph still stopped: sent again once',
    answers: [lost(), 'job-2'],
    reads: [graph('900')],
    expected: { kind: 'done', jobId: 'job-2' },
    sends: 2,
  },
  {
    name: 'answer lost, second send refused with GES.7015, graph starting: it was our start',
    answers: [lost(), http(400, 'GES.7015')],
    reads: [graph('900'), graph('900'), graph('900'), graph('900'), graph('920')],
    expected: { kind: 'done', jobId: undefined },
    sends: 2,
  },
  {
    name: 'answer lost, graph faulty: cannot be started',
    answers: [lost()],
    reads: [graph('300')],
    expected: {
      kind: 'skip',
      reason: 'not-stoppable',
      message: 'graph cannot be started: faulty (status 300)',
    },
    sends: 1,
  },
];

const LOOK_MS = [0, 1_000, 2_000, 3_000];

describe('actSafely: one stop or start, never sent blindly twice', () => {
  it.each([
    ...STOPS.map((row) => ({ ...row, action: 'stop' as const })),
    ...STARTS.map((row) => ({ ...row, action: 'start' as const })),
  ])('$action: $name', async ({ action, answers, reads, jobs, expected, sends }) => {
    const { client, calls } = scripted(answers, reads, jobs);
    const clock = virtualClock();
    const target = {
      client,
      projectId: 'p',
      graphId: 'g',
      graphName: 'g',
      deadline: clock.now() + 60_000,
      clock,
      lookMs: LOOK_MS,
      log: silentLog,
    };
    expect(await actSafely(action, target)).toMatchObject(expected);
    expect(calls.sends).toBe(sends);
  });

  it('sends nothing once its reason ended, and says so', async () => {
    const { client, calls } = scripted(['job-1']);
    const clock = virtualClock();
    const result = await actSafely('start', {
      client,
      projectId: 'p',
      graphId: 'g',
      graphName: 'g',
      deadline: clock.now() + 60_000,
      clock,
      log: silentLog,
      stillWanted: () => 'off-hours began again',
    });
    expect(result).toEqual({ kind: 'not-sent', message: 'off-hours began again' });
    expect(calls.sends).toBe(0);
  });
});
