'use strict';
// DashboardBody of the stack's CloudWatch dashboard (serverless.yml), as the JSON string
// CloudFormation wants. Everything in it is known when packaging (region, stage, the function's
// log group), so it needs no AWS call and no CloudFormation functions.
//
// The metrics are the ones the function writes in Embedded Metric Format (lib/metrics.ts):
// namespace GesOffhours, dimensions service (always `ges-offhours`, whatever the stack is called)
// and stage. "Hours kept stopped per day" is a day's average of GraphsStoppedNow (graphs found
// stopped, or stopped, by each scheduled run) times 24: runs come at a steady interval, so the
// average number of graphs stopped over a day times 24 h is the graph-hours kept stopped that day,
// whatever the interval is. See docs/deploy.md, "Metrics and dashboard".

const NAMESPACE = 'GesOffhours';
const SERVICE_DIMENSION = 'ges-offhours';
/** One datapoint per run at the default interval (15 minutes) or any longer one. */
const RUN_PERIOD = 300;
const DAY = 86400;
/** The log lines the failures table shows: lib/run/report.ts, functions/stop-graphs.ts and lib/run/ledger-ops.ts write them. */
const FAILURE_MESSAGES = ['graph failed', 'run refused', 'ledger read failed', 'ledger write failed'];

const metricWidget = ({ x, y, title, metrics, stat, period, view = 'timeSeries', region, yLabel }) => ({
  type: 'metric',
  x,
  y,
  width: 12,
  height: 6,
  properties: {
    title,
    region,
    metrics,
    stat,
    period,
    view,
    stacked: false,
    yAxis: { left: { min: 0, label: yLabel, showUnits: false } },
  },
});

const body = ({ region, stage, logGroup }) => {
  const dims = ['service', SERVICE_DIMENSION, 'stage', stage];
  const metric = (name, options) => [NAMESPACE, name, ...dims, ...(options ? [options] : [])];
  // One line of `|`-separated commands: CloudWatch runs `SOURCE … | <query>`, so every command,
  // the first included, must follow a `|`.
  const failuresQuery = [
    `SOURCE '${logGroup}'`,
    'fields @timestamp, message, graph.projectId as project,' +
      ' coalesce(graph.graphName, graph.graphId) as graphName,' +
      ' coalesce(graph.errorCode, errorCode) as code, coalesce(graph.message, error) as detail',
    `filter message in [${FAILURE_MESSAGES.map((m) => `'${m}'`).join(', ')}]`,
    'sort @timestamp desc',
    'limit 50',
  ].join(' | ');
  return {
    widgets: [
      metricWidget({
        x: 0,
        y: 0,
        region,
        title: 'Graphs stopped, started and failed per run',
        stat: 'Sum',
        period: RUN_PERIOD,
        yLabel: 'graphs',
        metrics: [
          metric('GraphsStopped', { label: 'stopped' }),
          metric('GraphsStarted', { label: 'started' }),
          metric('GraphsFailed', { label: 'failed', color: '#d62728' }),
        ],
      }),
      metricWidget({
        x: 12,
        y: 0,
        region,
        title: 'Graphs in off-hours, and stopped, at each scheduled run',
        stat: 'Maximum',
        period: RUN_PERIOD,
        yLabel: 'graphs',
        metrics: [
          metric('GraphsInOffHours', { label: 'in off-hours' }),
          metric('GraphsStoppedNow', { label: 'stopped' }),
        ],
      }),
      metricWidget({
        x: 0,
        y: 6,
        region,
        title: 'Hours kept stopped per day (graph-hours, from the metrics)',
        stat: 'Average',
        period: DAY,
        view: 'bar',
        yLabel: 'graph-hours',
        metrics: [
          [{ expression: 'm1 * 24', label: 'graph-hours kept stopped', id: 'e1' }],
          metric('GraphsStoppedNow', { id: 'm1', visible: false }),
        ],
      }),
      metricWidget({
        x: 12,
        y: 6,
        region,
        title: 'Requests throttled by the API gateway (HTTP 429)',
        stat: 'Sum',
        period: 3600,
        yLabel: 'requests',
        metrics: [metric('ThrottledRequests', { label: 'throttled' })],
      }),
      metricWidget({
        x: 0,
        y: 12,
        region,
        title: 'Paused: 1 while a pause holds and scheduled runs stop and start nothing',
        stat: 'Maximum',
        period: RUN_PERIOD,
        yLabel: 'paused',
        metrics: [metric('Paused', { label: 'paused' })],
      }),
      {
        type: 'log',
        x: 0,
        y: 18,
        width: 24,
        height: 8,
        properties: {
          title: 'Latest failures (graph failed, run refused, ledger read or write failed)',
          region,
          query: failuresQuery,
          view: 'table',
        },
      },
    ],
  };
};

module.exports = async ({ resolveVariable, resolveConfigurationProperty }) => {
  const region = await resolveVariable('aws:region');
  const stage = await resolveVariable('sls:stage');
  const service = await resolveConfigurationProperty(['service']);
  // The function's name as the framework gives it: <service>-<stage>-<function key>.
  const logGroup = `/aws/lambda/${service}-${stage}-stopGraphs`;
  return JSON.stringify(body({ region, stage, logGroup }));
};

module.exports.body = body;
