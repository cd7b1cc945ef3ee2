/**
 * `npm start`: the whole function on this machine. Starts the local GES sandbox and a loopback
 * Secrets Manager, points config/schedule.example.yaml at them, runs the Lambda handler once as
 * EventBridge would, and prints the JSON logs followed by a readable summary.
 *
 * The sandbox holds every configured graph (mostly running, a few busy or stopped) plus graphs the
 * config does not name, which must come out untouched.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { isSavingsReport } from '../lib/report/types.js';
import type { GraphResult, Summary } from '../lib/run/types.js';
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
    // Running graphs the config does not name: the function must leave them alone.
    for (const extra of ['team-sandbox', 'ml-training']) {
      graphs.push({
        projectId: project.projectId,
        id: makeUuid(project.projectId, extra),
        name: extra,
        status: '200',
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

const dir = mkdtempSync(join(tmpdir(), 'ges-offhours-demo-'));
const configPath = join(dir, 'schedule.yaml');
projects.forEach((_, i) => {
  doc.setIn(['projects', i, 'endpoint'], sandbox.url);
});
writeFileSync(configPath, doc.toString());

Object.assign(process.env, {
  SCHEDULE_CONFIG: configPath,
  GES_CREDENTIALS_SECRET: 'ges/demo',
  AWS_REGION: 'eu-central-1',
  AWS_ACCESS_KEY_ID: 'AKIDLOCALDEMO',
  AWS_SECRET_ACCESS_KEY: 'local-demo',
  AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'INFO',
  // The SDK warns that its 2027 releases will need Node 22; the Lambda runs Node 24 and the
  // lockfile pins today's SDK, so on a Node 20 laptop the warning is noise in the demo.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});
for (const name of [
  'HUAWEICLOUD_SDK_AK',
  'HUAWEICLOUD_SDK_SK',
  'HUAWEICLOUD_SDK_SECURITY_TOKEN',
  'AWS_PROFILE',
]) {
  delete process.env[name];
}

process.stdout.write(`GES sandbox on ${sandbox.url}, Secrets Manager on ${secretsManager.endpoint}\n`);
process.stdout.write(`Config: ${EXAMPLE} with every endpoint set to the sandbox (${configPath})\n\n`);
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
  summary = isSavingsReport(output) ? undefined : output;
} catch (error) {
  failure = error;
}

process.stdout.write('\n--- What happened ---\n');
if (summary === undefined && failure !== undefined) {
  // A run with failed graphs throws after logging its summary; anything else is a refusal.
  process.stdout.write(`${failure instanceof Error ? failure.message : String(failure)}\n`);
}
const results = (summary?.results ?? []) as GraphResult[];
const rows = results.map((r) => [
  r.projectId.slice(0, 8),
  r.graphName ?? '',
  r.graphId ?? '',
  r.outcome,
  r.jobId ?? r.reason ?? r.errorCode ?? '',
  r.jobStatus ?? '',
]);
process.stdout.write(renderTable(['project', 'graph', 'id', 'outcome', 'job id / reason', 'job'], rows));
if (summary) process.stdout.write(`\n${verdict(summary)}\n`);
const untouched = sandbox.requests.filter((r) => r.kind === 'stop').length;
process.stdout.write(
  `Stops sent: ${untouched}; graphs the config does not name, still running: ` +
    `${
      projects
        .flatMap((p) =>
          ['team-sandbox', 'ml-training'].map((n) => sandbox.graph(p.projectId, makeUuid(p.projectId, n))),
        )
        .filter((g) => g?.status === '200').length
    } of ${projects.length * 2}\n`,
);

await Promise.all([sandbox.close(), secretsManager.close()]);
rmSync(dir, { recursive: true, force: true });
if (failure !== undefined) process.exitCode = 1;
