/**
 * Graphs managed by their GES tag (`projects[].scheduleTag`), through the handler against the
 * sandbox: a v1.0 and a v2 project with the tag (v1.0 serves tags as Key/Value, v2 as key/value),
 * and a project without it whose graphs carry the same tag.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EventError, GraphsFailedError } from '../../lib/errors.js';
import type { GraphResult, PlanResult } from '../../lib/run/types.js';
import { DEFAULT_FIXTURE } from '../../sandbox/cli-args.js';
import { loadFixture } from '../../sandbox/fixture.js';
import { makeUuid, type SandboxGraph } from '../../sandbox/server.js';
import { type ConfigProject, startWorld, type World } from '../../sandbox/world.js';
import { MONDAY_NIGHT, PROJECT_V1, PROJECT_V2, SCHEDULES } from '../support/two-projects.js';

const SANDBOX_CONFIG = fileURLToPath(new URL('../../config/schedule.sandbox.yaml', import.meta.url));
/** No scheduleTag here: its tagged graph is never touched. */
const PROJECT_PLAIN = '00112233445566778899aabbccddeeff';
const TAG_PROJECTS = [
  { version: 'v1', projectId: PROJECT_V1, prefix: 'a' },
  { version: 'v2', projectId: PROJECT_V2, prefix: 'b' },
] as const;
type TagProject = (typeof TAG_PROJECTS)[number];

const scheduled = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };
const nights = (key = 'offhours') => [{ key, value: 'nights' }];

/** Graphs of a tag project; at MONDAY_NIGHT `nights` is in off-hours and `days` is not. */
const GRAPHS: readonly { name: string; tags?: { key: string; value: string }[] }[] = [
  { name: 'tagged-nights', tags: [{ key: 'team', value: 'data' }, ...nights()] },
  { name: 'tagged-days', tags: [{ key: 'offhours', value: 'days' }] },
  { name: 'opted-out', tags: [{ key: 'offhours', value: 'off' }] },
  { name: 'untagged' },
  { name: 'other-key', tags: nights('Offhours') }, // keys match exactly, case included
  { name: 'override', tags: nights() }, // its entry says `days`
  { name: 'twin', tags: nights() }, // two graphs are named twin; an entry names twin
  { name: 'twin' },
  { name: 'shared', tags: nights() }, // an entry names another graph called shared by its id
  { name: 'shared' },
];

const id = (p: { projectId: string }, name: string, i = 0) => makeUuid(p.projectId, name, i);
const name = (p: TagProject, base: string) => `${p.prefix}-${base}`;

function sandboxGraphs(): SandboxGraph[] {
  const tagProjects = TAG_PROJECTS.flatMap((p) =>
    GRAPHS.map((g, i) => ({
      projectId: p.projectId,
      id: id(p, g.name, i),
      name: name(p, g.name),
      status: '200',
      ...(g.tags ? { tags: g.tags } : {}),
    })),
  );
  return [
    ...tagProjects,
    {
      projectId: PROJECT_PLAIN,
      id: id({ projectId: PROJECT_PLAIN }, 'foreign'),
      name: 'foreign-tagged',
      status: '200',
      tags: nights(),
    },
    {
      projectId: PROJECT_PLAIN,
      id: id({ projectId: PROJECT_PLAIN }, 'entry'),
      name: 'plain-entry',
      status: '200',
    },
  ];
}

/** The second `shared` graph (index 9) is the one its entry names by id. */
const sharedById = (p: TagProject) => id(p, 'shared', 9);

function projects(): ConfigProject[] {
  return [
    ...TAG_PROJECTS.map((p) => ({
      projectId: p.projectId,
      apiVersion: p.version,
      scheduleTag: 'offhours',
      graphs: [
        { name: name(p, 'override'), schedule: 'days' },
        { name: name(p, 'twin'), schedule: 'days' },
        { id: sharedById(p), schedule: 'days' },
      ],
    })),
    { projectId: PROJECT_PLAIN, apiVersion: 'v2', graphs: [{ name: 'plain-entry', schedule: 'nights' }] },
  ];
}

let world: World;
beforeEach(async () => {
  world = await startWorld({ graphs: sandboxGraphs(), schedules: SCHEDULES, projects: projects() });
});
afterEach(() => world.close());

const results = (r: { summary?: { results: readonly (GraphResult | PlanResult)[] } | undefined }) =>
  (r.summary?.results ?? []) as GraphResult[];
const resultOf = (rs: GraphResult[], graphId: string) => rs.filter((r) => r.graphId === graphId);
const status = (projectId: string, graphId: string) => world.sandbox.graph(projectId, graphId)?.status;

describe.each(TAG_PROJECTS)('a scheduled run, $version project with scheduleTag', (p) => {
  it('stops a running graph whose tag names a schedule in off-hours, and says the tag selected it', async () => {
    const rs = results(await world.invoke(scheduled, { now: MONDAY_NIGHT }));
    expect(resultOf(rs, id(p, 'tagged-nights', 0))).toEqual([
      expect.objectContaining({
        projectId: p.projectId,
        graphName: name(p, 'tagged-nights'),
        outcome: 'stopped',
        jobStatus: 'success',
        selectedBy: 'tag',
      }),
    ]);
    expect(resultOf(rs, id(p, 'tagged-days', 1))).toEqual([
      expect.objectContaining({ outcome: 'skipped', reason: 'on-hours', selectedBy: 'tag' }),
    ]);
    expect(status(p.projectId, id(p, 'tagged-nights', 0))).toBe('900');
  });

  it.each([
    { what: 'opts out with offhours=off', graph: 'opted-out', i: 2 },
    { what: 'carries no tag', graph: 'untagged', i: 3 },
    { what: 'carries the key in another case (Offhours)', graph: 'other-key', i: 4 },
  ])('never touches a graph that $what: no result, no request, still running', async ({ graph, i }) => {
    const run = await world.invoke(scheduled, { now: MONDAY_NIGHT });
    const graphId = id(p, graph, i);
    expect(resultOf(results(run), graphId)).toEqual([]);
    expect(world.sandbox.count({ graphId })).toBe(0);
    expect(status(p.projectId, graphId)).toBe('200');
  });

  it("lets an entry win over the tag: the entry's schedule applies and the result says entry", async () => {
    const rs = results(await world.invoke(scheduled, { now: MONDAY_NIGHT }));
    expect(resultOf(rs, id(p, 'override', 5))).toEqual([
      expect.objectContaining({ outcome: 'skipped', reason: 'on-hours', selectedBy: 'entry' }),
    ]);
    expect(status(p.projectId, id(p, 'override', 5))).toBe('200');
  });

  it('leaves a tagged graph to an entry that names it, even when the name is ambiguous', async () => {
    const rs = results(await world.invoke(scheduled, { now: MONDAY_NIGHT }));
    const twins = rs.filter((r) => r.projectId === p.projectId && r.graphName === name(p, 'twin'));
    expect(twins).toEqual([
      expect.objectContaining({ outcome: 'failed', errorCode: 'AMBIGUOUS_NAME', selectedBy: 'entry' }),
    ]);
    expect(status(p.projectId, id(p, 'twin', 6))).toBe('200');
    expect(status(p.projectId, id(p, 'twin', 7))).toBe('200');
  });

  it('manages a tagged graph by its tag and another of the same name by its id entry', async () => {
    const rs = results(await world.invoke(scheduled, { now: MONDAY_NIGHT }));
    expect(resultOf(rs, id(p, 'shared', 8))).toEqual([
      expect.objectContaining({ graphName: name(p, 'shared'), outcome: 'stopped', selectedBy: 'tag' }),
    ]);
    expect(resultOf(rs, sharedById(p))).toEqual([
      expect.objectContaining({ graphName: name(p, 'shared'), outcome: 'skipped', selectedBy: 'entry' }),
    ]);
  });

  it('gives a tag value that names no schedule a failed result with a did-you-mean; the rest goes on', async () => {
    const typo = { projectId: p.projectId, id: id(p, 'typo'), name: name(p, 'typo'), status: '200' };
    world.sandbox.addGraph({ ...typo, tags: [{ key: 'offhours', value: 'nihgts' }] });
    world.sandbox.addGraph({
      ...typo,
      id: id(p, 'cased'),
      name: name(p, 'cased'),
      tags: [{ key: 'offhours', value: 'Nights' }],
    });
    const run = await world.invoke(scheduled, { now: MONDAY_NIGHT });
    expect(run.error).toBeInstanceOf(GraphsFailedError);
    const rs = results(run);
    for (const [graphId, value] of [
      [id(p, 'typo'), 'nihgts'],
      [id(p, 'cased'), 'Nights'],
    ] as const) {
      expect(resultOf(rs, graphId)).toEqual([
        expect.objectContaining({ outcome: 'failed', errorCode: 'UNKNOWN_SCHEDULE_TAG', selectedBy: 'tag' }),
      ]);
      const [failed] = resultOf(rs, graphId);
      expect(failed?.message).toContain(`offhours="${value}" names no schedule (did you mean "nights"?)`);
      expect(status(p.projectId, graphId)).toBe('200');
    }
    // Only these two and the ambiguous `twin` entries fail; the tag still stops the others.
    const failed = rs.filter((r) => r.outcome === 'failed').map((r) => r.graphName);
    expect(failed.sort()).toEqual(
      [name(p, 'typo'), name(p, 'cased'), ...TAG_PROJECTS.map((q) => name(q, 'twin'))].sort(),
    );
    for (const q of TAG_PROJECTS) expect(status(q.projectId, id(q, 'tagged-nights', 0))).toBe('900');
  });
});

describe('a scheduled run, a project without scheduleTag', () => {
  it('never touches its tagged graph, and stops its entry', async () => {
    const run = await world.invoke(scheduled, { now: MONDAY_NIGHT });
    const rs = results(run).filter((r) => r.projectId === PROJECT_PLAIN);
    expect(rs).toEqual([
      expect.objectContaining({ graphName: 'plain-entry', outcome: 'stopped', selectedBy: 'entry' }),
    ]);
    expect(status(PROJECT_PLAIN, id({ projectId: PROJECT_PLAIN }, 'foreign'))).toBe('200');
  });

  it('logs per tag project how many graphs its tag selected, opted out and left to entries', async () => {
    const { entries } = await world.invoke(scheduled, { now: MONDAY_NIGHT });
    const lines = entries.filter((e) => e.message === 'graphs selected by tag');
    expect(
      lines.map((e) => e.fields).sort((a, b) => String(a.projectId).localeCompare(String(b.projectId))),
    ).toEqual(
      [PROJECT_V1, PROJECT_V2].sort().map((projectId) => ({
        projectId,
        scheduleTag: 'offhours',
        selected: 3, // tagged-nights, tagged-days, the tagged `shared`
        optedOut: 1,
        unknownValue: 0,
        overridden: 2, // override, the tagged twin
      })),
    );
    expect(lines.every((e) => e.level === 'info')).toBe(true);
  });
});

describe.each(TAG_PROJECTS)('an ad-hoc stop or a dry run, $version project', (p) => {
  it('stops a tag-selected graph named by its GES name, and nothing else', async () => {
    const run = await world.invoke(
      { action: 'stop', graphs: [name(p, 'tagged-days')] },
      { now: MONDAY_NIGHT },
    );
    expect(run.error).toBeUndefined();
    expect(results(run)).toEqual([
      expect.objectContaining({ graphId: id(p, 'tagged-days', 1), outcome: 'stopped', selectedBy: 'tag' }),
    ]);
    expect(world.sandbox.count({ kind: 'stop' })).toBe(1);
  });

  it.each([
    { what: 'an opted-out graph', graph: 'opted-out' },
    { what: 'an untagged graph', graph: 'untagged' },
  ])('refuses $what: not managed, nothing stopped', async ({ graph }) => {
    const run = await world.invoke({ action: 'stop', graphs: [name(p, graph)] }, { now: MONDAY_NIGHT });
    expect(run.error).toBeInstanceOf(EventError);
    expect(String(run.error)).toContain(`unknown graph "${name(p, graph)}"`);
    expect(world.sandbox.count({ kind: 'stop' })).toBe(0);
  });

  it('refuses a name that a tag-selected graph and an entry share, nothing stopped', async () => {
    const run = await world.invoke({ action: 'stop', graphs: [name(p, 'shared')] }, { now: MONDAY_NIGHT });
    expect(run.error).toBeInstanceOf(EventError);
    expect(String(run.error)).toContain(`"${name(p, 'shared')}" (2 graphs in project ${p.projectId})`);
    expect(world.sandbox.count({ kind: 'stop' })).toBe(0);
  });

  it('shows tag-selected graphs in a dry run as would-stop, sending no stop', async () => {
    const run = await world.invoke({ action: 'reconcile', dryRun: true }, { now: MONDAY_NIGHT });
    const rs = results(run);
    expect(resultOf(rs, id(p, 'tagged-nights', 0))).toEqual([
      expect.objectContaining({ outcome: 'would-stop', selectedBy: 'tag' }),
    ]);
    expect(resultOf(rs, id(p, 'opted-out', 2))).toEqual([]);
    expect(world.sandbox.count({ kind: 'stop' })).toBe(0);
  });
});

describe('a plan', () => {
  it('reads the configuration only, and says that it cannot show tag-selected graphs', async () => {
    const run = await world.invoke({ action: 'plan' }, { now: MONDAY_NIGHT });
    expect(world.sandbox.requests).toEqual([]);
    expect(run.summary && 'note' in run.summary ? run.summary.note : undefined).toMatch(
      /^plan reads the configuration only: graphs that projects [0-9a-f, ]+ select by their scheduleTag are not shown; a dry run/,
    );
    expect(results(run).every((r) => r.selectedBy === undefined)).toBe(true);
  });
});

describe('an ad-hoc stop in a project without scheduleTag', () => {
  it('refuses its tagged graph: the tag means nothing there', async () => {
    const run = await world.invoke({ action: 'stop', graphs: ['foreign-tagged'] }, { now: MONDAY_NIGHT });
    expect(run.error).toBeInstanceOf(EventError);
    expect(world.sandbox.count({ kind: 'stop' })).toBe(0);
  });
});

describe('the demo: sandbox/fixtures/demo.yaml with config/schedule.sandbox.yaml', () => {
  /** 20:00 in Shanghai (nightly-shanghai is off), 07:00 in New York (nightly-new-york is on). */
  const SHANGHAI_NIGHT = new Date('2026-03-02T12:00:00Z');

  it('manages the tagged graphs of both projects and leaves the opted-out one alone', async () => {
    const raw = parse(readFileSync(SANDBOX_CONFIG, 'utf8')) as {
      schedules: Record<string, unknown>;
      projects: (ConfigProject & { endpoint?: string })[];
    };
    const fixture = await loadFixture(DEFAULT_FIXTURE);
    const demo = await startWorld({
      graphs: fixture.graphs,
      schedules: raw.schedules,
      projects: raw.projects.map(({ endpoint: _endpoint, ...p }) => p),
    });
    try {
      const run = await demo.invoke({ action: 'reconcile', dryRun: true }, { now: SHANGHAI_NIGHT });
      const byName = new Map(results(run).map((r) => [r.graphName, r]));
      expect(byName.get('nightly-etl')).toMatchObject({ outcome: 'would-stop', selectedBy: 'tag' });
      expect(byName.get('search-index')).toMatchObject({
        outcome: 'skipped',
        reason: 'on-hours',
        selectedBy: 'tag',
      });
      expect(byName.get('fraud-detection')).toMatchObject({ selectedBy: 'entry' });
      expect(byName.has('ml-scratch')).toBe(false);
      expect(byName.has('archived-2024')).toBe(false);
    } finally {
      await demo.close();
    }
  });
});

describe('a project that selects graphs only by tag and cannot be read', () => {
  const TAG_ONLY = 'abcdefabcdefabcdefabcdefabcdef01';
  let broken: World;
  beforeEach(async () => {
    broken = await startWorld({
      graphs: [
        { projectId: TAG_ONLY, id: makeUuid(TAG_ONLY, 'etl'), name: 'etl', status: '200', tags: nights() },
        {
          projectId: PROJECT_V2,
          id: makeUuid(PROJECT_V2, 'etl'),
          name: 'etl',
          status: '200',
          tags: nights(),
        },
      ],
      schedules: SCHEDULES,
      projects: [
        {
          projectId: TAG_ONLY,
          apiVersion: 'v2',
          scheduleTag: 'offhours',
          graphs: [],
          credentialsSecret: 'ges/missing',
        },
        { projectId: PROJECT_V2, apiVersion: 'v2', scheduleTag: 'offhours', graphs: [] },
      ],
    });
  });
  afterEach(() => broken.close());

  it('fails the run with one result for its unknown tagged graphs, so the alarm fires', async () => {
    const run = await broken.invoke(scheduled, { now: MONDAY_NIGHT });
    const failed = results(run).filter((r) => r.projectId === TAG_ONLY);
    expect(failed).toEqual([
      expect.objectContaining({ outcome: 'failed', selectedBy: 'tag', graphName: 'graphs tagged offhours' }),
    ]);
    expect(failed[0]?.message).toMatch(/^graphs selected by the offhours tag are unknown: project abcdef/);
    expect(run.error).toBeInstanceOf(GraphsFailedError);
    expect(results(run).find((r) => r.projectId === PROJECT_V2)).toMatchObject({ outcome: 'stopped' });
  });

  it('refuses an ad-hoc stop of a name that the unread project may also hold', async () => {
    const run = await broken.invoke({ action: 'stop', graphs: ['etl'] }, { now: MONDAY_NIGHT });
    expect(run.error).toBeInstanceOf(EventError);
    expect(String(run.error)).toContain(`project ${TAG_ONLY}, which could not be listed`);
    expect(broken.sandbox.count({ kind: 'stop' })).toBe(0);
  });
});
