import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventError, GraphsFailedError } from '../../lib/errors.js';
import type { GraphResult, PlanResult } from '../../lib/run/types.js';
import { startWorld, TEST_AK, TEST_SK, type World } from '../../sandbox/world.js';
import {
  CONFIGURED_PER_PROJECT,
  graphId,
  graphName,
  MONDAY_NIGHT,
  PROJECT_V1,
  PROJECT_V2,
  STOPPED_ROWS,
  twoProjectWorld,
} from '../support/two-projects.js';

const scheduled = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };
const PROJECTS = [PROJECT_V1, PROJECT_V2];
const expectedStops = PROJECTS.flatMap((p) => STOPPED_ROWS.map((i) => graphId(p, i))).sort();

let world: World;
beforeEach(async () => {
  world = await startWorld(twoProjectWorld());
});
afterEach(() => world.close());

function graphResults(results: readonly (GraphResult | PlanResult)[] | undefined): GraphResult[] {
  return (results ?? []) as GraphResult[];
}
function idsWith(results: GraphResult[], outcome: string): string[] {
  return results
    .filter((r) => r.outcome === outcome)
    .map((r) => r.graphId!)
    .sort();
}

describe('a scheduled run', () => {
  it('stops exactly the running graphs in off-hours, across a v1.0 and a v2 project', async () => {
    const { summary, error, entries } = await world.invoke(scheduled, { now: MONDAY_NIGHT });
    expect(error).toBeUndefined();
    const results = graphResults(summary?.results);
    expect(results).toHaveLength(2 * CONFIGURED_PER_PROJECT);
    expect(idsWith(results, 'stopped')).toEqual(expectedStops);
    for (const id of expectedStops) {
      const r = results.find((x) => x.graphId === id)!;
      expect(r.jobId).toMatch(/^[0-9a-f]+$/);
      expect(r.jobStatus).toBe('success');
    }
    expect(world.sandbox.count({ kind: 'stop' })).toBe(expectedStops.length);
    // Listing paginated (13 graphs per project at 10 a page), and stops confirmed by listing again
    // (whole listings, two pages each), never by reading a job.
    for (const projectId of PROJECTS) {
      const pages = world.sandbox.requests.filter((r) => r.kind === 'list' && r.projectId === projectId);
      expect(pages.map((r) => r.query.offset)).toEqual(pages.map((_, i) => (i % 2 === 0 ? '0' : '10')));
      expect(pages.length).toBeGreaterThanOrEqual(4);
    }
    expect(world.sandbox.count({ kind: 'job' })).toBe(0);
    // Both API generations were used.
    expect(new Set(world.sandbox.requests.map((r) => r.apiVersion))).toEqual(new Set(['v1', 'v2']));
    // Nothing the config does not name was touched, and the sandbox agrees with every outcome.
    for (const projectId of PROJECTS) {
      expect(world.sandbox.graph(projectId, graphId(projectId, 12))?.status).toBe('200');
      expect(world.sandbox.graph(projectId, graphId(projectId, 13))?.status).toBe('200');
      for (const i of STOPPED_ROWS)
        expect(world.sandbox.graph(projectId, graphId(projectId, i))?.status).toBe('900');
    }
    expect(summary?.graphsInOffHours).toBe(2 * 11); // every configured graph on `nights`
    expect(summary?.counts).toEqual({
      stopped: 10,
      alreadyStopped: 4,
      skipped: 12,
      failed: 0,
      wouldStop: 0,
      started: 0,
      alreadyRunning: 0,
      wouldStart: 0,
    });
    // One log line per stopped graph, with its job id.
    const stoppedLines = entries.filter((e) => e.message === 'graph stopped');
    expect(stoppedLines.map((e) => (e.fields.graph as GraphResult).jobId).sort()).toEqual(
      results
        .filter((r) => r.outcome === 'stopped')
        .map((r) => r.jobId)
        .sort(),
    );
  });

  it.each([
    { i: 3, outcome: 'skipped', reason: 'busy' },
    { i: 4, outcome: 'already-stopped', reason: undefined },
    { i: 5, outcome: 'already-stopped', reason: undefined },
    { i: 6, outcome: 'skipped', reason: 'not-stoppable' },
    { i: 8, outcome: 'skipped', reason: 'busy' },
    { i: 9, outcome: 'skipped', reason: 'skip-until' },
    { i: 10, outcome: 'skipped', reason: 'on-hours' },
    { i: 11, outcome: 'skipped', reason: 'on-hours' },
  ])('reports row $i as $outcome ($reason) in both projects', async ({ i, outcome, reason }) => {
    const { summary } = await world.invoke(scheduled, { now: MONDAY_NIGHT });
    for (const projectId of PROJECTS) {
      const r = graphResults(summary?.results).find((x) => x.graphId === graphId(projectId, i));
      expect(r).toMatchObject({ outcome, graphName: graphName(projectId, i), ...(reason ? { reason } : {}) });
    }
  });

  it('sends no stop on a second run: everything is already stopped', async () => {
    await world.invoke(scheduled, { now: MONDAY_NIGHT });
    const stops = world.sandbox.count({ kind: 'stop' });
    const { summary } = await world.invoke(scheduled, { now: MONDAY_NIGHT });
    expect(world.sandbox.count({ kind: 'stop' })).toBe(stops);
    expect(summary?.counts.stopped).toBe(0);
    expect(summary?.counts.alreadyStopped).toBe(4 + expectedStops.length);
  });

  it('stops a graph again when someone started it by hand inside its off-hours (level-triggered)', async () => {
    await world.invoke(scheduled, { now: MONDAY_NIGHT });
    world.sandbox.updateGraph(PROJECT_V1, graphId(PROJECT_V1, 0), { status: '200' });
    const { summary } = await world.invoke(scheduled, { now: MONDAY_NIGHT });
    expect(idsWith(graphResults(summary?.results), 'stopped')).toEqual([graphId(PROJECT_V1, 0)]);
  });
});

describe('an ad-hoc stop', () => {
  it.each([
    {
      name: 'by name, ignoring the on-hours schedule',
      graphs: [graphName(PROJECT_V1, 10)],
      stopped: [graphId(PROJECT_V1, 10)],
    },
    { name: 'by id', graphs: [graphId(PROJECT_V2, 0)], stopped: [graphId(PROJECT_V2, 0)] },
    {
      name: 'by the name GES lists for a graph configured by id',
      graphs: [graphName(PROJECT_V2, 2)],
      stopped: [graphId(PROJECT_V2, 2)],
    },
    {
      name: 'of a graph protected by skipUntil, named explicitly',
      graphs: [graphName(PROJECT_V1, 9)],
      stopped: [graphId(PROJECT_V1, 9)],
    },
  ])('stops $name', async ({ graphs, stopped }) => {
    const { summary, error } = await world.invoke({ action: 'stop', graphs }, { now: MONDAY_NIGHT });
    expect(error).toBeUndefined();
    expect(idsWith(graphResults(summary?.results), 'stopped')).toEqual(stopped);
    expect(summary?.results).toHaveLength(stopped.length);
  });

  it('stops every running configured graph with "all", but still respects skipUntil and state', async () => {
    const { summary } = await world.invoke({ action: 'stop', graphs: 'all' }, { now: MONDAY_NIGHT });
    const results = graphResults(summary?.results);
    const expected = PROJECTS.flatMap((p) => [...STOPPED_ROWS, 10, 11].map((i) => graphId(p, i))).sort();
    expect(idsWith(results, 'stopped')).toEqual(expected);
    expect(results.filter((r) => r.reason === 'skip-until')).toHaveLength(2);
  });

  it('needs a projectId for a name used in several projects, and stops only there with it', async () => {
    const ambiguous = await world.invoke({ action: 'stop', graphs: ['shared-name'] }, { now: MONDAY_NIGHT });
    expect(ambiguous.error).toBeInstanceOf(EventError);
    expect(String(ambiguous.error)).toContain('add "projectId"');
    expect(world.sandbox.count({ kind: 'stop' })).toBe(0);

    const { summary } = await world.invoke(
      { action: 'stop', graphs: ['shared-name'], projectId: PROJECT_V2 },
      { now: MONDAY_NIGHT },
    );
    expect(idsWith(graphResults(summary?.results), 'stopped')).toEqual([graphId(PROJECT_V2, 11)]);
  });

  it('refuses an unknown graph and stops nothing, not even the known ones named with it', async () => {
    const { summary, error } = await world.invoke(
      { action: 'stop', graphs: [graphName(PROJECT_V1, 0), 'no-such-graph'] },
      { now: MONDAY_NIGHT },
    );
    expect(summary).toBeUndefined();
    expect(error).toBeInstanceOf(EventError);
    expect(String(error)).toContain('unknown graph "no-such-graph"');
    expect(world.sandbox.count({ kind: 'stop' })).toBe(0);
  });

  it('refuses a projectId that is not configured before any request', async () => {
    const { error } = await world.invoke({ action: 'stop', graphs: 'all', projectId: 'a'.repeat(32) });
    expect(String(error)).toContain('is not in the config');
    expect(world.sandbox.requests).toHaveLength(0);
  });
});

describe('dry run and plan', () => {
  it('a dry run reads states, reports would-stop and changes nothing', async () => {
    const { summary, error } = await world.invoke({ dryRun: true }, { now: MONDAY_NIGHT });
    expect(error).toBeUndefined();
    expect(idsWith(graphResults(summary?.results), 'would-stop')).toEqual(expectedStops);
    expect(summary).toMatchObject({ dryRun: true, counts: { wouldStop: expectedStops.length, stopped: 0 } });
    expect(world.sandbox.count({ kind: 'stop' })).toBe(0);
    expect(world.sandbox.requests.every((r) => r.method === 'GET')).toBe(true);
  });

  it('a plan makes no request at all and gives each graph its window', async () => {
    const { summary } = await world.invoke(
      { action: 'plan', at: '2026-03-02T21:00:00Z' },
      { envCredentials: undefined },
    );
    expect(world.sandbox.requests).toHaveLength(0);
    expect(world.secretReads).toHaveLength(0);
    const plan = summary?.results as PlanResult[];
    expect(plan).toHaveLength(2 * CONFIGURED_PER_PROJECT);
    expect(plan.find((r) => r.graphId === graphId(PROJECT_V1, 0))).toMatchObject({
      schedule: 'nights',
      offHours: true,
      prevStop: '2026-03-02T19:00:00.000Z',
      prevStart: '2026-03-02T06:00:00.000Z',
      nextStart: '2026-03-03T06:00:00.000Z',
      nextStop: '2026-03-03T19:00:00.000Z',
    });
    expect(plan.find((r) => r.graphId === graphId(PROJECT_V1, 10))).toMatchObject({
      schedule: 'days',
      offHours: false,
    });
    expect(summary?.at).toBe('2026-03-02T21:00:00.000Z');
  });
});

describe('failures', () => {
  it('one graph whose job fails and one whose stop keeps failing do not stop the others', async () => {
    world.sandbox.updateGraph(PROJECT_V1, graphId(PROJECT_V1, 0), {
      stopJob: 'failed',
      failReason: 'disk busy',
    });
    world.sandbox.setFaults([
      {
        kinds: ['stop'],
        graphIds: [graphId(PROJECT_V2, 1)],
        effect: { type: 'status', status: 503, gesCode: 'APIG.0201' },
      },
    ]);
    const { summary, error } = await world.invoke(scheduled, { now: MONDAY_NIGHT });
    const results = graphResults(summary?.results);
    expect(results.find((r) => r.graphId === graphId(PROJECT_V1, 0))).toMatchObject({
      outcome: 'failed',
      jobStatus: 'failed',
      errorCode: 'JOB_FAILED',
      message: 'disk busy',
    });
    expect(results.find((r) => r.graphId === graphId(PROJECT_V2, 1))).toMatchObject({
      outcome: 'failed',
      errorCode: 'APIG.0201',
    });
    // A 503 may come after GES acted: each time the graph was looked at, still running, before
    // the stop was sent again, three sends in all.
    expect(world.sandbox.count({ kind: 'stop', graphId: graphId(PROJECT_V2, 1) })).toBe(3);
    expect(idsWith(results, 'stopped')).toHaveLength(expectedStops.length - 2);
    expect(error).toBeInstanceOf(GraphsFailedError);
    expect(String(error)).toContain('2 of 26 graphs failed');
  });

  it('a graph configured twice (by id and by name) is refused, not stopped twice', async () => {
    const base = twoProjectWorld();
    const [v1, v2] = base.projects;
    const twice = await startWorld({
      ...base,
      projects: [
        { ...v1!, graphs: [...v1!.graphs, { name: graphName(PROJECT_V1, 0), schedule: 'days' }] },
        v2!,
      ],
    });
    try {
      const { summary } = await twice.invoke(scheduled, { now: MONDAY_NIGHT });
      const results = graphResults(summary?.results).filter((r) => r.graphId === graphId(PROJECT_V1, 0));
      expect(results.map((r) => [r.outcome, r.errorCode])).toEqual([
        ['failed', 'DUPLICATE_GRAPH'],
        ['failed', 'DUPLICATE_GRAPH'],
      ]);
      expect(twice.sandbox.count({ kind: 'stop', graphId: graphId(PROJECT_V1, 0) })).toBe(0);
    } finally {
      await twice.close();
    }
  });

  it('credentials refused for one project fail only that project, with the gateway code', async () => {
    const wrong = await startWorld(
      twoProjectWorld({
        accounts: [
          { ak: TEST_AK, sk: TEST_SK, projectIds: [PROJECT_V2] },
          { ak: 'OTHERAK', sk: 'other-sk', projectIds: [PROJECT_V1] },
        ],
      }),
    );
    try {
      const { summary } = await wrong.invoke(scheduled, { now: MONDAY_NIGHT });
      const results = graphResults(summary?.results);
      const v1 = results.filter((r) => r.projectId === PROJECT_V1);
      expect(v1.every((r) => r.outcome === 'failed')).toBe(true);
      expect(new Set(v1.map((r) => r.errorCode)).size).toBe(1);
      expect(idsWith(results, 'stopped')).toEqual(STOPPED_ROWS.map((i) => graphId(PROJECT_V2, i)).sort());
    } finally {
      await wrong.close();
    }
  });

  it('a missing secret fails the projects that use it with a clear error', async () => {
    const { summary } = await world.invoke(scheduled, { now: MONDAY_NIGHT, defaultSecret: 'ges/missing' });
    const results = graphResults(summary?.results);
    expect(results.every((r) => r.outcome === 'failed' && r.errorCode === 'CREDENTIALS')).toBe(true);
    expect(results[0]?.message).toContain('secret ges/missing: secret not found');
    expect(world.secretReads).toEqual(['ges/missing']);
    expect(world.sandbox.requests).toHaveLength(0);
  });

  it('a config that does not validate stops the run before any request', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(world.configPath, '{"schedules": {}, "projects": [{"projectId": "nope"}]}');
    const { summary, error } = await world.invoke(scheduled, { now: MONDAY_NIGHT });
    expect(summary).toBeUndefined();
    expect(String(error)).toContain(world.configPath);
    expect(String(error)).toContain('projects[0]');
    expect(world.sandbox.requests).toHaveLength(0);
  });
});

describe('secrets stay secret', () => {
  it('no log line of any run carries the access key or the secret key', async () => {
    world.sandbox.setFaults([
      { kinds: ['list'], rate: 0.5, firstAttemptOnly: true, effect: { type: 'status', status: 503 } },
    ]);
    const runs = [
      await world.invoke(scheduled, { now: MONDAY_NIGHT }),
      await world.invoke({ action: 'stop', graphs: 'all', dryRun: true }),
      await world.invoke(scheduled, { envCredentials: { ak: TEST_AK, sk: 'wrong-sk' } }),
    ];
    const text = JSON.stringify(runs.map((r) => [r.entries, r.summary, String(r.error)]));
    expect(text).not.toContain(TEST_SK);
    expect(text).not.toContain('wrong-sk');
    expect(text).not.toContain(TEST_AK);
    expect(text).toContain('APIG.0301');
  });
});
