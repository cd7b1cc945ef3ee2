/**
 * One invocation, whoever calls it (the Lambda handler, `npm start`, `npm run invoke`): parse the
 * event, load and check the config (before any API call), run, and return the summary; or, for
 * `report`, read the ledger and return the savings report (no GES call).
 */
import { randomUUID } from 'node:crypto';
import { type Clock, systemClock, timerMs } from './clock.js';
import { CredentialResolver, type SecretSource } from './credentials.js';
import type { Environment } from './env.js';
import { GraphsFailedError } from './errors.js';
import type { TransportOptions } from './http/transport.js';
import type { Ledger } from './ledger/types.js';
import type { Log } from './log.js';
import type { PauseOutput } from './pause/action.js';
import type { PauseStore } from './pause/store.js';
import type { HistoryReport, SavingsReport } from './report/types.js';
import { parseEvent } from './run/events.js';
import type { RunProgress } from './run/progress.js';
import { runRequest } from './run/run.js';
import type { GraphResult, Summary } from './run/types.js';
import type { PollSettings } from './run/verify.js';
import { loadConfig } from './schedule/config.js';

export interface InvokeOptions {
  readonly env: Environment;
  readonly secrets: SecretSource;
  readonly log: Log;
  /** Time the platform gives this invocation (Lambda's getRemainingTimeInMillis()). */
  readonly remainingMs: number;
  readonly runId?: string | undefined;
  readonly clock?: Clock | undefined;
  /** The instant schedules are evaluated at (default: the clock's time). Deadlines follow the clock. */
  readonly now?: Date | undefined;
  readonly poll?: PollSettings | undefined;
  readonly transportOptions?: Partial<TransportOptions> | undefined;
  /** The ledger of stop windows; without one nothing is recorded and no graph is started by schedule. */
  readonly ledger?: Ledger | undefined;
  /** Where the pause is kept (the ledger table); without it `pause` and `resume` are refused. */
  readonly pauses?: PauseStore | undefined;
  /** Filled in as the run goes (a terminal's progress line); the handler passes none. */
  readonly progress?: RunProgress | undefined;
}

/** Time kept back to log the summary: a tenth of what is left, between 0.2 s and 10 s. */
export function safetyMarginMs(remainingMs: number): number {
  return Math.min(10_000, Math.max(200, Math.round(remainingMs / 10)));
}

/**
 * A run's summary, a savings report for `report`, the windows for `history`, or what a pause or
 * resume did (tell them apart with isSummary, isSavingsReport, isHistoryReport and isPauseOutput).
 */
export type InvokeOutput = Summary | SavingsReport | HistoryReport | PauseOutput;

/** A run's summary (reconcile, stop, start, plan), as opposed to the other outputs. */
export function isSummary(output: InvokeOutput): output is Summary {
  return 'counts' in output && 'results' in output;
}

export async function invoke(event: unknown, options: InvokeOptions): Promise<InvokeOutput> {
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const now = options.now ?? new Date(started);
  const request = parseEvent(event, now);
  const { config, warnings } = await loadConfig(options.env.configPath, now);
  for (const warning of warnings)
    options.log.warn('config warning', { path: warning.path, warning: warning.message });
  const deadline = started + options.remainingMs - safetyMarginMs(options.remainingMs);
  if (request.action === 'report') {
    const { from, to } = request;
    const signal = AbortSignal.timeout(timerMs(deadline - started));
    // Loaded by reports only: a scheduled run never parses it.
    const { savingsReport } = await import('./report/report.js');
    return savingsReport({ config, ledger: options.ledger, from, to, now, signal });
  }
  if (request.action === 'pause' || request.action === 'resume') {
    const { pauseAction } = await import('./pause/action.js');
    return pauseAction(request, {
      store: options.pauses,
      now,
      runId: options.runId ?? randomUUID(),
      log: options.log,
      signal: AbortSignal.timeout(timerMs(deadline - started)),
    });
  }
  if (request.action === 'history') {
    const { historyReport } = await import('./report/history.js');
    const { graphs, from, to } = request;
    const signal = AbortSignal.timeout(timerMs(deadline - started));
    return historyReport({ config, ledger: options.ledger, graphs, from, to, now, signal });
  }
  const credentials = new CredentialResolver({
    source: options.secrets,
    defaultSecret: options.env.credentialsSecret,
    envCredentials: options.env.envCredentials,
    // Cancels a secret read that outlives the run, so no request is left open behind the summary.
    // Lambda gives whole milliseconds, other callers may not; AbortSignal.timeout takes integers only.
    signal: AbortSignal.timeout(timerMs(deadline - started)),
  });
  return runRequest(request, now, {
    config,
    credentials,
    log: options.log,
    clock,
    runId: options.runId ?? randomUUID(),
    deadline,
    poll: options.poll,
    transportOptions: options.transportOptions,
    ledger: options.ledger,
    started,
    pauses: options.pauses,
    progress: options.progress,
  });
}

/**
 * The error a run ends in, after its summary has been logged: when graphs failed, or when the
 * ledger could not be used (stops still went out, but what they did may not start again).
 */
export function failureOf(summary: Summary): GraphsFailedError | undefined {
  const failed = summary.results.filter((r): r is GraphResult => 'outcome' in r && r.outcome === 'failed');
  const ledger = summary.ledgerErrors ?? [];
  if (failed.length === 0 && ledger.length === 0) return undefined;
  const detail = failed
    .slice(0, 5)
    .map((r) => `${r.graphName ?? r.graphId} (${r.errorCode})`)
    .join(', ');
  const more = failed.length > 5 ? `, and ${failed.length - 5} more` : '';
  const ledgerDetail = ledger.length > 0 ? `the ledger of stop windows failed: ${ledger[0]}` : '';
  const parts = [detail + more, ledgerDetail].filter((p) => p !== '');
  return new GraphsFailedError(failed.length, summary.results.length, summary.runId, parts.join('; '));
}
