/**
 * The full 1,000-graph run as Lambda runs it: the shipped bundle, in a Node process of its own,
 * invoked once with a scheduled event, credentials from (a loopback) Secrets Manager, jobs verified
 * with the default polling. It gives the API economy (the sandbox's request log, in this process)
 * and the peak RSS (the child's: Node, the bundle and the run; the sandbox is not counted).
 *
 * The config mixes what a run must leave alone: graphs on an on-hours schedule, graphs under
 * skipUntil, graphs the config does not name, besides the status mix (stopped, busy, faulty…).
 */
import { GesSandbox, type RecordedRequest, type SandboxGraph } from '../sandbox/server.js';
import { TEST_AK, TEST_SK } from '../sandbox/world.js';
import { countByKind, fleet, GRAPHS, LATENCY_MS, PAGE_SIZE, projectIds, stopsByGraph } from './fleet.js';
import { LAMBDA_128_MB, type Memory, runHandler } from './lambda.js';

// The handler reads the real clock: `off` is in off-hours at any instant but the first minute of
// the year, `on` in on-hours at any instant but that minute (a start firing at every minute would
// cancel its own stop, which the config refuses).
export const SCHEDULES = {
  off: { timezone: 'UTC', stop: '* * * * *', start: '0 0 1 1 *' },
  on: { timezone: 'UTC', stop: '0 0 1 1 *', start: '1 0 1 1 *' },
};

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
  /** List requests sent to plan (before the project's first stop), per project. */
  readonly listsPerProject: { readonly min: number; readonly max: number; readonly pages: number };
  /** Planning list requests that asked for an offset already asked for in that project. */
  readonly repeatedPages: number;
  /** List requests after the project's first stop: the listings that confirm the stops. */
  readonly confirmationLists: number;
  readonly jobReads: number;
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
  /** Graphs in the fleet (default 1,000). */
  readonly graphs?: number;
  /** Node's flags (default: Lambda's heap limits for 128 MB). */
  readonly nodeArgs?: readonly string[];
  /** Added to the child's environment (e.g. `NODE_OPTIONS: ''` to run without source maps). */
  readonly env?: Readonly<Record<string, string>>;
}

export async function fullRun(bundle: string, options: FullRunOptions = {}): Promise<FullRun> {
  const { nodeArgs = LAMBDA_128_MB } = options;
  const graphs = fleet(options.graphs ?? GRAPHS);
  const sandbox = await GesSandbox.start({
    graphs,
    accounts: [{ ak: TEST_AK, sk: TEST_SK }],
    latencyMs: LATENCY_MS,
    maxPageSize: PAGE_SIZE,
    jobDurationMs: 500,
  });
  try {
    const run = await runHandler({
      bundle,
      config: config(graphs, sandbox.url),
      nodeArgs,
      ...(options.env ? { env: options.env } : {}),
    });
    if (!run.summary) throw new Error(`the full run logged no summary: ${run.error ?? 'no error either'}`);
    const retryLines = run.log.filter((entry) => entry.message === 'retrying request').length;
    return {
      graphs: graphs.length,
      runMs: run.runMs,
      counts: run.summary?.counts,
      error: run.error,
      economy: economy(graphs, sandbox.requests, run.summary?.requests?.retries ?? retryLines),
      memory: run.memory,
    };
  } finally {
    await sandbox.close();
  }
}

/** A project's list requests split at its first stop: planning before, confirmation after. */
export function listsOf(
  requests: readonly RecordedRequest[],
  projectId: string,
): { plan: RecordedRequest[]; confirm: RecordedRequest[] } {
  const firstStop = requests.find((r) => r.kind === 'stop' && r.projectId === projectId)?.seq ?? Infinity;
  const lists = requests.filter((r) => r.kind === 'list' && r.projectId === projectId);
  return { plan: lists.filter((r) => r.seq < firstStop), confirm: lists.filter((r) => r.seq > firstStop) };
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
  const lists = projectIds.map((p) => listsOf(requests, p));
  const perProject = Math.ceil(graphs.length / projectIds.length / PAGE_SIZE);
  const byKind = countByKind(requests);
  return {
    byKind,
    retries,
    expectedStops: shouldStop.size,
    wrongStops: [...stops.keys()].filter((id) => !shouldStop.has(id)).length,
    missedStops: [...shouldStop].filter((id) => !stops.has(id)).length,
    maxStopsPerGraph: Math.max(0, ...stops.values()),
    listsPerProject: {
      min: Math.min(...lists.map((l) => l.plan.length)),
      max: Math.max(...lists.map((l) => l.plan.length)),
      pages: perProject,
    },
    repeatedPages: lists.reduce(
      (n, l) => n + l.plan.length - new Set(l.plan.map((r) => r.query.offset)).size,
      0,
    ),
    confirmationLists: lists.reduce((n, l) => n + l.confirm.length, 0),
    jobReads: byKind.job ?? 0,
  };
}
