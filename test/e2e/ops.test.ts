/**
 * The operator's second look, end to end through `invoke`, the GES sandbox and a real DynamoDB API
 * (dynalite): rehearsing tomorrow morning, and pausing scheduled runs without a deploy.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { GraphResult, Summary } from '../../lib/run/types.js';
import { makeUuid } from '../../sandbox/server.js';
import { startWorld, type World } from '../../sandbox/world.js';

const P = 'fedcba9876543210fedcba9876543210';
const id = (i: number) => makeUuid(P, i);
/** Berlin, off from 20:00 to 07:00, graphs started again in the morning. */
const SCHEDULES = {
  nights: { timezone: 'Europe/Berlin', stop: '0 20 * * *', start: '0 7 * * *', startGraphs: true },
};
const MONDAY_NIGHT = new Date('2026-03-02T21:00:00Z'); // 22:00 in Berlin
const MONDAY_LATER = new Date('2026-03-02T22:30:00Z');
const TUESDAY_MORNING = new Date('2026-03-03T06:05:00Z'); // 07:05 in Berlin
const TUESDAY_NIGHT = new Date('2026-03-03T21:00:00Z');

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** 0 and 1 running, 2 stopped by someone else. */
async function start(): Promise<World> {
  world = await startWorld({
    graphs: [0, 1, 2].map((i) => ({
      projectId: P,
      id: id(i),
      name: `g-${i}`,
      status: i === 2 ? '900' : '200',
    })),
    schedules: SCHEDULES,
    projects: [
      { projectId: P, apiVersion: 'v2', graphs: [0, 1, 2].map((i) => ({ id: id(i), schedule: 'nights' })) },
    ],
    ledger: true,
  });
  return world;
}

const scheduled = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };
const outcomes = (summary: Summary | undefined) =>
  Object.fromEntries(
    ((summary?.results ?? []) as GraphResult[]).map((r) => [r.graphName ?? r.graphId, r.outcome]),
  );
const reasons = (summary: Summary | undefined) =>
  ((summary?.results ?? []) as GraphResult[]).map((r) => r.reason);
const changes = (w: World) => w.sandbox.count({ kind: 'stop' }) + w.sandbox.count({ kind: 'start' });

async function allWindows(w: World) {
  const { windows, skipped } = await w.ledger!.windows(
    new Date('2026-01-01T00:00:00Z'),
    new Date('2027-01-01T00:00:00Z'),
  );
  return { windows, skipped };
}

describe('rehearse: what will tomorrow morning do?', () => {
  it('says, on Monday night, which graphs the morning run would start, and changes nothing', async () => {
    const w = await start();
    const night = await w.invoke(scheduled, { now: MONDAY_NIGHT });
    expect(outcomes(night.summary)).toMatchObject({ 'g-0': 'stopped', 'g-1': 'stopped' });
    const before = await allWindows(w);
    const sent = changes(w);

    const rehearsal = await w.invoke(
      { dryRun: true, at: TUESDAY_MORNING.toISOString() },
      { now: MONDAY_LATER },
    );
    expect(rehearsal.error).toBeUndefined();
    expect(rehearsal.summary?.at).toBe(TUESDAY_MORNING.toISOString());
    expect(rehearsal.summary?.dryRun).toBe(true);
    // Ours (open windows) would start; the one someone else stopped stays stopped.
    expect(outcomes(rehearsal.summary)).toEqual({
      'g-0': 'would-start',
      'g-1': 'would-start',
      'g-2': 'skipped',
    });
    expect(reasons(rehearsal.summary)).toContain('not-ours');
    expect(changes(w)).toBe(sent);
    expect(await allWindows(w)).toEqual(before);

    // The real morning does what the rehearsal said.
    const morning = await w.invoke(scheduled, { now: TUESDAY_MORNING });
    expect(outcomes(morning.summary)).toEqual({ 'g-0': 'started', 'g-1': 'started', 'g-2': 'skipped' });
  });

  it('reads the ledger as at a past instant: windows closed since then count as open then', async () => {
    const w = await start();
    await w.invoke(scheduled, { now: MONDAY_NIGHT });
    await w.invoke(scheduled, { now: TUESDAY_MORNING }); // started again: windows closed
    w.sandbox.updateGraph(P, id(0), { status: '900' }); // stopped by hand after that
    // As at Tuesday 07:05, just before our start closed its window, g-0's window was open: a start.
    const asThen = await w.invoke(
      { dryRun: true, at: TUESDAY_MORNING.toISOString() },
      { now: new Date(TUESDAY_MORNING.getTime() + 3_600_000) },
    );
    expect(outcomes(asThen.summary)['g-0']).toBe('would-start');
    // Now, the window is closed: someone else's stop, left alone.
    const now = await w.invoke({ dryRun: true }, { now: new Date(TUESDAY_MORNING.getTime() + 3_600_000) });
    expect(reasons(now.summary)[0]).toBe('not-ours');
  });

  it('refuses "at" on a real run, before any call', async () => {
    const w = await start();
    const refused = await w.invoke({ at: TUESDAY_MORNING.toISOString() }, { now: MONDAY_NIGHT });
    expect(String(refused.error)).toContain('"at" rehearses a dry run');
    expect(w.sandbox.count()).toBe(0);
  });
});

describe('pause and resume, without a deploy', () => {
  const pause = (until: Date) => ({ action: 'pause', until: until.toISOString(), reason: 'release night' });

  it('skips every graph of a scheduled run as paused, with no GES call, until the pause ends', async () => {
    const w = await start();
    const set = await w.invoke(pause(TUESDAY_MORNING), { now: new Date(MONDAY_NIGHT.getTime() - 60_000) });
    expect(set.error).toBeUndefined();
    expect(set.pause).toMatchObject({ action: 'pause', paused: { reason: 'release night' } });

    const night = await w.invoke(scheduled, { now: MONDAY_NIGHT });
    expect(night.error).toBeUndefined();
    // Nothing was listed: the configured entries (ids here) stand for the graphs.
    expect(outcomes(night.summary)).toEqual({ [id(0)]: 'skipped', [id(1)]: 'skipped', [id(2)]: 'skipped' });
    expect(new Set(reasons(night.summary))).toEqual(new Set(['paused']));
    expect(night.summary?.paused).toMatchObject({
      until: TUESDAY_MORNING.toISOString(),
      reason: 'release night',
    });
    expect(w.sandbox.count()).toBe(0);
    expect(night.entries.map((e) => e.message)).toContain('scheduled run skipped: paused');

    // The plan shows it; ad-hoc stops still work.
    const plan = await w.invoke({ action: 'plan' }, { now: MONDAY_NIGHT });
    expect(plan.summary?.paused?.reason).toBe('release night');
    const stop = await w.invoke({ action: 'stop', graphs: ['g-0'] }, { now: MONDAY_NIGHT });
    expect(outcomes(stop.summary)['g-0']).toBe('stopped');

    // A rehearsal past `until` sees no pause; the savings report sees no stray item.
    const after = await w.invoke({ dryRun: true, at: TUESDAY_NIGHT.toISOString() }, { now: MONDAY_NIGHT });
    expect(after.summary?.paused).toBeUndefined();
    expect(outcomes(after.summary)['g-1']).toBe('would-stop');
    expect((await allWindows(w)).skipped).toEqual([]);
    const report = await w.invoke({ action: 'report' }, { now: TUESDAY_NIGHT });
    expect(report.error).toBeUndefined();

    // The pause ends by itself.
    const next = await w.invoke(scheduled, { now: TUESDAY_NIGHT });
    expect(next.summary?.paused).toBeUndefined();
    expect(outcomes(next.summary)['g-1']).toBe('stopped');
  });

  it('resume lifts the pause at once', async () => {
    const w = await start();
    await w.invoke(pause(TUESDAY_NIGHT), { now: new Date(MONDAY_NIGHT.getTime() - 60_000) });
    const resumed = await w.invoke({ action: 'resume' }, { now: MONDAY_NIGHT });
    expect(resumed.pause).toMatchObject({ action: 'resume', previous: { reason: 'release night' } });
    expect(resumed.pause?.paused).toBeUndefined();
    const night = await w.invoke(scheduled, { now: MONDAY_NIGHT });
    expect(outcomes(night.summary)).toMatchObject({ 'g-0': 'stopped', 'g-1': 'stopped' });
    const again = await w.invoke({ action: 'resume' }, { now: MONDAY_NIGHT });
    expect(again.pause?.previous).toBeUndefined();
  });

  it('goes on when the pause cannot be read (stops never depend on the ledger), and fails loudly', async () => {
    const w = await start();
    const broken = {
      table: 'broken',
      read: () => Promise.reject(new Error('access denied')),
      set: () => Promise.reject(new Error('unused')),
      clear: () => Promise.reject(new Error('unused')),
    };
    const night = await w.invoke(scheduled, { now: MONDAY_NIGHT, pauses: broken });
    expect(outcomes(night.summary)).toMatchObject({ 'g-0': 'stopped', 'g-1': 'stopped' });
    expect(night.summary?.ledgerErrors?.[0]).toContain('the pause could not be read: access denied');
    expect(String(night.error)).toContain('the pause could not be read');
  });

  it('refuses pause and resume without a ledger table', async () => {
    world = await startWorld({
      graphs: [],
      schedules: SCHEDULES,
      projects: [{ projectId: P, graphs: [{ id: id(0), schedule: 'nights' }] }],
    });
    const refused = await world.invoke(pause(TUESDAY_NIGHT), { now: MONDAY_NIGHT });
    expect(String(refused.error)).toContain('LEDGER_TABLE is not set');
  });
});
