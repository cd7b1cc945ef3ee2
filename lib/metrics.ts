/**
 * A run's counts as CloudWatch metrics, in Embedded Metric Format (EMF): one JSON line on stdout
 * that CloudWatch Logs turns into metrics, so the function needs no PutMetricData call, permission
 * or network round trip. Namespace `GesOffhours`, dimensions `service` and (deployed) `stage`
 * only: a dimension per graph would make every graph a metric of its own, billed monthly.
 *
 * Powertools Metrics is loaded by the first run that publishes (a plan, a report or a refused
 * event never parses it), and then kept for the life of the container.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Summary } from './run/types.js';

export const METRICS_NAMESPACE = 'GesOffhours';
export const SERVICE_NAME = 'ges-offhours';

export const MetricName = {
  stopped: 'GraphsStopped',
  started: 'GraphsStarted',
  failed: 'GraphsFailed',
  skipped: 'GraphsSkipped',
  alreadyStopped: 'GraphsAlreadyStopped',
  inOffHours: 'GraphsInOffHours',
  throttled: 'ThrottledRequests',
  /**
   * Scheduled runs only: graphs found stopped or stopped by the run. Runs come at a steady
   * interval, so a day's average of it times 24 is the graph-hours kept stopped that day.
   */
  stoppedNow: 'GraphsStoppedNow',
  /** Scheduled runs only: 1 while a pause holds (nothing stopped or started), else 0. */
  paused: 'Paused',
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];

export interface MetricValue {
  readonly name: MetricName;
  readonly value: number;
}

/**
 * What a run's summary gives as metrics (all counts). None for a plan or a dry run, which change
 * nothing: their counts would read as work done. The gauges (`GraphsInOffHours`,
 * `GraphsStoppedNow`) come from scheduled runs only, whose steady interval makes them samples.
 */
export function runMetrics(summary: Summary): readonly MetricValue[] {
  if (summary.action === 'plan' || summary.action === 'report' || summary.dryRun) return [];
  const { counts } = summary;
  const values: MetricValue[] = [
    { name: MetricName.stopped, value: counts.stopped },
    { name: MetricName.started, value: counts.started },
    { name: MetricName.failed, value: counts.failed },
    { name: MetricName.skipped, value: counts.skipped },
    { name: MetricName.alreadyStopped, value: counts.alreadyStopped },
    { name: MetricName.throttled, value: summary.requests?.throttled ?? 0 },
  ];
  if (summary.action === 'reconcile') {
    values.push(
      { name: MetricName.inOffHours, value: summary.graphsInOffHours ?? 0 },
      { name: MetricName.stoppedNow, value: counts.stopped + counts.alreadyStopped },
      { name: MetricName.paused, value: summary.paused ? 1 : 0 },
    );
  }
  return values;
}

export interface MetricsOptions {
  /** Deployed stage (`STAGE`), a second dimension when set. */
  readonly stage?: string | undefined;
}

export type PublishRunMetrics = (summary: Summary) => Promise<number>;

/**
 * Keep one per process (module scope). Each call writes one EMF line with the run's metrics (none
 * for a run that has none) and returns how many it wrote.
 */
export function runMetricsPublisher(options: MetricsOptions = {}): PublishRunMetrics {
  let metrics: Promise<Metrics> | undefined;
  return async (summary) => {
    const values = runMetrics(summary);
    if (values.length === 0) return 0;
    metrics ??= loadMetrics(options);
    const emf = await metrics;
    for (const { name, value } of values) emf.addMetric(name, 'Count', value);
    emf.publishStoredMetrics();
    return values.length;
  };
}

async function loadMetrics({ stage }: MetricsOptions): Promise<Metrics> {
  const { Metrics } = await import('@aws-lambda-powertools/metrics');
  return new Metrics({
    namespace: METRICS_NAMESPACE,
    serviceName: SERVICE_NAME,
    ...(stage === undefined ? {} : { defaultDimensions: { stage } }),
  });
}
