import { describe, expect, it } from 'vitest';
import { FaultEngine, type FaultTarget } from '../../sandbox/faults.js';
import type { FaultRule, SandboxOptions } from '../../sandbox/types.js';
import { P1, P2, paths, setup } from './setup.js';

const stopTarget: FaultTarget = {
  key: 'POST /v2/p/graphs/g/stop',
  kind: 'stop',
  projectId: 'p',
  graphId: 'g',
};
const reset = { type: 'reset' } as const;

describe('FaultEngine', () => {
  it.each([
    { name: 'a rule without filters', rule: {}, hits: true },
    { name: 'a matching kind', rule: { kinds: ['stop', 'start'] }, hits: true },
    { name: 'another kind', rule: { kinds: ['list'] }, hits: false },
    { name: 'a matching project', rule: { projectIds: ['p'] }, hits: true },
    { name: 'another project', rule: { projectIds: ['q'] }, hits: false },
    { name: 'a matching graph', rule: { graphIds: ['g'] }, hits: true },
    { name: 'another graph', rule: { graphIds: ['h'] }, hits: false },
    { name: 'rate 0', rule: { rate: 0 }, hits: false },
    { name: 'times 0', rule: { times: 0 }, hits: false },
  ] as const)('applies $name: $hits', ({ rule, hits }) => {
    const engine = new FaultEngine([{ ...(rule as Omit<FaultRule, 'effect'>), effect: reset }], 1);
    expect(engine.select(stopTarget)).toEqual(hits ? [reset] : []);
  });

  it('does not apply a graph filter to a list request, which names no graph', () => {
    const engine = new FaultEngine([{ graphIds: ['g'], effect: reset }], 1);
    expect(engine.select({ key: 'GET /v2/p/graphs', kind: 'list', projectId: 'p' })).toEqual([]);
  });

  it('collects latencies in order and stops at the first terminating effect', () => {
    const engine = new FaultEngine(
      [
        { effect: { type: 'latency', ms: 5 } },
        { kinds: ['list'], effect: { type: 'hang' } },
        { effect: { type: 'latency', ms: 7 } },
        { effect: reset },
        { effect: { type: 'malformed' } },
      ],
      1,
    );
    expect(engine.select(stopTarget)).toEqual([
      { type: 'latency', ms: 5 },
      { type: 'latency', ms: 7 },
      reset,
    ]);
  });

  it('applies a firstAttemptOnly rule only the first time a method and path are seen', () => {
    const engine = new FaultEngine([{ firstAttemptOnly: true, effect: reset }], 1);
    const other = { ...stopTarget, key: 'POST /v2/p/graphs/h/stop' };
    const hits = [stopTarget, stopTarget, other, stopTarget].map((t) => engine.select(t).length);
    expect(hits).toEqual([1, 0, 1, 0]);
    engine.forgetSeen();
    expect(engine.select(stopTarget)).toEqual([reset]);
  });

  it('applies a rule at most `times` times, counting again after setRules', () => {
    const rules: FaultRule[] = [{ times: 2, effect: reset }];
    const engine = new FaultEngine(rules, 1);
    expect([1, 2, 3].map(() => engine.select(stopTarget).length)).toEqual([1, 1, 0]);
    engine.setRules(rules);
    expect(engine.select(stopTarget)).toEqual([reset]);
  });

  it('draws rates from a seeded PRNG: the same seed gives the same hits', () => {
    const draw = (seed: number) => {
      const engine = new FaultEngine([{ rate: 0.3, effect: reset }], seed);
      return Array.from({ length: 200 }, () => engine.select(stopTarget).length).join('');
    };
    expect(draw(42)).toBe(draw(42));
    expect(draw(42)).not.toBe(draw(43));
    const hits = [...draw(42)].filter((c) => c === '1').length;
    expect(hits).toBeGreaterThan(35);
    expect(hits).toBeLessThan(85);
  });

  it.each([
    { rule: { rate: 1.5, effect: reset }, message: /rate/ },
    { rule: { times: -1, effect: reset }, message: /times/ },
    { rule: { effect: { type: 'latency', ms: -5 } }, message: /latency/ },
    { rule: { effect: { type: 'status', status: 42 } }, message: /status/ },
  ] as const)('refuses a rule that cannot mean anything ($message)', ({ rule, message }) => {
    expect(() => new FaultEngine([rule as FaultRule], 1)).toThrow(message);
  });
});

describe('GesSandbox: fault effects', () => {
  it('answers a status fault with its code, message and Retry-After, without stopping the graph', async () => {
    const faults: FaultRule[] = [
      { kinds: ['stop'], effect: { type: 'status', status: 429, retryAfter: '1' } },
    ];
    const { sandbox, client } = await setup({ faults });
    const res = await client.call(paths.v2.stop(P1, 'g-running'));
    expect(res).toMatchObject({
      status: 429,
      headers: { 'retry-after': '1' },
      json: { error_code: 'APIG.0308' },
    });
    expect(sandbox.graph(P1, 'g-running')?.status).toBe('200');
    expect(sandbox.requests[0]).toMatchObject({ status: 429, fault: 'status' });
  });

  it('shapes a status fault for the API version, with a given gesCode and message', async () => {
    const effect = { type: 'status', status: 400, gesCode: 'GES.7003', message: 'stopping' } as const;
    const { client } = await setup({ faults: [{ effect }] });
    const res = await client.call(paths.v1.stop(P1, 'g-running'));
    expect(res.json).toEqual({ errorCode: 'GES.7003', errorMessage: 'stopping' });
  });

  it('resets the connection before stopping the graph', async () => {
    const { sandbox, client } = await setup({ faults: [{ kinds: ['stop'], effect: reset }] });
    await expect(client.call(paths.v2.stop(P1, 'g-running'))).rejects.toThrow();
    expect(sandbox.graph(P1, 'g-running')?.status).toBe('200');
    expect(sandbox.requests[0]).toMatchObject({ kind: 'stop', status: 'reset', fault: 'reset' });
  });

  it('hangs without answering until the client gives up', async () => {
    const { sandbox, client } = await setup({ faults: [{ kinds: ['stop'], effect: { type: 'hang' } }] });
    await expect(client.call(paths.v2.stop(P1, 'g-running'), { timeoutMs: 100 })).rejects.toThrow(/timeout/i);
    expect(sandbox.graph(P1, 'g-running')?.status).toBe('200');
    expect(sandbox.requests[0]).toMatchObject({ status: 'hang', fault: 'hang' });
  });

  it('carries out a stop whose answer it then loses', async () => {
    const { sandbox, client } = await setup({
      faults: [{ kinds: ['stop'], effect: { type: 'lose-answer' } }],
    });
    await expect(client.call(paths.v2.stop(P1, 'g-running'))).rejects.toThrow();
    expect(['901', '900']).toContain(sandbox.graph(P1, 'g-running')?.status);
    expect(sandbox.requests[0]).toMatchObject({
      status: 'lost',
      fault: 'lose-answer',
      jobId: expect.any(String),
    });
  });

  it('answers 200 with a body that is not JSON, without stopping the graph', async () => {
    const { sandbox, client } = await setup({ faults: [{ effect: { type: 'malformed' } }] });
    const res = await client.call(paths.v2.stop(P1, 'g-running'));
    expect(res).toMatchObject({
      status: 200,
      json: undefined,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.text.length).toBeGreaterThan(0);
    expect(sandbox.graph(P1, 'g-running')?.status).toBe('200');
  });

  it.each<{ name: string; options: Partial<SandboxOptions> }>([
    { name: 'latency rule', options: { faults: [{ effect: { type: 'latency', ms: 80 } }] } },
    { name: 'latencyMs option', options: { latencyMs: 80 } },
  ])('delays the answer by the $name', async ({ options }) => {
    const { client } = await setup(options);
    const started = performance.now();
    expect((await client.call(paths.v2.list(P1))).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
  });

  it('combines a latency with a later terminating rule', async () => {
    const faults: FaultRule[] = [
      { effect: { type: 'latency', ms: 30 } },
      { effect: { type: 'status', status: 503 } },
    ];
    const { sandbox, client } = await setup({ faults });
    expect((await client.call(paths.v2.list(P1))).status).toBe(503);
    expect(sandbox.requests[0]).toMatchObject({ status: 503, fault: 'latency+status' });
  });

  it('fails only the first attempt of each request with firstAttemptOnly', async () => {
    const faults: FaultRule[] = [{ firstAttemptOnly: true, effect: { type: 'status', status: 503 } }];
    const { client } = await setup({ faults });
    const statuses = [];
    for (const path of [paths.v2.stop(P1, 'g-running'), paths.v2.stop(P1, 'g-running'), paths.v2.list(P1)])
      statuses.push((await client.call(path)).status);
    expect(statuses).toEqual([503, 200, 503]);
  });

  it('applies a fault only to the kinds, projects and graphs it names, at most `times` times', async () => {
    const effect = { type: 'status', status: 429 } as const;
    const faults: FaultRule[] = [
      { kinds: ['stop'], projectIds: [P1], graphIds: ['g-running'], times: 2, effect },
    ];
    const { client } = await setup({ faults });
    const statuses = [];
    for (const path of [
      paths.v2.list(P1),
      paths.v2.stop(P1, 'g-failing'),
      paths.v2.list(P2),
      paths.v2.stop(P1, 'g-running'),
      paths.v2.stop(P1, 'g-running'),
      paths.v2.stop(P1, 'g-running'),
    ])
      statuses.push((await client.call(path)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429, 200]);
  });

  it('replaces the rules on setFaults()', async () => {
    const { sandbox, client } = await setup({ faults: [{ effect: { type: 'status', status: 500 } }] });
    expect((await client.call(paths.v2.list(P1))).status).toBe(500);
    sandbox.setFaults([]);
    expect((await client.call(paths.v2.list(P1))).status).toBe(200);
  });

  it('hits the same requests for the same seed', async () => {
    const run = async () => {
      const { client } = await setup({
        seed: 9,
        faults: [{ rate: 0.5, effect: { type: 'status', status: 503 } }],
      });
      const statuses: number[] = [];
      for (let i = 0; i < 16; i++) statuses.push((await client.call(paths.v2.list(P1))).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 503]));
  });
});
