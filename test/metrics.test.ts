/**
 * The run's metrics as CloudWatch reads them: the EMF line Powertools Metrics writes to stdout,
 * parsed back and checked for namespace, names, units, values and dimensions.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MetricName, runMetrics, runMetricsPublisher } from '../lib/metrics.js';
import { emptyCounts } from '../lib/run/report.js';
import type { Counts, Summary } from '../lib/run/types.js';
import { lambdaContext } from '../sandbox/lambda-context.js';
import { startWorld, TEST_AK, TEST_SK, type World } from '../sandbox/world.js';

interface Emf {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [key: string]: unknown;
}

let stdout: string[];

beforeEach(() => {
  stdout = [];
  // Either would turn metrics off (or, malformed, make Powertools throw).
  vi.stubEnv('POWERTOOLS_DEV', undefined);
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', undefined);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const emfLines = () =>
  stdout.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l): l is Emf => '_aws' in l);

function summaryOf(
  action: Summary['action'],
  counts: Partial<Counts> = {},
  more: Partial<Summary> = {},
): Summary {
  return {
    runId: 'run-1',
    action,
    dryRun: false,
    at: '2026-11-02T20:00:00.000Z',
    results: [],
    counts: { ...emptyCounts(), ...counts },
    ...more,
  };
}

const COUNTS = { stopped: 3, started: 0, failed: 1, skipped: 2, alreadyStopped: 4 };
const SCHEDULED = summaryOf('reconcile', COUNTS, {
  requests: { sent: 20, retries: 5, throttled: 5 },
  graphsInOffHours: 8,
});

describe('Function: runMetrics', () => {
  it('turns a scheduled run into every count, throttles and both gauges', () => {
    expect(Object.fromEntries(runMetrics(SCHEDULED).map((m) => [m.name, m.value]))).toEqual({
      GraphsStopped: 3,
      GraphsStarted: 0,
      GraphsFailed: 1,
      GraphsSkipped: 2,
      GraphsAlreadyStopped: 4,
      ThrottledRequests: 5,
      GraphsInOffHours: 8,
      GraphsStoppedNow: 7,
      Paused: 0,
    });
  });

  it('says Paused = 1 for a scheduled run under a pause', () => {
    const paused = summaryOf(
      'reconcile',
      { skipped: 5 },
      {
        paused: { until: '2026-12-28T08:00:00.000Z', reason: 'freeze', pausedAt: '2026-12-18T08:00:00.000Z' },
      },
    );
    expect(runMetrics(paused)).toContainEqual({ name: 'Paused', value: 1 });
    expect(runMetrics(paused)).toContainEqual({ name: 'GraphsSkipped', value: 5 });
  });

  it.each<[string, Summary, string[]]>([
    [
      'an ad-hoc stop: counts, no gauges (an extra sample would skew the daily average)',
      summaryOf('stop', { stopped: 2 }, { requests: { sent: 3, retries: 0, throttled: 0 } }),
      [
        'GraphsStopped',
        'GraphsStarted',
        'GraphsFailed',
        'GraphsSkipped',
        'GraphsAlreadyStopped',
        'ThrottledRequests',
      ],
    ],
    [
      'an ad-hoc start',
      summaryOf('start', { started: 1 }),
      [
        'GraphsStopped',
        'GraphsStarted',
        'GraphsFailed',
        'GraphsSkipped',
        'GraphsAlreadyStopped',
        'ThrottledRequests',
      ],
    ],
    ['a plan: none', summaryOf('plan'), []],
    ['a dry run: none (nothing changed)', summaryOf('reconcile', { wouldStop: 3 }, { dryRun: true }), []],
  ])('%s', (_name, summary, names) => {
    expect(runMetrics(summary).map((m) => m.name)).toEqual(names);
  });
});

describe('Function: runMetricsPublisher', () => {
  it.each([
    ['deployed: service and stage', 'prod', ['service', 'stage']],
    ['local: service only', undefined, ['service']],
  ])(
    'writes one EMF line, namespace GesOffhours, Count units, dimensions %s',
    async (_name, stage, dimensions) => {
      const published = await runMetricsPublisher({ stage })(SCHEDULED);
      const [emf, ...more] = emfLines();
      expect(more).toEqual([]);
      expect(published).toBe(9);
      const [directive] = emf!._aws.CloudWatchMetrics;
      expect(directive?.Namespace).toBe('GesOffhours');
      expect(directive?.Dimensions).toEqual([dimensions]);
      const byName = (a: { Name: string }, b: { Name: string }) => a.Name.localeCompare(b.Name);
      expect(directive?.Metrics.sort(byName)).toEqual(
        Object.values(MetricName)
          .map((Name) => ({ Name, Unit: 'Count' }))
          .sort(byName),
      );
      expect(emf).toMatchObject({
        service: 'ges-offhours',
        GraphsStopped: 3,
        GraphsStoppedNow: 7,
        ThrottledRequests: 5,
      });
      expect(emf?.stage).toBe(stage);
      expect(typeof emf?._aws.Timestamp).toBe('number');
    },
  );

  it('writes a line per run and carries nothing over from the last one', async () => {
    const publish = runMetricsPublisher({ stage: 'dev' });
    await publish(SCHEDULED);
    await publish(summaryOf('stop', { stopped: 1 }));
    const [, second] = emfLines();
    expect(second).toMatchObject({ GraphsStopped: 1, GraphsFailed: 0, stage: 'dev' });
    expect(second).not.toHaveProperty('GraphsInOffHours');
  });

  it('writes nothing for a run without metrics', async () => {
    expect(await runMetricsPublisher()(summaryOf('plan'))).toBe(0);
    expect(stdout).toEqual([]);
  });
});

describe('handler: metrics on every run', () => {
  const PROJECT = '0123456789abcdef0123456789abcdef';
  const ids = [1, 2, 3].map((n) => `00000000-0000-4000-8000-00000000000${n}`);
  let world: World;
  let stderr: string[];

  beforeEach(async () => {
    world = await startWorld({
      graphs: [
        { projectId: PROJECT, id: ids[0]!, name: 'fails', status: '200' },
        { projectId: PROJECT, id: ids[1]!, name: 'stops', status: '200' },
        { projectId: PROJECT, id: ids[2]!, name: 'stopped', status: '900' },
      ],
      // Off-hours at any instant but the minute of 1 January 00:00: the handler reads the real clock.
      schedules: { always: { timezone: 'Europe/Berlin', stop: '* * * * *', start: '0 0 1 1 *' } },
      projects: [{ projectId: PROJECT, graphs: ids.map((id) => ({ id, schedule: 'always' })) }],
      settings: { verifyJobs: false },
    });
    world.sandbox.setFaults([
      { kinds: ['stop'], graphIds: [ids[0]!], effect: { type: 'status', status: 403, gesCode: 'GES.0016' } },
    ]);
    vi.stubEnv('SCHEDULE_CONFIG', world.configPath);
    vi.stubEnv('HUAWEICLOUD_SDK_AK', TEST_AK);
    vi.stubEnv('HUAWEICLOUD_SDK_SK', TEST_SK);
    vi.stubEnv('GES_CREDENTIALS_SECRET', '');
    vi.stubEnv('LEDGER_TABLE', '');
    vi.stubEnv('LOG_LEVEL', 'INFO');
    vi.stubEnv('STAGE', 'prod');
    stderr = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(...String(chunk).split('\n').filter(Boolean));
      return true;
    });
    vi.resetModules();
  });
  afterEach(() => world.close());

  it('publishes before the summary line, also when the run throws for a failed graph', async () => {
    const { handler } = await import('../functions/stop-graphs.js');
    await expect(
      handler({ 'detail-type': 'Scheduled Event', source: 'aws.events' }, lambdaContext(30_000)),
    ).rejects.toThrow(/1 of 3 graphs failed/);
    const lines = stdout.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.at(-1)).toMatchObject({ message: 'run summary' });
    const [emf, ...more] = emfLines();
    expect(more).toEqual([]);
    expect(emf).toMatchObject({
      service: 'ges-offhours',
      stage: 'prod',
      GraphsStopped: 1,
      GraphsFailed: 1,
      GraphsAlreadyStopped: 1,
      GraphsInOffHours: 3,
      GraphsStoppedNow: 2,
      ThrottledRequests: 0,
      Paused: 0,
    });
    expect(emf?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'stage']]);
  });

  it('still logs the summary and returns when Powertools refuses to publish (a bad variable)', async () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'perhaps');
    world.sandbox.setFaults([]);
    const { handler } = await import('../functions/stop-graphs.js');
    const summary = await handler(
      { 'detail-type': 'Scheduled Event', source: 'aws.events' },
      lambdaContext(30_000),
    );
    const lines = stdout.map((l) => JSON.parse(l) as Record<string, unknown>);
    const warnings = stderr.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(warnings.find((l) => l.message === 'metrics not published')).toMatchObject({
      level: 'WARN',
      error: expect.stringContaining('POWERTOOLS_METRICS_DISABLED'),
    });
    expect(lines.at(-1)).toMatchObject({ message: 'run summary' });
    expect(summary).toMatchObject({ action: 'reconcile', counts: { stopped: 2 } });
  });

  it('publishes nothing for a plan', async () => {
    const { handler } = await import('../functions/stop-graphs.js');
    await handler({ action: 'plan' }, lambdaContext(30_000));
    expect(emfLines()).toEqual([]);
  });
});
