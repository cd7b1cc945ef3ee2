/** Outcomes in, the summary and its log lines out (docs/contracts.md §4). */
import { DeadlineExceededError, GesHttpError, isGesOffhoursError } from '../errors.js';
import type { Log } from '../log.js';
import type { PauseView } from '../pause/state.js';
import {
  type Counts,
  type GraphResult,
  Outcome,
  type PlanResult,
  type RequestStats,
  type RunRequest,
  type Summary,
} from './types.js';

/** The code and message a failed result carries: the GES or gateway code when GES gave one. */
export function errorFields(error: unknown): { errorCode: string; message: string } {
  // Time ran out while GES or the gateway kept refusing: that answer is the cause worth reporting.
  if (error instanceof DeadlineExceededError && error.cause instanceof GesHttpError) {
    const { gesCode, status } = error.cause;
    const what = status === 429 ? 'throttled by the API gateway' : `answered ${gesCode ?? ''} ${status}`;
    return {
      errorCode: gesCode ?? `HTTP_${status}`,
      message: `${what.replace('  ', ' ')} until the run's deadline: ${error.message}`,
    };
  }
  if (error instanceof GesHttpError) {
    return { errorCode: error.gesCode ?? `HTTP_${error.status}`, message: error.message };
  }
  if (isGesOffhoursError(error)) return { errorCode: error.code, message: error.message };
  // A bug, not a GES answer: say so rather than dress it up.
  return {
    errorCode: 'INTERNAL',
    message: `unexpected error: ${error instanceof Error ? error.message : String(error)}`,
  };
}

/** Which counter each outcome adds to. */
const COUNTER: Readonly<Record<Outcome, keyof Counts>> = {
  [Outcome.stopped]: 'stopped',
  [Outcome.alreadyStopped]: 'alreadyStopped',
  [Outcome.skipped]: 'skipped',
  [Outcome.failed]: 'failed',
  [Outcome.wouldStop]: 'wouldStop',
  [Outcome.started]: 'started',
  [Outcome.alreadyRunning]: 'alreadyRunning',
  [Outcome.wouldStart]: 'wouldStart',
};

export function emptyCounts(): Counts {
  return {
    stopped: 0,
    alreadyStopped: 0,
    skipped: 0,
    failed: 0,
    wouldStop: 0,
    started: 0,
    alreadyRunning: 0,
    wouldStart: 0,
  };
}

export function countOutcomes(results: readonly (GraphResult | PlanResult)[]): Counts {
  const counts = emptyCounts();
  for (const result of results) if ('outcome' in result) counts[COUNTER[result.outcome]]++;
  return counts;
}

export function summarize(options: {
  runId: string;
  request: RunRequest;
  at: Date;
  results: readonly (GraphResult | PlanResult)[];
  requests?: RequestStats | undefined;
  graphsInOffHours?: number | undefined;
  ledgerErrors?: readonly string[] | undefined;
  note?: string | undefined;
  paused?: PauseView | undefined;
}): Summary {
  const { runId, request, at, results, requests, graphsInOffHours, ledgerErrors, note, paused } = options;
  const counts = countOutcomes(results);
  if (request.action === 'plan') {
    counts.wouldStop = results.filter(
      (r) => 'offHours' in r && r.offHours && r.skipUntil === undefined,
    ).length;
  }
  return {
    runId,
    action: request.action,
    dryRun: request.dryRun,
    at: at.toISOString(),
    results,
    counts,
    ...(requests ? { requests } : {}),
    ...(graphsInOffHours === undefined ? {} : { graphsInOffHours }),
    ...(ledgerErrors && ledgerErrors.length > 0 ? { ledgerErrors } : {}),
    ...(note === undefined ? {} : { note }),
    ...(paused === undefined ? {} : { paused }),
  };
}

/**
 * One line per graph the run touched (a stop sent, would be sent, or failed) at info/error, the
 * quiet outcomes at debug; the caller logs the summary last.
 */
export function logResult(log: Log, result: GraphResult): void {
  const fields = { graph: result };
  switch (result.outcome) {
    case Outcome.failed:
      log.error('graph failed', fields);
      return;
    case Outcome.stopped:
      log.info('graph stopped', fields);
      return;
    case Outcome.wouldStop:
      log.info('graph would stop (dry run)', fields);
      return;
    case Outcome.started:
      log.info('graph started', fields);
      return;
    case Outcome.wouldStart:
      log.info('graph would start (dry run)', fields);
      return;
    default:
      log.debug(`graph ${result.outcome}`, fields);
  }
}

/** Outcomes the logged summary keeps when it must be trimmed: what was done, or failed. */
const LOUD: ReadonlySet<Outcome> = new Set([
  Outcome.stopped,
  Outcome.started,
  Outcome.failed,
  Outcome.wouldStop,
  Outcome.wouldStart,
]);

/** CloudWatch Logs caps one event at 256 KB; keep the summary line well under it. */
export const MAX_SUMMARY_LOG_BYTES = 200_000;

/**
 * The summary as logged: whole when it fits in one log event. Otherwise, in turn until it fits:
 * the quiet results (skipped, already stopped, plan entries) go; then failed results lose their
 * message (their errorCode stays); then results are cut at the budget. `omittedResults` says how
 * many results are not on the line. The handler still returns the whole summary.
 */
export function summaryForLog(
  summary: Summary,
  maxBytes = MAX_SUMMARY_LOG_BYTES,
): Summary & { omittedResults?: number; messagesOmitted?: boolean } {
  const size = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
  if (size(summary) <= maxBytes) return summary;
  const loud = summary.results.filter((r) => 'outcome' in r && LOUD.has(r.outcome));
  const trimmed = { ...summary, results: loud, omittedResults: summary.results.length - loud.length };
  if (size(trimmed) <= maxBytes) return trimmed;
  const terse = loud.map((r) => {
    if (!('outcome' in r) || r.outcome !== Outcome.failed) return r;
    const { message: _dropped, ...rest } = r;
    return rest;
  });
  const base = size({ ...trimmed, results: [], messagesOmitted: true }) + 32;
  const kept: typeof terse = [];
  let used = base;
  for (const r of terse) {
    used += size(r) + 1;
    if (used > maxBytes) break;
    kept.push(r);
  }
  return {
    ...summary,
    results: kept,
    omittedResults: summary.results.length - kept.length,
    messagesOmitted: true,
  };
}
