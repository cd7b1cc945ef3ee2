/**
 * The full 1,000-graph run as Lambda runs it: the shipped bundle, in a Node process of its own,
 * invoked once with a scheduled event, credentials from (a loopback) Secrets Manager, jobs verified
 * with the default polling. It gives the API economy (the sandbox's request log, in this process)
 * and the peak RSS (the child's: Node, the bundle and the run; the sandbox is not counted).
 *
 * The config mixes what a run must leave alone: graphs on an on-hours schedule, graphs under
 * skipUntil, graphs the config does not name, besides the status mix (stopped, busy, faulty…).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startFakeSecretsManager } from '../sandbox/secrets-manager.js';
import { GesSandbox, type RecordedRequest, type SandboxGraph } from '../sandbox/server.js';
import { TEST_AK, TEST_SK } from '../sandbox/world.js';
import { countByKind, fleet, LATENCY_MS, PAGE_SIZE, projectIds, stopsByGraph } from './fleet.js';

// The handler reads the real clock: `off` is in off-hours at any instant but the first minute of
// the year, `on` the other way round.
const SCHEDULES = {
  off: { timezone: 'UTC', stop: '* * * * *', start: '0 0 1 1 *' },
  on: { timezone: 'UTC', stop: '0 0 1 1 *', start: '* * * * *' },
};
const SECRET = 'ges/bench';
const CHILD = join(import.meta.dirname, 'child', 'run-handler.mjs');

/**
 * The heap limits the Lambda Node.js runtime gives a 128 MB function (its bootstrap script: new
 * space = memory / 10, semi-space = half of that, old space = the rest). NODE_OPTIONS is set as
 * serverless.yml sets it.
 */
export const LAMBDA_128_MB = ['--max-semi-space-size=6', '--max-old-space-size=116'];

type Role = 'stop-if-running' | 'on-hours' | 'skip-until' | 'not-configured';

/** Graph i's part in the run: every 25th is left out of the config, every 5th is on-hours… */
function roleOf(i: number): Role {
  if (i % 25 === 24) return 'not-configured';
  if (i % 5 === 3) return 'on-hours';
  if (i % 50 === 0) return 'skip-until';
  return 'stop-if-running';
}

function config(graphs: readonly SandboxGraph[], endpoint: string): unknown {
  const indexed = graphs.map((graph, i) => ({ graph, role: roleOf(i) }));
  return {
    schedules: SCHEDULES,
    projects: projectIds.map((projectId) => ({
      projectId,
      region: 'cn-north-4',
      endpoint,
      graphs: indexed
        .filter(({ graph, role }) => graph.projectId === projectId && role !== 'not-configured')
        .map(({ graph, role }) => ({
          id: graph.id,
          schedule: role === 'on-hours' ? 'on' : 'off',
          ...(role === 'skip-until' ? { skipUntil: '2999-01-01T00:00:00Z' } : {}),
        })),
    })),
    settings: { concurrency: 8, verifyJobs: true },
  };
}

export interface Economy {
  readonly byKind: Record<string, number>;
  readonly retries: number;
  readonly expectedStops: number;
  /** Graphs stopped that should not have been, and running off-hours graphs not stopped. */
  readonly wrongStops: number;
  readonly missedStops: number;
  /** Most stop requests any one graph received. */
  readonly maxStopsPerGraph: number;
  readonly listsPerProject: { readonly min: number; readonly max: number; readonly pages: number };
  /** Listing requests that asked for an offset already asked for in that project. */
  readonly repeatedPages: number;
  readonly pollsPerJob: { readonly mean: number; readonly max: number };
  readonly jobsPolled: number;
}

export interface Memory {
  readonly maxRssBytes: number;
  readonly rssAfterLoadBytes: number;
  readonly heapUsedBytes: number;
}

export interface FullRun {
  readonly graphs: number;
  readonly runMs: number;
  readonly counts: Record<string, number> | undefined;
  readonly error: string | undefined;
  readonly economy: Economy;
  readonly memory: Memory;
}

export interface FullRunOptions {
  /** Node's flags (default: Lambda's heap limits for 128 MB). */
  readonly nodeArgs?: readonly string[];
  /** Added to the child's environment (e.g. `NODE_OPTIONS: ''` to run without source maps). */
  readonly env?: Readonly<Record<string, string>>;
}

export async function fullRun(bundle: string, options: FullRunOptions = {}): Promise<FullRun> {
  const { nodeArgs = LAMBDA_128_MB } = options;
  const graphs = fleet();
  const sandbox = await GesSandbox.start({
    graphs,
    accounts: [{ ak: TEST_AK, sk: TEST_SK }],
    latencyMs: LATENCY_MS,
    maxPageSize: PAGE_SIZE,
    jobDurationMs: 500,
  });
  const secrets = await startFakeSecretsManager({ [SECRET]: JSON.stringify({ ak: TEST_AK, sk: TEST_SK }) });
  const dir = mkdtempSync(join(tmpdir(), 'ges-offhours-bench-'));
  try {
    const configPath = join(dir, 'schedule.yaml');
    // Block-style YAML, as people write it (yaml's flow/JSON parsing takes ~8 MB more at this size).
    writeFileSync(configPath, stringify(config(graphs, sandbox.url)));
    const out = join(dir, 'result.json');
    const stdout = await runChild([...nodeArgs, CHILD, bundle, out], {
      SCHEDULE_CONFIG: configPath,
      GES_CREDENTIALS_SECRET: SECRET,
      LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
      AWS_REGION: 'eu-central-1',
      AWS_ACCESS_KEY_ID: 'AKIDBENCH',
      AWS_SECRET_ACCESS_KEY: 'bench-secret',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      ...options.env,
    });
    const child = JSON.parse(readFileSync(out, 'utf8')) as {
      runMs: number;
      counts?: Record<string, number>;
      error?: string;
    } & Memory;
    const retries = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .filter((line) => (JSON.parse(line) as { message?: string }).message === 'retrying request').length;
    return {
      graphs: graphs.length,
      runMs: child.runMs,
      counts: child.counts,
      error: child.error,
      economy: economy(graphs, sandbox.requests, retries),
      memory: {
        maxRssBytes: child.maxRssBytes,
        rssAfterLoadBytes: child.rssAfterLoadBytes,
        heapUsedBytes: child.heapUsedBytes,
      },
    };
  } finally {
    await sandbox.close();
    await secrets.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function runChild(args: readonly string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH ?? '', TZ: 'UTC', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    const errors: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => errors.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const stderr = Buffer.concat(errors).toString('utf8');
      if (code === 0) resolve(Buffer.concat(chunks).toString('utf8') + stderr);
      else reject(new Error(`the handler run exited with ${code}: ${stderr.slice(0, 2000)}`));
    });
  });
}

function economy(
  graphs: readonly SandboxGraph[],
  requests: readonly RecordedRequest[],
  retries: number,
): Economy {
  const shouldStop = new Set(
    graphs.filter((g, i) => g.status === '200' && roleOf(i) === 'stop-if-running').map((g) => g.id),
  );
  const stops = stopsByGraph(requests);
  const lists = projectIds.map((p) => requests.filter((r) => r.kind === 'list' && r.projectId === p));
  const polls = new Map<string, number>();
  for (const r of requests) if (r.kind === 'job') polls.set(r.jobId!, (polls.get(r.jobId!) ?? 0) + 1);
  const pollCounts = [...polls.values()];
  const perProject = Math.ceil(graphs.length / projectIds.length / PAGE_SIZE);
  return {
    byKind: countByKind(requests),
    retries,
    expectedStops: shouldStop.size,
    wrongStops: [...stops.keys()].filter((id) => !shouldStop.has(id)).length,
    missedStops: [...shouldStop].filter((id) => !stops.has(id)).length,
    maxStopsPerGraph: Math.max(0, ...stops.values()),
    listsPerProject: {
      min: Math.min(...lists.map((l) => l.length)),
      max: Math.max(...lists.map((l) => l.length)),
      pages: perProject,
    },
    repeatedPages: lists.reduce((n, l) => n + l.length - new Set(l.map((r) => r.query.offset)).size, 0),
    pollsPerJob: {
      mean: pollCounts.length ? pollCounts.reduce((a, b) => a + b, 0) / pollCounts.length : 0,
      max: Math.max(0, ...pollCounts),
    },
    jobsPolled: polls.size,
  };
}
