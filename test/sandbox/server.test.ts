import { describe, expect, it } from 'vitest';
import { ACCOUNT, EMPTY_PROJECT, LIMITED, P1, P2, paths, setup } from './setup.js';

const AUTH_ERROR = {
  error_code: 'APIG.0301',
  error_msg: expect.stringMatching(/^Incorrect IAM authentication information: /),
};

describe('GesSandbox: authentication', () => {
  it('accepts a request signed with a known AK/SK and X-Project-Id', async () => {
    const { client } = await setup();
    const res = await client.call(paths.v2.list(P1), { projectId: P1 });
    expect(res.status).toBe(200);
  });

  it.each([
    { name: 'a wrong secret key', options: { account: { ak: ACCOUNT.ak, sk: 'wrong' } } },
    { name: 'an unknown access key', options: { account: { ak: 'UNKNOWNAK', sk: ACCOUNT.sk } } },
    { name: 'an X-Sdk-Date 16 minutes old', options: { date: new Date(Date.now() - 16 * 60_000) } },
    { name: 'an X-Sdk-Date 16 minutes ahead', options: { date: new Date(Date.now() + 16 * 60_000) } },
    {
      name: 'a body other than the one signed',
      options: { method: 'POST', body: '{}', sendBody: '{"a":1}' },
    },
    {
      name: 'a Host other than the one signed',
      options: { tamper: (h: Record<string, string>) => Object.assign(h, { Host: 'example.com' }) },
    },
    {
      name: 'no Authorization header',
      options: { tamper: (h: Record<string, string>) => delete h.Authorization },
    },
  ] as const)('refuses $name with 401 APIG.0301', async ({ options }) => {
    const { sandbox, client } = await setup();
    const res = await client.call(paths.v2.stop(P1, 'g-running'), { method: 'POST', ...options });
    expect(res).toMatchObject({ status: 401, json: AUTH_ERROR });
    expect(sandbox.graph(P1, 'g-running')?.status).toBe('200');
  });

  it('answers 401 in the v1.0 shape on /v1.0 paths', async () => {
    const { client } = await setup();
    const res = await client.call(paths.v1.list(P1), { account: { ak: ACCOUNT.ak, sk: 'wrong' } });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ errorCode: 'APIG.0301', errorMessage: expect.stringContaining('signature') });
  });

  it.each([
    { name: 'accepts a date 14 minutes behind the clock', minutes: -14, status: 200 },
    { name: 'accepts a date 14 minutes ahead of the clock', minutes: 14, status: 200 },
    { name: 'refuses a date 16 minutes behind the clock', minutes: -16, status: 401 },
  ])('$name given by `now`', async ({ minutes, status }) => {
    const clock = new Date('2026-03-29T01:30:00Z');
    const { client } = await setup({ now: () => clock });
    const date = new Date(clock.getTime() + minutes * 60_000);
    expect((await client.call(paths.v2.list(P1), { date })).status).toBe(status);
  });

  it.each([
    { name: 'another project', project: P2, status: 403, code: 'APIG.0302' },
    { name: 'its own project', project: P1, status: 200, code: undefined },
  ])('answers $status to an AK limited to P1 asking for $name', async ({ project, status, code }) => {
    const { client } = await setup();
    const res = await client.call(paths.v2.list(project), { account: LIMITED });
    expect(res.status).toBe(status);
    expect((res.json as { error_code?: string }).error_code).toBe(code);
  });

  it('refuses an X-Project-Id that differs from the project in the path with 400 GES.0016', async () => {
    const { client } = await setup();
    const res = await client.call(paths.v2.list(P1), { projectId: P2 });
    expect(res).toMatchObject({ status: 400, json: { error_code: 'GES.0016' } });
  });
});

describe('GesSandbox: routes', () => {
  it.each([
    { method: 'GET', path: `/v3/${P1}/graphs` },
    { method: 'GET', path: `/v2/${P1}/clusters` },
    { method: 'POST', path: `/v2/${P1}/graphs` },
    { method: 'GET', path: `/v2/${P1}/graphs/g-running/stop` },
    { method: 'POST', path: `/v2/${P1}/graphs/g-running/pause` },
    { method: 'GET', path: `/v2/${P1}/graphs/g-running/jobs/x` },
  ] as const)('answers $method $path with 404 and an error body', async ({ method, path }) => {
    const { sandbox, client } = await setup();
    const res = await client.call(path, { method });
    expect(res).toMatchObject({ status: 404, json: { error_code: 'APIG.0101' } });
    expect(sandbox.count({ kind: 'unknown' })).toBe(1);
  });

  it('answers a v1.0 action other than stop/start with 400 GES.0001', async () => {
    const { client } = await setup();
    const res = await client.call(`/v1.0/${P1}/graphs/g-running/action?action_id=restart`, {
      method: 'POST',
    });
    expect(res).toMatchObject({ status: 400, json: { errorCode: 'GES.0001' } });
  });
});

describe('GesSandbox: listing graphs', () => {
  const names = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => `graph-${String(from + i).padStart(4, '0')}`);

  it.each([
    { query: '', expected: names(1, 10) },
    { query: 'offset=20', expected: names(21, 25) },
    { query: 'offset=10&limit=5', expected: names(11, 15) },
    { query: 'limit=100', expected: names(1, 25) },
    { query: 'offset=25', expected: [] },
  ])(
    'lists ?$query as the right page, with the project total as graph_count',
    async ({ query, expected }) => {
      const { client } = await setup();
      const res = await client.call(paths.v2.list(P2, query));
      const body = res.json as { graph_count: number; graphs: { name: string }[] };
      expect(body.graph_count).toBe(25);
      expect(body.graphs.map((g) => g.name)).toEqual(expected);
    },
  );

  it('clamps limit to maxPageSize', async () => {
    const { client } = await setup({ maxPageSize: 4 });
    const res = await client.call(paths.v1.list(P2, 'limit=50'));
    expect(res.json).toMatchObject({ graphCount: 25, graphs: { length: 4 } });
  });

  it('pages through a project in a stable order', async () => {
    const { sandbox, client } = await setup({ maxPageSize: 7 });
    const seen: string[] = [];
    for (let offset = 0; offset < 25; offset += 7) {
      const res = await client.call(paths.v1.list(P2, `offset=${offset}&limit=7`));
      seen.push(...(res.json as { graphs: { id: string }[] }).graphs.map((g) => g.id));
    }
    expect(seen).toEqual(sandbox.graphs(P2).map((g) => g.id));
  });

  it('lists a project without graphs as empty', async () => {
    const { client } = await setup();
    expect((await client.call(paths.v2.list(EMPTY_PROJECT))).json).toEqual({ graph_count: 0, graphs: [] });
  });

  it.each(['limit=0', 'limit=-1', 'offset=x', 'limit=1.5'])(
    'refuses ?%s with 400 GES.0001',
    async (query) => {
      const { client } = await setup();
      expect(await client.call(paths.v2.list(P1, query))).toMatchObject({
        status: 400,
        json: { error_code: 'GES.0001' },
      });
    },
  );

  it.each([
    { version: 'v1', count: 'graphCount', created: 'createdTime', absent: 'graph_count' },
    { version: 'v2', count: 'graph_count', created: 'created', absent: 'graphCount' },
  ] as const)(
    'uses the $version field names and a string status',
    async ({ version, count, created, absent }) => {
      const { client } = await setup();
      const body = (await client.call(paths[version].list(P1, 'limit=1'))).json as Record<string, unknown>;
      expect(body).toHaveProperty(count, 7);
      expect(body).not.toHaveProperty(absent);
      expect(body.graphs).toEqual([
        expect.objectContaining({ id: 'g-running', status: '200', [created]: expect.any(String) }),
      ]);
    },
  );

  it.each(['v1', 'v2'] as const)('returns %s graph details as {graph: {...}}', async (version) => {
    const { client } = await setup();
    const res = await client.call(paths[version].get(P1, 'g-importing'));
    expect(res.json).toEqual({
      graph: expect.objectContaining({ id: 'g-importing', name: 'importing', status: '202' }),
    });
  });

  it.each([
    {
      version: 'v1',
      body: { errorCode: 'GES.7000', errorMessage: 'The graph does not exist or has been deleted.' },
    },
    {
      version: 'v2',
      body: { error_code: 'GES.7000', error_msg: 'The graph does not exist or has been deleted.' },
    },
  ] as const)('answers an unknown graph in $version with 400 GES.7000', async ({ version, body }) => {
    const { client } = await setup();
    expect(await client.call(paths[version].get(P1, 'nope'))).toMatchObject({ status: 400, json: body });
  });
});
