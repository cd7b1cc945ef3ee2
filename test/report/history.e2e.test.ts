/**
 * `history` end to end: what real runs wrote to the ledger emulator, read back through invoke and
 * through the Lambda handler (which logs it as its last line), with no GES call.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { historyForLog } from '../../lib/report/log.js';
import type { HistoryReport } from '../../lib/report/types.js';
import { lambdaContext } from '../../sandbox/lambda-context.js';
import { LEDGER_TABLE, TEST_AK, TEST_SK, type World } from '../../sandbox/world.js';
import { gid, P1, startReportWorld } from './support.js';

const MONDAY_NIGHT = new Date('2026-11-02T20:00:00Z'); // 21:00 in Berlin: off-hours
const LATER = new Date('2026-11-03T02:00:00Z');
let world: World;

beforeEach(async () => {
  world = await startReportWorld();
});
afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await world.close();
});

describe('history: through invoke', () => {
  it("shows the windows a real run opened, with the stop's job id, and calls no GES API", async () => {
    const run = await world.invoke({}, { now: MONDAY_NIGHT });
    const jobOf = new Map(run.summary!.results.map((r) => [r.graphId, 'jobId' in r ? r.jobId : undefined]));
    const requests = world.sandbox.requests.length;
    const { history, error } = await world.invoke(
      { action: 'history', graphs: ['fraud-detection', gid(3)] },
      { now: LATER },
    );
    expect(error).toBeUndefined();
    expect(world.sandbox.requests.length).toBe(requests);
    expect(history?.graphs.map((g) => [g.graphName, g.hoursStopped])).toEqual([
      ['fraud-detection', 6],
      ['search', 6],
    ]);
    for (const g of history!.graphs) {
      expect(g.windows).toHaveLength(1);
      expect(g.windows[0]).toMatchObject({
        open: true,
        hours: 6,
        schedule: 'office',
        jobId: jobOf.get(g.graphId!),
      });
      expect(g.windows[0]!.jobId).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  it('refuses an unknown graph and changes nothing', async () => {
    const { history, error } = await world.invoke({ action: 'history', graphs: ['nope'] }, { now: LATER });
    expect(history).toBeUndefined();
    expect(error).toMatchObject({ code: 'EVENT_INVALID' });
    expect((error as Error).message).toContain('unknown graph "nope"');
  });
});

describe('history: the Lambda handler', () => {
  it('returns the history and logs it as its last line', async () => {
    await world.invoke({}, { now: MONDAY_NIGHT });
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
    const event = { action: 'history', from: '2026-11-02T00:00:00Z', to: '2026-11-03T00:00:00Z' };
    const output = (await handler(event, lambdaContext(30_000))) as HistoryReport;
    const logs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs.at(-1)).toMatchObject({
      level: 'INFO',
      message: 'history',
      history: JSON.parse(JSON.stringify(output)),
    });
    expect(output.graphs).toHaveLength(4);
    expect(output.graphs.every((g) => g.projectId === P1 && g.windows.length === 1)).toBe(true);
  });
});

describe('Function: historyForLog', () => {
  const window = (n: number) => ({
    stoppedAt: `2026-11-${String(n).padStart(2, '0')}T19:00:00Z`,
    open: false,
    hours: 11,
  });
  const history: HistoryReport = {
    action: 'history',
    from: '2026-11-01T00:00:00.000Z',
    to: '2026-12-01T00:00:00.000Z',
    at: '2026-12-01T00:00:00.000Z',
    currency: 'USD',
    graphs: Array.from({ length: 10 }, (_, i) => ({
      projectId: P1,
      graphId: gid(i),
      hoursStopped: 330,
      windows: Array.from({ length: 30 }, (_, d) => window(d + 1)),
    })),
    skipped: [],
  };
  const size = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

  it('keeps the whole history when it fits', () => {
    expect(historyForLog(history)).toBe(history);
  });

  it("keeps each graph's latest windows when it does not, and says how many went", () => {
    const max = Math.floor(size(history) / 3);
    const logged = historyForLog(history, max);
    expect(size(logged)).toBeLessThanOrEqual(max);
    expect(logged.graphs).toHaveLength(10);
    const kept = logged.graphs[0]!.windows;
    expect(kept.at(-1)!.stoppedAt).toBe('2026-11-30T19:00:00Z');
    expect(logged.omittedWindows).toBe(300 - 10 * kept.length);
  });

  it('cuts graphs when even their totals do not fit', () => {
    const logged = historyForLog(history, 1_000);
    expect(size(logged)).toBeLessThanOrEqual(1_000);
    expect(logged.omittedGraphs).toBe(10 - logged.graphs.length);
    expect(logged.omittedGraphs).toBeGreaterThan(0);
  });
});
