/**
 * `npm run report -- [--from <instant>] [--to <instant>] [--csv | --html FILE]` and
 * `npm run report -- --history [graph…]`: the savings report (or each graph's stop windows) on this
 * machine, through the same path as the Lambda's `report` and `history` actions (lib/invoke.ts),
 * from the ledger in LEDGER_TABLE (AWS_ENDPOINT_URL_DYNAMODB for an emulator) and the config in
 * SCHEDULE_CONFIG. Without LEDGER_TABLE the report prints the forecast alone, saying so. `--html`
 * asks lib/report/report.ts for the same report with its days (scripts/report/html-file.ts).
 */
import { readEnvironment } from '../../lib/env.js';
import { isGesOffhoursError } from '../../lib/errors.js';
import { invoke } from '../../lib/invoke.js';
import { dynamoLedger } from '../../lib/ledger/dynamo.js';
import type { Ledger } from '../../lib/ledger/types.js';
import { type Log, silentLog } from '../../lib/log.js';
import { forecast, forecastNote } from '../../lib/report/forecast.js';
import { isHistoryReport, isSavingsReport } from '../../lib/report/types.js';
import { loadConfig } from '../../lib/schedule/config.js';
import { forecastText, reportCsv, reportText } from './format.js';
import { historyText } from './history-format.js';
import { writeHtml } from './html-file.js';

export const USAGE = `usage: npm run report -- [--from <instant>] [--to <instant>] [--csv | --html <file>]
       npm run report -- --history [graph…] [--from <instant>] [--to <instant>]

Hours each graph was kept stopped in [from, to) and the money saved, from the ledger of stop
windows (LEDGER_TABLE), then a forecast from the schedules alone (SCHEDULE_CONFIG). No GES call.

  --from      start of the range: an ISO-8601 instant with a zone (2026-11-01T00:00:00Z) or a date
              (2026-11-01, midnight UTC). Default: 30 days before --to (--history: 7 days).
  --to        end of the range (excluded). Default: now.
  --csv       one CSV table (graphs, projects, total, forecast) for a spreadsheet.
  --html FILE one self-contained HTML page (no network needed to view it): charts of hours
              stopped and money saved per UTC day, per graph and in total, and the forecast.
  --history   each stop window of the graphs named after it (names or ids; none: every graph
              with a window in the range): stopped, confirmed, ended, by what, hours, job ids.

Without LEDGER_TABLE only the forecast is printed (--history and --html need the ledger). For a
local emulator set AWS_ENDPOINT_URL_DYNAMODB (and AWS_REGION and any AWS credentials it accepts).
`;

export interface ReportIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly now?: (() => Date) | undefined;
  /** The ledger to read (default: a DynamoDB ledger on LEDGER_TABLE). */
  readonly ledger?: Ledger | undefined;
}

export const ExitCode = { ok: 0, refused: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

type Range = { from?: string; to?: string };
type Args =
  | { kind: 'help' }
  | { kind: 'invalid'; message: string }
  | ({ kind: 'report'; csv: boolean; html?: string } & Range)
  | ({ kind: 'history'; graphs: string[] } & Range);

export function parseReportArgs(argv: readonly string[]): Args {
  const args: Range & { csv: boolean; html?: string; history?: string[] } = { csv: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '--csv') args.csv = true;
    else if (arg === '--history') args.history = [];
    else if (arg === '--from' || arg === '--to' || arg === '--html') {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--'))
        return { kind: 'invalid', message: `${arg} needs a value` };
      if (arg === '--html') args.html = value;
      else
        args[arg === '--from' ? 'from' : 'to'] = /^\d{4}-\d{2}-\d{2}$/.test(value)
          ? `${value}T00:00:00Z`
          : value;
    } else if (args.history !== undefined && !arg.startsWith('-')) args.history.push(arg);
    else return { kind: 'invalid', message: `unknown argument ${JSON.stringify(arg)}` };
  }
  const { history, html, csv, ...range } = args;
  if (csv && html !== undefined) return { kind: 'invalid', message: '--csv and --html: choose one' };
  if (history === undefined)
    return { kind: 'report', csv, ...(html === undefined ? {} : { html }), ...range };
  if (csv || html !== undefined)
    return {
      kind: 'invalid',
      message: `${csv ? '--csv' : '--html'} goes with the savings report, not --history`,
    };
  return { kind: 'history', graphs: history, ...range };
}

export async function main(argv: readonly string[], io: ReportIo): Promise<ExitCode> {
  const args = parseReportArgs(argv);
  if (args.kind === 'help') {
    io.stdout(USAGE);
    return ExitCode.ok;
  }
  if (args.kind === 'invalid') return refuse(io, `${args.message}\n(npm run report -- --help for usage)`);
  const env = readEnvironment(io.env);
  const now = io.now?.() ?? new Date();
  const endpoint = io.env.AWS_ENDPOINT_URL_DYNAMODB;
  const own =
    io.ledger === undefined && env.ledgerTable !== undefined
      ? dynamoLedger({ table: env.ledgerTable, client: endpoint ? { endpoint } : {} })
      : undefined;
  const ledger = io.ledger ?? own;
  try {
    if (!ledger && args.kind === 'report' && args.html === undefined)
      return await forecastOnly(io, env.configPath, now, args.from !== undefined || args.to !== undefined);
    const range = { ...(args.from && { from: args.from }), ...(args.to && { to: args.to }) };
    if (args.kind === 'report' && args.html !== undefined)
      return await writeHtml(io, { env, ledger, now, range, file: args.html });
    const event =
      args.kind === 'history'
        ? { action: 'history', ...(args.graphs.length > 0 && { graphs: args.graphs }), ...range }
        : { action: 'report', ...range };
    const output = await invoke(event, {
      env,
      secrets: { getSecretString: () => Promise.reject(new Error('a report reads no secret')) },
      log: warningsTo(io.stderr),
      remainingMs: 120_000,
      now,
      ledger,
    });
    if (isHistoryReport(output)) io.stdout(historyText(output));
    else if (isSavingsReport(output))
      io.stdout(args.kind === 'report' && args.csv ? reportCsv(output) : reportText(output));
    else throw new Error(`expected a report, got a ${output.action} summary`);
    return ExitCode.ok;
  } catch (error) {
    const code = isGesOffhoursError(error) ? error.code : 'INTERNAL';
    return refuse(io, `report refused (${code}): ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    own?.destroy();
  }
}

async function forecastOnly(io: ReportIo, configPath: string, now: Date, range: boolean): Promise<ExitCode> {
  const { config } = await loadConfig(configPath, now);
  io.stderr(
    'LEDGER_TABLE is not set: no ledger to count stops in, so this is the forecast alone. ' +
      'A price shows "-" unless the entry has hourlyPrice: pricing.hourly needs the size GES reported ' +
      'when the graph was last stopped, which only the ledger keeps.\n' +
      (range ? '--from and --to are ignored: they select the ledger windows to count.\n' : ''),
  );
  io.stdout(
    forecastText(forecast(config, now), config.pricing.currency, now.toISOString(), forecastNote(config)),
  );
  return ExitCode.ok;
}

export function warningsTo(write: (text: string) => void): Log {
  return {
    ...silentLog,
    warn: (message, fields = {}) => write(`warning: ${message} ${JSON.stringify(fields)}\n`),
  };
}

export function refuse(io: ReportIo, message: string): ExitCode {
  io.stderr(`${message}\n`);
  return ExitCode.refused;
}
