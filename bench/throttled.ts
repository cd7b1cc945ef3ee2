/**
 * Throttled: the fleet (1,000 graphs in 10 projects, one access key) under one API-gateway rate
 * limit (20 requests/s, a burst of one second's worth), every graph on an off-hours schedule,
 * default settings (concurrency 8, jobs verified), run as Lambda runs it (see lambda.ts).
 *
 * Needed requests = what a run without faults sends: the list pages to plan, one stop per running
 * graph, and one confirmation listing of each project's pages. Ideal wall time = needed ÷ rate.
 * Requests are counted from the sandbox's log: "served" ones got an answer from GES, throttled
 * ones a 429 from the gateway.
 */
import { GesSandbox, type RecordedRequest } from '../sandbox/server.js';
import { TEST_AK, TEST_SK } from '../sandbox/world.js';
import { countByKind, fleet, GRAPHS, LATENCY_MS, PAGE_SIZE, projectIds, stopsByGraph } from './fleet.js';
import { listsOf, SCHEDULES } from './fullrun.js';
import { runHandler } from './lambda.js';
import { s as secs, table, verdict, x } from './stats.js';

/** The issue's targets: wall time ÷ ideal, share of 429s, requests per stopped graph besides lists. */
export const THROTTLED_TARGETS = { ratio: 1.2, throttledShare: 0.1, perStopped: 1.1 } as const;

export type RetryAfter = 'none' | 'seconds';

export interface ThrottledOptions {
  /** Graphs in the fleet (default 1,000). */
  readonly graphs?: number;
  readonly requestsPerSecond?: number;
  readonly retryAfter?: RetryAfter;
}

export interface Needed {
  readonly planPages: number;
  readonly stops: number;
  readonly confirmPages: number;
  readonly total: number;
}

export interface ThrottledRun {
  readonly graphs: number;
  readonly requestsPerSecond: number;
  readonly retryAfter: RetryAfter;
  /** Graphs running before the run: each needs one stop. */
  readonly running: number;
  readonly counts: Record<string, number> | undefined;
  /** Failed graphs by error code (from the logged summary, which keeps every failed result). */
  readonly failedCodes: Record<string, number>;
  readonly error: string | undefined;
  readonly runMs: number;
  readonly needed: Needed;
  readonly idealMs: number;
  readonly ratio: number;
  /** Requests the sandbox received, and how many of them the gateway throttled. */
  readonly received: number;
  readonly throttled: number;
  readonly throttledShare: number;
  /** Requests answered by GES (not throttled), by kind. */
  readonly served: Record<string, number>;
  readonly planLists: number;
  readonly confirmLists: number;
  /** (stops + job reads + state reads) ÷ graphs stopped: answered requests, and all requests. */
  readonly perStopped: { readonly served: number; readonly all: number };
  readonly maxStopsPerGraph: number;
  /** What the run itself counted (absent before the client counted requests). */
  readonly client:
    | { readonly sent: number; readonly retries: number; readonly throttled: number }
    | undefined;
}

export async function throttledRun(bundle: string, options: ThrottledOptions = {}): Promise<ThrottledRun> {
  const { requestsPerSecond = 20, retryAfter = 'none' } = options;
  const graphs = fleet(options.graphs ?? GRAPHS);
  const sandbox = await GesSandbox.start({
    graphs,
    accounts: [{ ak: TEST_AK, sk: TEST_SK }],
    latencyMs: LATENCY_MS,
    maxPageSize: PAGE_SIZE,
    jobDurationMs: 500,
    rateLimit: { requestsPerSecond, retryAfter },
  });
  try {
    const config = {
      schedules: { off: SCHEDULES.off },
      projects: projectIds.map((projectId) => ({
        projectId,
        region: 'cn-north-4',
        endpoint: sandbox.url,
        graphs: graphs.filter((g) => g.projectId === projectId).map((g) => ({ id: g.id, schedule: 'off' })),
      })),
    };
    const run = await runHandler({ bundle, config });
    if (!run.summary)
      throw new Error(`the throttled run logged no summary: ${run.error ?? 'no error either'}`);
    const requests = sandbox.requests;
    const isThrottled = (r: RecordedRequest) => (r.fault?.split('+') ?? []).includes('throttle');
    const answered = requests.filter((r) => !isThrottled(r));
    const served = countByKind(answered);
    const all = countByKind(requests);
    const running = graphs.filter((g) => g.status === '200').length;
    const pages = projectIds.reduce(
      (n, p) => n + Math.ceil(graphs.filter((g) => g.projectId === p).length / PAGE_SIZE),
      0,
    );
    const needed = { planPages: pages, stops: running, confirmPages: pages, total: 2 * pages + running };
    const idealMs = (needed.total / requestsPerSecond) * 1000;
    const lists = projectIds.map((p) => listsOf(answered, p));
    const stopped = run.summary?.counts.stopped ?? 0;
    const perGraph = (k: Record<string, number>) =>
      stopped === 0 ? Number.NaN : (k.stop! + k.job! + k.get!) / stopped;
    const failedCodes: Record<string, number> = {};
    for (const r of run.summary?.results ?? [])
      if (r.outcome === 'failed')
        failedCodes[r.errorCode ?? '?'] = (failedCodes[r.errorCode ?? '?'] ?? 0) + 1;
    const throttled = requests.length - answered.length;
    return {
      graphs: graphs.length,
      requestsPerSecond,
      retryAfter,
      running,
      counts: run.summary?.counts,
      failedCodes,
      error: run.error,
      runMs: run.runMs,
      needed,
      idealMs,
      ratio: run.runMs / idealMs,
      received: requests.length,
      throttled,
      throttledShare: requests.length === 0 ? 0 : throttled / requests.length,
      served,
      planLists: lists.reduce((n, l) => n + l.plan.length, 0),
      confirmLists: lists.reduce((n, l) => n + l.confirm.length, 0),
      perStopped: { served: perGraph(served), all: perGraph(all) },
      maxStopsPerGraph: Math.max(0, ...stopsByGraph(answered).values()),
      client: run.summary?.requests,
    };
  } finally {
    await sandbox.close();
  }
}

const pct = (share: number) => `${(share * 100).toFixed(1)} %`;

/** Every graph stopped: as many stopped as were running, none failed. */
export function allStopped(run: ThrottledRun): boolean {
  return run.counts?.stopped === run.running && run.counts.failed === 0;
}

/** The table of runs, how "needed" was counted, and one line of verdicts per run. */
export function throttledReport(runs: readonly ThrottledRun[]): string {
  const t = THROTTLED_TARGETS;
  const rows = runs.map((r) => [
    r.retryAfter,
    `${r.counts?.stopped ?? 0}/${r.running}`,
    r.counts?.failed ?? 0,
    secs(r.runMs),
    secs(r.idealMs),
    x(r.ratio),
    `${pct(r.throttledShare)} (${r.throttled}/${r.received})`,
    `${r.perStopped.served.toFixed(2)} (${r.perStopped.all.toFixed(2)})`,
    `${r.served.stop}/${r.served.job}/${r.served.get}`,
    `${r.planLists} + ${r.confirmLists}`,
    r.maxStopsPerGraph,
  ]);
  const n = runs[0]!.needed;
  const lines = [
    table([
      [
        'Retry-After',
        'stopped',
        'failed',
        'wall',
        'ideal',
        'ratio',
        'throttled',
        'per stopped graph',
        'stop/job/get',
        'list pages',
        'max stops/graph',
      ],
      ...rows,
    ]),
    `Needed (a run without faults): ${n.planPages} list pages + ${n.stops} stops + ${n.confirmPages} confirmation pages = ` +
      `${n.total} requests; ideal = ${n.total} ÷ ${runs[0]!.requestsPerSecond}/s. Per stopped graph: (stops + job reads + ` +
      'state reads) answered ÷ graphs stopped (in brackets: with the throttled ones); list pages: to plan + to confirm, answered.',
  ];
  for (const r of runs) {
    const failed = Object.entries(r.failedCodes)
      .map(([code, count]) => `${count} ${code}`)
      .join(', ');
    lines.push(
      `Targets, Retry-After ${r.retryAfter}: every graph stopped ${verdict(allStopped(r))}${failed ? ` (failed: ${failed})` : ''}; ` +
        `within ${t.ratio}× of ideal ${allStopped(r) ? verdict(r.ratio <= t.ratio) : 'MISSED (not every graph stopped)'}; under ${pct(t.throttledShare)} throttled ` +
        `${verdict(r.throttledShare < t.throttledShare)}; ≤ ${t.perStopped} requests per stopped graph ` +
        `${verdict(r.perStopped.served <= t.perStopped)}` +
        (r.client
          ? `. The run counted ${r.client.sent} sent, ${r.client.retries} retries, ${r.client.throttled} throttled.`
          : '.'),
    );
  }
  return lines.join('\n');
}
