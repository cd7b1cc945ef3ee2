/**
 * What every row of the fault matrix must hold, whatever the faults: one outcome per configured
 * graph, at most one stop carried out per graph, no stop re-sent without reading the graph first
 * (unless the answer said it was not processed), the deadline kept, failures carrying the code of
 * the answer that caused them, and the sandbox's final states agreeing with the outcomes.
 */
import { expect } from 'vitest';
import { GraphsFailedError } from '../../lib/errors.js';
import type { GraphResult } from '../../lib/run/types.js';
import type { GesSandbox, RecordedRequest, SandboxGraph } from '../../sandbox/server.js';
import type { InvokeResult } from '../../sandbox/world.js';
import { graphName, UNCONFIGURED, graphId as uuidOf } from './fixture.js';

/** How late after its deadline a run may return: timers and the event loop are not exact. */
export const DEADLINE_TOLERANCE_MS = 50;

/** Answers that say a stop was not carried out, so the transport may send it again at once. */
const NOT_PROCESSED = new Set<RecordedRequest['status']>([408, 429, 503]);

/** The code the sandbox puts in each error answer the matrix provokes (responses.ts defaults). */
const CODE_OF_STATUS: Readonly<Record<number, string>> = {
  401: 'APIG.0301',
  403: 'APIG.0302',
  404: 'GES.7000',
  429: 'APIG.0308',
  500: 'GES.7006',
  503: 'GES.7005',
};

/** Codes that describe our side of a failure, not an answer: they need not match the last answer. */
const OWN_CODES = new Set(['DEADLINE_EXCEEDED', 'OUTCOME_UNKNOWN', 'JOB_FAILED']);

export interface Observed {
  readonly sandbox: GesSandbox;
  readonly run: InvokeResult;
  /** The graphs as the sandbox was started with them. */
  readonly initial: readonly SandboxGraph[];
  /** The `remainingMs` the run was given. */
  readonly remainingMs: number;
  /** Every failed result's errorCode must be one of these. */
  readonly failureCodes: readonly string[];
}

const keyOf = (projectId: string, id: string) => `${projectId}/${id}`;

/** The results keyed by project and graph id (a graph configured by name whose project failed has no id). */
export function resultsByGraph(run: InvokeResult): Map<string, GraphResult> {
  const results = (run.summary?.results ?? []) as GraphResult[];
  const byKey = new Map<string, GraphResult>();
  for (const r of results) {
    const id = r.graphId ?? idByName(r.projectId, r.graphName);
    const key = keyOf(r.projectId, id);
    expect(byKey.has(key), `two results for ${key}`).toBe(false);
    byKey.set(key, r);
  }
  return byKey;
}

function idByName(projectId: string, name: string | undefined): string {
  for (let i = 0; i <= UNCONFIGURED; i++) if (graphName(projectId, i) === name) return uuidOf(projectId, i);
  throw new Error(`a result names no known graph: ${projectId} ${name}`);
}

/** The sandbox's requests about one graph (stop, get, job), in order of arrival. */
export function requestsFor(sandbox: GesSandbox, projectId: string, id: string): RecordedRequest[] {
  return sandbox.requests.filter((r) => r.projectId === projectId && r.graphId === id);
}

/** A stop the sandbox carried out: it created a job (answered 200, or its answer was lost). */
export function carriedOut(r: RecordedRequest): boolean {
  return r.kind === 'stop' && r.jobId !== undefined;
}

export function checkInvariants(o: Observed): void {
  const { sandbox, run } = o;
  // The run returned a summary (the handler would then throw GraphsFailedError iff a graph failed).
  expect(run.summary, `the run threw instead of reporting: ${String(run.error)}`).toBeDefined();
  const failed = run.summary!.counts.failed;
  if (failed > 0) expect(run.error).toBeInstanceOf(GraphsFailedError);
  else expect(run.error).toBeUndefined();

  // (3) Within the time it was given.
  expect(run.elapsedMs).toBeLessThanOrEqual(o.remainingMs + DEADLINE_TOLERANCE_MS);

  // (1) Exactly one result per configured graph, and none for anything else.
  const byGraph = resultsByGraph(run);
  const configured = o.initial.filter((g) => g.id !== uuidOf(g.projectId, UNCONFIGURED));
  expect([...byGraph.keys()].sort()).toEqual(configured.map((g) => keyOf(g.projectId, g.id)).sort());

  for (const graph of o.initial) {
    const requests = requestsFor(sandbox, graph.projectId, graph.id);
    const result = byGraph.get(keyOf(graph.projectId, graph.id));
    const label = `${graph.projectId}/${graph.name}`;
    if (!result) {
      // Not configured: never touched.
      expect(requests, `${label} is not configured but was asked about`).toEqual([]);
      expect(sandbox.graph(graph.projectId, graph.id)?.status).toBe(graph.status);
      continue;
    }
    checkStops(label, requests);
    checkCode(label, result, requests, sandbox, o.failureCodes);
    checkState(label, graph, result, requests, sandbox);
  }
}

/** (2) At most one stop carried out, and no stop sent again without a read, unless not processed. */
function checkStops(label: string, requests: readonly RecordedRequest[]): void {
  for (const r of requests) {
    // A stop answered 200 or lost made a job; a malformed 200 did nothing.
    const answered = r.kind === 'stop' && (r.status === 200 || r.status === 'lost');
    const malformed = r.fault?.split('+').includes('malformed') ?? false;
    expect(carriedOut(r), `${label}: request ${r.seq} (${r.status} ${r.fault ?? ''})`).toBe(
      answered && !malformed,
    );
  }
  expect(requests.filter(carriedOut).length, `${label} accepted more than one stop`).toBeLessThanOrEqual(1);
  let previousStop: RecordedRequest | undefined;
  let readSince = false;
  for (const r of requests) {
    if (r.kind === 'get') readSince = true;
    if (r.kind !== 'stop') continue;
    if (previousStop && !NOT_PROCESSED.has(previousStop.status)) {
      expect(
        readSince,
        `${label}: stop ${r.seq} re-sent after ${previousStop.status} without reading the graph`,
      ).toBe(true);
    }
    previousStop = r;
    readSince = false;
  }
}

/**
 * (4) A failure caused by an answer carries that answer's code: the graph's last stop (a failed
 * read after a stop is OUTCOME_UNKNOWN, one of our own codes) or, when no stop was sent, the
 * project's last listing request.
 */
function checkCode(
  label: string,
  result: GraphResult,
  requests: readonly RecordedRequest[],
  sandbox: GesSandbox,
  failureCodes: readonly string[],
): void {
  if (result.outcome !== 'failed') return;
  expect(failureCodes, `${label} failed: ${result.message}`).toContain(result.errorCode);
  expect(result.message, `${label} failed without a message`).toBeTruthy();
  if (result.errorCode === 'JOB_FAILED') {
    expect(result.jobStatus).toBe('failed');
    return;
  }
  if (OWN_CODES.has(result.errorCode!)) return;
  const last =
    requests.filter((r) => r.kind === 'stop').at(-1) ??
    sandbox.requests.filter((r) => r.kind === 'list' && r.projectId === result.projectId).at(-1);
  expect(last, `${label} failed with ${result.errorCode} without any request`).toBeDefined();
  expect(
    result.errorCode,
    `${label}: last request ${last!.seq} was ${last!.status} ${last!.fault ?? ''}`,
  ).toBe(expectedCode(last!));
}

function expectedCode(r: RecordedRequest): string {
  if (r.fault?.split('+').includes('malformed')) return 'MALFORMED_RESPONSE';
  switch (r.status) {
    case 'reset':
    case 'lost':
      return 'NETWORK';
    case 'hang':
    case 'pending': // the client gave up while the sandbox was still delaying it
      return 'TIMEOUT';
    default:
      return CODE_OF_STATUS[r.status] ?? `HTTP_${r.status}`;
  }
}

/** (5) The sandbox's final state agrees with the outcome. */
function checkState(
  label: string,
  graph: SandboxGraph,
  result: GraphResult,
  requests: readonly RecordedRequest[],
  sandbox: GesSandbox,
): void {
  const status = sandbox.graph(graph.projectId, graph.id)?.status;
  const stops = requests.filter(carriedOut);
  const where = `${label}: ${result.outcome} ${result.jobStatus ?? ''} ${result.errorCode ?? ''} → ${status}`;
  switch (result.outcome) {
    case 'stopped':
      expect(stops, where).toHaveLength(1);
      if (result.jobId !== undefined) expect(stops[0]!.jobId, where).toBe(result.jobId);
      if (result.jobStatus === 'success') expect(status, where).toBe('900');
      else if (result.jobStatus === 'running') expect(status, where).toBe('901');
      else {
        // The answer was lost and the graph was seen stopping: no job to verify.
        expect(result.jobId, where).toBeUndefined();
        expect(['900', '901'], where).toContain(status);
      }
      return;
    case 'already-stopped':
      // Someone else stopped it: a stop of this run that GES carried out is reported as `stopped`.
      expect(stops, where).toHaveLength(0);
      expect(['900', '901'], where).toContain(status);
      return;
    case 'skipped':
      expect(stops, where).toHaveLength(0);
      expect(status, where).toBe(graph.status);
      return;
    case 'failed':
      if (result.errorCode === 'JOB_FAILED') {
        expect(stops, where).toHaveLength(1);
        expect(status, where).toBe('200');
      } else if (result.errorCode === 'OUTCOME_UNKNOWN') {
        expect(['200', '900', '901'], where).toContain(status);
      } else {
        expect(stops, where).toHaveLength(0);
        expect(status, where).toBe(graph.status);
      }
      return;
    case 'would-stop':
      throw new Error(`${where}: no dry run in the matrix`);
  }
}
