/** What a real cloud does on a bad night: answers that hide a done action, reads of one graph that fail. */
import { describe, expect, it } from 'vitest';
import type { FaultRule } from '../../sandbox/types.js';
import { jobIdOf, P1, paths, setup } from './setup.js';

describe('GesSandbox: an action carried out but answered with an error (acted-status)', () => {
  it.each([
    {
      version: 'v1',
      action: 'stop',
      graph: 'g-running',
      during: '901',
      body: {
        errorCode: 'GES.7005',
        errorMessage: 'The underlying service of the graph engine is unavailable.',
      },
    },
    {
      version: 'v2',
      action: 'stop',
      graph: 'g-running',
      during: '901',
      body: {
        error_code: 'GES.7005',
        error_msg: 'The underlying service of the graph engine is unavailable.',
      },
    },
    {
      version: 'v2',
      action: 'start',
      graph: 'g-stopped',
      during: '920',
      body: {
        error_code: 'GES.7005',
        error_msg: 'The underlying service of the graph engine is unavailable.',
      },
    },
  ] as const)(
    '$action through $version: the job runs, the answer is 503 and the record holds the job',
    async ({ version, action, graph, during, body }) => {
      const faults: FaultRule[] = [{ kinds: [action], effect: { type: 'acted-status', status: 503 } }];
      const { sandbox, client } = await setup({ faults, jobDurationMs: 60_000 });
      const res = await client.call(paths[version][action](P1, graph));
      expect(res).toMatchObject({ status: 503, json: body });
      expect(sandbox.graph(P1, graph)?.status).toBe(during);
      const record = sandbox.requests[0];
      expect(record).toMatchObject({
        kind: action,
        status: 503,
        fault: 'acted-status',
        jobId: expect.any(String),
      });
      const job = await client.call(paths[version].job(P1, graph, record?.jobId ?? ''));
      expect(job).toMatchObject({ status: 200, json: { status: 'running' } });
    },
  );

  it('answers a resend with what the done action left: 400 GES.7001 for a second stop', async () => {
    const faults: FaultRule[] = [
      { kinds: ['stop'], times: 1, effect: { type: 'acted-status', status: 503 } },
    ];
    const { sandbox, client } = await setup({ faults, jobDurationMs: 60_000 });
    expect((await client.call(paths.v2.stop(P1, 'g-running'))).status).toBe(503);
    expect(await client.call(paths.v2.stop(P1, 'g-running'))).toMatchObject({
      status: 400,
      json: { error_code: 'GES.7001' },
    });
    expect(sandbox.requestsMatching({ kind: 'stop' }).map((r) => r.jobId !== undefined)).toEqual([
      true,
      false,
    ]);
  });

  it('uses the given code, message and Retry-After, e.g. 400 GES.7006 ("retry later")', async () => {
    const effect = {
      type: 'acted-status',
      status: 400,
      gesCode: 'GES.7006',
      message: 'retry later',
      retryAfter: '2',
    } as const;
    const { sandbox, client } = await setup({ faults: [{ kinds: ['stop'], effect }] });
    const res = await client.call(paths.v1.stop(P1, 'g-running'));
    expect(res).toMatchObject({
      status: 400,
      headers: { 'retry-after': '2' },
      json: { errorCode: 'GES.7006', errorMessage: 'retry later' },
    });
    expect(sandbox.graph(P1, 'g-running')?.status).not.toBe('200');
  });

  it('records no job when the action itself was refused (a stop of a stopped graph)', async () => {
    const faults: FaultRule[] = [{ kinds: ['stop'], effect: { type: 'acted-status', status: 503 } }];
    const { sandbox, client } = await setup({ faults });
    expect((await client.call(paths.v2.stop(P1, 'g-stopped'))).status).toBe(503);
    expect(sandbox.requests[0]).not.toHaveProperty('jobId');
    expect(sandbox.graph(P1, 'g-stopped')?.status).toBe('900');
  });

  it('refuses an acted-status that is not an HTTP status', async () => {
    await expect(setup({ faults: [{ effect: { type: 'acted-status', status: 1000 } }] })).rejects.toThrow(
      /faults\[0\]: status must be an HTTP status/,
    );
  });
});

describe('GesSandbox: faults aimed at one graph', () => {
  it('loses the answer to a stop of the chosen graph only, after carrying it out', async () => {
    const faults: FaultRule[] = [
      { kinds: ['stop'], graphIds: ['g-running'], effect: { type: 'lose-answer' } },
    ];
    const { sandbox, client } = await setup({ faults, jobDurationMs: 60_000 });
    await expect(client.call(paths.v2.stop(P1, 'g-running'))).rejects.toThrow();
    const other = await client.call(paths.v2.stop(P1, 'g-failing'));
    expect(other.status).toBe(200);
    expect(sandbox.graph(P1, 'g-running')?.status).toBe('901');
    expect(sandbox.requestsMatching({ kind: 'stop' })).toEqual([
      expect.objectContaining({ graphId: 'g-running', status: 'lost', jobId: expect.any(String) }),
      expect.objectContaining({ graphId: 'g-failing', status: 200, jobId: jobIdOf(other.json) }),
    ]);
  });

  it.each([
    { version: 'v1', status: 500, body: { errorCode: 'GES.7006' } },
    { version: 'v2', status: 503, body: { error_code: 'GES.7005' } },
  ] as const)(
    'fails reads ($version get) of the chosen graph with $status while the others and the list answer',
    async ({ version, status, body }) => {
      const faults: FaultRule[] = [
        { kinds: ['get'], graphIds: ['g-running'], effect: { type: 'status', status } },
      ];
      const { client } = await setup({ faults });
      expect(await client.call(paths[version].get(P1, 'g-running'))).toMatchObject({ status, json: body });
      expect((await client.call(paths[version].get(P1, 'g-stopped'))).status).toBe(200);
      expect((await client.call(paths[version].list(P1))).status).toBe(200);
      expect((await client.call(paths[version].stop(P1, 'g-running'))).status).toBe(200);
    },
  );
});
