import { describe, expect, it } from 'vitest';
import { EventError } from '../../lib/errors.js';
import { type Graph, graphStateOf } from '../../lib/ges/types.js';
import { projectsInScope, resolveTargets, selectTargets, type Target } from '../../lib/run/targets.js';
import type { Config, GraphConfig, ProjectConfig } from '../../lib/schedule/types.js';

const P1 = '0123456789abcdef0123456789abcdef';
const P2 = 'fedcba9876543210fedcba9876543210';

function graph(id: string, name: string, status = '200'): Graph {
  return { id, name, status, state: graphStateOf(status), tags: [] };
}
function project(
  projectId: string,
  graphs: Omit<GraphConfig, 'path' | 'schedule' | 'startGraphs'>[],
): ProjectConfig {
  return {
    projectId,
    region: 'cn-north-4',
    endpoint: 'https://ges.cn-north-4.myhuaweicloud.com',
    apiVersion: 'v1',
    graphs: graphs.map((g, i) => ({
      ...g,
      schedule: 'nights',
      startGraphs: false,
      path: `projects[0].graphs[${i}]`,
    })),
  };
}
function targets(p: ProjectConfig): Target[] {
  return p.graphs.map((g) => ({ project: p, graph: g }));
}

const listing = [graph('id-a', 'alpha'), graph('id-b', 'beta'), graph('id-c', 'twin'), graph('id-d', 'twin')];

describe('resolveTargets: configured graphs against the listing', () => {
  it.each([
    { name: 'by id', config: { id: 'id-b' }, live: 'id-b', problem: undefined },
    { name: 'by name', config: { name: 'alpha' }, live: 'id-a', problem: undefined },
    {
      name: 'by id and matching name',
      config: { id: 'id-a', name: 'alpha' },
      live: 'id-a',
      problem: undefined,
    },
    { name: 'an id GES does not list', config: { id: 'id-x' }, live: undefined, problem: 'GES.7000' },
    { name: 'a name GES does not list', config: { name: 'gamma' }, live: undefined, problem: 'GES.7000' },
    { name: 'a name two graphs share', config: { name: 'twin' }, live: undefined, problem: 'AMBIGUOUS_NAME' },
    {
      name: 'an id whose GES name differs',
      config: { id: 'id-a', name: 'beta' },
      live: 'id-a',
      problem: 'ID_NAME_MISMATCH',
    },
  ])('resolves $name', ({ config, live, problem }) => {
    const [resolved] = resolveTargets(targets(project(P1, [config])), listing);
    expect(resolved?.live?.id).toBe(live);
    expect(resolved?.problem?.errorCode).toBe(problem);
  });

  it('refuses both entries when an id and a name point at the same graph', () => {
    const resolved = resolveTargets(
      targets(project(P1, [{ id: 'id-a' }, { name: 'alpha' }, { id: 'id-b' }])),
      listing,
    );
    expect(resolved.map((t) => t.problem?.errorCode)).toEqual([
      'DUPLICATE_GRAPH',
      'DUPLICATE_GRAPH',
      undefined,
    ]);
    expect(resolved[0]?.problem?.message).toBe(
      'graph id-a is configured 2 times (projects[0].graphs[0], projects[0].graphs[1]); keep one entry',
    );
  });

  it('says which graphs share an ambiguous name and how to fix it', () => {
    const [resolved] = resolveTargets(targets(project(P1, [{ name: 'twin' }])), listing);
    expect(resolved?.problem?.message).toBe(
      '2 graphs are named "twin" in this project (id-c, id-d); configure it by id',
    );
  });
});

describe('selectTargets: what an ad-hoc stop names', () => {
  const p1 = project(P1, [{ id: 'id-a' }, { name: 'beta' }, { name: 'shared' }]);
  const p2 = project(P2, [{ name: 'shared' }, { id: 'id-z' }]);
  const resolved = [
    ...resolveTargets(targets(p1), [...listing, graph('id-s1', 'shared')]),
    ...resolveTargets(targets(p2), [graph('id-s2', 'shared'), graph('id-z', 'zulu')]),
  ];
  const stop = (graphs: 'all' | string[], projectId?: string) =>
    ({ action: 'stop', dryRun: false, graphs, projectId }) as const;

  it.each([
    { name: 'a configured id', graphs: ['id-a'], expected: ['id-a'] },
    { name: 'a configured name', graphs: ['beta'], expected: ['id-b'] },
    { name: 'the GES name of a graph configured by id', graphs: ['alpha'], expected: ['id-a'] },
    { name: 'the GES name in another project', graphs: ['zulu'], expected: ['id-z'] },
    { name: 'several at once, in config order', graphs: ['zulu', 'alpha'], expected: ['id-a', 'id-z'] },
    { name: 'all', graphs: 'all' as const, expected: ['id-a', 'id-b', 'id-s1', 'id-s2', 'id-z'] },
  ])('selects $name', ({ graphs, expected }) => {
    expect(selectTargets(stop(graphs), resolved).map((t) => t.live?.id)).toEqual(expected);
  });

  it.each([
    {
      name: 'an unknown name',
      graphs: ['nope'],
      words: 'nothing was stopped: unknown graph "nope": not in the config',
    },
    { name: 'a graph GES has but the config does not', graphs: ['id-c'], words: 'unknown graph "id-c"' },
    {
      name: 'a name configured in two projects',
      graphs: ['shared'],
      words: `add "projectId" or use the id: "shared" (in projects ${P1}, ${P2})`,
    },
  ])('refuses $name', ({ graphs, words }) => {
    expect(() => selectTargets(stop(graphs), resolved)).toThrow(EventError);
    expect(() => selectTargets(stop(graphs), resolved)).toThrow(words);
  });

  it('refuses a GES name that two configured graphs of one project share', () => {
    const p = project(P1, [{ id: 'id-c' }, { id: 'id-d' }]);
    const twins = resolveTargets(targets(p), listing);
    expect(() => selectTargets(stop(['twin']), twins)).toThrow(`"twin" (2 graphs in project ${P1})`);
    expect(selectTargets(stop(['id-d']), twins).map((t) => t.live?.id)).toEqual(['id-d']);
  });

  it('refuses a name known only from GES while another project could not be listed', () => {
    const unlisted = targets(p2).map((t) => ({ ...t, live: undefined, unlisted: true }));
    const partial = [...resolveTargets(targets(p1), listing), ...unlisted];
    expect(() => selectTargets(stop(['alpha']), partial)).toThrow(
      `"alpha" may also name a graph in project ${P2}, which could not be listed`,
    );
    // The configured name and the id are unambiguous whatever GES holds.
    expect(selectTargets(stop(['beta', 'id-a']), partial).map((t) => t.graph.id ?? t.graph.name)).toEqual([
      'id-a',
      'beta',
    ]);
    expect(() => selectTargets(stop(['nope']), partial)).toThrow(
      `not in the config (project ${P2} could not be listed)`,
    );
  });

  it('scopes to one project with projectId, and refuses a project that is not configured', () => {
    const config = {
      schedules: {},
      projects: [p1, p2],
      settings: { concurrency: 8, requestTimeoutMs: 1000, verifyJobs: true },
      pricing: { currency: 'USD', hourly: new Map() },
    } as Config;
    expect(projectsInScope(config, stop(['shared'], P2.toUpperCase()))).toEqual([p2]);
    expect(projectsInScope(config, { action: 'reconcile', dryRun: false })).toEqual([p1, p2]);
    expect(() => projectsInScope(config, stop('all', 'a'.repeat(32)))).toThrow('is not in the config');
  });
});

describe('selectTargets: an unknown graph gets the closest known name', () => {
  const ID = '11111111-2222-3333-4444-555555555555';
  const p = project(P1, [{ name: 'fraud-detection' }, { name: 'recommendations' }, { id: ID }]);
  const live = [
    graph('id-f', 'fraud-detection'),
    graph('id-r', 'recommendations'),
    graph(ID, 'supply-chain'),
    graph('id-x', 'not-configured'),
  ];
  const resolved = resolveTargets(targets(p), live);
  const stop = (graphs: string[]) => ({ action: 'stop', dryRun: false, graphs }) as const;

  it.each([
    {
      name: 'a configured name with two letters swapped',
      selector: 'fraud-detectoin',
      guess: 'fraud-detection',
    },
    { name: 'a configured name in other case', selector: 'Recommendations', guess: 'recommendations' },
    { name: 'a name only GES lists, misspelt', selector: 'supply-chian', guess: 'supply-chain' },
    { name: 'a configured id with one digit wrong', selector: ID.replace(/5$/, '6'), guess: ID },
  ])('suggests for $name', ({ selector, guess }) => {
    expect(() => selectTargets(stop([selector]), resolved)).toThrow(
      `unknown graph "${selector}" (did you mean "${guess}"?): not in the config`,
    );
  });

  it.each([
    { name: 'a name close to nothing', selector: 'billing' },
    { name: 'a graph GES lists that the config does not name', selector: 'not-configurd' },
  ])('suggests nothing for $name', ({ selector }) => {
    expect(() => selectTargets(stop([selector]), resolved)).toThrow(
      `unknown graph "${selector}": not in the config`,
    );
  });

  it('suggests for each unknown graph and still stops nothing', () => {
    expect(() => selectTargets(stop(['fraud-detection', 'recomendations', 'nope']), resolved)).toThrow(
      'nothing was stopped: unknown graphs "recomendations" (did you mean "recommendations"?), "nope": not in the config',
    );
  });

  it('suggests the configured projectId closest to an unknown one', () => {
    const config = { schedules: {}, projects: [p], settings: {} } as unknown as Config;
    const typo = `${P1.slice(0, -1)}e`;
    expect(() => projectsInScope(config, { ...stop(['x']), projectId: typo })).toThrow(
      `projectId ${typo} is not in the config (did you mean "${P1}"?)`,
    );
  });
});
