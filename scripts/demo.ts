/**
 * `npm start`: the whole function on this machine. Starts the local GES sandbox, a loopback
 * Secrets Manager and a DynamoDB emulator for the ledger of stop windows, points
 * config/schedule.example.yaml at them (with `startGraphs` on its nightly schedules and a
 * `scheduleTag` on its second project), runs the Lambda handler once as EventBridge would, then
 * runs again at the next morning of a nightly schedule, and prints the JSON logs followed by a
 * readable summary of each run.
 *
 * The sandbox holds every configured graph (mostly running, one busy) plus graphs the config does
 * not name: some tagged for a schedule (managed by the tag; one stopped by someone else, which the
 * morning must leave stopped), one tagged `off`, and two untagged, which must come out untouched.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { secretsManagerSource } from '../lib/credentials.js';
import { readEnvironment } from '../lib/env.js';
import { invoke, isSummary } from '../lib/invoke.js';
import { dynamoLedger } from '../lib/ledger/dynamo.js';
import { powertoolsLog } from '../lib/powertools-log.js';
import type { GraphResult, Summary } from '../lib/run/types.js';
import { loadConfig } from '../lib/schedule/config.js';
import { evaluateSchedule } from '../lib/schedule/offhours.js';
import { createLedgerTable, startDynamo } from '../sandbox/dynamo.js';
import { lambdaContext } from '../sandbox/lambda-context.js';
import { startFakeSecretsManager } from '../sandbox/secrets-manager.js';
import { GesSandbox, makeUuid, type SandboxGraph } from '../sandbox/server.js';
import { renderTable, verdict } from './cli/format.js';

const EXAMPLE = 'config/schedule.example.yaml';
const DEMO_AK = 'DEMOACCESSKEY0000001';
const DEMO_SK = 'demo-secret-key-never-logged';

interface ExampleGraph {
  id?: string;
  name?: string;
}
interface ExampleProject {
  projectId: string;
  credentialsSecret?: string;
  graphs: ExampleGraph[];
}

const doc = parseDocument(readFileSync(EXAMPLE, 'utf8'));
const projects = (doc.toJS() as { projects: ExampleProject[] }).projects;
/** Schedules that start their graphs again in the demo, and the project that selects graphs by tag. */
const MORNING_SCHEDULES = ['nightly-shanghai', 'nightly-new-york'];
const TAGGED_PROJECT = projects.length - 1;
const UNNAMED = ['team-sandbox', 'ml-training'];

/** Busy graphs are skipped with their reason; every other configured graph is running. */
const DEMO_STATUS: Readonly<Record<string, string>> = { 'fraud-detection': '202' /* importing */ };

/** Configured graphs as the sandbox serves them, plus two graphs per project the config does not name. */
function sandboxGraphs(): SandboxGraph[] {
  const graphs: SandboxGraph[] = [];
  let n = 0;
  for (const project of projects) {
    for (const graph of project.graphs) {
      const name = graph.name ?? `analytics-${++n}`;
      graphs.push({
        projectId: project.projectId,
        id: graph.id ?? makeUuid('demo', name),
        name,
        status: DEMO_STATUS[name] ?? '200',
      });
    }
    // Running graphs the config does not name: the function must leave them alone (the tagged
    // project's ml-training says so with `offhours=off` too).
    for (const extra of UNNAMED) {
      graphs.push({
        projectId: project.projectId,
        id: makeUuid(project.projectId, extra),
        name: extra,
        status: '200',
        ...(project === projects[TAGGED_PROJECT] && extra === 'ml-training'
          ? { tags: [{ key: 'offhours', value: 'off' }] }
          : {}),
      });
    }
  }
  // Graphs only their tag puts on a schedule: one running, one someone else stopped, per schedule.
  const tagged = projects[TAGGED_PROJECT]!;
  for (const schedule of MORNING_SCHEDULES) {
    const place = schedule.replace('nightly-', '');
    for (const [name, status] of [
      [`etl-${place}`, '200'],
      [`bi-${place}`, '900'],
    ] as const) {
      graphs.push({
        projectId: tagged.projectId,
        id: makeUuid(tagged.projectId, name),
        name,
        status,
        tags: [{ key: 'offhours', value: schedule }],
      });
    }
  }
  return graphs;
}

const sandbox = await GesSandbox.start({
  graphs: sandboxGraphs(),
  accounts: [{ ak: DEMO_AK, sk: DEMO_SK }],
  jobDurationMs: 1_500,
});
const secretNames = new Set([
  'ges/demo',
  ...projects.flatMap((p) => (p.credentialsSecret ? [p.credentialsSecret] : [])),
]);
const secretsManager = await startFakeSecretsManager(
  Object.fromEntries([...secretNames].map((name) => [name, JSON.stringify({ ak: DEMO_AK, sk: DEMO_SK })])),
);

// The SDK warns that its 2027 releases will need Node 22; the Lambda runs Node 24 and the
// lockfile pins today's SDK, so on a Node 20 laptop the warning is noise in the demo.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const dynamo = await startDynamo();
const LEDGER_TABLE = 'ges-offhours-demo-ledger';
await createLedgerTable(dynamo.endpoint, LEDGER_TABLE);

const dir = mkdtempSync(join(tmpdir(), 'ges-offhours-demo-'));
const configPath = join(dir, 'schedule.yaml');
projects.forEach((_, i) => {
  doc.setIn(['projects', i, 'endpoint'], sandbox.url);
});
for (const schedule of MORNING_SCHEDULES) doc.setIn(['schedules', schedule, 'startGraphs'], true);
doc.setIn(['projects', TAGGED_PROJECT, 'scheduleTag'], 'offhours');
writeFileSync(configPath, doc.toString());

Object.assign(process.env, {
  SCHEDULE_CONFIG: configPath,
  GES_CREDENTIALS_SECRET: 'ges/demo',
  AWS_REGION: 'eu-central-1',
  AWS_ACCESS_KEY_ID: 'AKIDLOCALDEMO',
  AWS_SECRET_ACCESS_KEY: 'local-demo',
  AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
  AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
  LEDGER_TABLE,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'INFO',
});
for (const name of [
  'HUAWEICLOUD_SDK_AK',
  'HUAWEICLOUD_SDK_SK',
  'HUAWEICLOUD_SDK_SECURITY_TOKEN',
  'AWS_PROFILE',
]) {
  delete process.env[name];
}

process.stdout.write(
  `GES sandbox on ${sandbox.url}, Secrets Manager on ${secretsManager.endpoint}, ` +
    `the ledger (DynamoDB emulator) on ${dynamo.endpoint}\n`,
);
process.stdout.write(
  `Config: ${EXAMPLE} with every endpoint set to the sandbox, startGraphs on ${MORNING_SCHEDULES.join(' and ')}, ` +
    `and scheduleTag: offhours on project ${projects[TAGGED_PROJECT]!.projectId.slice(0, 8)} (${configPath})\n\n`,
);
process.stdout.write('--- Lambda logs (JSON lines) ---\n');

const scheduledEvent = {
  version: '0',
  id: makeUuid('demo-event'),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  time: new Date().toISOString(),
  region: 'eu-central-1',
  resources: ['arn:aws:events:eu-central-1:000000000000:rule/ges-offhours-demo'],
  detail: {},
};

const { handler } = await import('../functions/stop-graphs.js');
let summary: Summary | undefined;
let failure: unknown;
try {
  const output = await handler(scheduledEvent, lambdaContext(300_000));
  summary = isSummary(output) ? output : undefined;
} catch (error) {
  failure = error;
}

const nameOf = new Map(sandbox.graphs().map((g) => [g.id, g.name]));
printRun('What happened', summary, failure);

// The morning: the next end of a nightly schedule that is in off-hours now, a minute after it.
const morning = await nextMorning();
if (morning) {
  process.stdout.write(
    `\n--- The morning: a run at ${morning.at.toISOString()} (${morning.schedule} ends) ---\n`,
  );
  const env = readEnvironment();
  const ledger = dynamoLedger({ table: LEDGER_TABLE });
  let second: Summary | undefined;
  let secondFailure: unknown;
  try {
    const output = await invoke(scheduledEvent, {
      env,
      secrets: secretsManagerSource(),
      log: powertoolsLog(env.logLevel),
      remainingMs: 300_000,
      now: morning.at,
      ledger,
    });
    second = isSummary(output) ? output : undefined;
  } catch (error) {
    secondFailure = error;
  } finally {
    ledger.destroy();
  }
  printRun(
    `What the morning did (${morning.schedule} starts the graphs this function stopped)`,
    second,
    secondFailure,
  );
  failure ??= secondFailure;
}

const starts = sandbox.requests.filter((r) => r.kind === 'start').length;
const stops = sandbox.requests.filter((r) => r.kind === 'stop').length;
const unnamed = projects.flatMap((p) =>
  UNNAMED.map((n) => sandbox.graph(p.projectId, makeUuid(p.projectId, n))),
);
process.stdout.write(
  `\nStops sent: ${stops}; starts sent: ${starts}; graphs the config does not name and no tag selects, ` +
    `still running: ${unnamed.filter((g) => g?.status === '200').length} of ${unnamed.length}\n`,
);

await Promise.all([sandbox.close(), secretsManager.close(), dynamo.close()]);
rmSync(dir, { recursive: true, force: true });
if (failure !== undefined) process.exitCode = 1;

function printRun(title: string, run: Summary | undefined, error: unknown): void {
  process.stdout.write(`\n--- ${title} ---\n`);
  if (run === undefined && error !== undefined) {
    // A run with failed graphs throws after logging its summary; anything else is a refusal.
    process.stdout.write(`${error instanceof Error ? error.message : String(error)}\n`);
  }
  const results = (run?.results ?? []) as GraphResult[];
  const rows = results.map((r) => [
    r.projectId.slice(0, 8),
    r.graphName ?? nameOf.get(r.graphId ?? '') ?? '',
    r.selectedBy ?? '',
    r.outcome,
    r.jobId ?? r.reason ?? r.errorCode ?? '',
    r.jobStatus ?? '',
  ]);
  process.stdout.write(renderTable(['project', 'graph', 'by', 'outcome', 'job id / reason', 'job'], rows));
  if (run) process.stdout.write(`\n${verdict(run)}\n`);
}

/** A minute after the next `start` of a morning schedule that is in off-hours now. */
async function nextMorning(): Promise<{ schedule: string; at: Date } | undefined> {
  const now = new Date();
  const { config } = await loadConfig(configPath, now);
  const candidates = MORNING_SCHEDULES.flatMap((name) => {
    const window = evaluateSchedule(config.schedules[name]!, now);
    return window.offHours && window.nextStart
      ? [{ schedule: name, at: new Date(window.nextStart.getTime() + 60_000) }]
      : [];
  });
  return candidates.sort((a, b) => a.at.getTime() - b.at.getTime())[0];
}
