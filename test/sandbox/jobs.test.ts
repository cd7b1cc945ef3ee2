import { describe, expect, it } from 'vitest';
import { jobIdOf, P1, paths, setup } from './setup.js';
import { waitFor } from './test-client.js';

type JobBody = Record<string, string | undefined>;

describe('GesSandbox: stopping and starting', () => {
  const shapes = [
    {
      version: 'v1',
      type: 'jobType',
      begin: 'beginTime',
      end: 'endTime',
      time: /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/,
    },
    {
      version: 'v2',
      type: 'job_type',
      begin: 'begin_time',
      end: 'end_time',
      time: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/,
    },
  ] as const;

  // A job that cannot end during the test, so that the running state is seen whatever the load.
  it.each(shapes)('stops a running graph through $version: a job id, 901 and a running job', async (c) => {
    const { sandbox, client } = await setup({ jobDurationMs: 60_000 });
    const res = await client.call(paths[c.version].stop(P1, 'g-running'));
    expect(res.status).toBe(200);
    const jobId = jobIdOf(res.json);
    expect(res.json).toEqual(c.version === 'v1' ? { jobId } : { job_id: jobId });
    expect(sandbox.graph(P1, 'g-running')?.status).toBe('901');
    const job = (await client.call(paths[c.version].job(P1, 'g-running', jobId))).json as JobBody;
    expect(job).toMatchObject({
      status: 'running',
      [c.type]: 'StopGraph',
      [c.begin]: expect.stringMatching(c.time),
    });
    expect(job).not.toHaveProperty(c.end);
  });

  it.each(shapes)(
    'ends a $version stop job as success, with an end time, and the graph stopped (900)',
    async (c) => {
      const { client } = await setup();
      const jobId = jobIdOf((await client.call(paths[c.version].stop(P1, 'g-running'))).json);
      const done = await waitFor(async () => {
        const job = (await client.call(paths[c.version].job(P1, 'g-running', jobId))).json as JobBody;
        return job.status === 'running' ? undefined : job;
      });
      expect(done).toMatchObject({ status: 'success', [c.end]: expect.stringMatching(c.time) });
      expect(done).not.toHaveProperty(c.version === 'v1' ? 'failReason' : 'fail_reason');
      const details = (await client.call(paths[c.version].get(P1, 'g-running'))).json;
      expect(details).toMatchObject({ graph: { status: '900' } });
    },
  );

  it('ends a failing job as failed with its failReason and leaves the graph running', async () => {
    const { sandbox, client } = await setup();
    const jobId = jobIdOf((await client.call(paths.v2.stop(P1, 'g-failing'))).json);
    const job = await waitFor(async () => {
      const body = (await client.call(paths.v2.job(P1, 'g-failing', jobId))).json as JobBody;
      return body.status === 'running' ? undefined : body;
    });
    expect(job).toMatchObject({ status: 'failed', fail_reason: 'disk full' });
    expect(sandbox.graph(P1, 'g-failing')?.status).toBe('200');
  });

  it('keeps a never-ending job running and its graph stopping after a normal job has ended', async () => {
    const { sandbox, client } = await setup();
    const neverJob = jobIdOf((await client.call(paths.v1.stop(P1, 'g-never'))).json);
    const normalJob = jobIdOf((await client.call(paths.v1.stop(P1, 'g-running'))).json);
    await waitFor(() => (sandbox.graph(P1, 'g-running')?.status === '900' ? true : undefined));
    const job = (await client.call(paths.v1.job(P1, 'g-never', neverJob))).json;
    expect(job).toMatchObject({ jobId: neverJob, status: 'running' });
    expect(sandbox.graph(P1, 'g-never')?.status).toBe('901');
    expect(normalJob).not.toBe(neverJob);
  });

  it.each([
    {
      version: 'v1',
      graph: 'g-stopped',
      body: { errorCode: 'GES.7001', errorMessage: 'The graph is not running.' },
    },
    {
      version: 'v1',
      graph: 'g-stopping',
      body: { errorCode: 'GES.7001', errorMessage: 'The graph is not running.' },
    },
    {
      version: 'v2',
      graph: 'g-importing',
      body: { error_code: 'GES.7001', error_msg: 'The graph is not running.' },
    },
    {
      version: 'v2',
      graph: 'g-faulty',
      body: { error_code: 'GES.7001', error_msg: 'The graph is not running.' },
    },
  ] as const)(
    'refuses to stop $graph through $version with 400 GES.7001',
    async ({ version, graph, body }) => {
      const { sandbox, client } = await setup();
      const before = sandbox.graph(P1, graph)?.status;
      expect(await client.call(paths[version].stop(P1, graph))).toMatchObject({ status: 400, json: body });
      expect(sandbox.graph(P1, graph)?.status).toBe(before);
    },
  );

  it('starts a stopped graph: 920 while the start job runs', async () => {
    const { sandbox, client } = await setup({ jobDurationMs: 60_000 });
    const jobId = jobIdOf((await client.call(paths.v2.start(P1, 'g-stopped'))).json);
    expect(sandbox.graph(P1, 'g-stopped')?.status).toBe('920');
    const job = (await client.call(paths.v2.job(P1, 'g-stopped', jobId))).json;
    expect(job).toMatchObject({ status: 'running', job_type: 'StartGraph' });
  });

  it.each([
    { version: 'v1', body: undefined },
    { version: 'v2', body: '{}' },
    { version: 'v2', body: '{"graph_backup_id":"5d4b6c0e-0a4f-4b5e-9d1a-2f3c4b5a6d7e"}' },
  ] as const)(
    'starts a stopped graph through $version with body $body: 200 once the job succeeds',
    async ({ version, body }) => {
      const { sandbox, client } = await setup();
      const res = await client.call(
        paths[version].start(P1, 'g-stopped'),
        body === undefined ? {} : { body },
      );
      expect(res.status).toBe(200);
      const jobId = jobIdOf(res.json);
      await waitFor(() => (sandbox.graph(P1, 'g-stopped')?.status === '200' ? true : undefined));
      const job = (await client.call(paths[version].job(P1, 'g-stopped', jobId))).json;
      expect(job).toMatchObject({ status: 'success' });
    },
  );

  it.each(['g-running', 'g-stopping', 'g-importing'])(
    'refuses to start %s with 400 GES.7015',
    async (graph) => {
      const { client } = await setup();
      expect(await client.call(paths.v2.start(P1, graph))).toMatchObject({
        status: 400,
        json: { error_code: 'GES.7015', error_msg: 'The graph is not running or stopped.' },
      });
    },
  );

  it.each(['not json', '[]', '{"graph_backup_id":7}'])(
    'refuses a start body %s with 400 GES.0001',
    async (body) => {
      const { sandbox, client } = await setup();
      expect(await client.call(paths.v2.start(P1, 'g-stopped'), { body })).toMatchObject({
        status: 400,
        json: { error_code: 'GES.0001' },
      });
      expect(sandbox.graph(P1, 'g-stopped')?.status).toBe('900');
    },
  );

  it.each([
    {
      name: 'an unknown job',
      graph: 'g-running',
      job: () => 'ffffffffffffffffffffffffffffffff',
      code: 'GES.7007',
    },
    { name: "another graph's job", graph: 'g-failing', job: (id: string) => id, code: 'GES.7007' },
    { name: 'a job of an unknown graph', graph: 'nope', job: (id: string) => id, code: 'GES.7000' },
  ])("answers $name with 400 $code, as Huawei's error table has it", async ({ graph, job, code }) => {
    const { client } = await setup();
    const jobId = jobIdOf((await client.call(paths.v2.stop(P1, 'g-running'))).json);
    const res = await client.call(paths.v2.job(P1, graph, job(jobId)));
    expect(res).toMatchObject({ status: 400, json: { error_code: code } });
  });

  it('lets a test change a graph behind the client: setting status abandons its job', async () => {
    const { sandbox, client } = await setup({ jobDurationMs: 60_000 });
    await client.call(paths.v2.stop(P1, 'g-running'));
    expect(sandbox.updateGraph(P1, 'g-running', { status: '200' }).status).toBe('200');
    expect((await client.call(paths.v2.stop(P1, 'g-running'))).status).toBe(200);
  });
});

describe('GesSandbox: recording requests', () => {
  it('records each request with its route, answer and body, in order of arrival', async () => {
    const { sandbox, client } = await setup();
    const jobId = jobIdOf((await client.call(paths.v2.start(P1, 'g-stopped'), { body: '{}' })).json);
    await client.call(paths.v1.list(P1, 'offset=0&limit=2'));
    await client.call(paths.v1.job(P1, 'g-stopped', jobId));
    expect(sandbox.requests).toEqual([
      expect.objectContaining({
        seq: 1,
        method: 'POST',
        kind: 'start',
        apiVersion: 'v2',
        graphId: 'g-stopped',
        jobId,
        status: 200,
        body: '{}',
      }),
      expect.objectContaining({
        seq: 2,
        method: 'GET',
        kind: 'list',
        apiVersion: 'v1',
        path: `/v1.0/${P1}/graphs`,
        query: { offset: '0', limit: '2' },
      }),
      expect.objectContaining({
        seq: 3,
        kind: 'job',
        projectId: P1,
        graphId: 'g-stopped',
        jobId,
        status: 200,
      }),
    ]);
    expect(sandbox.requests[1]).not.toHaveProperty('graphId');
    expect(sandbox.requests.every((r) => r.at > 0 && r.fault === undefined)).toBe(true);
  });

  it.each([
    { filter: {}, expected: 4 },
    { filter: { kind: 'stop' }, expected: 3 },
    { filter: { kind: 'stop', graphId: 'g-running' }, expected: 2 },
    { filter: { kind: 'stop', status: 400 }, expected: 1 },
    { filter: { apiVersion: 'v1' }, expected: 1 },
    { filter: { projectId: 'other' }, expected: 0 },
  ] as const)('counts requests matching $filter', async ({ filter, expected }) => {
    const { sandbox, client } = await setup();
    await client.call(paths.v2.stop(P1, 'g-running'));
    await client.call(paths.v2.stop(P1, 'g-running'));
    await client.call(paths.v2.stop(P1, 'g-failing'));
    await client.call(paths.v1.list(P1));
    expect(sandbox.count(filter)).toBe(expected);
  });

  it('forgets requests on clearRequests() and numbers new ones on', async () => {
    const { sandbox, client } = await setup();
    await client.call(paths.v2.list(P1));
    sandbox.clearRequests();
    expect(sandbox.count()).toBe(0);
    await client.call(paths.v2.list(P1));
    expect(sandbox.requests).toEqual([expect.objectContaining({ seq: 2 })]);
  });
});
