/** A run that is slowed down, or hit by a bug in one project, still does only what it should. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../lib/clock.js';
import type { GraphResult } from '../../lib/run/types.js';
import { startWorld, type World } from '../../sandbox/world.js';
import {
  graphId,
  MONDAY_NIGHT,
  PROJECT_V1,
  PROJECT_V2,
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

describe('the time the platform gives', () => {
  it('accepts a fractional remaining time', async () => {
    world = await startWorld(twoProjectWorld());
    const run = await world.invoke(scheduled, { now: MONDAY_NIGHT, remainingMs: 20_000.25 });
    expect(run.error).toBeUndefined();
    expect(run.summary?.counts.stopped).toBe(2 * STOPPED_ROWS.length);
  });
});
