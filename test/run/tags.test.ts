import { describe, expect, it } from 'vitest';
import { type Graph, type GraphTag, graphStateOf } from '../../lib/ges/types.js';
import type { TagScope } from '../../lib/run/tags.js';
import { resolveProject, selectTargets } from '../../lib/run/targets.js';
import type { GraphConfig, ProjectConfig, Schedule } from '../../lib/schedule/types.js';

const P1 = '0123456789abcdef0123456789abcdef';
const P2 = 'fedcba9876543210fedcba9876543210';

function schedule(name: string, startGraphs = false): Schedule {
  return {
    name,
    timezone: 'Europe/Berlin',
    stop: '0 20 * * *',
    start: '0 7 * * *',
    holidays: [],
    startGraphs,
  };
}
/** A plain object, so that a lookup that is not own-property-only would find `toString`. */
const SCOPE: TagScope = {
  schedules: { nights: schedule('nights'), days: schedule('days', true) },
  where: 'projects[1]',
};

function graph(id: string, name: string, tags: Record<string, string> | GraphTag[] = []): Graph {
  const list = Array.isArray(tags) ? tags : Object.entries(tags).map(([key, value]) => ({ key, value }));
  return { id, name, status: '200', state: graphStateOf('200'), tags: list };
}
function project(
  entries: Omit<GraphConfig, 'path' | 'startGraphs'>[] = [],
  scheduleTag: string | null = 'offhours',
  projectId = P1,
): ProjectConfig {
  return {
    projectId,
    region: 'cn-north-4',
    endpoint: 'https://ges.cn-north-4.myhuaweicloud.com',
    apiVersion: 'v1',
    ...(scheduleTag === null ? {} : { scheduleTag }),
    graphs: entries.map((g, i) => ({ ...g, startGraphs: false, path: `projects[1].graphs[${i}]` })),
  };
}
const byTag = (listing: Graph[], p = project()) =>
  resolveProject(p, listing, SCOPE).targets.filter((t) => t.selectedBy === 'tag');

describe('resolveProject: what a tag selects', () => {
  it.each([
    { name: 'a schedule name', tags: { offhours: 'nights' }, schedule: 'nights' },
    { name: 'a schedule name among other tags', tags: { team: 'x', offhours: 'days' }, schedule: 'days' },
    {
      name: 'the same value twice',
      tags: [
        { key: 'offhours', value: 'nights' },
        { key: 'offhours', value: 'nights' },
      ],
      schedule: 'nights',
    },
  ])('manages a graph whose value is $name with that schedule', ({ tags, schedule: name }) => {
    const [target, ...rest] = byTag([graph('g-1', 'etl', tags)]);
    expect(rest).toEqual([]);
    expect(target).toMatchObject({ selectedBy: 'tag', live: { id: 'g-1' } });
    expect(target?.problem).toBeUndefined();
    expect(target?.graph).toEqual({
      id: 'g-1',
      name: 'etl',
      schedule: name,
      startGraphs: name === 'days',
      path: `projects[1] tag offhours=${name} on graph etl`,
    });
  });

  it.each([
    { name: 'opts out with off', tags: { offhours: 'off' } },
    { name: 'has no tags', tags: {} },
    { name: 'has the key in other case', tags: { Offhours: 'nights' } },
    { name: 'has the key with a space', tags: { 'offhours ': 'nights' } },
    { name: 'has only other keys', tags: { team: 'nights' } },
  ])('leaves alone a graph that $name', ({ tags }) => {
    expect(byTag([graph('g-1', 'etl', tags)])).toEqual([]);
  });

  it.each([
    { value: 'Nights', guess: 'nights' },
    { value: ' nights', guess: 'nights' },
    { value: 'nihgts', guess: 'nights' },
    { value: 'Off', guess: 'off' },
    { value: 'weekends', guess: undefined },
    { value: '', guess: undefined },
    { value: 'toString', guess: undefined },
    { value: '__proto__', guess: undefined },
    { value: 'constructor', guess: undefined },
  ])('fails a graph whose value "$value" names no schedule, suggesting $guess', ({ value, guess }) => {
    const [target] = byTag([graph('g-1', 'etl', { offhours: value })]);
    expect(target?.problem?.errorCode).toBe('UNKNOWN_SCHEDULE_TAG');
    const message = target?.problem?.message ?? '';
    expect(message).toContain(`tag offhours=${JSON.stringify(value)} names no schedule`);
    expect(message).toContain('("nights", "days", "off")');
    if (guess === undefined) expect(message).not.toContain('did you mean');
    else expect(message).toContain(`(did you mean "${guess}"?)`);
  });

  it.each([[['off', 'nights']], [['nights', 'off']], [['nights', 'days']], [['days', 'nights']]])(
    'fails a graph that carries the key twice with different values, in either order: %j',
    (values) => {
      const tags = values.map((value) => ({ key: 'offhours', value }));
      const [target] = byTag([graph('g-1', 'etl', tags)]);
      expect(target?.problem?.errorCode).toBe('CONFLICTING_SCHEDULE_TAG');
      expect(target?.problem?.message).toContain(`values ${values.map((v) => `"${v}"`).join(', ')}`);
    },
  );

  it('uses the key the project names, whatever it is', () => {
    const listing = [graph('g-1', 'etl', { 'cost:schedule': 'nights', offhours: 'days' })];
    expect(byTag(listing, project([], 'cost:schedule')).map((t) => t.graph.schedule)).toEqual(['nights']);
  });

  it('ignores tags in a project without scheduleTag', () => {
    const p = project([{ name: 'etl', schedule: 'days' }], null);
    const listing = [
      graph('g-1', 'etl', { offhours: 'nights' }),
      graph('g-2', 'other', { offhours: 'nights' }),
    ];
    const resolved = resolveProject(p, listing, SCOPE);
    expect(resolved.byTag).toBeUndefined();
    expect(resolved.targets.map((t) => [t.live?.id, t.selectedBy, t.graph.schedule])).toEqual([
      ['g-1', 'entry', 'days'],
    ]);
  });
});

describe('resolveProject: entries win over tags', () => {
  const listing = [
    graph('g-1', 'etl', { offhours: 'nights' }),
    graph('g-2', 'twin', { offhours: 'nights' }),
    graph('g-3', 'twin'),
    graph('g-4', 'solo', { offhours: 'nights' }),
  ];
  it.each([
    { name: 'an entry by name', entry: { name: 'etl' }, claimed: ['g-1'] },
    { name: 'an entry by id', entry: { id: 'g-1' }, claimed: ['g-1'] },
    { name: 'an entry by id whose name is wrong', entry: { id: 'g-1', name: 'elt' }, claimed: ['g-1'] },
    { name: 'an ambiguous entry by name', entry: { name: 'twin' }, claimed: ['g-2'] },
    { name: 'an entry by id of an untagged twin', entry: { id: 'g-3' }, claimed: [] },
  ])('leaves a tagged graph to $name, and only that one', ({ entry, claimed }) => {
    const resolved = resolveProject(project([{ ...entry, schedule: 'days' }]), listing, SCOPE);
    const tagged = resolved.targets.filter((t) => t.selectedBy === 'tag').map((t) => t.live?.id);
    expect(tagged).toEqual(['g-1', 'g-2', 'g-4'].filter((id) => !claimed.includes(id)));
    expect(resolved.byTag?.overridden).toBe(claimed.length);
    const entries = resolved.targets.filter((t) => t.selectedBy === 'entry');
    expect(entries.map((t) => t.graph.schedule)).toEqual(['days']);
  });

  it('counts what the tag did, and puts entries before tag-selected graphs', () => {
    const more = [
      ...listing,
      graph('g-5', 'quiet', { offhours: 'off' }),
      graph('g-6', 'typo', { offhours: 'nigths' }),
    ];
    const resolved = resolveProject(project([{ name: 'etl', schedule: 'days' }]), more, SCOPE);
    expect(resolved.byTag).toEqual({ selected: 2, optedOut: 1, unknownValue: 1, overridden: 1 });
    expect(resolved.targets.map((t) => [t.live?.id, t.selectedBy])).toEqual([
      ['g-1', 'entry'],
      ['g-2', 'tag'],
      ['g-4', 'tag'],
      ['g-6', 'tag'],
    ]);
  });
});

describe('selectTargets: ad-hoc stops of tag-selected graphs', () => {
  const p1 = project([{ name: 'etl', schedule: 'days' }]);
  const p2 = project([{ name: 'billing', schedule: 'days' }], 'offhours', P2);
  const resolved = [
    ...resolveProject(p1, [graph('g-1', 'etl'), graph('g-2', 'search', { offhours: 'nights' })], SCOPE)
      .targets,
    ...resolveProject(p2, [graph('g-9', 'billing')], SCOPE).targets,
  ];
  const stop = (graphs: 'all' | string[]) => ({ action: 'stop', dryRun: false, graphs }) as const;

  it.each([
    { name: 'by its GES name', graphs: ['search'], expected: ['g-2'] },
    { name: 'by its id', graphs: ['g-2'], expected: ['g-2'] },
    { name: 'with all', graphs: 'all' as const, expected: ['g-1', 'g-2', 'g-9'] },
  ])('selects it $name', ({ graphs, expected }) => {
    expect(selectTargets(stop(graphs), resolved).map((t) => t.live?.id)).toEqual(expected);
  });

  // Like any name or id known only from GES: the tag is not in the config file.
  it.each([['search'], ['g-2']])(
    'refuses %s while another project, which may hold it, could not be listed',
    (selector) => {
      const unlisted = resolved.map((t) =>
        t.project === p2 ? { ...t, live: undefined, unlisted: true } : t,
      );
      expect(() => selectTargets(stop([selector]), unlisted)).toThrow(
        `"${selector}" may also name a graph in project ${P2}, which could not be listed`,
      );
      expect(selectTargets(stop(['etl']), unlisted).map((t) => t.live?.id)).toEqual(['g-1']);
    },
  );
});
