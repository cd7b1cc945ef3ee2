import { describe, expect, it } from 'vitest';
import type { Clock } from '../../lib/clock.js';
import { DeadlineExceededError, GesHttpError } from '../../lib/errors.js';
import type { GesClient } from '../../lib/ges/client.js';
import { type Graph, graphStateOf, type Job } from '../../lib/ges/types.js';
import { confirmJobs, type PendingJob } from '../../lib/run/verify.js';

const REQUEST = { method: 'GET', url: '/v2/p/graphs' };

/** A clock whose sleeps only move time on. */
function fakeClock(start = 0): Clock {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += Math.max(0, ms);
    },
  };
}

const graph = (id: string, status: string): Graph => ({
  id,
  name: id,
  status,
  state: graphStateOf(status),
  tags: [],
});

type Listing = Record<string, string> | Error;

/** A client whose listings (graph id → status) and job reads answer in turn, repeating the last. */
function fakeClient(listings: Listing[], jobs: (Job | Error)[] = []) {
  const calls = { list: 0, job: 0 };
  const client = {
    listGraphs: async () => {
      const answer = listings[Math.min(calls.list++, listings.length - 1)]!;
      if (answer instanceof Error) throw answer;
      return Object.entries(answer).map(([id, status]) => graph(id, status));
    },
    getJob: async () => {
      const answer = jobs[Math.min(calls.job++, jobs.length - 1)];
      if (answer === undefined) throw new Error('no job read was expected');
      if (answer instanceof Error) throw answer;
      return answer;
    },
  } as unknown as GesClient;
  return { client, calls };
}

const poll = { initialDelayMs: 100, maxDelayMs: 100 };
const stop = (graphId: string, jobId: string | undefined = `job-${graphId}`): PendingJob => ({
  graphId,
  jobId,
  goal: 'stopped',
});

async function confirm(listings: Listing[], jobs: (Job | Error)[], pending: PendingJob[], deadline = 1_000) {
  const { client, calls } = fakeClient(listings, jobs);
  const verdicts = await confirmJobs({
    client,
    projectId: 'p',
    jobs: pending,
    deadline,
    clock: fakeClock(),
    poll,
  });
  return { verdicts, calls };
}

describe('Function: confirmJobs', () => {
  it('confirms every stopped graph of a project with one listing and no job read', async () => {
    const { verdicts, calls } = await confirm([{ a: '900', b: '900', c: '200' }], [], [stop('a'), stop('b')]);
    expect(Object.fromEntries(verdicts)).toEqual({
      a: { jobStatus: 'success' },
      b: { jobStatus: 'success' },
    });
    expect(calls).toEqual({ list: 1, job: 0 });
  });

  it('lists again while a graph is stopping, until it is stopped', async () => {
    const { verdicts, calls } = await confirm([{ a: '901' }, { a: '901' }, { a: '900' }], [], [stop('a')]);
    expect(verdicts.get('a')).toEqual({ jobStatus: 'success' });
    expect(calls).toEqual({ list: 3, job: 0 });
  });

  it.each([
    {
      name: 'a graph running again whose job failed is failed, with the job reason',
      listing: { a: '200' },
      jobs: [{ jobId: 'job-a', status: 'failed', failReason: 'disk error' } as Job],
      expected: { jobStatus: 'failed', failReason: 'disk error' },
    },
    {
      name: 'a graph no longer listed whose job succeeded is success, saying what was seen',
      listing: {},
      jobs: [{ jobId: 'job-a', status: 'success' } as Job],
      expected: { jobStatus: 'success', note: 'the job succeeded; the graph is no longer listed now' },
    },
    {
      // GES may show a stop late: without a job to read, that is no failure; the next run looks.
      name: 'a graph still running whose job id is unknown is unconfirmed, not failed',
      listing: { a: '200' },
      jobs: [],
      pending: { graphId: 'a', jobId: undefined, goal: 'stopped' } as PendingJob,
      expected: {
        jobStatus: 'running',
        note: 'the graph is running (status 200), and the job id is unknown: the next run decides from its state',
      },
    },
  ])('$name', async ({ listing, jobs, pending, expected }) => {
    const { verdicts } = await confirm([listing], jobs, [pending ?? stop('a')]);
    expect(verdicts.get('a')).toEqual(expected);
  });

  it('reads the job again next round while it is still running', async () => {
    const { verdicts, calls } = await confirm(
      [{ a: '200' }],
      [
        { jobId: 'job-a', status: 'running' },
        { jobId: 'job-a', status: 'failed', failReason: 'late' },
      ],
      [stop('a')],
    );
    expect(verdicts.get('a')).toEqual({ jobStatus: 'failed', failReason: 'late' });
    expect(calls.job).toBe(2);
  });

  it.each([
    {
      name: 'the graph stays stopping',
      listings: [{ a: '901' }] as Listing[],
      jobs: [] as Job[],
      note: 'the job had not ended when the run had to report',
    },
    {
      name: 'the project cannot be listed',
      listings: [new GesHttpError({ status: 500, gesCode: 'GES.7006', request: REQUEST })],
      jobs: [],
      note: expect.stringMatching(/^the project could not be listed to confirm it \(GES\.7006: /),
    },
    {
      name: 'the job of a graph running again cannot be read',
      listings: [{ a: '200' }],
      jobs: [new GesHttpError({ status: 503, request: REQUEST })],
      note: expect.stringMatching(
        /^the graph is running \(status 200\) and the job could not be read \(HTTP_503: /,
      ),
    },
  ])('reports running, with why, when time runs out while $name', async ({ listings, jobs, note }) => {
    const { verdicts, calls } = await confirm(listings, jobs, [stop('a')]);
    expect(verdicts.get('a')).toEqual({ jobStatus: 'running', note });
    expect(calls.list).toBe(9); // 100 ms apart, the first after 100 ms, none at the deadline (1,000 ms)
  });

  it('stops at once when no listing could start before the deadline', async () => {
    const { verdicts, calls } = await confirm([new DeadlineExceededError(REQUEST)], [], [stop('a')]);
    expect(verdicts.get('a')).toEqual({
      jobStatus: 'running',
      note: 'the job had not ended when the run had to report',
    });
    expect(calls.list).toBe(1);
  });

  it('confirms starts by the graph running, and waits while it is starting', async () => {
    const start: PendingJob = { graphId: 'a', jobId: 'job-a', goal: 'running' };
    const { verdicts, calls } = await confirm([{ a: '920' }, { a: '200' }], [], [start]);
    expect(verdicts.get('a')).toEqual({ jobStatus: 'success' });
    expect(calls).toEqual({ list: 2, job: 0 });
  });

  it('reads the jobs instead when fewer are open than the listing has pages', async () => {
    const { client, calls } = fakeClient(
      [{}],
      [
        { jobId: 'j', status: 'running' },
        { jobId: 'j', status: 'success' },
      ],
    );
    const verdicts = await confirmJobs({
      client,
      projectId: 'p',
      jobs: [stop('a')],
      deadline: 1_000,
      clock: fakeClock(),
      poll,
      graphsInProject: 1_000, // ten pages against one job
    });
    expect(verdicts.get('a')).toEqual({ jobStatus: 'success' });
    expect(calls).toEqual({ list: 0, job: 2 });
  });

  it('lists when a job id is unknown, even in a large project', async () => {
    const { client, calls } = fakeClient([{ a: '900' }]);
    const pending: PendingJob = { graphId: 'a', jobId: undefined, goal: 'stopped' };
    const verdicts = await confirmJobs({
      client,
      projectId: 'p',
      jobs: [pending],
      deadline: 1_000,
      clock: fakeClock(),
      poll,
      graphsInProject: 1_000,
    });
    expect(verdicts.get('a')).toEqual({ jobStatus: 'success' });
    expect(calls).toEqual({ list: 1, job: 0 });
  });
});
