import { describe, expect, it } from 'vitest';
import { parseJobCentreQuery } from '../../sandbox/job-centre.js';
import { jobIdOf, P1, P2, paths, setup } from './setup.js';

const centre = (p: string, query = '') => `/v2/${p}/graphs/jobs${query ? `?${query}` : ''}`;

interface CentreBody {
  job_count: number;
  job_list: Record<string, unknown>[];
}

/** A sandbox on a clock the test moves; jobs take 1 s, starts 5 s. */
async function night(start = Date.UTC(2026, 2, 28, 23, 59, 59)) {
  let now = start;
  const parts = await setup({ clock: () => now, jobDurationMs: 1_000, startJobDurationMs: 5_000 });
  const advance = (ms: number) => {
    now += ms;
  };
  return { ...parts, advance };
}

describe('job centre query', () => {
  it.each([
    { query: '', expected: { offset: 0, limit: 10 } },
    { query: 'offset=20&limit=500', expected: { offset: 20, limit: 100 } },
    {
      query: 'graph_name=g1&status=failed&start_time=2026-03-28&end_time=2026-03-29',
      expected: { graphName: 'g1', status: 'failed', startDate: '2026-03-28', endDate: '2026-03-29' },
    },
    { query: 'graph_name=&status=', expected: { offset: 0, limit: 10 } },
  ])('reads "$query"', ({ query, expected }) => {
    expect(parseJobCentreQuery(new URLSearchParams(query), 100)).toMatchObject(expected);
  });

  it.each([
    { query: 'offset=-1', problem: /offset/ },
    { query: 'limit=0', problem: /limit/ },
    { query: 'status=done', problem: /status must be one of/ },
    { query: 'start_time=2026-03-28T23:00:00', problem: /start_time must be a date/ },
    { query: 'end_time=2026-02-30', problem: /end_time must be a date/ },
    { query: 'start_time=28.03.2026', problem: /start_time/ },
  ])('refuses "$query", saying which parameter', ({ query, problem }) => {
    expect(parseJobCentreQuery(new URLSearchParams(query), 100)).toMatch(problem);
  });
});

describe('GesSandbox: the v2 job centre', () => {
  it('lists stop and start jobs newest first, named by graph, with their outcome', async () => {
    const { client, advance } = await night();
    const stop = jobIdOf((await client.call(paths.v2.stop(P1, 'g-running'))).json);
    advance(2_000);
    const failed = jobIdOf((await client.call(paths.v2.stop(P1, 'g-failing'))).json);
    const start = jobIdOf((await client.call(paths.v2.start(P1, 'g-stopped'))).json);
    advance(1_000);
    const res = await client.call(centre(P1));
    expect(res.status).toBe(200);
    const body = res.json as CentreBody;
    expect(body.job_count).toBe(3);
    expect(body.job_list.map((j) => j.job_id)).toEqual([start, failed, stop]);
    expect(body.job_list).toEqual([
      {
        job_id: start,
        status: 'running',
        job_type: 'StartGraph',
        job_name: 'StartGraph',
        related_graph: 'stopped',
        begin_time: '2026-03-29T00:00:01',
        job_progress: 0,
      },
      {
        job_id: failed,
        status: 'failed',
        job_type: 'StopGraph',
        job_name: 'StopGraph',
        related_graph: 'failing',
        begin_time: '2026-03-29T00:00:01',
        end_time: '2026-03-29T00:00:02',
        fail_reason: 'disk full',
        job_progress: 100,
      },
      expect.objectContaining({ job_id: stop, status: 'success', end_time: '2026-03-29T00:00:00' }),
    ]);
  });

  it.each([
    { query: 'graph_name=running', expected: ['stop running'] },
    { query: 'graph_name=runn', expected: [] },
    { query: 'status=running', expected: ['start stopped'] },
    { query: 'status=success', expected: ['stop running'] },
    { query: 'status=failed', expected: ['stop failing'] },
    { query: 'status=waiting', expected: [] },
    { query: 'start_time=2026-03-29', expected: ['start stopped', 'stop failing'] },
    { query: 'end_time=2026-03-28', expected: ['stop running'] },
    { query: 'start_time=2026-03-28&end_time=2026-03-28', expected: ['stop running'] },
    { query: 'start_time=2026-03-30', expected: [] },
    { query: 'offset=1&limit=1', expected: ['stop failing'] },
    { query: 'offset=3', expected: [] },
  ])('selects by $query, counting every match', async ({ query, expected }) => {
    const { client, advance } = await night();
    await client.call(paths.v2.stop(P1, 'g-running'));
    advance(2_000);
    await client.call(paths.v2.stop(P1, 'g-failing'));
    await client.call(paths.v2.start(P1, 'g-stopped'));
    advance(1_000);
    const body = (await client.call(centre(P1, query))).json as CentreBody;
    const shown = body.job_list.map(
      (j) => `${j.job_type === 'StopGraph' ? 'stop' : 'start'} ${j.related_graph}`,
    );
    expect(shown).toEqual(expected);
    if (!query.includes('offset')) expect(body.job_count).toBe(expected.length);
  });

  it('keeps listing the jobs of a deleted graph, and only the project asked about', async () => {
    const { sandbox, client } = await night();
    const jobId = jobIdOf((await client.call(paths.v2.stop(P1, 'g-running'))).json);
    sandbox.removeGraph(P1, 'g-running');
    const body = (await client.call(centre(P1, 'graph_name=running'))).json as CentreBody;
    expect(body.job_list).toEqual([expect.objectContaining({ job_id: jobId, related_graph: 'running' })]);
    expect(await client.call(paths.v2.job(P1, 'g-running', jobId))).toMatchObject({
      status: 400,
      json: { error_code: 'GES.7000' },
    });
    expect((await client.call(centre(P2))).json).toEqual({ job_count: 0, job_list: [] });
  });

  it('shows the same jobs to a test through sandbox.jobs()', async () => {
    const { sandbox, client, advance } = await night();
    const stop = jobIdOf((await client.call(paths.v1.stop(P1, 'g-failing'))).json);
    advance(1_000);
    expect(sandbox.jobs(P1)).toEqual([
      expect.objectContaining({ jobId: stop, graphName: 'failing', jobType: 'StopGraph', status: 'failed' }),
    ]);
    expect(sandbox.jobs(P2)).toEqual([]);
  });

  it('tells a job that a lost answer hid', async () => {
    const { sandbox, client } = await setup({
      faults: [{ kinds: ['stop'], graphIds: ['g-running'], effect: { type: 'lose-answer' } }],
    });
    await expect(client.call(paths.v2.stop(P1, 'g-running'))).rejects.toThrow();
    const body = (await client.call(centre(P1, 'graph_name=running'))).json as CentreBody;
    expect(body.job_list.map((j) => j.job_id)).toEqual([sandbox.requests[0]?.jobId]);
  });

  it('routes /v2/{project}/graphs/jobs to the job centre, recorded as kind jobs, not as graph "jobs"', async () => {
    const { sandbox, client } = await night();
    await client.call(centre(P1, 'limit=5'));
    expect(sandbox.requests[0]).toMatchObject({ kind: 'jobs', apiVersion: 'v2', projectId: P1, status: 200 });
    expect(sandbox.requests[0]).not.toHaveProperty('graphId');
  });

  it.each([
    { name: 'v1.0 (no job centre)', path: `/v1.0/${P1}/graphs/jobs`, method: 'GET', code: 'APIG.0101' },
    { name: 'a POST', path: centre(P1), method: 'POST', code: 'APIG.0101' },
  ] as const)('answers $name with 404 $code', async ({ path, method, code }) => {
    const { sandbox, client } = await night();
    const res = await client.call(path, { method });
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.json)).toContain(code);
    expect(sandbox.requests[0]).toMatchObject({ kind: 'unknown' });
  });

  it.each(['status=done', 'start_time=2026-03-29T00:00:00', 'limit=0'])(
    'refuses %s with 400 GES.0001',
    async (query) => {
      const { client } = await night();
      expect(await client.call(centre(P1, query))).toMatchObject({
        status: 400,
        json: { error_code: 'GES.0001' },
      });
    },
  );

  it('faults the job centre like any other call (kinds: jobs)', async () => {
    const { client } = await setup({
      faults: [{ kinds: ['jobs'], effect: { type: 'status', status: 503 } }],
    });
    expect((await client.call(centre(P1))).status).toBe(503);
    expect((await client.call(paths.v2.list(P1))).status).toBe(200);
  });
});
