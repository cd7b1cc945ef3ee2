/**
 * Throttles as Huawei's gateway gives them (issue 16), each row against its unthrottled yardstick
 * measured in the same run: the same fleet (every graph running, ~30 per project), the bundled
 * handler in a process of its own, default settings. Rows: random 429s (an `api` policy other
 * tenants spend) at 5 % and 30 %; a per-user fixed window (120 a minute) whose 429 states it; a
 * 20 req/s bucket of which another client spends 8; a mixed storm of 429s, 503s, resets, hangs and
 * lost answers inside a 120 s function timeout.
 */
import { GesSandbox, makeGraphs, type SandboxOptions } from '../sandbox/server.js';
import { TEST_AK, TEST_SK } from '../sandbox/world.js';
import { LATENCY_MS, PAGE_SIZE, projectIds } from './fleet.js';
import { SCHEDULES } from './fullrun.js';
import { FUNCTION_TIMEOUT_MS, runHandler } from './lambda.js';
import { s as secs, table, verdict, x } from './stats.js';

type Limits = Pick<SandboxOptions, 'rateLimit' | 'windowLimit' | 'randomThrottle' | 'faults'>;

export interface GatewayRow {
  readonly name: string;
  readonly graphs: number;
  readonly limits: Limits;
  readonly timeoutMs?: number;
  /** The wall time the gateway's limit allows for `needed` requests, when it has one. */
  readonly ideal?: (needed: number) => number;
  /** The row's target, from the run and its yardstick. */
  readonly target: { readonly text: string; readonly met: (run: GatewayRun, yardstickMs: number) => boolean };
}

export interface GatewayRun {
  readonly name: string;
  readonly graphs: number;
  readonly stopped: number;
  readonly failedCodes: Record<string, number>;
  readonly runMs: number;
  /** Requests a run without faults sends: list pages to plan and to confirm, one stop a graph. */
  readonly needed: number;
  readonly received: number;
  /** 429 answers, whatever gave them (bucket, window or at random). */
  readonly throttled: number;
}

const projectsFor = (graphs: number) =>
  projectIds.slice(0, Math.min(projectIds.length, Math.ceil(graphs / 30)));

export async function gatewayRun(bundle: string, row: Omit<GatewayRow, 'target'>): Promise<GatewayRun> {
  const projects = projectsFor(row.graphs);
  const graphs = makeGraphs({ count: row.graphs, projectIds: projects, statusMix: { '200': 1 } });
  const sandbox = await GesSandbox.start({
    graphs,
    accounts: [{ ak: TEST_AK, sk: TEST_SK }],
    latencyMs: LATENCY_MS,
    maxPageSize: PAGE_SIZE,
    jobDurationMs: 500,
    seed: 16,
    ...row.limits,
  });
  try {
    const config = {
      schedules: { off: SCHEDULES.off },
      projects: projects.map((projectId) => ({
        projectId,
        region: 'cn-north-4',
        endpoint: sandbox.url,
        graphs: graphs.filter((g) => g.projectId === projectId).map((g) => ({ id: g.id, schedule: 'off' })),
      })),
    };
    const run = await runHandler({ bundle, config, timeoutMs: row.timeoutMs ?? FUNCTION_TIMEOUT_MS });
    const failedCodes: Record<string, number> = {};
    for (const r of run.summary?.results ?? [])
      if (r.outcome === 'failed')
        failedCodes[r.errorCode ?? '?'] = (failedCodes[r.errorCode ?? '?'] ?? 0) + 1;
    const pages = projects.reduce(
      (n, p) => n + Math.ceil(graphs.filter((g) => g.projectId === p).length / PAGE_SIZE),
      0,
    );
    return {
      name: row.name,
      graphs: graphs.length,
      stopped: run.summary?.counts.stopped ?? 0,
      failedCodes,
      runMs: run.runMs,
      needed: 2 * pages + graphs.length,
      received: sandbox.requests.length,
      throttled: sandbox.count({ status: 429 }),
    };
  } finally {
    await sandbox.close();
  }
}

const everyStopped = (r: GatewayRun) => r.stopped === r.graphs;

/** The rows, full size or small (smoke: the same kinds of throttle on a fleet of 30). */
export function gatewayRows(smoke: boolean): GatewayRow[] {
  // Smoke: one fleet of 30 for every row (one yardstick), a 3 s window the run spends once.
  const fleet = smoke ? 30 : 300;
  const windowed = smoke
    ? { graphs: 30, limit: 20, periodSeconds: 3 }
    : { graphs: 200, limit: 120, periodSeconds: 60 };
  const storm = smoke ? { graphs: 30, timeoutMs: 60_000 } : { graphs: 40, timeoutMs: 120_000 };
  const random = (share: number, bound: number): GatewayRow => ({
    name: `${share * 100} % 429 at random (api policy), no Retry-After`,
    graphs: fleet,
    limits: { randomThrottle: { share } },
    target: { text: `≤ ${bound}× yardstick`, met: (r, y) => everyStopped(r) && r.runMs <= bound * y },
  });
  return [
    random(0.05, 2),
    random(0.3, 4),
    {
      name: `per-user window ${windowed.limit}/${windowed.periodSeconds} s, stated`,
      graphs: windowed.graphs,
      limits: { windowLimit: { limit: windowed.limit, periodSeconds: windowed.periodSeconds } },
      ideal: (needed) => Math.floor((needed - 1) / windowed.limit) * windowed.periodSeconds * 1000,
      target: { text: '≤ 6 throttled', met: (r) => everyStopped(r) && r.throttled <= 6 },
    },
    {
      name: '20 req/s bucket, 8 req/s spent by another client',
      graphs: fleet,
      limits: { rateLimit: { requestsPerSecond: 20, otherClientPerSecond: 8 } },
      ideal: (needed) => (needed / 12) * 1000,
      target: {
        text: '≤ 1.3× ideal (12 req/s)',
        met: (r) => everyStopped(r) && r.runMs <= 1.3 * ((r.needed / 12) * 1000),
      },
    },
    {
      name: `mixed storm, ${storm.timeoutMs / 1000} s function timeout`,
      graphs: storm.graphs,
      timeoutMs: storm.timeoutMs,
      limits: { faults: STORM },
      target: { text: `all stopped within ${storm.timeoutMs / 1000} s`, met: (r) => everyStopped(r) },
    },
  ];
}

/** 15 % 429 with Retry-After: 1, 10 % 503, resets, hangs and lost answers. */
const STORM: NonNullable<SandboxOptions['faults']> = [
  { rate: 0.15, effect: { type: 'status', status: 429, retryAfter: '1' } },
  { rate: 0.1 / 0.85, effect: { type: 'status', status: 503 } },
  { rate: 0.03, effect: { type: 'reset' } },
  { rate: 0.02, effect: { type: 'hang' } },
  { kinds: ['stop'], rate: 0.05, effect: { type: 'lose-answer' } },
];

export interface GatewaySection {
  readonly yardsticks: Record<number, GatewayRun>;
  readonly rows: readonly { readonly row: GatewayRow; readonly run: GatewayRun }[];
}

export async function gatewaySection(bundle: string, smoke: boolean): Promise<GatewaySection> {
  const rows = gatewayRows(smoke);
  const yardsticks: Record<number, GatewayRun> = {};
  for (const graphs of new Set(rows.map((r) => r.graphs)))
    yardsticks[graphs] = await gatewayRun(bundle, { name: `yardstick ${graphs}`, graphs, limits: {} });
  const runs = [];
  for (const row of rows) runs.push({ row, run: await gatewayRun(bundle, row) });
  return { yardsticks, rows: runs };
}

export function gatewayReport({ yardsticks, rows }: GatewaySection): string {
  const lines = rows.map(({ row, run }) => {
    const yardstick = yardsticks[row.graphs]!;
    const ideal = row.ideal?.(run.needed);
    const failed = Object.entries(run.failedCodes)
      .map(([code, n]) => `${n} ${code}`)
      .join(', ');
    return [
      row.name,
      `${run.stopped}/${run.graphs}${failed ? ` (${failed})` : ''}`,
      secs(run.runMs),
      `${secs(yardstick.runMs)} → ${x(run.runMs / yardstick.runMs)}`,
      ideal === undefined ? '-' : `${secs(ideal)} → ${x(run.runMs / ideal)}`,
      `${run.throttled}/${run.received}`,
      `${row.target.text}: ${verdict(row.target.met(run, yardstick.runMs))}`,
    ];
  });
  return table([
    ['gateway', 'stopped', 'wall', 'vs yardstick', 'vs ideal', '429s/received', 'target'],
    ...lines,
  ]);
}
