/**
 * `npm run check [-- <config file>] [--at <instant>]`: validates a schedule config with the checks
 * `osls package` applies (the function's own loader plus the placeholder-id rule,
 * lib/deploy-checks.ts), without credentials or network, and prints a summary per schedule.
 * The file defaults to SCHEDULE_CONFIG, else config/schedule.yaml; `--at` (an ISO-8601 instant
 * with a zone, default now) is the instant the next stops and starts are computed from.
 * Exit status: 0 valid (warnings allowed), 1 invalid (the loader's messages on stderr), 2 usage
 * (a missing file included). An endpoint on this machine (the sandbox's config) is valid, with a
 * warning that it cannot be deployed. With LEDGER_TABLE set, it also says whether scheduled runs
 * are paused at that instant.
 */
import './quiet-sdk.js';
import { realpathSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadCheckedConfig } from '../lib/deploy-checks.js';
import { DEFAULT_CONFIG_PATH, readEnvironment } from '../lib/env.js';
import { ConfigError, type ConfigIssue } from '../lib/errors.js';
import { isPausedAt, pauseLine, pauseView } from '../lib/pause/state.js';
import { dynamoPauseStore, type PauseStore } from '../lib/pause/store.js';
import { instantProblem, parseInstant } from '../lib/schedule/instant.js';
import { summarize } from './check-summary.js';

export const ExitCode = { valid: 0, invalid: 1, usage: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface CheckIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The clock, read once, when there is no `--at`. */
  readonly now: () => Date;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Where the pause is read (default: the ledger table LEDGER_TABLE names, if any). */
  readonly pauses?: PauseStore | undefined;
}

const USAGE = `usage: npm run check -- [config file] [--at <ISO-8601 instant with a zone>]
  config file  default: $SCHEDULE_CONFIG, else config/schedule.yaml
  --at         compute the next stops and starts from this instant (default: now),
               e.g. --at 2026-03-29T01:30:00Z
exit status: 0 valid, 1 invalid, 2 usage error (no such file included)
with LEDGER_TABLE set, it also says whether scheduled runs are paused at that instant
`;

type Parsed =
  | { readonly file: string; readonly at: Date }
  | { readonly help: true }
  | { readonly usage: string };

function parse(argv: readonly string[], io: CheckIo): Parsed {
  let values: { at?: string | undefined; help?: boolean | undefined };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: { at: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    return { usage: (error as Error).message };
  }
  if (values.help === true) return { help: true };
  if (positionals.length > 1) return { usage: `one config file at most, got ${positionals.length}` };
  let at = io.now();
  if (values.at !== undefined) {
    const parsed = parseInstant(values.at);
    if (parsed === undefined) return { usage: `--at: ${instantProblem(values.at)}` };
    at = parsed;
  }
  return { file: positionals[0] ?? readEnvironment(io.env).configPath, at };
}

export async function main(argv: readonly string[], io: CheckIo): Promise<ExitCode> {
  const parsed = parse(argv, io);
  if ('help' in parsed) {
    io.stdout(USAGE);
    return ExitCode.valid;
  }
  if ('usage' in parsed) {
    io.stderr(`${parsed.usage}\n${USAGE}`);
    return ExitCode.usage;
  }
  // What a deploy ships is config/schedule.yaml, whatever SCHEDULE_CONFIG says in this shell.
  const shipped = normalize(parsed.file) === normalize(DEFAULT_CONFIG_PATH);
  const other = shipped ? '' : ` (a deploy ships ${DEFAULT_CONFIG_PATH}, not this file)`;
  const missing = await missingFile(parsed.file);
  if (missing !== undefined) {
    io.stderr(`${missing}\n${USAGE}`);
    return ExitCode.usage;
  }
  try {
    const { loaded, undeployable } = await loadCheckedConfig(parsed.file, parsed.at);
    // The deploy warnings go just above the verdict, which stays the summary's last line.
    const summary = summarize(parsed.file, loaded, parsed.at);
    const verdictAt = summary.lastIndexOf('valid: ');
    const warnings = undeployable.map((issue) => `${undeployableLine(issue)}\n`).join('');
    const verdict = summary.slice(verdictAt);
    const deployable =
      undeployable.length === 0
        ? verdict
        : verdict
            .replace(/(\d+) warnings?\)/, (_, n: string) => warningCount(Number(n) + undeployable.length))
            .replace(/\n$/, '; cannot be deployed: loopback endpoint\n');
    io.stdout(summary.slice(0, verdictAt) + warnings + deployable);
    if (!shipped) io.stdout(`note: checked ${parsed.file}${other}\n`);
    const pause = await pauseStatus(io, parsed.at);
    if (pause !== undefined) io.stdout(`${pause}\n`);
    return ExitCode.valid;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(`${error.message}\n`);
    const count = error.issues.length;
    const problems = `${count} problem${count === 1 ? '' : 's'}`;
    const verdict = shipped ? 'osls package and deploy refuse it' : `a deploy would refuse it${other}`;
    io.stdout(`invalid: ${parsed.file} (${problems}): ${verdict}\n`);
    return ExitCode.invalid;
  }
}

/** Why `file` cannot be read as a file at all (a usage error: the path is wrong), else undefined. */
async function missingFile(file: string): Promise<string | undefined> {
  try {
    const info = await stat(file);
    return info.isFile() ? undefined : `${file} is not a file: give the path of a schedule config`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      return `${file}: no such file: give the path of a schedule config, or set SCHEDULE_CONFIG`;
    return undefined; // unreadable for another reason: the loader says what
  }
}

function undeployableLine(issue: ConfigIssue): string {
  const where =
    issue.line === undefined ? issue.path : `${issue.path} (line ${issue.line}, column ${issue.column})`;
  return `warning: cannot be deployed: loopback endpoint: ${where}: ${issue.message}`;
}

/**
 * Whether scheduled runs are paused at `at`, from the ledger table (LEDGER_TABLE); nothing without
 * one. A ledger that cannot be read is said, never a reason to call the config invalid.
 */
async function pauseStatus(io: CheckIo, at: Date): Promise<string | undefined> {
  const table = readEnvironment(io.env).ledgerTable;
  if (table === undefined && io.pauses === undefined) return undefined;
  const owned = io.pauses === undefined && table !== undefined ? dynamoPauseStore({ table }) : undefined;
  const store = io.pauses ?? owned!;
  try {
    const pause = await store.read({ signal: AbortSignal.timeout(PAUSE_READ_MS) });
    if (isPausedAt(pause, at)) {
      return `pause: ${pauseLine(pauseView(pause))}: scheduled runs stop and start nothing until then`;
    }
    return `pause: none at ${at.toISOString()} (ledger table ${store.table})`;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return `pause: unknown: the ledger table ${store.table} could not be read (${why}); the config itself is valid`;
  } finally {
    owned?.destroy();
  }
}

/** The pause read is bounded: a ledger that does not answer must not hold the check up. */
const PAUSE_READ_MS = 5_000;

function invokedDirectly(): boolean {
  try {
    return realpathSync(process.argv[1] ?? '') === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  process.exitCode = await main(process.argv.slice(2), {
    env: process.env,
    now: () => new Date(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}

/** `1 warning)` or `N warnings)`: the config's warnings and the deploy's, one count. */
function warningCount(n: number): string {
  return `${n} warning${n === 1 ? '' : 's'})`;
}
