import { describe, expect, it } from 'vitest';
import { makeGraphs, makeProjectId, makeUuid } from '../../sandbox/graphs.js';

describe('makeGraphs', () => {
  it('makes the same graphs for the same options', () => {
    expect(makeGraphs({ count: 50, seed: 5 })).toEqual(makeGraphs({ count: 50, seed: 5 }));
    expect(makeGraphs({ count: 50, seed: 5 })).not.toEqual(makeGraphs({ count: 50, seed: 6 }));
  });

  it('makes 1,000 graphs with unique uuid-like ids, numbered names and mostly running', () => {
    const graphs = makeGraphs({ count: 1000 });
    expect(new Set(graphs.map((g) => g.id)).size).toBe(1000);
    expect(
      graphs.every((g) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/.test(g.id)),
    ).toBe(true);
    expect(graphs[0]?.name).toBe('graph-0001');
    expect(graphs[999]?.name).toBe('graph-1000');
    const running = graphs.filter((g) => g.status === '200').length;
    expect(running).toBeGreaterThan(600);
    expect(running).toBeLessThan(800);
    expect(new Set(graphs.map((g) => g.status)).size).toBeGreaterThan(5);
  });

  it('spreads graphs over the given projects round-robin, with the given status mix', () => {
    const projectIds = [makeProjectId(1), makeProjectId(2), makeProjectId(3)];
    const graphs = makeGraphs({ count: 7, projectIds, statusMix: { '200': 1 }, namePrefix: 'bench' });
    expect(graphs.map((g) => g.projectId)).toEqual([0, 1, 2, 0, 1, 2, 0].map((i) => projectIds[i]));
    expect(graphs.every((g) => g.status === '200' && g.name.startsWith('bench-'))).toBe(true);
  });

  it('makes 32-hex project ids and stable uuids', () => {
    expect(makeProjectId(1)).toMatch(/^[0-9a-f]{32}$/);
    expect(makeProjectId(1)).not.toBe(makeProjectId(2));
    expect(makeUuid('a', 1)).toBe(makeUuid('a', 1));
  });
});
