/** Reads that lag the truth, start jobs that fail after a delay, and the v1.0 stop's body. */
import { describe, expect, it } from 'vitest';
import type { SandboxOptions } from '../../sandbox/types.js';
import { jobIdOf, P1, paths, setup } from './setup.js';

/** A sandbox on a clock the test moves. */
async function onClock(options: Partial<SandboxOptions>) {
  let now = Date.UTC(2026, 2, 29, 1, 0, 0);
  const parts = await setup({ clock: () => now, ...options });
  const advance = (ms: number) => {
    now += ms;
  };
  return { ...parts, advance };
}

type Version = 'v1' | 'v2';

async function servedStatus(
  client: Awaited<ReturnType<typeof setup>>['client'],
  version: Version,
  graph: string,
): Promise<{ get: unknown; list: unknown }> {
  const get = (await client.call(paths[version].get(P1, graph))).json as { graph: { status: string } };
  const list = (await client.call(paths[version].list(P1, 'limit=100'))).json as {
    graphs: { id: string; status: string }[];
  };
  return { get: get.graph.status, list: list.graphs.find((g) => g.id === graph)?.status };
}

describe('GesSandbox: reads that lag the truth', () => {
  it.each([
    { version: 'v1', action: 'stop', graph: 'g-running', before: '200', after: '900' },
    { version: 'v2', action: 'stop', graph: 'g-running', before: '200', after: '900' },
    { version: 'v2', action: 'start', graph: 'g-stopped', before: '900', after: '200' },
  ] as const)(
    '$version list and get show $before for readLagMs after a $action, then the truth',
    async ({ version, action, graph, before, after }) => {
      const { sandbox, client, advance } = await onClock({ readLagMs: 5_000, jobDurationMs: 1_000 });
      const jobId = jobIdOf((await client.call(paths[version][action](P1, graph))).json);
      advance(2_000);
      expect(await servedStatus(client, version, graph)).toEqual({ get: before, list: before });
      expect(sandbox.graph(P1, graph)?.status).toBe(after);
      const job = (await client.call(paths[version].job(P1, graph, jobId))).json;
      expect(job).toMatchObject({ status: 'success' });
      advance(3_000);
      expect(await servedStatus(client, version, graph)).toEqual({ get: after, list: after });
    },
  );

  it.each([
    { name: 'a graph of its own overrides the option', global: 0, own: 4_000, at: 3_999, shows: '200' },
    { name: 'a graph of its own may turn it off', global: 4_000, own: 0, at: 10, shows: '901' },
    { name: 'the option applies to every graph', global: 4_000, own: undefined, at: 3_999, shows: '200' },
    { name: 'the lag ends at readLagMs', global: 4_000, own: undefined, at: 4_000, shows: '901' },
  ])('lags by graph: $name', async ({ global, own, at, shows }) => {
    const { sandbox, client, advance } = await onClock({ readLagMs: global, jobDurationMs: 60_000 });
    if (own !== undefined) sandbox.updateGraph(P1, 'g-running', { readLagMs: own });
    await client.call(paths.v2.stop(P1, 'g-running'));
    advance(at);
    expect(await servedStatus(client, 'v2', 'g-running')).toEqual({ get: shows, list: shows });
  });

  it('answers a stop from the truth while reads lag: 400 GES.7001 for a second stop', async () => {
    const { client } = await onClock({ readLagMs: 5_000, jobDurationMs: 60_000 });
    await client.call(paths.v2.stop(P1, 'g-running'));
    expect(await servedStatus(client, 'v2', 'g-running')).toEqual({ get: '200', list: '200' });
    expect((await client.call(paths.v2.stop(P1, 'g-running'))).json).toMatchObject({
      error_code: 'GES.7001',
    });
  });

  it('drops the lag when a test sets the status', async () => {
    const { sandbox, client } = await onClock({ readLagMs: 5_000, jobDurationMs: 60_000 });
    await client.call(paths.v2.stop(P1, 'g-running'));
    sandbox.updateGraph(P1, 'g-running', { status: '900' });
    expect(await servedStatus(client, 'v2', 'g-running')).toEqual({ get: '900', list: '900' });
  });
});

describe('GesSandbox: start jobs', () => {
  it.each([
    { startJob: undefined, job: 'success', graph: '200', reason: undefined },
    { startJob: 'success', job: 'success', graph: '200', reason: undefined },
    { startJob: 'failed', job: 'failed', graph: '900', reason: 'no resources in the zone' },
    { startJob: 'never', job: 'running', graph: '920', reason: undefined },
  ] as const)(
    'ends a start job as $job after startJobDurationMs when startJob is $startJob: the graph $graph',
    async ({ startJob, job, graph, reason }) => {
      const { sandbox, client, advance } = await onClock({
        jobDurationMs: 1_000,
        startJobDurationMs: 300_000,
      });
      if (startJob)
        sandbox.updateGraph(P1, 'g-stopped', { startJob, startFailReason: 'no resources in the zone' });
      const jobId = jobIdOf((await client.call(paths.v2.start(P1, 'g-stopped'))).json);
      advance(299_999);
      expect(sandbox.graph(P1, 'g-stopped')?.status).toBe('920');
      advance(1);
      const body = (await client.call(paths.v2.job(P1, 'g-stopped', jobId))).json;
      expect(body).toMatchObject({ status: job, ...(reason ? { fail_reason: reason } : {}) });
      if (!reason) expect(body).not.toHaveProperty('fail_reason');
      expect(sandbox.graph(P1, 'g-stopped')?.status).toBe(graph);
    },
  );

  it('lets stopJob govern stops only, and startJob starts only', async () => {
    const { sandbox, client, advance } = await onClock({ jobDurationMs: 1_000 });
    sandbox.updateGraph(P1, 'g-stopped', { stopJob: 'failed' });
    sandbox.updateGraph(P1, 'g-running', { startJob: 'failed' });
    await client.call(paths.v1.start(P1, 'g-stopped'));
    await client.call(paths.v1.stop(P1, 'g-running'));
    advance(1_000);
    expect([sandbox.graph(P1, 'g-stopped')?.status, sandbox.graph(P1, 'g-running')?.status]).toEqual([
      '200',
      '900',
    ]);
  });

  it('takes jobDurationMs for a start when startJobDurationMs is not given', async () => {
    const { sandbox, client, advance } = await onClock({ jobDurationMs: 1_000 });
    await client.call(paths.v2.start(P1, 'g-stopped'));
    advance(1_000);
    expect(sandbox.graph(P1, 'g-stopped')?.status).toBe('200');
  });
});

describe('GesSandbox: the v1.0 stop body', () => {
  it.each([
    { name: 'no body (what the official SDK sends)', body: undefined },
    { name: 'an empty object', body: '{}' },
  ])('accepts a v1.0 stop with $name and records the body as sent', async ({ body }) => {
    const { sandbox, client } = await setup();
    const res = await client.call(paths.v1.stop(P1, 'g-running'), body === undefined ? {} : { body });
    expect(res.status).toBe(200);
    expect(sandbox.requests[0]?.body).toBe(body);
  });
});
