import { Console } from 'node:console';
/**
 * `npm run invoke`: one invocation of the function on this machine, through the same path as the
 * Lambda handler (lib/invoke.ts), reported as a table or as the Lambda's JSON log lines. Everything
 * it touches outside comes in through CliIo, so tests run it without a terminal or a process.
 */
import type { Context } from 'aws-lambda';
import { type SecretSource, secretsManagerSource } from '../../lib/credentials.js';
import { type Environment, type LogLevel, readEnvironment } from '../../lib/env.js';
import { ErrorCode, isGesOffhoursError } from '../../lib/errors.js';
import { invoke } from '../../lib/invoke.js';
import { dynamoLedger } from '../../lib/ledger/dynamo.js';
import type { Ledger } from '../../lib/ledger/types.js';
import { type Log, silentLog } from '../../lib/log.js';
import { isPauseOutput } from '../../lib/pause/action.js';
import { dynamoPauseStore, type PauseStore } from '../../lib/pause/store.js';
import { powertoolsLog } from '../../lib/powertools-log.js';
import { historyForLog, reportForLog } from '../../lib/report/log.js';
import { isHistoryReport, isSavingsReport } from '../../lib/report/types.js';
import { RunProgress } from '../../lib/run/progress.js';
import { summaryForLog } from '../../lib/run/report.js';
import type { Summary } from '../../lib/run/types.js';
import { lambdaContext } from '../../sandbox/lambda-context.js';
import { reportText } from '../report/format.js';
import { historyText } from '../report/history-format.js';
import { parseCliArgs, USAGE } from './args.js';
import {
  failedResults,
  failureReport,
  pauseText,
  rehearsalLine,
  resultTable,
  shortLogLine,
  verdict,
} from './format.js';
import { everyInterval, startTicker } from './progress.js';
import { projectFailures } from './project-failures.js';

export const ExitCode = { ok: 0, graphsFailed: 1, refused: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether a person can answer a question on stdin. */
  readonly isTTY: boolean;
  /** Asks one question; `undefined` when the input ended or was interrupted instead of answered. */
  readonly ask: (question: string) => Promise<string | undefined>;
  /** Where named secrets are read (default: AWS Secrets Manager). */
  readonly secrets?: SecretSource | undefined;
  /** The JSON log for `--json` (default: Powertools Logger with the Lambda context, as deployed). */
  readonly jsonLog?: ((level: LogLevel, context: Context) => Log) | undefined;
  /** Whether stdout is a terminal: then a progress line every few seconds. */
  readonly stdoutIsTTY?: boolean | undefined;
  /** The progress ticker's clock and timer (default: Date.now, setInterval). */
  readonly now?: (() => number) | undefined;
  readonly every?: ((ms: number, tick: () => void) => () => void) | undefined;
}

const DRY_RUN = { dryRun: true } as const;
const CONFIRM = 'stop graphs';

export async function main(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const args = parseCliArgs(argv);
  if (args.kind === 'help') {
    io.stdout(USAGE);
    return ExitCode.ok;
  }
  if (args.kind === 'invalid') return refuse(io, `${args.message}\n(npm run invoke -- --help for usage)`);
  const timeoutSeconds = Number(io.env.INVOKE_TIMEOUT_SECONDS ?? 300);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    return refuse(
      io,
      `INVOKE_TIMEOUT_SECONDS must be a positive number of seconds, got "${io.env.INVOKE_TIMEOUT_SECONDS}"`,
    );
  }
  const chosen = args.event ?? (await chooseEvent(io, args.yes));
  if (chosen === undefined) return ExitCode.refused;
  const env = readEnvironment(io.env);
  // The ledger of stop windows, as the Lambda has it when LEDGER_TABLE is set (locally: the
  // sandbox's DynamoDB emulator, through AWS_ENDPOINT_URL_DYNAMODB).
  const ledger = env.ledgerTable === undefined ? undefined : dynamoLedger({ table: env.ledgerTable });
  const pauses = env.ledgerTable === undefined ? undefined : dynamoPauseStore({ table: env.ledgerTable });
  const run: Run = {
    event: chosen.value,
    timeoutMs: timeoutSeconds * 1000,
    env,
    secrets: io.secrets ?? secretsManagerSource(),
    ledger,
    pauses,
  };
  try {
    return await (args.json ? runJson(io, run) : runReadable(io, run));
  } finally {
    ledger?.destroy();
    pauses?.destroy();
  }
}

/** No event on the command line: ask, with a dry run as the default; never guess a real run. */
async function chooseEvent(io: CliIo, yes: boolean): Promise<{ value: unknown } | undefined> {
  if (yes) return { value: DRY_RUN };
  if (!io.isTTY) {
    refuse(
      io,
      `no event given, and no terminal to ask on: pass it explicitly, '{"dryRun":true}' for a dry run ` +
        `or '{}' for a real run, e.g. npm run invoke -- '{"dryRun":true}'`,
    );
    return undefined;
  }
  const answer = await io.ask(
    'No event given. Do a dry run ({"dryRun":true}: reads states, changes nothing)? [Y/n] ',
  );
  const yesNo = answer?.trim().toLowerCase();
  if (yesNo === '' || yesNo === 'y' || yesNo === 'yes') return { value: DRY_RUN };
  if (yesNo === 'n' || yesNo === 'no') {
    const confirm = await io.ask(
      `A real run ({}) stops every configured graph that is in off-hours now. Type "${CONFIRM}" to go ahead: `,
    );
    if (confirm?.trim() === CONFIRM) return { value: {} };
  }
  io.stderr('cancelled: nothing was run\n');
  return undefined;
}

interface Run {
  readonly event: unknown;
  readonly timeoutMs: number;
  readonly env: Environment;
  readonly secrets: SecretSource;
  readonly ledger: Ledger | undefined;
  readonly pauses: PauseStore | undefined;
}

async function runReadable(io: CliIo, run: Run): Promise<ExitCode> {
  const { env, secrets } = run;
  io.stderr(`invoking ${echoed(JSON.stringify(run.event))} with ${env.configPath}\n`);
  let summary: Summary;
  const progress = io.stdoutIsTTY ? new RunProgress() : undefined;
  const stopTicker = progress
    ? startTicker({
        progress,
        write: io.stdout,
        now: io.now ?? Date.now,
        every: io.every ?? everyInterval,
      })
    : undefined;
  try {
    const output = await invoke(run.event, {
      env,
      secrets,
      log: warningsTo(io.stderr),
      remainingMs: run.timeoutMs,
      ledger: run.ledger,
      pauses: run.pauses,
      progress,
    });
    if (isSavingsReport(output)) {
      io.stdout(reportText(output));
      return ExitCode.ok;
    }
    if (isPauseOutput(output)) {
      io.stdout(pauseText(output));
      return ExitCode.ok;
    }
    if (isHistoryReport(output)) {
      io.stdout(historyText(output));
      return ExitCode.ok;
    }
    summary = output;
  } catch (error) {
    const code = isGesOffhoursError(error) ? error.code : 'INTERNAL';
    return refuse(io, `run refused (${code}): ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    stopTicker?.();
  }
  const code = exitCodeOf(summary);
  if (code === ExitCode.refused) {
    // No project could be read: one problem, said once per project, not once per graph.
    io.stdout(projectFailures(summary));
  } else {
    io.stdout(`${resultTable(summary)}\n${verdict(summary)}\n`);
    if (isRehearsal(run.event) && summary.action !== 'plan') io.stdout(rehearsalLine(summary));
    const failures = failureReport(summary);
    if (failures !== '') io.stdout(`\n${failures}`);
  }
  // Only when no source was named at all: otherwise the failures above say what went wrong with it.
  if (code === ExitCode.refused && env.credentialsSecret === undefined && env.envCredentials === undefined) {
    io.stderr(
      'no project had usable credentials: set GES_CREDENTIALS_SECRET (with AWS credentials and AWS_REGION) or HUAWEICLOUD_SDK_AK/_SK\n',
    );
  }
  return code;
}

/** As the Lambda handler logs: the run's lines, then `run refused` or `run summary` last. */
async function runJson(io: CliIo, run: Run): Promise<ExitCode> {
  const { env, secrets } = run;
  const context = lambdaContext(run.timeoutMs);
  const log = (io.jsonLog ?? defaultJsonLog)(env.logLevel, context);
  let summary: Summary;
  try {
    const output = await invoke(run.event, {
      env,
      secrets,
      log,
      remainingMs: context.getRemainingTimeInMillis(),
      runId: context.awsRequestId,
      ledger: run.ledger,
      pauses: run.pauses,
    });
    if (isSavingsReport(output)) {
      log.info('savings report', { report: reportForLog(output) });
      return ExitCode.ok;
    }
    // pause and resume logged what they did.
    if (isPauseOutput(output)) return ExitCode.ok;
    if (isHistoryReport(output)) {
      log.info('history', { history: historyForLog(output) });
      return ExitCode.ok;
    }
    summary = output;
  } catch (error) {
    log.error('run refused', {
      errorCode: isGesOffhoursError(error) ? error.code : 'INTERNAL',
      error: error instanceof Error ? error.message : String(error),
    });
    return ExitCode.refused;
  }
  log.info('run summary', { summary: summaryForLog(summary) });
  return exitCodeOf(summary);
}

function defaultJsonLog(level: LogLevel, context: Context): Log {
  const log = powertoolsLog(level);
  // Powertools writes WARN and ERROR lines to stderr through a Console of its own (Lambda sends
  // both streams to CloudWatch). A script reading --json from stdout needs every line there,
  // `run refused` and `graph failed` above all: give the logger a Console whose both ends are stdout.
  (log.logger as unknown as { console: Console }).console = new Console({
    stdout: process.stdout,
    stderr: process.stdout,
  });
  log.logger.addContext(context);
  return log;
}

/**
 * 1 when graphs failed; 2 when every graph failed for want of credentials (nothing could even be
 * listed: the run was as good as refused); 0 otherwise.
 */
export function exitCodeOf(summary: Summary): ExitCode {
  const failed = failedResults(summary);
  if (failed.length === 0) return ExitCode.ok;
  const allCredentials = failed.every((r) => r.errorCode === ErrorCode.credentials);
  return allCredentials && failed.length === summary.results.length
    ? ExitCode.refused
    : ExitCode.graphsFailed;
}

/**
 * The readable mode's log: warnings (config, retries, lost answers) in one short line as they
 * happen; the rest is in the table and the failure report.
 */
function warningsTo(write: (text: string) => void): Log {
  return {
    ...silentLog,
    warn(message, fields = {}) {
      const line = shortLogLine({ level: 'warn', message, fields });
      if (line !== undefined) write(`${line}\n`);
    },
  };
}

function isRehearsal(event: unknown): boolean {
  return typeof event === 'object' && event !== null && 'at' in event;
}

function refuse(io: CliIo, message: string): ExitCode {
  io.stderr(`${message}\n`);
  return ExitCode.refused;
}

/** The event as the `invoking` line shows it: whole when short, else its start and its size. */
const ECHO_CHARS = 300;
export function echoed(json: string): string {
  if (json.length <= ECHO_CHARS) return json;
  return `${json.slice(0, ECHO_CHARS)}… (${json.length.toLocaleString('en-US')} characters)`;
}
