/** A run that is slowed down, or hit by a bug in one project, still does only what it should. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../lib/clock.js';
import type { GraphResult } from '../../lib/run/types.js';
import { makeUuid } from '../../sandbox/server.js';
import { startWorld, type World } from '../../sandbox/world.js';
import {
  graphId,
  MONDAY_NIGHT,
  PROJECT_V1,
  PROJECT_V2,
  SCHEDULES,
  STOPPED_ROWS,
  twoProjectWorld,
} from '../support/two-projects.js';

const scheduled = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };
/** Tuesday 2026-03-03 07:00 in Berlin: the `nights` schedule's off-hours end. */
const NIGHTS_END = new Date('2026-03-03T06:00:00Z');

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const results = (r: { summary?: { results: readonly unknown[] } | undefined }) =>
  (r.summary?.results ?? []) as GraphResult[];

describe('a scheduled run slowed down past the end of the off-hours', () => {
  it('sends no stop once the off-hours ended while it was listing', async () => {
    // Two pages a project at 250 ms each: the listing ends about 200 ms into the on-hours.
    world = await startWorld(
      twoProjectWorld({
        sandbox: { maxPageSize: 10, faults: [{ kinds: ['list'], effect: { type: 'latency', ms: 250 } }] },
      }),
    );
    const run = await world.invoke(scheduled, { now: new Date(NIGHTS_END.getTime() - 300) });
    expect(world.sandbox.count({ kind: 'stop' })).toBe(0);
    const wereDue = results(run).filter((r) =>
      [PROJECT_V1, PROJECT_V2].some((p) => STOPPED_ROWS.some((i) => graphId(p, i) === r.graphId)),
    );
    expect(wereDue).toHaveLength(2 * STOPPED_ROWS.length);
    for (const r of wereDue) {
      expect(r).toMatchObject({ outcome: 'skipped', reason: 'on-hours' });
      expect(r.message).toMatch(
        /^off-hours of schedule "nights" ended \(at 2026-03-03T06:00:00\.\d{3}Z\) before the stop could be sent$/,
      );
    }
    expect(run.error).toBeUndefined();
  });

  it('still stops when the listing ends before the off-hours do', async () => {
    world = await startWorld(twoProjectWorld());
    const run = await world.invoke(scheduled, { now: new Date(NIGHTS_END.getTime() - 60_000) });
    expect(world.sandbox.count({ kind: 'stop' })).toBe(2 * STOPPED_ROWS.length);
    expect(run.error).toBeUndefined();
  });
});

describe('isolation between projects', () => {
  it('turns a bug in one project into failed results for that project only; the other completes', async () => {
    world = await startWorld(twoProjectWorld());
    let sleeps = 0;
    // The first project to wait before confirming its stops meets a bug; the other waits normally.
    const clock: Clock = {
      now: () => Date.now(),
      sleep: async (ms) => {
        if (sleeps++ === 0) throw new TypeError('a bug while confirming');
        await new Promise((resolve) => setTimeout(resolve, ms));
      },
    };
    const run = await world.invoke(scheduled, { now: MONDAY_NIGHT, clock });
    const failed = results(run).filter((r) => r.outcome === 'failed');
    const broken = failed[0]!.projectId;
    const healthy = broken === PROJECT_V1 ? PROJECT_V2 : PROJECT_V1;
    // The stops that went out are failed (nothing confirmed them) but keep their job ids.
    expect(failed).toHaveLength(STOPPED_ROWS.length);
    for (const r of failed) {
      expect(r).toMatchObject({ projectId: broken, errorCode: 'INTERNAL', jobId: expect.any(String) });
      expect(r.message).toBe(
        'the job was accepted but could not be confirmed: unexpected error: a bug while confirming',
      );
    }
    const others = results(run).filter((r) => r.projectId === healthy);
    expect(others.filter((r) => r.outcome === 'stopped')).toHaveLength(STOPPED_ROWS.length);
    expect(others.filter((r) => r.outcome === 'stopped').every((r) => r.jobStatus === 'success')).toBe(true);
  });
});

describe('a listing that changes while it is paged, and graphs read directly', () => {
  const P = 'fedcba9876543210fedcba9876543210';
  const g = (i: number) => ({
    projectId: P,
    id: makeUuid(P, i),
    name: `g-${String(i).padStart(2, '0')}`,
    status: '200',
  });

  it('finds a graph by name that a delete and a create between two pages hid', async () => {
    const graphs = Array.from({ length: 15 }, (_, i) => g(i));
    world = await startWorld({
      graphs,
      schedules: SCHEDULES,
      projects: [
        { projectId: P, apiVersion: 'v2', graphs: graphs.map((x) => ({ name: x.name, schedule: 'nights' })) },
      ],
      sandbox: {
        maxPageSize: 10,
        // After page 1, g-00 is deleted and a graph created at the end: the count stays 15, and
        // page 2 (offset 10) starts at g-11, so g-10 is on neither page.
        listMutations: [{ projectId: P, afterPages: 1, remove: [g(0).id], add: [g(99)] }],
      },
    });
    const run = await world.invoke(scheduled, { now: MONDAY_NIGHT });
    const byName = (name: string) => results(run).find((r) => r.graphName === name);
    expect(byName('g-10')).toMatchObject({ outcome: 'stopped' });
    expect(byName('g-00')).toMatchObject({ outcome: 'failed', errorCode: 'GES.7000' }); // really deleted
    expect(world.sandbox.count({ kind: 'stop' })).toBe(14);
  });

  it('fails only the graph whose direct read failed, not its project', async () => {
    const graphs = [g(0), g(1)];
    world = await startWorld({
      graphs,
      schedules: SCHEDULES,
      projects: [
        {
          projectId: P,
          apiVersion: 'v2',
          graphs: [
            ...graphs.map((x) => ({ id: x.id, schedule: 'nights' })),
            { id: makeUuid(P, 7), schedule: 'nights' },
          ],
        },
      ],
      sandbox: { faults: [{ kinds: ['get'], effect: { type: 'status', status: 500, gesCode: 'GES.7006' } }] },
    });
    const run = await world.invoke(scheduled, { now: MONDAY_NIGHT });
    const byId = (i: number) => results(run).find((r) => r.graphId === makeUuid(P, i));
    expect(byId(7)).toMatchObject({ outcome: 'failed', errorCode: 'GES.7006' });
    expect(byId(7)?.message).toMatch(/^graph [0-9a-f-]+ is not listed and could not be read: /);
    expect(byId(0)).toMatchObject({ outcome: 'stopped' });
    expect(byId(1)).toMatchObject({ outcome: 'stopped' });
  });

  it('calls a configured id missing only once GES says so when read directly', async () => {
    world = await startWorld({
      graphs: [g(0)],
      schedules: SCHEDULES,
      projects: [
        {
          projectId: P,
          apiVersion: 'v2',
          graphs: [
            { id: g(0).id, schedule: 'nights' },
            { id: makeUuid(P, 7), schedule: 'nights' },
          ],
        },
      ],
    });
    const run = await world.invoke(scheduled, { now: MONDAY_NIGHT });
    expect(results(run).find((r) => r.graphId === makeUuid(P, 7))).toMatchObject({
      outcome: 'failed',
      errorCode: 'GES.7000',
    });
    expect(world.sandbox.count({ kind: 'get' })).toBe(1);
  });
});

describe('the time the platform gives', () => {
  it('accepts a fractional remaining time', async () => {
    world = await startWorld(twoProjectWorld());
    const run = await world.invoke(scheduled, { now: MONDAY_NIGHT, remainingMs: 20_000.25 });
    expect(run.error).toBeUndefined();
    expect(run.summary?.counts.stopped).toBe(2 * STOPPED_ROWS.length);
  });
});
