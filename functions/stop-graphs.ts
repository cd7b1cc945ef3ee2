/**
 * Lambda entry (design.md §3–§4): parse the event, run, log the summary last, return it, or throw
 * after logging when any graph failed so Lambda's Errors metric and alarms see it.
 */
import type { Context } from 'aws-lambda';
import { secretsManagerSource } from '../lib/credentials.js';
import { readEnvironment } from '../lib/env.js';
import { isGesOffhoursError } from '../lib/errors.js';
import { failureOf, invoke } from '../lib/invoke.js';
import { dynamoLedger } from '../lib/ledger/dynamo.js';
import { powertoolsLog } from '../lib/powertools-log.js';
import { summaryForLog } from '../lib/run/report.js';
import type { Summary } from '../lib/run/types.js';

// Created once per container: warm invocations reuse the AWS clients and their connections (each
// is loaded on first use, so a plan never loads them).
const env = readEnvironment();
const log = powertoolsLog(env.logLevel);
const secrets = secretsManagerSource();
const ledger = env.ledgerTable === undefined ? undefined : dynamoLedger({ table: env.ledgerTable });

export async function handler(event: unknown, context: Context): Promise<Summary> {
  log.logger.addContext(context);
  let summary: Summary;
  try {
    summary = await invoke(event, {
      env,
      secrets,
      log,
      remainingMs: context.getRemainingTimeInMillis(),
      runId: context.awsRequestId,
      ledger,
    });
  } catch (error) {
    // A bad event or config stops the run before any API call; say exactly why.
    log.error('run refused', {
      errorCode: isGesOffhoursError(error) ? error.code : 'INTERNAL',
      error: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
  log.info('run summary', { summary: summaryForLog(summary) });
  const failure = failureOf(summary);
  if (failure) throw failure;
  return summary;
}
