import { describe, expect, it } from 'vitest';
import { computeSavings } from '../../lib/report/savings.js';
import { configOf, gid, OFFICE, P1, P2, type WindowSpec, windowOf } from './support.js';

const FROM = new Date('2026-11-01T00:00:00Z');
const TO = new Date('2026-11-08T00:00:00Z');
const AFTER = new Date('2026-11-10T00:00:00Z');

const PRICING = { currency: 'EUR', hourly: { '1': 1.25, '4': 12 } };

function configWith(
  entries: { graph: number; hourlyPrice?: number; projectId?: string }[],
  pricing?: object,
) {
  const projects = [P1, P2].flatMap((projectId) => {
    const graphs = entries
      .filter((e) => (e.projectId ?? P1) === projectId)
      .map((e) => ({
        id: gid(e.graph),
        name: `g${e.graph}`,
        schedule: 'office',
        hourlyPrice: e.hourlyPrice,
      }));
    return graphs.length === 0 ? [] : [{ projectId, region: 'cn-north-4', graphs }];
  });
  return configOf({ schedules: { office: OFFICE }, projects, ...(pricing ? { pricing } : {}) });
}

function savingsOf(
  specs: WindowSpec[],
  options: { now?: Date; config?: ReturnType<typeof configWith> } = {},
) {
  return computeSavings({
    config: options.config ?? configWith([{ graph: 1, hourlyPrice: 1 }]),
    windows: specs.map(windowOf),
    from: FROM,
    to: TO,
    now: options.now ?? AFTER,
  });
}

describe('Function: computeSavings, hours', () => {
  it.each<[string, Omit<WindowSpec, 'graph'>, Date, number]>([
    ['inside the range', { stoppedAt: '2026-11-02T19:00:00Z', endedAt: '2026-11-03T06:00:00Z' }, AFTER, 11],
    ['clipped at from', { stoppedAt: '2026-10-31T19:00:00Z', endedAt: '2026-11-01T06:00:00Z' }, AFTER, 6],
    ['clipped at to', { stoppedAt: '2026-11-07T19:00:00Z', endedAt: '2026-11-08T06:00:00Z' }, AFTER, 5],
    [
      'clipped at both ends',
      { stoppedAt: '2026-10-01T00:00:00Z', endedAt: '2026-12-01T00:00:00Z' },
      AFTER,
      168,
    ],
    ['open, counted up to to when now is later', { stoppedAt: '2026-11-07T19:00:00Z' }, AFTER, 5],
    [
      'open, counted up to now when now is earlier',
      { stoppedAt: '2026-11-05T00:00:00Z' },
      new Date('2026-11-05T12:00:00Z'),
      12,
    ],
    [
      'open since before from, up to now',
      { stoppedAt: '2026-10-20T00:00:00Z' },
      new Date('2026-11-05T12:00:00Z'),
      108,
    ],
    [
      'confirmed after the stop: counted from the confirmation',
      {
        stoppedAt: '2026-11-02T19:00:00Z',
        confirmedAt: '2026-11-02T19:30:00Z',
        endedAt: '2026-11-03T06:00:00Z',
      },
      AFTER,
      10.5,
    ],
    [
      'open and confirmed, counted from the confirmation up to now',
      { stoppedAt: '2026-11-05T00:00:00Z', confirmedAt: '2026-11-05T06:00:00Z' },
      new Date('2026-11-05T12:00:00Z'),
      6,
    ],
    [
      'pending (the stop not yet seen to take): nothing',
      { stoppedAt: '2026-11-05T00:00:00Z', pending: true },
      AFTER,
      0,
    ],
    [
      'a stop whose job failed: nothing',
      { stoppedAt: '2026-11-02T19:00:00Z', endedAt: '2026-11-02T19:05:00Z', endedBy: 'stop-failed' },
      AFTER,
      0,
    ],
    [
      'open, stopped after now (clock skew)',
      { stoppedAt: '2026-11-06T00:00:00Z' },
      new Date('2026-11-05T12:00:00Z'),
      0,
    ],
  ])('%s', (_name, spec, now, hours) => {
    const { graphs, totals } = savingsOf([{ graph: 1, ...spec }], { now });
    expect(graphs).toHaveLength(1);
    expect(graphs[0]).toMatchObject({ graphId: gid(1), graphName: 'g1', hoursStopped: hours, saved: hours });
    expect(graphs[0]!.open).toBe(spec.endedAt === undefined);
    expect(graphs[0]!.windows).toBe(1);
    expect(totals).toEqual({ hoursStopped: hours, saved: hours, unpricedHours: 0 });
  });

  it('adds up the windows of one graph and counts a stretch two windows both cover once', () => {
    const { graphs } = savingsOf([
      { graph: 1, stoppedAt: '2026-11-02T00:00:00Z', endedAt: '2026-11-02T10:00:00Z' },
      { graph: 1, stoppedAt: '2026-11-02T05:00:00Z', endedAt: '2026-11-02T12:00:00Z' },
      { graph: 1, stoppedAt: '2026-11-03T00:00:00Z', endedAt: '2026-11-03T01:30:00Z' },
      { graph: 1, stoppedAt: '2026-11-02T06:00:00Z', endedAt: '2026-11-02T07:00:00Z' },
    ]);
    expect(graphs[0]).toMatchObject({ hoursStopped: 13.5, windows: 4 });
  });
});

describe('Function: computeSavings, prices', () => {
  const config = configWith(
    [
      { graph: 1, hourlyPrice: 2 },
      { graph: 2 },
      { graph: 3 },
      { graph: 4 },
      { graph: 5 },
      { graph: 6, hourlyPrice: 0 },
      { graph: 8, projectId: P2 },
    ],
    PRICING,
  );
  const ten = (graph: number, more: Partial<WindowSpec> = {}): WindowSpec => ({
    graph,
    stoppedAt: '2026-11-02T20:00:00Z',
    endedAt: '2026-11-03T06:00:00Z',
    ...more,
  });
  const { graphs, projects, totals, unpriced } = savingsOf(
    [
      ten(1, { sizeIndex: '4' }),
      ten(2, { sizeIndex: '4', replication: 2 }),
      ten(3, { sizeIndex: '1' }),
      ten(4, { sizeIndex: '2' }),
      ten(5),
      ten(6, { sizeIndex: '4' }),
      ten(7, { sizeIndex: '1' }),
      ten(8, { projectId: P2, sizeIndex: '1', replication: 3 }),
    ],
    { config },
  );
  const row = (graph: number) => graphs.find((g) => g.graphId === gid(graph));

  it.each([
    ["the entry's hourlyPrice wins over pricing", 1, { hourlyPrice: 2, saved: 20, priceSource: 'entry' }],
    [
      'pricing by size index × replication',
      2,
      { hourlyPrice: 24, saved: 240, priceSource: 'pricing', replication: 2 },
    ],
    [
      'replication unknown counts as one replica',
      3,
      { hourlyPrice: 1.25, saved: 12.5, priceSource: 'pricing' },
    ],
    [
      'hourlyPrice 0 (a yearly or monthly graph) saves nothing',
      6,
      { hourlyPrice: 0, saved: 0, priceSource: 'entry' },
    ],
    ['a graph no entry names (tag-selected) is priced by its size', 7, { graphName: undefined, saved: 12.5 }],
  ])('%s', (_name, graph, expected) => {
    expect(row(graph)).toMatchObject({ hoursStopped: 10, ...expected });
  });

  it.each([
    ['a size index pricing does not list', 4, /pricing\.hourly has no price for size index "2"/],
    ['no size index recorded', 5, /GES reported no size index/],
  ])('counts hours only for %s, and names the graph and why', (_name, graph, reason) => {
    expect(row(graph)).toMatchObject({ hoursStopped: 10 });
    expect(row(graph)).not.toHaveProperty('saved');
    expect(row(graph)).not.toHaveProperty('hourlyPrice');
    const entry = unpriced.find((u) => u.graphId === gid(graph));
    expect(entry).toMatchObject({ projectId: P1, graphName: `g${graph}`, hoursStopped: 10 });
    expect(entry?.reason).toMatch(reason);
  });

  it('totals per project and overall, keeping unpriced hours out of the money', () => {
    expect(unpriced.map((u) => u.graphId)).toEqual([gid(4), gid(5)]);
    expect(projects).toEqual([
      { projectId: P1, hoursStopped: 70, saved: 285, unpricedHours: 20 },
      { projectId: P2, hoursStopped: 10, saved: 37.5, unpricedHours: 0 },
    ]);
    expect(totals).toEqual({ hoursStopped: 80, saved: 322.5, unpricedHours: 20 });
  });

  it('prices each window by the size it recorded, and shows no single price that does not multiply out', () => {
    const resized = savingsOf(
      [
        ten(3, { sizeIndex: '1' }),
        ten(3, { sizeIndex: '4', stoppedAt: '2026-11-03T20:00:00Z', endedAt: '2026-11-04T06:00:00Z' }),
      ],
      { config },
    );
    expect(resized.graphs[0]).toMatchObject({
      hoursStopped: 20,
      saved: 132.5,
      mixedPrices: true,
      sizeIndex: '4',
    });
    expect(resized.graphs[0]).not.toHaveProperty('hourlyPrice');
  });

  it('counts only the windows without a known price as unpriced, and keeps the money of the others', () => {
    const mixed = savingsOf(
      [
        ten(3, { sizeIndex: '1' }),
        ten(3, { stoppedAt: '2026-11-03T20:00:00Z', endedAt: '2026-11-04T06:00:00Z' }),
      ],
      { config },
    );
    expect(mixed.graphs[0]).toMatchObject({ hoursStopped: 20, saved: 12.5, unpricedHours: 10 });
    expect(mixed.graphs[0]).not.toHaveProperty('hourlyPrice');
    expect(mixed.unpriced).toEqual([expect.objectContaining({ graphId: gid(3), hoursStopped: 10 })]);
    expect(mixed.totals).toEqual({ hoursStopped: 20, saved: 12.5, unpricedHours: 10 });
  });

  it('finds no price anywhere without pricing or hourlyPrice', () => {
    const bare = savingsOf([ten(2, { sizeIndex: '4' })], { config: configWith([{ graph: 2 }]) });
    expect(bare.unpriced[0]?.reason).toMatch(
      /its config entry has no hourlyPrice.*no price for size index "4"/,
    );
  });
});

describe('Function: computeSavings, entries named by name only', () => {
  const config = configOf({
    schedules: { office: OFFICE },
    projects: [
      {
        projectId: P1,
        region: 'cn-north-4',
        graphs: [
          { name: 'yearly-kg', schedule: 'office', hourlyPrice: 0 },
          { id: gid(2), name: 'by-id', schedule: 'office', hourlyPrice: 3 },
        ],
      },
      {
        projectId: P2,
        region: 'cn-north-4',
        graphs: [{ name: 'yearly-kg', schedule: 'office', hourlyPrice: 5 }],
      },
    ],
    pricing: PRICING,
  });
  const ten = (graph: number, graphName: string | undefined, projectId = P1) => ({
    ...windowOf({
      graph,
      projectId,
      stoppedAt: '2026-11-02T20:00:00Z',
      endedAt: '2026-11-03T06:00:00Z',
      sizeIndex: '4',
    }),
    graphName,
  });
  const savings = (windows: ReturnType<typeof ten>[]) =>
    computeSavings({ config, windows, from: FROM, to: TO, now: AFTER }).graphs.map((g) => ({
      projectId: g.projectId,
      graphName: g.graphName,
      hourlyPrice: g.hourlyPrice,
      saved: g.saved,
    }));

  it.each([
    [
      'matches the window by the name GES gave to the entry of its project',
      [ten(1, 'yearly-kg')],
      [{ projectId: P1, graphName: 'yearly-kg', hourlyPrice: 0, saved: 0 }],
    ],
    [
      'matches per project: the same name in another project is another entry',
      [ten(1, 'yearly-kg', P2)],
      [{ projectId: P2, graphName: 'yearly-kg', hourlyPrice: 5, saved: 50 }],
    ],
    [
      'keeps a window without a name (written before names were kept) priced by its size',
      [ten(1, undefined)],
      [{ projectId: P1, graphName: undefined, hourlyPrice: 12, saved: 120 }],
    ],
    [
      'lets the id win: an entry with an id is never matched by name',
      [ten(9, 'by-id')],
      [{ projectId: P1, graphName: 'by-id', hourlyPrice: 12, saved: 120 }],
    ],
  ])('%s', (_name, windows, expected) => {
    expect(savings(windows)).toEqual(expected);
  });
});

describe('Function: computeSavings, order', () => {
  it('lists graphs by project, then by name (else id), as an operator knows them', () => {
    const config = configOf({
      schedules: { office: OFFICE },
      projects: [
        { projectId: P2, region: 'cn-north-4', graphs: [{ id: gid(4), name: 'alpha', schedule: 'office' }] },
        {
          projectId: P1,
          region: 'cn-north-4',
          graphs: [
            { id: gid(1), name: 'zulu', schedule: 'office' },
            { id: gid(2), name: 'mike', schedule: 'office' },
          ],
        },
      ],
    });
    const at = { stoppedAt: '2026-11-02T20:00:00Z', endedAt: '2026-11-03T06:00:00Z' };
    const { graphs } = savingsOf(
      [
        { graph: 4, projectId: P2, ...at },
        { graph: 1, ...at },
        { graph: 3, ...at },
        { graph: 2, ...at },
      ],
      { config },
    );
    expect(graphs.map((g) => [g.projectId, g.graphName ?? g.graphId])).toEqual([
      [P1, gid(3)],
      [P1, 'mike'],
      [P1, 'zulu'],
      [P2, 'alpha'],
    ]);
  });
});

describe('Function: computeSavings, nothing to count', () => {
  it('reports zero totals and no graphs for no windows', () => {
    expect(savingsOf([])).toEqual({
      graphs: [],
      projects: [],
      totals: { hoursStopped: 0, saved: 0, unpricedHours: 0 },
      unpriced: [],
    });
  });
});
