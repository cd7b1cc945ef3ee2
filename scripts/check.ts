/**
 * `npm run check [-- <config file>] [--at <instant>]`: validates a schedule config with the checks
 * `osls package` applies (the function's own loader plus the placeholder-id rule,
 * lib/deploy-checks.ts), without credentials or network, and prints a summary per schedule.
 * The file defaults to SCHEDULE_CONFIG, else config/schedule.yaml; `--at` (an ISO-8601 instant
 * with a zone, default now) is the instant the next stops and starts are computed from.
 * Exit status: 0 valid (warnings allowed), 1 invalid (the loader's messages on stderr), 2 usage.
 */
import { realpathSync } from 'node:fs';
import { normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadDeployableConfig } from '../lib/deploy-checks.js';
import { DEFAULT_CONFIG_PATH, readEnvironment } from '../lib/env.js';
import { ConfigError } from '../lib/errors.js';
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
}

const USAGE = `usage: npm run check -- [config file] [--at <ISO-8601 instant with a zone>]
  config file  default: $SCHEDULE_CONFIG, else config/schedule.yaml
  --at         compute the next stops and starts from this instant (default: now),
               e.g. --at 2026-03-29T01:30:00Z
exit status: 0 valid, 1 invalid, 2 usage error
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
  try {
    const loaded = await loadDeployableConfig(parsed.file, parsed.at);
    io.stdout(summarize(parsed.file, loaded, parsed.at));
    if (!shipped) io.stdout(`note: checked ${parsed.file}${other}\n`);
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
