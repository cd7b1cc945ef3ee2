import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Summary } from '../../lib/run/types.js';
import { lambdaContext } from '../../sandbox/lambda-context.js';
import { startWorld, TEST_AK, TEST_SK, type World } from '../../sandbox/world.js';
import { graphId, PROJECT_V1, twoProjectWorld } from '../support/two-projects.js';

// Off-hours at any instant but the minute of 1 January 00:00 Berlin: the handler reads the real clock.
const ALWAYS_OFF = { nights: { timezone: 'Europe/Berlin', stop: '* * * * *', start: '0 0 1 1 *' } };
const scheduled = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };

let world: World;
let lines: string[];

beforeEach(async () => {
  world = await startWorld({
    ...twoProjectWorld(),
    schedules: { ...ALWAYS_OFF, days: ALWAYS_OFF.nights },
    settings: { verifyJobs: false },
  });
  vi.stubEnv('SCHEDULE_CONFIG', world.configPath);
  vi.stubEnv('HUAWEICLOUD_SDK_AK', TEST_AK);
  vi.stubEnv('HUAWEICLOUD_SDK_SK', TEST_SK);
  vi.stubEnv('GES_CREDENTIALS_SECRET', '');
  vi.stubEnv('LOG_LEVEL', 'DEBUG');
  lines = [];
  // Powertools writes INFO to stdout and ERROR to stderr; keep both, in order.
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      return true;
    });
  }
  vi.resetModules();
});
afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await world.close();
});

async function loadHandler() {
  return (await import('../../functions/stop-graphs.js')).handler;
}

describe('handler: the Lambda entry', () => {
  it('returns the summary and logs it as the last JSON line, after one line per stopped graph', async () => {
    const handler = await loadHandler();
    const summary = (await handler(scheduled, lambdaContext(60_000))) as Summary;
    const logs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const last = logs.at(-1)!;
    expect(last).toMatchObject({ level: 'INFO', message: 'run summary', service: 'ges-offhours' });
    expect(last.summary).toEqual(JSON.parse(JSON.stringify(summary)));
    const stopped = logs.filter((l) => l.message === 'graph stopped');
    expect(stopped).toHaveLength(summary.counts.stopped);
    expect(stopped.every((l) => typeof (l.graph as { jobId?: string }).jobId === 'string')).toBe(true);
    expect(last.function_request_id).toBe(summary.runId);
  });

  it('throws after logging the summary when a graph failed, so Lambda counts an error', async () => {
    world.sandbox.updateGraph(PROJECT_V1, graphId(PROJECT_V1, 0), { status: '200' });
    world.sandbox.setFaults([
      {
        kinds: ['stop'],
        graphIds: [graphId(PROJECT_V1, 0)],
        effect: { type: 'status', status: 403, gesCode: 'GES.0016' },
      },
    ]);
    const handler = await loadHandler();
    await expect(handler(scheduled, lambdaContext(60_000))).rejects.toThrow(
      /1 of \d+ graphs failed in run .*\(GES\.0016\)/,
    );
    const last = JSON.parse(lines.at(-1)!) as { message: string; summary: Summary };
    expect(last.message).toBe('run summary');
    expect(last.summary.counts.failed).toBe(1);
  });

  it('refuses a malformed event with a logged reason and sends nothing', async () => {
    const handler = await loadHandler();
    await expect(handler({ action: 'stop', graphs: 'everything' }, lambdaContext(60_000))).rejects.toThrow(
      '"graphs" must be "all" or a non-empty list',
    );
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({
      level: 'ERROR',
      message: 'run refused',
      errorCode: 'EVENT_INVALID',
      // Powertools owns the `message` key: the reason must travel under another one.
      error: expect.stringContaining('"graphs" must be "all"'),
    });
    expect(world.sandbox.requests).toHaveLength(0);
  });

  it('never writes the access key or the secret key to the logs', async () => {
    vi.stubEnv('HUAWEICLOUD_SDK_SK', 'a-wrong-secret-key');
    const handler = await loadHandler();
    await expect(handler(scheduled, lambdaContext(60_000))).rejects.toThrow('graphs failed');
    const text = lines.join('\n');
    expect(text).toContain('APIG.0301');
    for (const secret of [TEST_AK, TEST_SK, 'a-wrong-secret-key']) expect(text).not.toContain(secret);
  });
});
