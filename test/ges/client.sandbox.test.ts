/** Every GesClient call against the GES sandbox (sandbox/), in both API generations. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GesHttpError, OutcomeUnknownError } from '../../lib/errors.js';
import { GesClient } from '../../lib/ges/client.js';
import type { ApiVersion, Credentials } from '../../lib/ges/types.js';
import { Transport } from '../../lib/http/transport.js';
import { GesSandbox } from '../../sandbox/server.js';
import { ACCOUNT, LIMITED, P1, P2, testGraphs } from '../sandbox/setup.js';

let sandbox: GesSandbox;
let transport: Transport;

beforeEach(async () => {
  sandbox = await GesSandbox.start({
    graphs: testGraphs(),
    accounts: [ACCOUNT, LIMITED],
    jobDurationMs: 20,
  });
  transport = new Transport({ concurrency: 4, requestTimeoutMs: 2_000, retry: { baseDelayMs: 5 } });
});

afterEach(async () => {
  await transport.close();
  await sandbox.close();
});

function client(apiVersion: ApiVersion, credentials: Credentials = ACCOUNT, t = transport): GesClient {
  return new GesClient({ endpoint: sandbox.url, apiVersion, credentials, transport: t, pageSize: 10 });
}

describe.each(['v1', 'v2'] as const)('Class: GesClient against the sandbox (%s)', (version) => {
  it('lists 25 graphs in pages of 10', async () => {
    const graphs = await client(version).listGraphs(P2);
    expect(graphs).toHaveLength(25);
    expect(new Set(graphs.map((g) => g.id)).size).toBe(25);
    expect(sandbox.count({ kind: 'list', apiVersion: version })).toBe(3);
  });

  it('reads graph states', async () => {
    const c = client(version);
    expect((await c.getGraph(P1, 'g-running')).state).toEqual({ kind: 'running' });
    expect((await c.getGraph(P1, 'g-importing')).state).toMatchObject({ kind: 'busy' });
    await expect(c.getGraph(P1, 'g-missing')).rejects.toMatchObject({ status: 400, gesCode: 'GES.7000' });
  });

  it('reads tags, size index and replicas in listings and details (v1.0 sends Key/Value)', async () => {
    sandbox.addGraph({
      projectId: P1,
      id: 'g-tagged',
      name: 'tagged',
      status: '200',
      tags: [
        { key: 'offhours', value: 'nights' },
        { key: 'team', value: 'data' },
      ],
      sizeIndex: '4',
      replication: 2,
    });
    const c = client(version);
    const listed = (await c.listGraphs(P1)).find((g) => g.id === 'g-tagged');
    const read = await c.getGraph(P1, 'g-tagged');
    const expected = {
      tags: [
        { key: 'offhours', value: 'nights' },
        { key: 'team', value: 'data' },
      ],
      sizeIndex: '4',
    };
    for (const graph of [listed, read]) {
      expect(graph).toMatchObject(expected);
      // Only v2 returns replicas.
      expect(graph?.replication).toBe(version === 'v2' ? 2 : undefined);
    }
    expect((await c.getGraph(P1, 'g-running')).tags).toEqual([]);
  });

  it('stops a graph and follows its job to success', async () => {
    const c = client(version);
    const jobId = await c.stopGraph(P1, 'g-running');
    const job = await vi.waitFor(async () => {
      const j = await c.getJob(P1, 'g-running', jobId);
      if (j.status !== 'success') throw new Error(`job is ${j.status}`);
      return j;
    });
    expect(job).toMatchObject({ jobId, status: 'success' });
    expect(job.beginTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect((await c.getGraph(P1, 'g-running')).state).toEqual({ kind: 'stopped' });
    expect(sandbox.count({ kind: 'stop' })).toBe(1);
  });

  it('reports a failed stop job with its reason', async () => {
    const c = client(version);
    const jobId = await c.stopGraph(P1, 'g-failing');
    const job = await vi.waitFor(async () => {
      const j = await c.getJob(P1, 'g-failing', jobId);
      if (j.status !== 'failed') throw new Error(`job is ${j.status}`);
      return j;
    });
    expect(job.failReason).toBe('disk full');
  });

  it('refuses to stop a stopped graph, starts it, and refuses to start a running one', async () => {
    const c = client(version);
    await expect(c.stopGraph(P1, 'g-stopped')).rejects.toMatchObject({ status: 400, gesCode: 'GES.7001' });
    expect(await c.startGraph(P1, 'g-stopped')).toEqual(expect.any(String));
    await expect(c.startGraph(P1, 'g-running', { backupId: 'b-1' })).rejects.toMatchObject({
      gesCode: 'GES.7015',
    });
  });

  it('maps refused credentials to 401 and foreign projects to 403', async () => {
    const wrong = client(version, { ak: ACCOUNT.ak, sk: 'wrong' });
    const error = await wrong.getGraph(P1, 'g-running').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GesHttpError);
    expect(error).toMatchObject({ status: 401, gesCode: 'APIG.0301' });
    expect((error as Error).message).toContain('credentials or signature refused');
    await expect(client(version, LIMITED).listGraphs(P2)).rejects.toMatchObject({ status: 403 });
    expect(sandbox.requests).toHaveLength(2);
  });

  it('retries a throttled stop and a reset read', async () => {
    sandbox.setFaults([
      { kinds: ['stop'], times: 1, effect: { type: 'status', status: 429, retryAfter: '0' } },
      { kinds: ['get'], times: 1, effect: { type: 'reset' } },
    ]);
    const c = client(version);
    expect(await c.stopGraph(P1, 'g-running')).toEqual(expect.any(String));
    expect((await c.getGraph(P1, 'g-running')).state.kind).toMatch(/^stopp(ed|ing)$/);
    expect(sandbox.count({ kind: 'stop' })).toBe(2);
    expect(sandbox.count({ kind: 'get' })).toBe(2);
  });

  it.each([
    ['a lost answer', { type: 'lose-answer' }],
    ['a reset after sending', { type: 'reset' }],
    ['a malformed 200', { type: 'malformed' }],
    ['a hang', { type: 'hang' }],
  ] as const)('reports a stop with %s as outcome unknown, sent once', async (_name, effect) => {
    sandbox.setFaults([{ kinds: ['stop'], effect }]);
    const quick = new Transport({ concurrency: 1, requestTimeoutMs: 150 });
    try {
      const stop = client(version, ACCOUNT, quick).stopGraph(P1, 'g-running');
      await expect(stop).rejects.toBeInstanceOf(OutcomeUnknownError);
    } finally {
      await quick.close();
    }
    expect(sandbox.count({ kind: 'stop' })).toBe(1);
  });
});
