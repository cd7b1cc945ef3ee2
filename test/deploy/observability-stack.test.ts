import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS_NAMESPACE, MetricName, SERVICE_NAME } from '../../lib/metrics.js';
import { copyService, packageTemplate, type ServiceCopy, withOwnIds } from './service.js';

const PACKAGE_TIMEOUT_MS = 240_000;
const EMAIL = 'ops@example.com';
const TOPIC = 'arn:aws:sns:eu-central-1:123456789012:ops-alerts';

interface Resource {
  Type: string;
  Condition?: string;
  Properties: Record<string, unknown>;
}
interface Template {
  Conditions: Record<string, unknown>;
  Resources: Record<string, Resource>;
}

let copy: ServiceCopy;
/** Packaged with both alarmEmail and alarmTopicArn, and with neither. */
let both: Template;
let neither: Template;

function packageWith(params: string[], name: string): Promise<Template> {
  return packageTemplate<Template>(copy, params, name, PACKAGE_TIMEOUT_MS / 2 - 5_000);
}

beforeAll(async () => {
  copy = copyService('ges-offhours-observability-stack-');
  copy.writeConfig(withOwnIds(copy.readConfig()));
  both = await packageWith([`alarmEmail=${EMAIL}`, `alarmTopicArn=${TOPIC}`], 'both');
  neither = await packageWith([], 'neither');
}, PACKAGE_TIMEOUT_MS);

afterAll(() => copy?.remove());

/** Fn::Not / Fn::Equals of constants, as the packaged conditions are. */
function holds(template: Template, name: string): boolean {
  const evaluate = (node: unknown): unknown => {
    if (typeof node !== 'object' || node === null) return node;
    const [[fn, args]] = Object.entries(node) as [[string, unknown[]]];
    if (fn === 'Fn::Not') return !evaluate(args[0]);
    if (fn === 'Fn::Equals') return evaluate(args[0]) === evaluate(args[1]);
    if (fn === 'Condition') return holds(template, args as unknown as string);
    throw new Error(`unexpected ${fn} in condition ${name}`);
  };
  return evaluate(template.Conditions[name]) as boolean;
}

/** The alarm's actions once CloudFormation applied the conditions. */
function alarmActions(template: Template): unknown[] {
  const actions = template.Resources.StopGraphsErrorsAlarm?.Properties.AlarmActions as {
    'Fn::If': [string, unknown, unknown];
  }[];
  return actions
    .map(({ 'Fn::If': [condition, yes, no] }) => (holds(template, condition) ? yes : no))
    .filter((a) => JSON.stringify(a) !== JSON.stringify({ Ref: 'AWS::NoValue' }));
}

describe('osls package: notifications', () => {
  it('creates a topic with an email subscription when alarmEmail is set', () => {
    const { AlarmTopic, AlarmEmailSubscription } = both.Resources;
    expect(AlarmTopic).toMatchObject({ Type: 'AWS::SNS::Topic', Condition: 'HasAlarmEmail' });
    expect(AlarmEmailSubscription).toMatchObject({
      Type: 'AWS::SNS::Subscription',
      Condition: 'HasAlarmEmail',
      Properties: { TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'email', Endpoint: EMAIL },
    });
    expect(holds(both, 'HasAlarmEmail')).toBe(true);
  });

  it('notifies the existing topic and the email topic when both are set', () => {
    expect(alarmActions(both)).toEqual([TOPIC, { Ref: 'AlarmTopic' }]);
  });

  it('creates no topic and notifies nobody when neither is set', () => {
    expect(holds(neither, 'HasAlarmEmail')).toBe(false);
    expect(holds(neither, 'HasAlarmTopic')).toBe(false);
    expect(alarmActions(neither)).toEqual([]);
  });

  it('keeps watching the function’s Errors metric', () => {
    expect(both.Resources.StopGraphsErrorsAlarm?.Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'StopGraphsLambdaFunction' } }],
    });
  });
});

interface Widget {
  type: string;
  properties: {
    title: string;
    region: string;
    metrics?: unknown[][];
    query?: string;
    stat?: string;
    period?: number;
  };
}

describe('osls package: the dashboard and metrics', () => {
  const widgets = () => {
    const dashboard = both.Resources.Dashboard!;
    expect(dashboard.Type).toBe('AWS::CloudWatch::Dashboard');
    expect(dashboard.Properties.DashboardName).toBe('ges-offhours-test');
    const body = JSON.parse(dashboard.Properties.DashboardBody as string) as { widgets: Widget[] };
    return body.widgets;
  };
  const metricsOf = (w: Widget) =>
    (w.properties.metrics ?? []).filter((m) => typeof m[0] === 'string') as (string | object)[][];

  it('charts only metrics the function writes, with its namespace and dimensions, in the stack region', () => {
    const names = new Set<string>(Object.values(MetricName));
    const charted = widgets().filter((w) => w.type === 'metric');
    for (const w of charted) {
      expect(w.properties.region).toBe('eu-central-1');
      for (const [namespace, name, ...dims] of metricsOf(w)) {
        expect(namespace).toBe(METRICS_NAMESPACE);
        expect(names.has(name as string), `${name} is a metric of lib/metrics.ts`).toBe(true);
        expect(dims.slice(0, 4)).toEqual(['service', SERVICE_NAME, 'stage', 'test']);
      }
    }
  });

  it.each([
    ['Graphs stopped, started and failed per run', ['GraphsStopped', 'GraphsStarted', 'GraphsFailed']],
    ['Graphs in off-hours', ['GraphsInOffHours', 'GraphsStoppedNow']],
    ['Hours kept stopped per day', ['GraphsStoppedNow']],
    ['Requests throttled', ['ThrottledRequests']],
    ['Paused', ['Paused']],
  ])('has a widget "%s…" of %j', (title, names) => {
    const widget = widgets().find((w) => w.properties.title.startsWith(title));
    expect(widget?.type).toBe('metric');
    expect(metricsOf(widget!).map((m) => m[1])).toEqual(names);
  });

  it('turns a day’s average of graphs stopped into graph-hours', () => {
    const widget = widgets().find((w) => w.properties.title.startsWith('Hours kept stopped per day'))!;
    expect(widget.properties).toMatchObject({ stat: 'Average', period: 86400 });
    expect(widget.properties.metrics).toContainEqual([expect.objectContaining({ expression: 'm1 * 24' })]);
  });

  it('queries the function’s log group for the latest failures', () => {
    const logs = widgets().find((w) => w.type === 'log');
    const fn = both.Resources.StopGraphsLambdaFunction?.Properties.FunctionName;
    expect(fn).toBe('ges-offhours-test-stopGraphs');
    // CloudWatch joins `SOURCE …` and the query with ` | `: every command must follow a `|`.
    expect(logs?.properties.query).toBe(
      `SOURCE '/aws/lambda/${fn}'` +
        ' | fields @timestamp, message, graph.projectId as project,' +
        ' coalesce(graph.graphName, graph.graphId) as graphName,' +
        ' coalesce(graph.errorCode, errorCode) as code, coalesce(graph.message, error) as detail' +
        " | filter message in ['graph failed', 'run refused', 'ledger read failed', 'ledger write failed']" +
        ' | sort @timestamp desc | limit 50',
    );
  });

  it('gives the function its stage for the metrics, and no CloudWatch permission (EMF needs none)', () => {
    const fn = both.Resources.StopGraphsLambdaFunction!;
    const { Variables } = fn.Properties.Environment as { Variables: Record<string, unknown> };
    expect(Variables.STAGE).toBe('test');
    const role = Object.values(both.Resources).find((r) => r.Type === 'AWS::IAM::Role')!;
    const actions = JSON.stringify(role.Properties.Policies);
    expect(actions).not.toMatch(/cloudwatch:/i);
  });
});
