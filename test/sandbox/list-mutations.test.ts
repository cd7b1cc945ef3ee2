import { describe, expect, it } from 'vitest';
import { parseFixture } from '../../sandbox/fixture.js';
import type { SandboxGraph } from '../../sandbox/types.js';
import { P1, P2, paths, setup, testGraphs } from './setup.js';
import type { TestClient } from './test-client.js';

interface Page {
  graph_count: number;
  graphs: { id: string; name: string }[];
}

const name = (n: number) => `graph-${String(n).padStart(4, '0')}`;
const newGraph = (id: string): SandboxGraph => ({ projectId: P2, id, name: id, status: '200' });

async function page(client: TestClient, offset: number): Promise<Page> {
  return (await client.call(paths.v2.list(P2, `offset=${offset}&limit=10`))).json as Page;
}

describe('GesSandbox: a listing that changes between pages', () => {
  it.each([
    {
      change: 'a graph of page 1 deleted',
      mutation: { remove: ['graph-0004'] },
      count: 24,
      // Everything after the deleted graph moves up by one: graph-0011 is now on page 1, unseen.
      page2: [name(12), name(21)],
      page3: 4,
    },
    {
      change: 'a graph created at the front',
      mutation: { add: [newGraph('fresh')], addAt: 0 },
      count: 26,
      // Everything moves down by one: graph-0010 is served again on page 2.
      page2: [name(10), name(19)],
      page3: 6,
    },
    {
      change: 'a graph created at the end',
      mutation: { add: [newGraph('fresh')] },
      count: 26,
      page2: [name(11), name(20)],
      page3: 6,
    },
  ])('serves the rest from the live list after $change', async ({ mutation, count, page2, page3 }) => {
    const { sandbox, client } = await setup();
    const ids = new Map(sandbox.graphs(P2).map((g) => [g.name, g.id]));
    const resolved = mutation.remove
      ? { ...mutation, remove: mutation.remove.map((n) => ids.get(n) ?? n) }
      : mutation;
    sandbox.setListMutations([{ projectId: P2, afterPages: 1, ...resolved }]);

    const first = await page(client, 0);
    const second = await page(client, 10);
    const third = await page(client, 20);
    expect(first.graph_count).toBe(25);
    expect([second.graph_count, third.graph_count]).toEqual([count, count]);
    expect([second.graphs[0]?.name, second.graphs[9]?.name]).toEqual(page2);
    expect(third.graphs).toHaveLength(page3);
  });

  it('applies a mutation once, after the given page of its own project only', async () => {
    const [a, b] = testGraphs().filter((g) => g.projectId === P2);
    const { sandbox, client } = await setup({
      listMutations: [
        { projectId: P2, afterPages: 2, remove: [a?.id ?? ''] },
        { projectId: P2, afterPages: 3, remove: [b?.id ?? ''] },
      ],
    });
    await client.call(paths.v2.list(P1)); // another project's pages do not count
    const counts = [];
    for (let i = 0; i < 4; i += 1) counts.push((await page(client, 0)).graph_count);
    expect(counts).toEqual([25, 25, 24, 23]);
    expect(sandbox.pendingListMutations).toBe(0);
  });

  it('does not count a page that was not answered 200', async () => {
    const { sandbox, client } = await setup({
      faults: [{ kinds: ['list'], times: 1, effect: { type: 'status', status: 503 } }],
    });
    sandbox.setListMutations([{ projectId: P2, afterPages: 1, add: [newGraph('fresh')] }]);
    expect((await client.call(paths.v2.list(P2))).status).toBe(503);
    expect((await page(client, 0)).graph_count).toBe(25);
    expect((await page(client, 0)).graph_count).toBe(26);
  });

  it('deletes and creates graphs on demand with removeGraph and addGraph', async () => {
    const { sandbox, client } = await setup();
    sandbox.removeGraph(P1, 'g-running');
    expect(await client.call(paths.v1.get(P1, 'g-running'))).toMatchObject({
      status: 400,
      json: { errorCode: 'GES.7000' },
    });
    sandbox.addGraph({ projectId: P1, id: 'g-new', name: 'new', status: '900' }, 0);
    const listed = (await client.call(paths.v2.list(P1, 'limit=2'))).json as Page;
    expect(listed.graph_count).toBe(7);
    expect(listed.graphs.map((g) => g.id)).toEqual(['g-new', 'g-failing']);
    expect(() => sandbox.removeGraph(P1, 'g-running')).toThrow(/no graph/);
    expect(() => sandbox.addGraph({ projectId: P1, id: 'g-new', name: 'x', status: '200' })).toThrow(
      /duplicate/,
    );
  });

  it("lets a deleted graph's stop job answer 400 GES.7000 like the graph", async () => {
    const { sandbox, client } = await setup();
    const stop = await client.call(paths.v2.stop(P1, 'g-running'));
    const jobId = (stop.json as { job_id: string }).job_id;
    sandbox.removeGraph(P1, 'g-running');
    expect(await client.call(paths.v2.job(P1, 'g-running', jobId))).toMatchObject({
      status: 400,
      json: { error_code: 'GES.7000' },
    });
  });

  it.each([
    { problem: 'afterPages 0', mutation: { afterPages: 0 }, message: /afterPages/ },
    { problem: 'an unknown graph to remove', mutation: { remove: ['nope'] }, message: /removes graph nope/ },
    {
      problem: 'a graph of another project',
      mutation: { add: [{ ...newGraph('x'), projectId: P1 }] },
      message: /adds graph x of project/,
    },
    { problem: 'a negative addAt', mutation: { addAt: -1 }, message: /addAt/ },
  ])('refuses $problem', async ({ mutation, message }) => {
    const { sandbox } = await setup();
    expect(() => sandbox.setListMutations([{ projectId: P2, afterPages: 1, ...mutation }])).toThrow(message);
  });

  it('refuses to add a graph that already exists', async () => {
    const { sandbox } = await setup();
    const existing = sandbox.graphs(P2)[0] as SandboxGraph;
    expect(() => sandbox.setListMutations([{ projectId: P2, afterPages: 1, add: [existing] }])).toThrow(
      /already exists/,
    );
  });

  it('reads list mutations from a fixture', () => {
    const project = '0123456789abcdef0123456789abcdef';
    const text = `accounts: [{ak: A, sk: S}]\ngraphs: [{projectId: '${project}', id: g, name: n, status: 200}]\nlistMutations:\n  - {projectId: '${project}', afterPages: 1, remove: [g], add: [{projectId: '${project}', id: h, name: m, status: 900}], addAt: 0}\n`;
    expect(parseFixture(text, 'f').listMutations).toEqual([
      {
        projectId: project,
        afterPages: 1,
        remove: ['g'],
        add: [{ projectId: project, id: 'h', name: 'm', status: '900' }],
        addAt: 0,
      },
    ]);
  });
});
