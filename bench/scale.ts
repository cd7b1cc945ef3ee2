/**
 * Scale: a scheduled run over the 1,000-graph fleet at several concurrency settings, in process
 * against the sandbox (50 ms per request), and the loop a user's script would write, one
 * `await client.stopGraph()` after another.
 *
 * The stop phase is read from the sandbox's request log: from the first stop request arriving to
 * the last one answered (its arrival + 50 ms; the sandbox answers well under a millisecond after its
 * emulated latency). Ideal = ceil(stops / concurrency) × 50 ms: every slot busy all the time.
 * verifyJobs is off so that job polls do not share the slots (the economy run polls).
 */
import { GesClient } from '../lib/ges/client.js';
import { Transport } from '../lib/http/transport.js';
import { GesSandbox } from '../sandbox/server.js';
import { startWorld, TEST_AK, TEST_SK } from '../sandbox/world.js';
import { allOn, countByKind, fleet, GRAPHS, LATENCY_MS, PAGE_SIZE, phaseMs } from './fleet.js';

/** 06:00 UTC: after the 00:00 stop, before the 12:00 start. */
const NOW = new Date('2026-03-02T06:00:00Z');
const SCHEDULES = { nightly: { timezone: 'UTC', stop: '0 0 * * *', start: '0 12 * * *' } };
const SCHEDULED = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };

export interface SweepPoint {
  readonly concurrency: number;
  readonly stops: number;
  readonly stopPhaseMs: number;
  readonly idealMs: number;
  readonly ratio: number;
  readonly lists: number;
  readonly listPhaseMs: number;
  readonly runMs: number;
  readonly retries: number;
  readonly failed: number;
}

export interface SequentialResult {
  readonly stops: number;
  readonly ms: number;
  readonly idealMs: number;
  readonly ratio: number;
}

export async function sweepPoint(concurrency: number, count = GRAPHS): Promise<SweepPoint> {
  const graphs = fleet(count);
  const world = await startWorld({
    graphs,
    schedules: SCHEDULES,
    projects: allOn(graphs, 'nightly'),
    settings: { concurrency, verifyJobs: false },
    sandbox: { latencyMs: LATENCY_MS, maxPageSize: PAGE_SIZE, jobDurationMs: 30 },
  });
  try {
    const { summary, error, entries, elapsedMs } = await world.invoke(SCHEDULED, {
      now: NOW,
      remainingMs: 300_000,
    });
    if (!summary) throw new Error(`run at concurrency ${concurrency} was refused: ${String(error)}`);
    const requests = world.sandbox.requests;
    const stops = countByKind(requests).stop!;
    const stopPhaseMs = phaseMs(requests, 'stop');
    const idealMs = Math.ceil(stops / concurrency) * LATENCY_MS;
    return {
      concurrency,
      stops,
      stopPhaseMs,
      idealMs,
      ratio: stopPhaseMs / idealMs,
      lists: countByKind(requests).list!,
      listPhaseMs: phaseMs(requests, 'list'),
      runMs: elapsedMs,
      retries: entries.filter((e) => e.message === 'retrying request').length,
      failed: summary.counts.failed,
    };
  } finally {
    await world.close();
  }
}

/** What a script would do: list nothing, just stop each running graph in turn. */
export async function sequentialLoop(count = GRAPHS): Promise<SequentialResult> {
  const graphs = fleet(count);
  const sandbox = await GesSandbox.start({
    graphs,
    accounts: [{ ak: TEST_AK, sk: TEST_SK }],
    latencyMs: LATENCY_MS,
    maxPageSize: PAGE_SIZE,
    jobDurationMs: 30,
  });
  const transport = new Transport({ concurrency: 1, requestTimeoutMs: 10_000 });
  try {
    const running = graphs.filter((g) => g.status === '200');
    const clients = new Map<string, GesClient>();
    const clientOf = (projectId: string) => {
      let client = clients.get(projectId);
      if (!client) {
        client = new GesClient({
          endpoint: sandbox.url,
          apiVersion: 'v1',
          credentials: { ak: TEST_AK, sk: TEST_SK },
          transport,
        });
        clients.set(projectId, client);
      }
      return client;
    };
    const started = performance.now();
    for (const graph of running) await clientOf(graph.projectId).stopGraph(graph.projectId, graph.id);
    const ms = performance.now() - started;
    const idealMs = running.length * LATENCY_MS;
    return { stops: running.length, ms, idealMs, ratio: ms / idealMs };
  } finally {
    await transport.close();
    await sandbox.close();
  }
}
