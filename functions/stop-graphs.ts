/**
 * Lambda entry: parse the event, run, publish the run's metrics, log the summary last, return it,
 * or throw after logging when any graph failed so Lambda's Errors metric and alarms see it. A
 * `report` event returns (and logs last) the savings report instead, a `history` event the windows;
 * either that cannot be made (no ledger configured, a bad range, the ledger unreadable) is refused
 * like a bad event: logged as `run refused` with its code (EVENT_INVALID, LEDGER_UNAVAILABLE) and
 * thrown. `pause` and `resume` log what they did and return it. Nothing here prints progress: that
 * is the CLI's.
 */
import type { Context } from 'aws-lambda';
import { secretsManagerSource } from '../lib/credentials.js';
import { readEnvironment } from '../lib/env.js';
import { isGesOffhoursError } from '../lib/errors.js';
import { failureOf, type InvokeOutput, invoke } from '../lib/invoke.js';
import { dynamoLedger } from '../lib/ledger/dynamo.js';
import { runMetricsPublisher } from '../lib/metrics.js';
import { isPauseOutput } from '../lib/pause/action.js';
import { dynamoPauseStore } from '../lib/pause/store.js';
import { powertoolsLog } from '../lib/powertools-log.js';
import { historyForLog, reportForLog } from '../lib/report/log.js';
import { isHistoryReport, isSavingsReport } from '../lib/report/types.js';
import { summaryForLog } from '../lib/run/report.js';

// Created once per container: warm invocations reuse the AWS clients and their connections (each
// is loaded on first use, so a plan never loads them).
const env = readEnvironment();
const log = powertoolsLog(env.logLevel);
const secrets = secretsManagerSource();
const ledger = env.ledgerTable === undefined ? undefined : dynamoLedger({ table: env.ledgerTable });
const pauses = env.ledgerTable === undefined ? undefined : dynamoPauseStore({ table: env.ledgerTable });
const publishMetrics = runMetricsPublisher({ stage: env.stage });

export async function handler(event: unknown, context: Context): Promise<InvokeOutput> {
  log.logger.addContext(context);
  let output: InvokeOutput;
  try {
    output = await invoke(event, {
      env,
      secrets,
      log,
      remainingMs: context.getRemainingTimeInMillis(),
      runId: context.awsRequestId,
      ledger,
      pauses,
    });
  } catch (error) {
    // A bad event or config stops the run before any API call; say exactly why.
    log.error('run refused', {
      errorCode: isGesOffhoursError(error) ? error.code : 'INTERNAL',
      error: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
  if (isSavingsReport(output)) {
    log.info('savings report', { report: reportForLog(output) });
    return output;
  }
  // pause and resume logged what they did; nothing to publish.
  if (isPauseOutput(output)) return output;
  if (isHistoryReport(output)) {
    log.info('history', { history: historyForLog(output) });
    return output;
  }
  try {
    // Before the summary, which stays the last line; also when graphs failed.
    await publishMetrics(output);
  } catch (error) {
    log.warn('metrics not published', { error: error instanceof Error ? error.message : String(error) });
  }
  log.info('run summary', { summary: summaryForLog(output) });
  const failure = failureOf(output);
  if (failure) throw failure;
  return output;
}
