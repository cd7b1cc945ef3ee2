/**
 * The fault matrix: one scheduled run per row over 36 configured graphs in three projects (API
 * v1.0 and v2), through `invoke` (the handler's code path), against the GES sandbox with the row's
 * faults. Every row is held to the same invariants (invariants.ts) and then to its own claims.
 * Fault rates come from the sandbox's seeded PRNG and jitter from a seeded one; which request
 * draws which number still depends on arrival order, so the row claims hold for any interleaving.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY } from '../../lib/http/retry.js';
import type { RetryEvent, TransportOptions } from '../../lib/http/transport.js';
import type { GraphResult } from '../../lib/run/types.js';
import { makePrng } from '../../sandbox/faults.js';
import type { FaultRule, GesSandbox, RateLimit } from '../../sandbox/server.js';
import { type InvokeResult, startWorld, type World } from '../../sandbox/world.js';
import {
  CONFIGURED,
  cleanOutcome,
  faultWorld,
  type GraphTweak,
  graphId,
  MONDAY_NIGHT,
  PROJECT_A,
  PROJECT_B,
  PROJECT_C,
  PROJECTS,
  RUNNING_IN_OFF_HOURS,
} from './fixture.js';
import { type HandleCounts, handleCounts, handlesAfterClose } from './handles.js';
import { checkInvariants, requestsFor, resultsByGraph } from './invariants.js';

const SCHEDULED = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };
const REVOKED_SECRET = 'ges/revoked';
const REVOKED = JSON.stringify({ ak: 'REVOKEDAK00000000001', sk: 'revoked-sk' });

interface Seen {
  readonly run: InvokeResult;
  readonly sandbox: GesSandbox;
  readonly results: readonly GraphResult[];
  result(projectId: string, i: number): GraphResult;
  retries(): RetryEvent[];
}

interface Row {
  readonly name: string;
  readonly faults?: FaultRule[];
  readonly tweaks?: GraphTweak[];
  /** The Lambda's remaining time at the start. */
  readonly remainingMs: number;
  /** settings.requestTimeoutMs in the config. */
  readonly requestTimeoutMs: number;
  /** settings.concurrency in the config (default 4). */
  readonly concurrency?: number;
  /** Added to every request by the sandbox. */
  readonly latencyMs?: number;
  /** The gateway's per-user rate limit. */
  readonly rateLimit?: RateLimit;
  readonly jobDurationMs?: number;
  /** Project C signs with credentials the gateway does not know. */
  readonly revokeProjectC?: boolean;
  readonly seed: number;
  /** The only codes a failed graph may carry in this row. */
  readonly failureCodes: string[];
  readonly expect: (seen: Seen) => void;
}

const STOPPED_IDS = PROJECTS.flatMap((p) => RUNNING_IN_OFF_HOURS.map((i) => graphId(p, i)));

/** Every graph has the outcome a run without faults gives it. */
function expectClean(seen: Seen, jobStatus: GraphResult['jobStatus'] = 'success'): void {
  for (const r of seen.results) {
    const clean = cleanOutcome(r.projectId, r.graphId!);
    expect(r, `${r.graphName}: ${r.errorCode ?? ''} ${r.message ?? ''}`).toMatchObject(clean!);
    if (r.outcome === 'stopped') expect(r).toMatchObject({ jobStatus });
  }
  expect(seen.run.summary?.counts).toMatchObject({ stopped: STOPPED_IDS.length, failed: 0 });
}

/** Every graph has its clean outcome, or failed with one of the row's codes. */
function expectCleanOrFailed(seen: Seen): void {
  for (const r of seen.results) {
    if (r.outcome === 'failed') continue; // its code was checked against the row's list
    expect(r, r.graphName).toMatchObject(cleanOutcome(r.projectId, r.graphId!)!);
  }
}

function countStatus(sandbox: GesSandbox, status: number | 'reset' | 'hang' | 'lost'): number {
  return sandbox.requests.filter((r) => r.status === status).length;
}

/** The project has a listing page that the sandbox hung on every attempt the transport makes. */
function listingHungThroughout(sandbox: GesSandbox, projectId: string): boolean {
  const pages = new Map<string, string[]>();
  for (const r of sandbox.requests) {
    if (r.kind !== 'list' || r.projectId !== projectId) continue;
    const key = new URLSearchParams(r.query).toString();
    pages.set(key, [...(pages.get(key) ?? []), String(r.status)]);
  }
  return [...pages.values()].some(
    (statuses) => statuses.length >= DEFAULT_RETRY_POLICY.maxAttempts && statuses.every((s) => s === 'hang'),
  );
}

const ROWS: Row[] = [
  {
    name: '429 storms with Retry-After',
    faults: [
      // The first two requests are told to wait a whole second; then a storm of 429s that say
      // "retry at once". None of it is a reason to fail a graph while time remains.
      { times: 2, effect: { type: 'status', status: 429, retryAfter: '1' } },
      { rate: 0.2, times: 10, effect: { type: 'status', status: 429, retryAfter: '0' } },
    ],
    remainingMs: 30_000,
    requestTimeoutMs: 500,
    seed: 429,
    failureCodes: [],
    expect(seen) {
      expectClean(seen);
      const throttled = countStatus(seen.sandbox, 429);
      expect(throttled).toBeGreaterThan(2);
      expect(throttled).toBeLessThanOrEqual(12);
      // Retry-After is honoured for the whole access key: nothing was sent in the second after
      // the first throttle.
      const first = seen.sandbox.requests.find((r) => r.status === 429)!;
      const next = seen.sandbox.requests.find(
        (r) => r.seq > first.seq && r.at > first.at && r.status !== 429,
      );
      expect(next!.at - first.at).toBeGreaterThanOrEqual(950);
      // Stops were throttled too: 429 says "not processed", so they were sent again without
      // reading the graph first (the one exception the invariants allow), and all got through.
      expect(seen.sandbox.requests.some((r) => r.kind === 'stop' && r.status === 429)).toBe(true);
      expect(seen.run.summary?.requests?.throttled).toBe(throttled);
    },
  },
  ...[5, 10, 20].flatMap((requestsPerSecond): Row[] =>
    (['none', 'seconds'] as const).map((retryAfter) => ({
      name: `a gateway rate limit of ${requestsPerSecond} requests/s, Retry-After ${retryAfter}`,
      rateLimit: { requestsPerSecond, retryAfter },
      remainingMs: 30_000,
      requestTimeoutMs: 2_000,
      concurrency: 8,
      seed: requestsPerSecond,
      failureCodes: [],
      expect(seen: Seen) {
        // Every graph stopped, none failed, none got two stops (the invariants), and the client
        // slowed down instead of hammering the gateway.
        expectClean(seen);
        const sent = seen.sandbox.requests.length;
        const throttled = seen.sandbox.count({ fault: 'throttle' });
        expect(throttled).toBeGreaterThan(0); // the limit was really hit
        expect(throttled / sent).toBeLessThan(0.35);
        expect(seen.run.summary?.requests).toMatchObject({ sent, throttled });
      },
    })),
  ),
  {
    name: '503 on the first attempt of every request',
    faults: [{ firstAttemptOnly: true, effect: { type: 'status', status: 503 } }],
    remainingMs: 20_000,
    requestTimeoutMs: 500,
    seed: 503,
    failureCodes: [],
    expect(seen) {
      expectClean(seen);
      // Each stop: refused with 503 (GES.7005, not processed), sent again at once, accepted.
      for (const projectId of PROJECTS) {
        for (const i of RUNNING_IN_OFF_HOURS) {
          const stops = requestsFor(seen.sandbox, projectId, graphId(projectId, i)).filter(
            (r) => r.kind === 'stop',
          );
          expect(stops.map((r) => r.status)).toEqual([503, 200]);
        }
      }
      expect(seen.retries().every((e) => e.reason === 'status 503 GES.7005' && e.attempt === 1)).toBe(true);
    },
  },
  {
    name: '10% connection resets',
    faults: [{ rate: 0.1, effect: { type: 'reset' } }],
    remainingMs: 20_000,
    requestTimeoutMs: 500,
    seed: 10,
    failureCodes: ['NETWORK', 'OUTCOME_UNKNOWN'],
    expect(seen) {
      expectCleanOrFailed(seen);
      expect(countStatus(seen.sandbox, 'reset')).toBeGreaterThan(0);
      expect(seen.run.summary?.counts.stopped).toBeGreaterThanOrEqual(STOPPED_IDS.length - 3);
    },
  },
  {
    name: 'hangs longer than the request timeout',
    faults: [{ rate: 0.15, effect: { type: 'hang' } }],
    remainingMs: 20_000,
    requestTimeoutMs: 300,
    seed: 15,
    failureCodes: ['TIMEOUT', 'OUTCOME_UNKNOWN'],
    expect(seen) {
      expectCleanOrFailed(seen);
      expect(countStatus(seen.sandbox, 'hang')).toBeGreaterThan(0);
      // A whole project fails only when one of its listing pages hung on every attempt. That does
      // happen at a 15% rate: which request gets which seeded draw depends on arrival order, and
      // seed 15's draws 9, 22, 33 and 44 are all below 0.15 (project C's last page often arrives
      // exactly as those four). A project failed for any other reason is a bug.
      const failedProjects = seen.run.entries
        .filter((e) => e.message === 'project failed')
        .map((e) => e.fields.projectId as string);
      const unlisted: string[] = PROJECTS.filter((p) => listingHungThroughout(seen.sandbox, p));
      expect(failedProjects.sort()).toEqual(unlisted);
      for (const r of seen.results.filter((x) => unlisted.includes(x.projectId)))
        expect(r).toMatchObject({ outcome: 'failed', errorCode: 'TIMEOUT' });
      const listed = PROJECTS.length - unlisted.length;
      expect(seen.run.summary?.counts.stopped).toBeGreaterThanOrEqual(
        listed * RUNNING_IN_OFF_HOURS.length - 3,
      );
      // Stops hung too (the invariants check each was followed by a read before any second stop).
      const hungStops = seen.sandbox.requests.filter((r) => r.kind === 'stop' && r.status === 'hang');
      expect(hungStops.length).toBeGreaterThan(0);
    },
  },
  {
    name: 'stop carried out but its answer lost',
    faults: [{ kinds: ['stop'], rate: 0.5, effect: { type: 'lose-answer' } }],
    remainingMs: 20_000,
    requestTimeoutMs: 500,
    seed: 7,
    failureCodes: [],
    expect(seen) {
      for (const r of seen.results) expect(r).toMatchObject(cleanOutcome(r.projectId, r.graphId!)!);
      const lost = seen.sandbox.requests.filter((r) => r.status === 'lost');
      expect(lost.length).toBeGreaterThan(0);
      for (const r of seen.results.filter((x) => x.outcome === 'stopped')) {
        const requests = requestsFor(seen.sandbox, r.projectId, r.graphId!);
        // One stop each: a lost answer is settled by reading the graph, never by a second stop.
        expect(requests.filter((x) => x.kind === 'stop')).toHaveLength(1);
        if (requests.some((x) => x.status === 'lost')) {
          expect(r.message).toContain("the stop's answer was lost");
          const lostStop = requests.find((x) => x.kind === 'stop')!;
          const after = seen.sandbox.requests.filter(
            (x) =>
              x.seq > lostStop.seq &&
              x.projectId === r.projectId &&
              (x.graphId === r.graphId || x.kind === 'jobs'),
          );
          if (lostStop.apiVersion === 'v2') {
            // v2: the job centre names the job the lost answer carried.
            expect(after[0]?.kind).toBe('jobs');
            expect(r.jobId).toBe(lostStop.jobId);
          } else {
            // v1.0 has no job centre: the graph's state shows the stop, its job id stays unknown.
            expect(after[0]?.kind).toBe('get');
            expect(r.jobId).toBeUndefined();
          }
        } else {
          expect(r.jobStatus).toBe('success');
        }
      }
    },
  },
  {
    name: 'malformed JSON bodies',
    faults: [
      // Project C's listing is garbage once; stops, reads and job polls are garbage 30% of the time.
      { kinds: ['list'], projectIds: [PROJECT_C], times: 1, effect: { type: 'malformed' } },
      { kinds: ['stop', 'get', 'job'], rate: 0.3, effect: { type: 'malformed' } },
    ],
    remainingMs: 20_000,
    requestTimeoutMs: 500,
    seed: 30,
    failureCodes: ['MALFORMED_RESPONSE', 'OUTCOME_UNKNOWN'],
    expect(seen) {
      expectCleanOrFailed(seen);
      const c = seen.results.filter((r) => r.projectId === PROJECT_C);
      expect(c.every((r) => r.outcome === 'failed' && r.errorCode === 'MALFORMED_RESPONSE')).toBe(true);
      expect(seen.sandbox.count({ kind: 'stop', projectId: PROJECT_C })).toBe(0);
      const ab = seen.results.filter((r) => r.projectId !== PROJECT_C);
      expect(ab.filter((r) => r.outcome === 'stopped').length).toBeGreaterThanOrEqual(12 - 3);
      // Stops got malformed answers too: GES did nothing, and (the invariants check) each was
      // settled by reading the graph before the stop was sent again.
      expect(seen.sandbox.requests.some((r) => r.kind === 'stop' && r.fault === 'malformed')).toBe(true);
    },
  },
  {
    name: "401 for one project's credentials while another project works",
    revokeProjectC: true,
    remainingMs: 20_000,
    requestTimeoutMs: 500,
    seed: 401,
    failureCodes: ['APIG.0301'],
    expect(seen) {
      for (const r of seen.results) {
        if (r.projectId === PROJECT_C) {
          expect(r).toMatchObject({ outcome: 'failed', errorCode: 'APIG.0301' });
          expect(r.message).toContain(`project ${PROJECT_C}`);
        } else {
          expect(r).toMatchObject(cleanOutcome(r.projectId, r.graphId!)!);
        }
      }
      // A refusal is not retried and nothing of project C is touched.
      expect(seen.sandbox.requests.filter((r) => r.projectId === PROJECT_C).map((r) => r.status)).toEqual([
        401,
      ]);
      expect(seen.run.summary?.counts.stopped).toBe(2 * RUNNING_IN_OFF_HOURS.length);
    },
  },
  {
    name: 'job ends failed',
    tweaks: [{ indexes: [1, 4], patch: { stopJob: 'failed', failReason: 'disk quota exceeded' } }],
    remainingMs: 20_000,
    requestTimeoutMs: 500,
    seed: 2,
    failureCodes: ['JOB_FAILED'],
    expect(seen) {
      for (const projectId of PROJECTS) {
        for (const i of RUNNING_IN_OFF_HOURS) {
          const r = seen.result(projectId, i);
          if (i === 1 || i === 4) {
            expect(r).toMatchObject({
              outcome: 'failed',
              jobStatus: 'failed',
              errorCode: 'JOB_FAILED',
              message: 'disk quota exceeded',
            });
            expect(r.jobId).toMatch(/^[0-9a-f]{32}$/);
          } else {
            expect(r).toMatchObject({ outcome: 'stopped', jobStatus: 'success' });
          }
        }
      }
      expect(seen.run.summary?.counts.failed).toBe(6);
      expect(String(seen.run.error)).toContain(`6 of ${CONFIGURED} graphs failed`);
    },
  },
  {
    name: 'job never finishes before the deadline (reported running, not failed)',
    tweaks: [{ indexes: RUNNING_IN_OFF_HOURS, patch: { stopJob: 'never' } }],
    remainingMs: 1_500,
    requestTimeoutMs: 300,
    seed: 3,
    failureCodes: [],
    expect(seen) {
      expectClean(seen, 'running');
      for (const r of seen.results.filter((x) => x.outcome === 'stopped')) {
        expect(r.jobId).toMatch(/^[0-9a-f]{32}$/);
        expect(r.message).toBe('the job had not ended when the run had to report');
      }
      // It kept confirming by listing until the time kept back for reporting (200 ms) was near: a
      // listing is not started with less than the transport's minAttemptMs (100 ms) left. A graph
      // still stopping is listed again, never its job read.
      expect(seen.run.elapsedMs).toBeGreaterThanOrEqual(1_500 - 200 - 100 - 20);
      const firstStop = seen.sandbox.requests.find((r) => r.kind === 'stop')!.seq;
      const confirming = seen.sandbox.requests.filter((r) => r.kind === 'list' && r.seq > firstStop);
      expect(new Set(confirming.map((r) => r.projectId)).size).toBeGreaterThan(0);
      expect(confirming.length).toBeGreaterThan(4);
      expect(seen.sandbox.count({ kind: 'job' })).toBe(0);
    },
  },
  {
    name: "the Lambda's remaining time nearly gone at the start",
    remainingMs: 300,
    requestTimeoutMs: 300,
    seed: 4,
    failureCodes: ['DEADLINE_EXCEEDED'],
    expect(seen) {
      // 300 ms less the 200 ms kept for reporting leaves no room for a single attempt: every graph
      // is reported as not reached, and GES is not called at all.
      expect(seen.results.every((r) => r.outcome === 'failed')).toBe(true);
      expect(seen.sandbox.requests).toHaveLength(0);
    },
  },
  {
    name: 'remaining time runs out half-way through (slow GES)',
    remainingMs: 1_200,
    requestTimeoutMs: 300,
    concurrency: 2,
    latencyMs: 100,
    jobDurationMs: 60_000,
    seed: 5,
    failureCodes: ['DEADLINE_EXCEEDED', 'OUTCOME_UNKNOWN'],
    expect(seen) {
      const stopped = seen.results.filter((r) => r.outcome === 'stopped');
      const notReached = seen.results.filter((r) => r.errorCode === 'DEADLINE_EXCEEDED');
      expect(stopped.length).toBeGreaterThan(0);
      expect(notReached.length).toBeGreaterThan(0);
      for (const r of stopped) expect(r.jobStatus).toBe('running');
      for (const r of seen.results) {
        if (r.outcome !== 'failed') expect(r).toMatchObject(cleanOutcome(r.projectId, r.graphId!)!);
      }
    },
  },
  {
    name: 'all of them at once, at low rates',
    revokeProjectC: true,
    tweaks: [
      { indexes: [1], patch: { stopJob: 'failed', failReason: 'disk quota exceeded' } },
      { indexes: [4], patch: { stopJob: 'never' } },
    ],
    faults: [
      { rate: 0.2, effect: { type: 'latency', ms: 40 } },
      { rate: 0.05, effect: { type: 'status', status: 429, retryAfter: '0' } },
      { rate: 0.05, effect: { type: 'status', status: 503 } },
      { kinds: ['stop'], rate: 0.05, effect: { type: 'status', status: 500 } },
      { rate: 0.03, effect: { type: 'reset' } },
      { rate: 0.03, effect: { type: 'hang' } },
      // Not on listings: a malformed listing fails its whole project (the malformed row shows it),
      // and the graphs whose jobs fail or never end would then not be reached.
      { kinds: ['stop', 'get', 'job'], rate: 0.03, effect: { type: 'malformed' } },
      {
        // Not on the graph whose job fails: the failed job puts it back to running, and the stop
        // sent again after reading that would be a second accepted stop (rightly so). Not on the
        // graph whose job never ends either, so that its job id is known and polled.
        kinds: ['stop'],
        graphIds: PROJECTS.flatMap((p) => [0, 2, 3, 5].map((i) => graphId(p, i))),
        rate: 0.1,
        effect: { type: 'lose-answer' },
      },
    ],
    remainingMs: 3_000,
    requestTimeoutMs: 400,
    seed: 99,
    failureCodes: [
      'APIG.0301',
      'APIG.0308',
      'GES.7005',
      'GES.7006',
      'JOB_FAILED',
      'OUTCOME_UNKNOWN',
      'TIMEOUT',
      'NETWORK',
      'MALFORMED_RESPONSE',
    ],
    expect(seen) {
      expectCleanOrFailed(seen);
      for (const r of seen.results.filter((x) => x.projectId === PROJECT_C))
        expect(r).toMatchObject({ outcome: 'failed', errorCode: 'APIG.0301' });
      for (const projectId of [PROJECT_A, PROJECT_B]) {
        const failedJob = seen.result(projectId, 1);
        if (failedJob.jobId !== undefined) expect(failedJob.errorCode).toBe('JOB_FAILED');
        const endless = seen.result(projectId, 4);
        if (endless.outcome === 'stopped' && endless.jobId !== undefined)
          expect(endless.jobStatus).toBe('running');
      }
    },
  },
];

describe('fault matrix: a scheduled run over 36 graphs in 3 projects', () => {
  let baseline: HandleCounts;
  let world: World | undefined;
  beforeAll(() => {
    baseline = handleCounts();
  });
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it.each(ROWS)('$name', async (row) => {
    const options = faultWorld({
      tweaks: row.tweaks,
      settings: { requestTimeoutMs: row.requestTimeoutMs, concurrency: row.concurrency ?? 4 },
      ...(row.revokeProjectC
        ? { credentialsSecrets: { [PROJECT_C]: REVOKED_SECRET }, secrets: { [REVOKED_SECRET]: REVOKED } }
        : {}),
      sandbox: {
        seed: row.seed,
        faults: row.faults ?? [],
        ...(row.latencyMs === undefined ? {} : { latencyMs: row.latencyMs }),
        ...(row.rateLimit === undefined ? {} : { rateLimit: row.rateLimit }),
        ...(row.jobDurationMs === undefined ? {} : { jobDurationMs: row.jobDurationMs }),
      },
    });
    world = await startWorld(options);
    const transportOptions: Partial<TransportOptions> = {
      retry: { baseDelayMs: 5, maxDelayMs: 40 },
      random: makePrng(row.seed),
    };
    const run = await world.invoke(SCHEDULED, {
      now: MONDAY_NIGHT,
      remainingMs: row.remainingMs,
      transportOptions,
    });

    // The run closed its transport: no socket of its own is left once the closing ones are gone.
    const afterRun = await handlesAfterClose(baseline);
    expect(afterRun.TCPSocketWrap, 'sockets left open by the run').toBeLessThanOrEqual(
      baseline.TCPSocketWrap,
    );
    const { sandbox } = world;
    await world.close();
    world = undefined;
    // (6) Nothing left to keep the process alive: no socket, no server, no timer.
    const afterClose = await handlesAfterClose(baseline);
    expect(afterClose.TCPSocketWrap, 'sockets left open').toBeLessThanOrEqual(baseline.TCPSocketWrap);
    expect(afterClose.TCPServerWrap, 'servers left listening').toBeLessThanOrEqual(baseline.TCPServerWrap);
    expect(afterClose.Timeout, 'timers left running').toBeLessThanOrEqual(baseline.Timeout);

    // Checked after the sandbox closed: no delayed request can change a state any more.
    checkInvariants({
      sandbox,
      run,
      initial: options.graphs,
      remainingMs: row.remainingMs,
      failureCodes: row.failureCodes,
    });
    const byGraph = resultsByGraph(run);
    const results = [...byGraph.values()];
    row.expect({
      run,
      sandbox,
      results,
      result: (projectId, i) => byGraph.get(`${projectId}/${graphId(projectId, i)}`)!,
      retries: () =>
        run.entries
          .filter((e) => e.message === 'retrying request' || e.message === 'retrying throttled request')
          .map((e) => e.fields.retry as RetryEvent),
    });
  });
});
