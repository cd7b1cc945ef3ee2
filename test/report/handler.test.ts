/**
 * The `report` action through the invocation path (config file, event, ledger emulator), with
 * ledger windows the tests write, and through the Lambda handler.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dynamoLedger } from '../../lib/ledger/dynamo.js';
import type { OpenWindowInput } from '../../lib/ledger/types.js';
import { EMULATOR_CLIENT } from '../../sandbox/dynamo.js';
import { lambdaContext } from '../../sandbox/lambda-context.js';
import { LEDGER_TABLE, TEST_AK, TEST_SK, type World } from '../../sandbox/world.js';
import { GRAPH_NAMES, P1, recordWindow, startReportWorld } from './support.js';

const FROM = '2026-11-01T00:00:00.000Z';
const TO = '2026-11-08T00:00:00.000Z';
const LATER = new Date('2026-11-10T00:00:00Z');
const REPORT = { action: 'report', from: FROM, to: TO };

let world: World;
const record = (graph: number, stoppedAt: string, endedAt?: string, more?: Partial<OpenWindowInput>) =>
  recordWindow(world.ledger!, graph, stoppedAt, endedAt, more);

beforeEach(async () => {
  world = await startReportWorld();
});
afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await world.close();
});

describe('report: from the ledger through invoke', () => {
  it('clips windows at both ends, counts open windows up to to, prices them and names the unpriced', async () => {
    await record(1, '2026-10-31T20:00:00Z', '2026-11-01T06:00:00Z', { sizeIndex: '4' }); // 6 h × 2 (entry)
    await record(2, '2026-11-07T20:00:00Z', '2026-11-08T06:00:00Z', { sizeIndex: '4', replication: 2 }); // 4 h × 24
    await record(3, '2026-11-06T20:00:00Z', undefined, { sizeIndex: '1' }); // open: 28 h × 1.25
    await record(4, '2026-11-03T20:00:00Z', '2026-11-04T06:00:00Z', { sizeIndex: '2' }); // 10 h, no price
    await record(4, '2026-11-08T20:00:00Z', '2026-11-09T06:00:00Z', { sizeIndex: '2' }); // after the range
    const { report, summary, error } = await world.invoke(REPORT, { now: LATER });
    expect(error).toBeUndefined();
    expect(summary).toBeUndefined();
    expect(report).toMatchObject({
      action: 'report',
      from: FROM,
      to: TO,
      at: LATER.toISOString(),
      currency: 'EUR',
    });
    expect(
      report?.graphs.map(({ graphName, hoursStopped, hourlyPrice, saved }) => ({
        graphName,
        hoursStopped,
        hourlyPrice,
        saved,
      })),
    ).toEqual([
      { graphName: 'archive', hoursStopped: 10, hourlyPrice: undefined, saved: undefined },
      { graphName: 'fraud-detection', hoursStopped: 6, hourlyPrice: 2, saved: 12 },
      { graphName: 'recommendations', hoursStopped: 4, hourlyPrice: 24, saved: 96 },
      { graphName: 'search', hoursStopped: 28, hourlyPrice: 1.25, saved: 35 },
    ]);
    expect(report?.graphs.map((g) => g.open)).toEqual([false, false, false, true]);
    expect(report?.unpriced).toEqual([
      expect.objectContaining({
        graphName: 'archive',
        hoursStopped: 10,
        reason: expect.stringContaining('"2"'),
      }),
    ]);
    expect(report?.totals).toEqual({ hoursStopped: 48, saved: 143, unpricedHours: 10 });
    expect(report?.projects).toEqual([{ projectId: P1, hoursStopped: 48, saved: 143, unpricedHours: 10 }]);
    expect(report?.skipped).toEqual([]);
  });

  it('counts an open window up to now when now is before to', async () => {
    await record(3, '2026-11-02T20:00:00Z', undefined, { sizeIndex: '1' });
    const { report } = await world.invoke(REPORT, { now: new Date('2026-11-03T08:30:00Z') });
    expect(report?.graphs[0]).toMatchObject({
      graphName: 'search',
      hoursStopped: 12.5,
      saved: 15.63,
      open: true,
    });
  });

  it('reports nothing kept stopped from an empty ledger, and still forecasts every configured graph', async () => {
    const { report, error } = await world.invoke(REPORT, { now: LATER });
    expect(error).toBeUndefined();
    expect(report).toMatchObject({
      graphs: [],
      projects: [],
      unpriced: [],
      totals: { hoursStopped: 0, saved: 0, unpricedHours: 0 },
    });
    expect(
      report?.forecast.map((f) => [f.graphName, f.offHoursPerWeek, f.offHoursPerMonth, f.savedPerMonth]),
    ).toEqual([
      ['fraud-detection', 103, 440, 880],
      ['recommendations', 103, 440, undefined],
      ['search', 103, 440, undefined],
      ['archive', 103, 440, undefined],
    ]);
  });

  it('refuses without a ledger, saying how to give it one', async () => {
    const { report, error } = await world.invoke(REPORT, { now: LATER, ledger: undefined });
    expect(report).toBeUndefined();
    expect(error).toMatchObject({
      code: 'EVENT_INVALID',
      message: expect.stringContaining('LEDGER_TABLE is not set'),
    });
  });

  it('fails with LEDGER_UNAVAILABLE when the table cannot be read', async () => {
    const missing = dynamoLedger({
      table: 'no-such-table',
      client: { ...EMULATOR_CLIENT, endpoint: world.dynamoEndpoint! },
    });
    try {
      const { error } = await world.invoke(REPORT, { now: LATER, ledger: missing });
      expect(error).toMatchObject({ code: 'LEDGER_UNAVAILABLE', problem: 'table-not-found' });
    } finally {
      missing.destroy();
    }
  });

  it('counts what a real run stopped, at the size GES reported, and calls no GES API', async () => {
    const monday = new Date('2026-11-02T20:00:00Z'); // 21:00 in Berlin: off-hours
    const run = await world.invoke({}, { now: monday });
    expect(run.summary?.counts.stopped).toBe(4);
    const requests = world.sandbox.requests.length;
    const { report } = await world.invoke(REPORT, { now: new Date('2026-11-02T23:00:00Z') });
    expect(world.sandbox.requests.length).toBe(requests);
    expect(report?.graphs.map((g) => [g.graphName, g.sizeIndex, g.hourlyPrice])).toEqual([
      ['archive', '4', 12],
      ['fraud-detection', '4', 2],
      ['recommendations', '4', 12],
      ['search', '4', 12],
    ]);
    for (const g of report?.graphs ?? []) expect(g.hoursStopped).toBeGreaterThan(2.9);
    // The run records the name GES gave, so an entry without an id can be matched.
    const { windows } = await world.ledger!.windows(monday, new Date('2026-11-03T00:00:00Z'));
    expect(windows.map((w) => w.graphName).sort()).toEqual([...GRAPH_NAMES].sort());
  });
});

describe('report: the Lambda handler', () => {
  it('returns the report and logs it as its last line, with no metrics', async () => {
    await record(1, '2026-11-02T20:00:00Z', '2026-11-03T06:00:00Z');
    vi.stubEnv('SCHEDULE_CONFIG', world.configPath);
    vi.stubEnv('LEDGER_TABLE', LEDGER_TABLE);
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', world.dynamoEndpoint ?? '');
    vi.stubEnv('AWS_REGION', 'eu-central-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDLOCALEMULATOR');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local-emulator');
    vi.stubEnv('HUAWEICLOUD_SDK_AK', TEST_AK);
    vi.stubEnv('HUAWEICLOUD_SDK_SK', TEST_SK);
    vi.stubEnv('GES_CREDENTIALS_SECRET', '');
    vi.stubEnv('LOG_LEVEL', 'INFO');
    const lines: string[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        return true;
      });
    }
    vi.resetModules();
    const { handler } = await import('../../functions/stop-graphs.js');
    const output = await handler(REPORT, lambdaContext(30_000));
    const logs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs.at(-1)).toMatchObject({
      level: 'INFO',
      message: 'savings report',
      report: JSON.parse(JSON.stringify(output)),
    });
    expect(output).toMatchObject({ action: 'report', totals: { hoursStopped: 10, saved: 20 } });
    expect(logs.some((l) => '_aws' in l)).toBe(false);
  });
});
