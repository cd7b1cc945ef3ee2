import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  GesHttpError,
  InvalidIdError,
  MalformedResponseError,
  OutcomeUnknownError,
} from '../../lib/errors.js';
import { GesClient, type GesClientOptions } from '../../lib/ges/client.js';
import type { ApiVersion } from '../../lib/ges/types.js';
import { Transport } from '../../lib/http/transport.js';
import { verifyRequest } from '../../sandbox/verify.js';
import { json, Loopback, type SeenRequest } from '../http/loopback.js';

const P = '0123456789abcdef0123456789abcdef';
const G = '11111111-2222-3333-4444-555555555555';
const credentials = { ak: 'TESTAK', sk: 'test-secret-key' };

let server: Loopback;
let transport: Transport;

beforeEach(async () => {
  server = await Loopback.start(answerLikeGes);
  transport = new Transport({
    concurrency: 2,
    requestTimeoutMs: 2_000,
    retry: { maxAttempts: 2, baseDelayMs: 1 },
  });
});

afterEach(async () => {
  await transport.close();
  await server.close();
});

function client(apiVersion: ApiVersion, options: Partial<GesClientOptions> = {}): GesClient {
  return new GesClient({ endpoint: server.origin, apiVersion, credentials, transport, ...options });
}

/** Minimal GES answers: enough to drive every call. */
function answerLikeGes(req: SeenRequest, res: import('node:http').ServerResponse): void {
  const path = req.url.split('?')[0]!;
  const body = path.endsWith('/status')
    ? { job_id: 'job-1', status: 'success' }
    : path.endsWith('/graphs/jobs')
      ? {
          job_count: 1,
          job_list: [{ job_id: 'job-1', status: 'success', job_type: 'StopGraph', related_graph: 'g' }],
        }
      : req.method === 'POST'
        ? { jobId: 'job-1' }
        : path.endsWith('/graphs')
          ? { graphCount: 1, graphs: [{ id: G, name: 'g', status: '200' }] }
          : { graph: { id: G, name: 'fraud-detection', status: '200' } };
  json(res, 200, body);
}

const calls = {
  list: (c: GesClient) => c.listGraphs(P),
  get: (c: GesClient) => c.getGraph(P, G),
  stop: (c: GesClient) => c.stopGraph(P, G),
  start: (c: GesClient) => c.startGraph(P, G),
  'start from a backup': (c: GesClient) => c.startGraph(P, G, { backupId: 'b-1' }),
  job: (c: GesClient) => c.getJob(P, G, 'job-1'),
  'job centre': (c: GesClient) => c.listJobs(P, 'g 1', new Date('2026-12-07T02:00:00.250Z')),
};

describe('Class: GesClient › paths', () => {
  it.each([
    ['v1', 'list', 'GET', `/v1.0/${P}/graphs?offset=0&limit=100`, ''],
    ['v1', 'get', 'GET', `/v1.0/${P}/graphs/${G}`, ''],
    // No body on a v1.0 stop, as Huawei's SDK sends it.
    ['v1', 'stop', 'POST', `/v1.0/${P}/graphs/${G}/action?action_id=stop`, ''],
    ['v1', 'start', 'POST', `/v1.0/${P}/graphs/${G}/action?action_id=start`, '{}'],
    [
      'v1',
      'start from a backup',
      'POST',
      `/v1.0/${P}/graphs/${G}/action?action_id=start`,
      '{"graph_backup_id":"b-1"}',
    ],
    ['v1', 'job', 'GET', `/v1.0/${P}/graphs/${G}/jobs/job-1/status`, ''],
    ['v2', 'list', 'GET', `/v2/${P}/graphs?offset=0&limit=100`, ''],
    ['v2', 'get', 'GET', `/v2/${P}/graphs/${G}`, ''],
    ['v2', 'stop', 'POST', `/v2/${P}/graphs/${G}/stop`, '{}'],
    ['v2', 'start', 'POST', `/v2/${P}/graphs/${G}/start`, '{}'],
    ['v2', 'start from a backup', 'POST', `/v2/${P}/graphs/${G}/start`, '{"graph_backup_id":"b-1"}'],
    ['v2', 'job', 'GET', `/v2/${P}/graphs/${G}/jobs/job-1/status`, ''],
    [
      'v2',
      'job centre',
      'GET',
      `/v2/${P}/graphs/jobs?graph_name=g%201&start_time=2026-12-07&offset=0&limit=100`,
      '',
    ],
  ] as const)('%s %s → %s %s', async (version, call, method, url, body) => {
    await calls[call](client(version));
    expect(server.requests.map((r) => [r.method, r.url, r.body])).toEqual([[method, url, body]]);
  });

  it.each(Object.keys(calls) as (keyof typeof calls)[])(
    '%s: sends signed JSON headers for the project',
    async (call) => {
      const now = new Date();
      await calls[call](client('v2', { now: () => now }));
      const [seen] = server.requests;
      const headers = Object.fromEntries(Object.entries(seen!.headers).map(([k, v]) => [k, String(v)]));
      expect(headers).toMatchObject({ 'content-type': 'application/json', 'x-project-id': P });
      expect(headers.authorization).toContain('SignedHeaders=host;x-project-id;x-sdk-date,');
      const request = { method: seen!.method, url: server.url(seen!.url), headers, body: seen!.body };
      expect(verifyRequest(request, { secretFor: () => credentials.sk, now })).toEqual({
        ok: true,
        ak: 'TESTAK',
      });
    },
  );

  it('signs and sends the security token of temporary credentials', async () => {
    await client('v1', { credentials: { ...credentials, securityToken: 'tok' } }).getGraph(P, G);
    expect(server.requests[0]!.headers['x-security-token']).toBe('tok');
    expect(server.requests[0]!.headers.authorization).toContain(
      'SignedHeaders=host;x-project-id;x-sdk-date;x-security-token,',
    );
  });

  it('signs each attempt with a fresh X-Sdk-Date', async () => {
    let clock = Date.UTC(2026, 2, 29, 1, 30, 0);
    server.handler = (req, res, n) => (n === 1 ? json(res, 503, {}) : answerLikeGes(req, res));
    const now = () => {
      clock += 1_000;
      return new Date(clock);
    };
    await client('v2', { now }).getGraph(P, G);
    expect(server.requests.map((r) => r.headers['x-sdk-date'])).toEqual([
      '20260329T013001Z',
      '20260329T013002Z',
    ]);
  });
});

describe('Class: GesClient › answers', () => {
  it.each([
    ['v1', { jobId: 'a' }],
    ['v1', { job_id: 'a' }],
    ['v2', { jobId: 'a' }],
    ['v2', { job_id: 'a' }],
  ] as const)('%s stop accepts %j', async (version, body) => {
    server.handler = (_req, res) => json(res, 200, body);
    expect(await client(version).stopGraph(P, G)).toBe('a');
  });

  it.each([
    ['v1', { errorCode: 'GES.7001', errorMessage: 'The graph is not running.' }],
    ['v1', { error_code: 'GES.7001', error_msg: 'The graph is not running.' }],
    ['v2', { errorCode: 'GES.7001', errorMessage: 'The graph is not running.' }],
    ['v2', { error_code: 'GES.7001', error_msg: 'The graph is not running.' }],
  ] as const)('%s maps the error %j', async (version, body) => {
    server.handler = (_req, res) => json(res, 400, body);
    const error = await client(version)
      .stopGraph(P, G)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GesHttpError);
    expect(error).toMatchObject({
      status: 400,
      gesCode: 'GES.7001',
      gesMessage: 'The graph is not running.',
    });
  });

  it('maps the graph status through graphStateOf', async () => {
    server.handler = (_req, res) => json(res, 200, { graph: { id: G, name: 'g', status: 202 } });
    expect(await client('v1').getGraph(P, G)).toEqual({
      id: G,
      name: 'g',
      status: '202',
      state: { kind: 'busy', reason: 'importing (status 202)' },
      tags: [],
    });
  });

  it('reports a stop answered 2xx without a job id as outcome unknown (it was probably accepted)', async () => {
    server.handler = (_req, res) => json(res, 200, 'not json');
    const error = await client('v2')
      .stopGraph(P, G)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect((error as Error).cause).toBeInstanceOf(MalformedResponseError);
  });

  it.each([
    ['not JSON', 'Service Unavailable'],
    ['no graph', { graphs: [] }],
    ['no status', { graph: { id: G, name: 'g' } }],
    ['an array', [{ id: G }]],
  ])('rejects graph details that are %s', async (_name, body) => {
    server.handler = (_req, res) => json(res, 200, body);
    await expect(client('v1').getGraph(P, G)).rejects.toBeInstanceOf(MalformedResponseError);
  });

  it('normalises a job', async () => {
    server.handler = (_req, res) =>
      json(res, 200, {
        jobId: 'job-1',
        status: 'FAILED',
        jobType: 'StopGraph',
        beginTime: '2026-03-29 01:30:00',
        endTime: '2026-03-29T01:31:05',
        failReason: 'graph is busy',
      });
    expect(await client('v1').getJob(P, G, 'job-1')).toEqual({
      jobId: 'job-1',
      status: 'failed',
      jobType: 'StopGraph',
      beginTime: '2026-03-29T01:30:00.000Z',
      endTime: '2026-03-29T01:31:05.000Z',
      failReason: 'graph is busy',
    });
  });
});

describe('Class: GesClient › ids', () => {
  const bad = ['', '../x', '..', 'a/b', '%2F', 'a%2Fb', 'a?b', 'a#b', 'a b', 'a\nb', 'ä', 'x'.repeat(129)];
  it.each(bad)('rejects %j in every position before any request', async (id) => {
    const c = client('v2');
    const attempts = [
      () => c.listGraphs(id),
      () => c.getGraph(id, G),
      () => c.getGraph(P, id),
      () => c.stopGraph(P, id),
      () => c.startGraph(P, G, { backupId: id }),
      () => c.getJob(P, G, id),
    ];
    for (const attempt of attempts) await expect(attempt()).rejects.toBeInstanceOf(InvalidIdError);
    expect(server.requests).toHaveLength(0);
  });

  it('names the field and the value', async () => {
    await expect(client('v1').getJob(P, G, '../../x')).rejects.toThrow(
      `invalid jobId "../../x": only letters, digits, '-' and '_' are allowed`,
    );
  });

  it('refuses an endpoint that is not https (or http on loopback)', () => {
    expect(() => client('v1', { endpoint: 'http://ges.example.com' })).toThrow('must use https:');
    expect(() => client('v1', { endpoint: `${server.origin}/v2` })).toThrow('must not have a path');
  });
});
