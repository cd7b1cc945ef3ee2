/**
 * Starting graphs again in the morning, only those this function stopped: through `invoke`, the
 * GES sandbox and a real DynamoDB API (dynalite) on loopback.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GraphsFailedError } from '../../lib/errors.js';
import { dynamoLedger } from '../../lib/ledger/dynamo.js';
import type { GraphResult, Summary } from '../../lib/run/types.js';
import { EMULATOR_CLIENT } from '../../sandbox/dynamo.js';
import { makeUuid, type SandboxGraph } from '../../sandbox/server.js';
import { startWorld, type World } from '../../sandbox/world.js';

const P = 'fedcba9876543210fedcba9876543210';
const id = (i: number) => makeUuid(P, i);
/** Berlin: `nights` is off from 20:00 to 07:00 and starts its graphs again; `keep` never starts them. */
const SCHEDULES = {
  nights: { timezone: 'Europe/Berlin', stop: '0 20 * * *', start: '0 7 * * *', startGraphs: true },
  keep: { timezone: 'Europe/Berlin', stop: '0 20 * * *', start: '0 7 * * *' },
  // The other way round: on-hours at night.
  days: { timezone: 'Europe/Berlin', stop: '0 7 * * *', start: '0 20 * * *', startGraphs: true },
  // Off from the 1st at 20:00 to the 15th at 07:00: longer than the platform's 7 days.
  fortnight: { timezone: 'Europe/Berlin', stop: '0 20 1 * *', start: '0 7 15 * *', startGraphs: true },
};
const MONDAY_NIGHT = new Date('2026-03-02T21:00:00Z'); // 22:00 in Berlin
const TUESDAY_MORNING = new Date('2026-03-03T07:00:00Z'); // 08:00 in Berlin
const TUESDAY_NOON = new Date('2026-03-03T11:00:00Z');

const graphs = (statuses: Record<number, string>): SandboxGraph[] =>
  Object.entries(statuses).map(([i, status]) => ({
    projectId: P,
    id: id(Number(i)),
    name: `g-${i}`,
    status,
  }));

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function start(
  statuses: Record<number, string>,
  schedule: keyof typeof SCHEDULES | ((i: number) => keyof typeof SCHEDULES) = 'nights',
) {
  const scheduleOf = typeof schedule === 'function' ? schedule : () => schedule;
  world = await startWorld({
    graphs: graphs(statuses),
    schedules: SCHEDULES,
    projects: [
      {
        projectId: P,
        apiVersion: 'v2',
        graphs: Object.keys(statuses).map((i) => ({ id: id(Number(i)), schedule: scheduleOf(Number(i)) })),
      },
    ],
    ledger: true,
  });
  return world;
}

const scheduled = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };
const results = (summary: Summary | undefined) => (summary?.results ?? []) as GraphResult[];
const resultOf = (summary: Summary | undefined, i: number) =>
  results(summary).find((r) => r.graphId === id(i))!;
const statusOf = (w: World, i: number) => w.sandbox.graph(P, id(i))?.status;

async function windowsOf(w: World, i: number) {
  const { windows } = await w.ledger!.windows(
    new Date('2026-01-01T00:00:00Z'),
    new Date('2027-01-01T00:00:00Z'),
  );
  return windows.filter((x) => x.graphId === id(i));
}

describe('a schedule with startGraphs', () => {
  it('stops a graph at night, records the window, and starts it again in the morning', async () => {
    const w = await start({ 0: '200' });
    const night = await w.invoke(scheduled, { now: MONDAY_NIGHT });
    expect(resultOf(night.summary, 0)).toMatchObject({ outcome: 'stopped', jobStatus: 'success' });
    const [opened] = await windowsOf(w, 0);
    expect(opened).toMatchObject({ schedule: 'nights', endedAt: undefined });
    // When GES accepted the stop, on the run's clock (it began at MONDAY_NIGHT).
    expect(opened!.stoppedAt.getTime() - MONDAY_NIGHT.getTime()).toBeGreaterThanOrEqual(0);
    expect(opened!.stoppedAt.getTime() - MONDAY_NIGHT.getTime()).toBeLessThan(10_000);
    expect(opened!.jobId).toBe(resultOf(night.summary, 0).jobId);
    expect(opened!.offUntil).toEqual(new Date('2026-03-03T06:00:00Z'));

    const morning = await w.invoke(scheduled, { now: TUESDAY_MORNING });
    expect(morning.error).toBeUndefined();
    expect(resultOf(morning.summary, 0)).toMatchObject({ outcome: 'started', jobStatus: 'success' });
    expect(morning.summary?.counts).toMatchObject({ started: 1, stopped: 0 });
    const logged = morning.entries.find((e) => e.message === 'graph started');
    expect((logged?.fields.graph as GraphResult | undefined)?.jobId).toBe(resultOf(morning.summary, 0).jobId);
    expect(statusOf(w, 0)).toBe('200');
    expect(await windowsOf(w, 0)).toEqual([expect.objectContaining({ endedBy: 'start' })]);
    expect(w.sandbox.count({ kind: 'start' })).toBe(1);

    // Later the same day: running, no open window, nothing to do and nothing started twice.
    const noon = await w.invoke(scheduled, { now: TUESDAY_NOON });
    expect(resultOf(noon.summary, 0)).toMatchObject({ outcome: 'skipped', reason: 'on-hours' });
    expect(w.sandbox.count({ kind: 'start' })).toBe(1);
  });

  it('leaves a graph someone else stopped alone: not-ours', async () => {
    const w = await start({ 0: '900' });
    const morning = await w.invoke(scheduled, { now: TUESDAY_MORNING });
    expect(resultOf(morning.summary, 0)).toMatchObject({ outcome: 'skipped', reason: 'not-ours' });
    expect(statusOf(w, 0)).toBe('900');
    expect(w.sandbox.count({ kind: 'start' })).toBe(0);
  });

  it('never restarts a graph someone started by hand in on-hours and then stopped by hand', async () => {
    const w = await start({ 0: '200' });
    await w.invoke(scheduled, { now: MONDAY_NIGHT });
    w.sandbox.updateGraph(P, id(0), { status: '200' }); // started by hand at 07:55, before our run
    const morning = await w.invoke(scheduled, { now: TUESDAY_MORNING });
    expect(resultOf(morning.summary, 0)).toMatchObject({ outcome: 'already-running' });
    expect(await windowsOf(w, 0)).toEqual([expect.objectContaining({ endedBy: 'seen-running' })]);
    w.sandbox.updateGraph(P, id(0), { status: '900' }); // stopped by hand before noon
    const noon = await w.invoke(scheduled, { now: TUESDAY_NOON });
    expect(resultOf(noon.summary, 0)).toMatchObject({ outcome: 'skipped', reason: 'not-ours' });
    expect(statusOf(w, 0)).toBe('900');
    expect(w.sandbox.count({ kind: 'start' })).toBe(0);
  });

  it('a graph whose schedule does not start graphs stays stopped, and its window closes when it runs again', async () => {
    const w = await start({ 0: '200' }, 'keep');
    await w.invoke(scheduled, { now: MONDAY_NIGHT });
    const morning = await w.invoke(scheduled, { now: TUESDAY_MORNING });
    expect(resultOf(morning.summary, 0)).toMatchObject({ outcome: 'already-stopped' });
    expect(w.sandbox.count({ kind: 'start' })).toBe(0);
    w.sandbox.updateGraph(P, id(0), { status: '200' });
    await w.invoke(scheduled, { now: TUESDAY_NOON });
    expect(await windowsOf(w, 0)).toEqual([expect.objectContaining({ endedBy: 'seen-running' })]);
  });

  it('stops again a graph the platform started after 7 days, says so, and keeps one window', async () => {
    const w = await start({ 0: '200' }, 'fortnight');
    await w.invoke(scheduled, { now: new Date('2026-03-01T20:00:00Z') });
    w.sandbox.updateGraph(P, id(0), { status: '200' }); // the platform, after 7 days
    const later = await w.invoke(scheduled, { now: new Date('2026-03-08T21:00:00Z') });
    expect(resultOf(later.summary, 0)).toMatchObject({ outcome: 'stopped', restartedByPlatform: true });
    expect(
      later.entries.some((e) => e.level === 'warn' && e.message.includes('started again by the platform')),
    ).toBe(true);
    expect(await windowsOf(w, 0)).toHaveLength(1);
  });

  it('stops again, without blaming the platform, a graph started by hand inside its off-hours', async () => {
    const w = await start({ 0: '200' }, 'fortnight');
    await w.invoke(scheduled, { now: new Date('2026-03-01T20:00:00Z') });
    w.sandbox.updateGraph(P, id(0), { status: '200' });
    const next = await w.invoke(scheduled, { now: new Date('2026-03-02T21:00:00Z') });
    expect(resultOf(next.summary, 0)).toMatchObject({ outcome: 'stopped' });
    expect(resultOf(next.summary, 0).restartedByPlatform).toBeUndefined();
  });

  it('skips a start GES refuses with GES.7015 and keeps the window for a later run', async () => {
    const w = await start({ 0: '200' });
    await w.invoke(scheduled, { now: MONDAY_NIGHT });
    w.sandbox.setFaults([{ kinds: ['start'], effect: { type: 'status', status: 400, gesCode: 'GES.7015' } }]);
    const morning = await w.invoke(scheduled, { now: TUESDAY_MORNING });
    expect(resultOf(morning.summary, 0)).toMatchObject({ outcome: 'skipped', reason: 'busy' });
    expect(resultOf(morning.summary, 0).message).toContain('GES.7015');
    expect(await windowsOf(w, 0)).toEqual([expect.objectContaining({ endedAt: undefined })]);
  });

  it('fails a start whose job fails, and keeps the window so that a later run tries again', async () => {
    const w = await start({ 0: '200' });
    await w.invoke(scheduled, { now: MONDAY_NIGHT });
    w.sandbox.updateGraph(P, id(0), { startJob: 'failed', startFailReason: 'no resources in the zone' });
    const morning = await w.invoke(scheduled, { now: TUESDAY_MORNING });
    expect(resultOf(morning.summary, 0)).toMatchObject({
      outcome: 'failed',
      errorCode: 'JOB_FAILED',
      message: 'no resources in the zone',
    });
    expect(morning.error).toBeInstanceOf(GraphsFailedError);
    expect(await windowsOf(w, 0)).toEqual([expect.objectContaining({ endedAt: undefined })]);
  });

  it('two runs at once stop each graph once between them, and leave one window per graph', async () => {
    const w = await start({ 0: '200', 1: '200', 2: '200' });
    const [a, b] = await Promise.all([
      w.invoke(scheduled, { now: MONDAY_NIGHT }),
      w.invoke(scheduled, { now: MONDAY_NIGHT }),
    ]);
    for (const i of [0, 1, 2]) {
      const outcomes = [resultOf(a.summary, i).outcome, resultOf(b.summary, i).outcome];
      expect(outcomes).toContain('stopped');
      expect(await windowsOf(w, i)).toHaveLength(1);
    }
  });

  it('a dry run in the morning shows would-start and not-ours, and changes nothing', async () => {
    const w = await start({ 0: '200', 1: '900' });
    await w.invoke(scheduled, { now: MONDAY_NIGHT });
    const dry = await w.invoke({ dryRun: true }, { now: TUESDAY_MORNING });
    expect(resultOf(dry.summary, 0)).toMatchObject({ outcome: 'would-start' });
    expect(resultOf(dry.summary, 1)).toMatchObject({ outcome: 'skipped', reason: 'not-ours' });
    expect(dry.summary?.counts).toMatchObject({ wouldStart: 1 });
    expect(w.sandbox.count({ kind: 'start' })).toBe(0);
    expect(await windowsOf(w, 0)).toEqual([expect.objectContaining({ endedAt: undefined })]);
  });
});

describe('what the ledger must not let happen', () => {
  it('keeps a graph an operator stopped in on-hours stopped through the coming off-hours, then starts it', async () => {
    const w = await start({ 0: '200' });
    await w.invoke({ action: 'stop', graphs: ['g-0'] }, { now: TUESDAY_NOON });
    const [window] = await windowsOf(w, 0);
    expect(window!.offUntil).toEqual(new Date('2026-03-04T06:00:00Z')); // the end of the coming night
    const next = await w.invoke(scheduled, { now: new Date(TUESDAY_NOON.getTime() + 15 * 60_000) });
    expect(resultOf(next.summary, 0)).toMatchObject({ outcome: 'already-stopped' });
    expect(resultOf(next.summary, 0).message).toContain('an ad-hoc stop');
    expect(w.sandbox.count({ kind: 'start' })).toBe(0);
    const morning = await w.invoke(scheduled, { now: new Date('2026-03-04T06:05:00Z') });
    expect(resultOf(morning.summary, 0)).toMatchObject({ outcome: 'started' });
  });

  it('sends no start once the off-hours began again while the run waited', async () => {
    const w = await start({ 0: '200' });
    await w.invoke(scheduled, { now: MONDAY_NIGHT });
    // Listing takes 300 ms; the run begins 200 ms before the next night's stop.
    w.sandbox.setFaults([{ kinds: ['list'], effect: { type: 'latency', ms: 300 } }]);
    const evening = await w.invoke(scheduled, { now: new Date('2026-03-03T18:59:59.800Z') });
    expect(resultOf(evening.summary, 0)).toMatchObject({ outcome: 'already-stopped' });
    expect(resultOf(evening.summary, 0).message).toMatch(
      /off-hours of schedule "nights" began again .* before the start could be sent/,
    );
    expect(w.sandbox.count({ kind: 'start' })).toBe(0);
    expect(await windowsOf(w, 0)).toEqual([expect.objectContaining({ endedAt: undefined })]);
  });

  it('closes the window of a graph GES no longer has', async () => {
    const w = await start({ 0: '200' });
    await w.invoke(scheduled, { now: MONDAY_NIGHT });
    w.sandbox.removeGraph(P, id(0));
    const morning = await w.invoke(scheduled, { now: TUESDAY_MORNING });
    expect(resultOf(morning.summary, 0)).toMatchObject({ outcome: 'failed', errorCode: 'GES.7000' });
    expect(await windowsOf(w, 0)).toEqual([expect.objectContaining({ endedBy: 'deleted' })]);
  });

  it('a dry run closes no window, even of a graph found running', async () => {
    const w = await start({ 0: '200' });
    await w.invoke(scheduled, { now: MONDAY_NIGHT });
    w.sandbox.updateGraph(P, id(0), { status: '200' });
    const dry = await w.invoke({ dryRun: true }, { now: TUESDAY_MORNING });
    expect(resultOf(dry.summary, 0)).toMatchObject({ outcome: 'already-running' });
    expect(await windowsOf(w, 0)).toEqual([expect.objectContaining({ endedAt: undefined })]);
  });

  it.each([
    {
      name: 'a stop GES answers with GES.7001 (someone else stopped it)',
      fault: { status: 400, gesCode: 'GES.7001' },
      windows: 0,
    },
    { name: 'a stop that failed', fault: { status: 403, gesCode: 'GES.0016' }, windows: 0 },
  ])('opens no window for $name', async ({ fault, windows }) => {
    const w = await start({ 0: '200' });
    w.sandbox.setFaults([{ kinds: ['stop'], effect: { type: 'status', ...fault } }]);
    await w.invoke(scheduled, { now: MONDAY_NIGHT });
    expect(await windowsOf(w, 0)).toHaveLength(windows);
  });

  it('opens a window for a stop whose answer was lost but which GES carried out', async () => {
    const w = await start({ 0: '200' });
    w.sandbox.setFaults([{ kinds: ['stop'], times: 1, effect: { type: 'lose-answer' } }]);
    const night = await w.invoke(scheduled, { now: MONDAY_NIGHT });
    expect(resultOf(night.summary, 0)).toMatchObject({ outcome: 'stopped' });
    // Project B is v2: the job centre gives the job the lost answer carried; seen stopped, confirmed.
    expect(await windowsOf(w, 0)).toEqual([
      expect.objectContaining({
        endedAt: undefined,
        jobId: resultOf(night.summary, 0).jobId,
        pending: undefined,
      }),
    ]);
    expect(resultOf(night.summary, 0).jobId).toBeDefined();
    expect((await windowsOf(w, 0))[0]?.confirmedAt).toBeInstanceOf(Date);
  });

  it('stops graphs in their off-hours without waiting for a ledger that does not answer', async () => {
    // g-0 is in its off-hours; g-1 runs in its on-hours, so its window must be read (to close it).
    const w = await start({ 0: '200', 1: '200' }, (i) => (i === 0 ? 'nights' : 'days'));
    const hung = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const silent = dynamoLedger({
      table: 'ges-offhours-test-ledger',
      client: {
        ...EMULATOR_CLIENT,
        endpoint: `http://127.0.0.1:${(hung.address() as AddressInfo).port}`,
        maxAttempts: 1,
      },
      requestTimeoutMs: 60_000,
    });
    try {
      const night = await w.invoke(scheduled, { now: MONDAY_NIGHT, ledger: silent, remainingMs: 9_000 });
      expect(resultOf(night.summary, 0)).toMatchObject({ outcome: 'stopped', jobStatus: 'success' });
      expect(resultOf(night.summary, 1)).toMatchObject({ outcome: 'skipped', reason: 'on-hours' });
      expect(night.summary?.ledgerErrors?.length).toBeGreaterThan(0);
    } finally {
      silent.destroy();
      hung.closeAllConnections();
      hung.close();
    }
  });
});

describe('an ad-hoc start', () => {
  it('starts named graphs whoever stopped them, and closes the window of the one we stopped', async () => {
    const w = await start({ 0: '200', 1: '900', 2: '200' });
    await w.invoke({ action: 'stop', graphs: ['g-0'] }, { now: TUESDAY_NOON });
    const run = await w.invoke({ action: 'start', graphs: ['g-0', 'g-1', 'g-2'] }, { now: TUESDAY_NOON });
    expect(run.error).toBeUndefined();
    expect(resultOf(run.summary, 0)).toMatchObject({ outcome: 'started', jobStatus: 'success' });
    expect(resultOf(run.summary, 1)).toMatchObject({ outcome: 'started', jobStatus: 'success' });
    expect(resultOf(run.summary, 2)).toMatchObject({ outcome: 'already-running' });
    expect(run.summary?.counts).toMatchObject({ started: 2, alreadyRunning: 1 });
    expect(await windowsOf(w, 0)).toEqual([expect.objectContaining({ endedBy: 'start' })]);
    expect(statusOf(w, 1)).toBe('200');
  });

  it('refuses an unknown graph and starts nothing', async () => {
    const w = await start({ 0: '900' });
    const run = await w.invoke({ action: 'start', graphs: ['g-0', 'nope'] }, { now: TUESDAY_NOON });
    expect(String(run.error)).toContain('nothing was started');
    expect(w.sandbox.count({ kind: 'start' })).toBe(0);
  });
});

/** A DynamoDB stand-in that answers every call with one error. */
async function failingDynamo(type: string, status = 400): Promise<{ endpoint: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: 'no' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('when the ledger fails', () => {
  it.each([
    { name: 'unavailable (connection refused)', type: undefined },
    { name: 'throttled', type: 'ThrottlingException' },
  ])('$name: stops go on, starts are refused, and the run fails naming the ledger', async ({ type }) => {
    const w = await start({ 0: '200', 1: '900' });
    const dynamo = type === undefined ? undefined : await failingDynamo(type);
    const endpoint = dynamo?.endpoint ?? 'http://127.0.0.1:9'; // nothing listens on the discard port
    const broken = dynamoLedger({
      table: 'ges-offhours-test-ledger',
      client: { ...EMULATOR_CLIENT, endpoint, maxAttempts: 1 },
      requestTimeoutMs: 2_000,
    });
    try {
      const night = await w.invoke(scheduled, { now: MONDAY_NIGHT, ledger: broken });
      expect(resultOf(night.summary, 0)).toMatchObject({ outcome: 'stopped', jobStatus: 'success' });
      expect(resultOf(night.summary, 0).ledgerError).toMatch(/^the stop was not recorded in the ledger/);
      expect(statusOf(w, 0)).toBe('900');
      expect(night.error).toBeInstanceOf(GraphsFailedError);
      expect(String(night.error)).toContain('the ledger of stop windows failed');

      const morning = await w.invoke(scheduled, { now: TUESDAY_MORNING, ledger: broken });
      for (const i of [0, 1]) {
        expect(resultOf(morning.summary, i)).toMatchObject({
          outcome: 'failed',
          errorCode: 'LEDGER_UNAVAILABLE',
        });
        expect(resultOf(morning.summary, i).message).toMatch(
          /^not started: Ledger table ges-offhours-test-ledger: /,
        );
      }
      expect(w.sandbox.count({ kind: 'start' })).toBe(0);
      expect(morning.summary?.ledgerErrors?.length).toBeGreaterThan(0);
    } finally {
      broken.destroy();
      dynamo?.server.close();
    }
  });
});
