import { describe, expect, it } from 'vitest';
import { GesHttpError, GesTimeoutError, OutcomeUnknownError } from '../../lib/errors.js';
import type { GesClient } from '../../lib/ges/client.js';
import { type Graph, graphStateOf } from '../../lib/ges/types.js';
import { silentLog } from '../../lib/log.js';
import { type ActResult, actSafely } from '../../lib/run/act.js';

const REQUEST = { method: 'POST', url: '/v2/p/graphs/g/stop' };
const lost = () => new OutcomeUnknownError(REQUEST, { cause: new GesTimeoutError(REQUEST, 300) });
const http = (status: number, gesCode: string) => new GesHttpError({ status, gesCode, request: REQUEST });
const graph = (status: string): Graph => ({
  id: 'g',
  name: 'g',
  status,
  state: graphStateOf(status),
  tags: [],
});

/** A client that answers stops (or starts) and reads from scripts, in turn, and counts them. */
function scripted(sends: (string | Error)[], reads: (Graph | Error)[] = []) {
  const calls = { sends: 0, reads: 0 };
  const answer = async (script: (string | Graph | Error)[], n: number) => {
    const next = script[n]!;
    if (next instanceof Error) throw next;
    return next;
  };
  const send = () => answer(sends, calls.sends++);
  const client = {
    stopGraph: send,
    startGraph: send,
    getGraph: () => answer(reads, calls.reads++),
  } as unknown as GesClient;
  return { client, calls };
}

type Row = {
  name: string;
  answers: (string | Error)[];
  reads?: (Graph | Error)[];
  expected: Partial<ActResult>;
  sends: number;
};

const STOPS: Row[] = [
  {
    name: 'accepted: the job id',
    answers: ['job-1'],
    expected: { kind: 'done', jobId: 'job-1' },
    sends: 1,
  },
  {
    name: 'GES.7001: already stopped',
    answers: [http(400, 'GES.7001')],
    expected: { kind: 'already' },
    sends: 1,
  },
  {
    name: 'GES.7003: already stopped',
    answers: [http(400, 'GES.7003')],
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
    name: 'answer lost, graph now stopping: stopped, job id unknown',
    answers: [lost()],
    reads: [graph('901')],
    expected: { kind: 'done', jobId: undefined },
    sends: 1,
  },
  {
    name: 'answer lost, graph still running: sent again once',
    answers: [lost(), 'job-2'],
    reads: [graph('200')],
    expected: { kind: 'done', jobId: 'job-2' },
    sends: 2,
  },
  {
    name: 'answer lost, state lagging, second send says not running: it was our stop',
    answers: [lost(), http(400, 'GES.7001')],
    reads: [graph('200')],
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
    name: 'answer lost and the state unreadable: failed, never re-sent',
    answers: [lost()],
    reads: [http(503, 'APIG.0201')],
    expected: { kind: 'fail', errorCode: 'OUTCOME_UNKNOWN' },
    sends: 1,
  },
  {
    name: 'answer lost three times, still running: failed with the underlying code',
    answers: [lost(), lost(), lost()],
    reads: [graph('200'), graph('200'), graph('200')],
    expected: { kind: 'fail', errorCode: 'TIMEOUT' },
    sends: 3,
  },
];

const STARTS: Row[] = [
  { name: 'accepted: the job id', answers: ['job-1'], expected: { kind: 'done', jobId: 'job-1' }, sends: 1 },
  {
    name: 'GES.7015: neither running nor stopped, a later run looks again',
    answers: [http(400, 'GES.7015')],
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
    name: 'answer lost, graph still stopped: sent again once',
    answers: [lost(), 'job-2'],
    reads: [graph('900')],
    expected: { kind: 'done', jobId: 'job-2' },
    sends: 2,
  },
  {
    name: 'answer lost, second send refused with GES.7015: it was our start',
    answers: [lost(), http(400, 'GES.7015')],
    reads: [graph('900')],
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

describe('actSafely: one stop or start, never sent blindly twice', () => {
  it.each([
    ...STOPS.map((row) => ({ ...row, action: 'stop' as const })),
    ...STARTS.map((row) => ({ ...row, action: 'start' as const })),
  ])('$action: $name', async ({ action, answers, reads, expected, sends }) => {
    const { client, calls } = scripted(answers, reads);
    const target = {
      client,
      projectId: 'p',
      graphId: 'g',
      deadline: Date.now() + 60_000,
      now: Date.now,
      log: silentLog,
    };
    expect(await actSafely(action, target)).toMatchObject(expected);
    expect(calls.sends).toBe(sends);
  });

  it('sends nothing once its reason ended, and says so', async () => {
    const { client, calls } = scripted(['job-1']);
    const result = await actSafely('start', {
      client,
      projectId: 'p',
      graphId: 'g',
      deadline: Date.now() + 60_000,
      now: Date.now,
      log: silentLog,
      stillWanted: () => 'off-hours began again',
    });
    expect(result).toEqual({ kind: 'not-sent', message: 'off-hours began again' });
    expect(calls.sends).toBe(0);
  });
});
