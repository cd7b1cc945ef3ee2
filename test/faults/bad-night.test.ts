/**
 * A night and a morning under the answers a real cloud gives on a bad night, through `invoke`,
 * the GES sandbox and the ledger in a DynamoDB emulator. Each row is held to its end state: which
 * graphs run in the morning, how many stop (and start) jobs GES accepted, and the hours the
 * savings report counts. No row may leave a graph we stopped down, or count an hour not saved.
 */
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { SavingsReport } from '../../lib/report/types.js';
import type { GraphResult, Summary } from '../../lib/run/types.js';
import { type FaultRule, makeUuid, type SandboxGraph } from '../../sandbox/server.js';
import { startWorld, type World } from '../../sandbox/world.js';

const P = { v1: '0123456789abcdef0123456789abcdef', v2: 'fedcba9876543210fedcba9876543210' } as const;
type Version = keyof typeof P;
const VERSIONS: Version[] = ['v1', 'v2'];
const NIGHTS = { timezone: 'Europe/Berlin', stop: '0 20 * * *', start: '0 7 * * *', startGraphs: true };
const NIGHT = new Date('2026-03-02T21:00:00Z'); // 22:00 in Berlin
const LATER_NIGHT = new Date('2026-03-02T21:15:00Z');
const MORNING = new Date('2026-03-03T06:05:00Z'); // 07:05 in Berlin
const LATER_MORNING = new Date('2026-03-03T06:20:00Z');
/** The hours from NIGHT to MORNING, which a graph stopped all night saves. */
const NIGHT_HOURS = (MORNING.getTime() - NIGHT.getTime()) / 3_600_000;
const scheduled = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

interface Night {
  readonly w: World;
  readonly projectId: string;
  readonly id: (i: number) => string;
  /** Moves the sandbox's clock (its jobs and read lag) on. */
  readonly advance: (ms: number) => void;
  /** One scheduled run at `now`; `remainingMs` is the Lambda's time left (default 60 s). */
  run(now: Date, remainingMs?: number): Promise<Summary>;
  result(summary: Summary, i: number): GraphResult;
  jobs(i: number, type: 'StopGraph' | 'StartGraph'): number;
  hours(i: number): Promise<number>;
}

/** Two running graphs (g-0 under test, g-1 a bystander) of one project on schedule `nights`. */
async function night(
  version: Version,
  options: { graph?: Partial<SandboxGraph>; byName?: boolean; sandbox?: Record<string, unknown> } = {},
): Promise<Night> {
  const projectId = P[version];
  const id = (i: number) => makeUuid(projectId, i);
  let skew = 0;
  const graphs: SandboxGraph[] = [0, 1].map((i) => ({
    projectId,
    id: id(i),
    name: `g-${i}`,
    status: '200',
    ...(i === 0 ? options.graph : {}),
  }));
  world = await startWorld({
    graphs,
    schedules: { nights: NIGHTS },
    projects: [
      {
        projectId,
        apiVersion: version,
        graphs: [0, 1].map((i) =>
          i === 0 && options.byName
            ? { name: `g-${i}`, schedule: 'nights' }
            : { id: id(i), schedule: 'nights' },
        ),
      },
    ],
    ledger: true,
    sandbox: { clock: () => Date.now() + skew, ...options.sandbox },
  });
  const w = world;
  return {
    w,
    projectId,
    id,
    advance: (ms) => {
      skew += ms;
    },
    async run(now, remainingMs) {
      const { summary } = await w.invoke(scheduled, { now, ...(remainingMs ? { remainingMs } : {}) });
      expect(summary, 'the run gave no summary').toBeDefined();
      return summary!;
    },
    result: (summary, i) => (summary.results as GraphResult[]).find((r) => r.graphName === `g-${i}`)!,
    jobs: (i, type) =>
      w.sandbox.jobs(projectId).filter((j) => j.graphName === `g-${i}` && j.jobType === type).length,
    async hours(i) {
      const { report } = await w.invoke(
        { action: 'report', from: '2026-03-02T00:00:00Z', to: '2026-03-04T00:00:00Z' },
        { now: new Date('2026-03-04T00:00:00Z') },
      );
      const graph = (report as SavingsReport).graphs.find((g) => g.graphId === id(i));
      return graph?.hoursStopped ?? 0;
    },
  };
}

const stopFault = (n: Night, effect: FaultRule['effect'], extra: Partial<FaultRule> = {}): FaultRule => ({
  kinds: ['stop'],
  graphIds: [n.id(0)],
  times: 1,
  effect,
  ...extra,
});

/** The end state every row wants for g-1, the bystander: stopped at night, started in the morning. */
async function expectBystanderClean(n: Night): Promise<void> {
  expect(n.w.sandbox.graph(n.projectId, n.id(1))?.status).toBe('200');
  expect(n.jobs(1, 'StopGraph')).toBe(1);
  expect(await n.hours(1)).toBeCloseTo(NIGHT_HOURS, 1);
}

describe.each(VERSIONS)('a bad night and its morning (%s)', (version) => {
  it('1. a stop GES carried out but answered 503 is ours: confirmed, and started in the morning', async () => {
    const n = await night(version);
    n.w.sandbox.setFaults([stopFault(n, { type: 'acted-status', status: 503 })]);
    const evening = await n.run(NIGHT);
    expect(n.result(evening, 0)).toMatchObject({ outcome: 'stopped' });
    n.w.sandbox.setFaults([]);
    const morning = await n.run(MORNING);
    expect(n.result(morning, 0)).toMatchObject({ outcome: 'started', jobStatus: 'success' });
    expect(n.w.sandbox.graph(n.projectId, n.id(0))?.status).toBe('200');
    expect(n.jobs(0, 'StopGraph')).toBe(1);
    expect(await n.hours(0)).toBeCloseTo(NIGHT_HOURS, 1);
    await expectBystanderClean(n);
  });

  it('2. a lost answer whose graph could not be read that run: pending, confirmed by the next run, started', async () => {
    const n = await night(version);
    n.w.sandbox.setFaults([
      stopFault(n, { type: 'lose-answer' }),
      { kinds: ['get'], graphIds: [n.id(0)], effect: { type: 'status', status: 500, gesCode: 'GES.7005' } },
      { kinds: ['jobs'], effect: { type: 'status', status: 500, gesCode: 'GES.7005' } },
    ]);
    const first = await n.run(NIGHT);
    expect(n.result(first, 0)).toMatchObject({ outcome: 'failed', errorCode: 'OUTCOME_UNKNOWN' });
    n.w.sandbox.setFaults([]);
    const second = await n.run(LATER_NIGHT);
    expect(n.result(second, 0)).toMatchObject({ outcome: 'already-stopped' });
    const morning = await n.run(MORNING);
    expect(n.result(morning, 0)).toMatchObject({ outcome: 'started' });
    expect(n.w.sandbox.graph(n.projectId, n.id(0))?.status).toBe('200');
    expect(n.jobs(0, 'StopGraph')).toBe(1);
    // Counted from the run that saw it stopped: confirmed time only.
    const hours = await n.hours(0);
    expect(hours).toBeGreaterThan(NIGHT_HOURS - 0.3);
    expect(hours).toBeLessThan(NIGHT_HOURS - 0.2);
    await expectBystanderClean(n);
  });

  it('3. a morning start whose job fails after the run: started again by the next run', async () => {
    const n = await night(version, {
      graph: { startJob: 'failed' },
      sandbox: { startJobDurationMs: 60_000 },
    });
    await n.run(NIGHT);
    const morning = await n.run(MORNING, 1_500); // starts take minutes: the run ends first
    expect(n.result(morning, 0)).toMatchObject({ outcome: 'started', jobStatus: 'running' });
    n.advance(120_000); // the start job fails after the run ended: the graph falls back to 900
    expect(n.w.sandbox.graph(n.projectId, n.id(0))?.status).toBe('900');
    n.w.sandbox.updateGraph(n.projectId, n.id(0), { startJob: 'success' });
    const later = await n.run(LATER_MORNING, 1_500);
    expect(n.result(later, 0)).toMatchObject({ outcome: 'started' });
    n.advance(120_000);
    expect(n.w.sandbox.graph(n.projectId, n.id(0))?.status).toBe('200');
    expect(n.jobs(0, 'StartGraph')).toBe(2);
    expect(n.jobs(0, 'StopGraph')).toBe(1);
  });

  it('3b. a start that ran the graph after the run, stopped by hand since, is theirs: never started again', async () => {
    const n = await night(version, { sandbox: { startJobDurationMs: 60_000 } });
    await n.run(NIGHT);
    const morning = await n.run(MORNING, 1_500);
    expect(n.result(morning, 0)).toMatchObject({ outcome: 'started', jobStatus: 'running' });
    n.advance(120_000); // the start succeeds after the run; then its owner stops the graph by hand
    n.w.sandbox.updateGraph(n.projectId, n.id(0), { status: '900' });
    const later = await n.run(LATER_MORNING);
    expect(n.result(later, 0)).toMatchObject({ outcome: 'skipped', reason: 'not-ours' });
    expect(n.jobs(0, 'StartGraph')).toBe(1);
    const { windows } = await n.w.ledger!.windows(NIGHT, new Date('2026-03-04T00:00:00Z'));
    expect(windows.find((x) => x.graphId === n.id(0))).toMatchObject({ endedBy: 'start' });
  });

  it('3c. three failed starts in a row are failed (alarm), and no fourth is sent', async () => {
    const n = await night(version, { graph: { startJob: 'failed' } });
    await n.run(NIGHT);
    const runs = [0, 1, 2, 3].map((k) => new Date(MORNING.getTime() + k * 15 * 60_000));
    const outcomes: GraphResult[] = [];
    for (const at of runs) outcomes.push(n.result(await n.run(at), 0));
    expect(outcomes.slice(0, 3)).toEqual(
      [0, 1, 2].map(() => expect.objectContaining({ outcome: 'failed', errorCode: 'JOB_FAILED' })),
    );
    expect(outcomes[3]).toMatchObject({ outcome: 'failed', errorCode: 'START_FAILED' });
    expect(n.jobs(0, 'StartGraph')).toBe(3);
  });

  it('4. a lost answer while GES still shows the graph running for a moment: one stop job', async () => {
    const n = await night(version, { graph: { readLagMs: 100 } });
    n.w.sandbox.setFaults([stopFault(n, { type: 'lose-answer' })]);
    const evening = await n.run(NIGHT);
    expect(n.result(evening, 0)).toMatchObject({ outcome: 'stopped' });
    expect(n.jobs(0, 'StopGraph')).toBe(1);
    n.advance(60_000); // the night passes: GES's reads have caught up by the morning
    const morning = await n.run(MORNING);
    expect(n.result(morning, 0)).toMatchObject({ outcome: 'started' });
    expect(await n.hours(0)).toBeCloseTo(NIGHT_HOURS, 1);
  });

  it('5. a stop whose job failed counts no hour, and the graph is stopped by the next run', async () => {
    const n = await night(version, { graph: { stopJob: 'failed', failReason: 'disk busy' } });
    const evening = await n.run(NIGHT);
    expect(n.result(evening, 0)).toMatchObject({ outcome: 'failed', errorCode: 'JOB_FAILED' });
    expect(await n.hours(0)).toBe(0);
    n.w.sandbox.updateGraph(n.projectId, n.id(0), { stopJob: 'success' });
    const later = await n.run(LATER_NIGHT);
    expect(n.result(later, 0)).toMatchObject({ outcome: 'stopped', jobStatus: 'success' });
    const morning = await n.run(MORNING);
    expect(n.result(morning, 0)).toMatchObject({ outcome: 'started' });
    expect(n.jobs(0, 'StopGraph')).toBe(2);
    const hours = await n.hours(0);
    expect(hours).toBeCloseTo(NIGHT_HOURS - 0.25, 1);
  });

  it('6. a graph configured by name, then deleted: its window closes and stops counting', async () => {
    const n = await night(version, { byName: true });
    await n.run(NIGHT);
    n.w.sandbox.removeGraph(n.projectId, n.id(0));
    const morning = await n.run(MORNING);
    expect(n.result(morning, 0)).toMatchObject({ outcome: 'failed', errorCode: 'GES.7000' });
    const { windows } = await n.w.ledger!.windows(NIGHT, new Date('2026-03-04T00:00:00Z'));
    expect(windows.filter((x) => x.graphId === n.id(0))).toEqual([
      expect.objectContaining({ endedBy: 'deleted', endedAt: expect.any(Date) }),
    ]);
    expect(await n.hours(0)).toBeCloseTo(NIGHT_HOURS, 1);
  });

  it('6b. an entry removed from the config whose graph is then deleted: closed all the same', async () => {
    const n = await night(version);
    await n.run(NIGHT);
    // The operator drops g-0 from the config, and later deletes it in GES.
    const config = {
      schedules: { nights: NIGHTS },
      projects: [
        {
          projectId: n.projectId,
          region: 'cn-north-4',
          apiVersion: version,
          endpoint: n.w.sandbox.url,
          graphs: [{ id: n.id(1), schedule: 'nights' }],
        },
      ],
    };
    writeFileSync(n.w.configPath, JSON.stringify(config));
    n.w.sandbox.removeGraph(n.projectId, n.id(0));
    await n.run(MORNING);
    const { windows } = await n.w.ledger!.windows(NIGHT, new Date('2026-03-04T00:00:00Z'));
    expect(windows.find((x) => x.graphId === n.id(0))).toMatchObject({ endedBy: 'deleted' });
  });

  it('7. a status the function does not know is failed, loudly, and nothing is sent', async () => {
    const n = await night(version, { graph: { status: '209' } });
    const evening = await n.run(NIGHT);
    expect(n.result(evening, 0)).toMatchObject({ outcome: 'failed', errorCode: 'UNKNOWN_STATUS' });
    expect(n.result(evening, 0).message).toContain('209');
    expect(n.w.sandbox.count({ kind: 'stop', graphId: n.id(0) })).toBe(0);
  });

  it('8. a 400 GES.7006 on a stop is "retry later": looked at, sent again, one job', async () => {
    const n = await night(version);
    n.w.sandbox.setFaults([stopFault(n, { type: 'status', status: 400, gesCode: 'GES.7006' })]);
    const evening = await n.run(NIGHT);
    expect(n.result(evening, 0)).toMatchObject({ outcome: 'stopped', jobStatus: 'success' });
    expect(n.w.sandbox.count({ kind: 'stop', graphId: n.id(0) })).toBe(2);
    expect(n.jobs(0, 'StopGraph')).toBe(1);
    const morning = await n.run(MORNING);
    expect(n.result(morning, 0)).toMatchObject({ outcome: 'started' });
  });

  it('8b. a 400 GES.7006 after GES acted: found by looking, never sent again', async () => {
    const n = await night(version);
    n.w.sandbox.setFaults([stopFault(n, { type: 'acted-status', status: 400, gesCode: 'GES.7006' })]);
    const evening = await n.run(NIGHT);
    expect(n.result(evening, 0)).toMatchObject({ outcome: 'stopped' });
    expect(n.w.sandbox.count({ kind: 'stop', graphId: n.id(0) })).toBe(1);
    expect(n.jobs(0, 'StopGraph')).toBe(1);
  });
});

it('sends no body on a v1.0 stop, as the official SDK does', async () => {
  const n = await night('v1');
  await n.run(NIGHT);
  const stops = n.w.sandbox.requestsMatching({ kind: 'stop' });
  expect(stops.length).toBeGreaterThan(0);
  for (const stop of stops) expect(stop.body).toBeUndefined();
});
