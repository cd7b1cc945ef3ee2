/** The `npm run sandbox` command line, parsed without side effects (cli.ts does the I/O). */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { FaultEffect, FaultRule, RateLimit, RequestKind } from './types.js';

/** The port config/schedule.sandbox.yaml points at. */
export const DEFAULT_PORT = 8731;
/** Where the DynamoDB emulator for the ledger of stop windows listens, beside the sandbox. */
export const DEFAULT_LEDGER_PORT = 8732;
export const LEDGER_TABLE = 'ges-offhours-local-ledger';
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_FIXTURE = fileURLToPath(new URL('./fixtures/demo.yaml', import.meta.url));

/** A command line that cannot be run; the CLI prints it with a pointer to --help and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = 2;
}

export interface ServeCommand {
  readonly kind: 'serve';
  readonly fixture: string;
  readonly host: string;
  readonly port: number;
  /** From --rate/--burst/--retry-after; replaces the fixture's own limit. */
  readonly rateLimit?: RateLimit;
  /** From --fault, in order; tried before the fixture's own rules. */
  readonly faults: readonly FaultRule[];
  readonly latencyMs?: number;
  /** --quiet: no line per request. */
  readonly quiet: boolean;
  /** The DynamoDB emulator's port for the ledger (--ledger-port), or undefined with --no-ledger. */
  readonly ledgerPort: number | undefined;
  /** --week: a simulated week of scheduled runs before serving (sandbox/week.ts). */
  readonly week: boolean;
}

export type CliCommand = { readonly kind: 'help'; readonly fixture: string } | ServeCommand;

const KINDS: readonly RequestKind[] = ['list', 'get', 'stop', 'start', 'job'];
const EFFECTS = ['reset', 'hang', 'lose-answer', 'malformed'] as const;

export function parseCliArgs(argv: readonly string[]): CliCommand {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    // node's messages ("Unknown option '--prot'") are clear; drop its hint about '--' separators.
    throw new UsageError((error as Error).message.split('. To specify')[0] ?? String(error));
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1)
    throw new UsageError(`expected at most one fixture path, got ${positionals.join(', ')}`);
  const fixture = positionals[0] ?? DEFAULT_FIXTURE;
  if (values.help) return { kind: 'help', fixture };

  const port = values.port === undefined ? DEFAULT_PORT : wholeNumber('--port', values.port, 0, 65_535);
  if (values.rate === undefined && (values.burst !== undefined || values['retry-after'] !== undefined))
    throw new UsageError('--burst and --retry-after need --rate');
  const latency = values.latency;
  if (values.week && values['no-ledger'])
    throw new UsageError('--week records its runs in the ledger: it cannot go with --no-ledger');
  if (values.week && fixture !== DEFAULT_FIXTURE)
    throw new UsageError(
      "--week runs config/schedule.sandbox.yaml, which names the default fixture's graphs: drop the fixture path",
    );
  return {
    kind: 'serve',
    fixture,
    host: values.host ?? DEFAULT_HOST,
    port,
    ...(values.rate === undefined
      ? {}
      : { rateLimit: rateLimitOf(values.rate, values.burst, values['retry-after']) }),
    faults: (values.fault ?? []).map(parseFaultFlag),
    ...(latency === undefined ? {} : { latencyMs: wholeNumber('--latency', latency, 0, 600_000) }),
    quiet: values.quiet ?? false,
    ledgerPort: values['no-ledger']
      ? undefined
      : values['ledger-port'] === undefined
        ? DEFAULT_LEDGER_PORT
        : wholeNumber('--ledger-port', values['ledger-port'], 0, 65_535),
    week: values.week ?? false,
  };
}

/** Every option the CLI takes; the help must mention each one. */
export const CLI_OPTIONS = {
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  rate: { type: 'string' },
  burst: { type: 'string' },
  'retry-after': { type: 'string' },
  fault: { type: 'string', multiple: true },
  latency: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  'ledger-port': { type: 'string' },
  'no-ledger': { type: 'boolean' },
  week: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseOptions(argv: readonly string[]) {
  return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: CLI_OPTIONS });
}

function rateLimitOf(rate: string, burst: string | undefined, retryAfter: string | undefined): RateLimit {
  const requestsPerSecond = Number(rate);
  if (!(rate.trim() !== '' && Number.isFinite(requestsPerSecond) && requestsPerSecond > 0))
    throw new UsageError(`--rate must be a number of requests a second > 0, got '${rate}'`);
  let after: RateLimit['retryAfter'];
  if (retryAfter === 'none' || retryAfter === 'seconds') after = retryAfter;
  else if (retryAfter !== undefined) {
    if (!/^\d{1,5}$/.test(retryAfter))
      throw new UsageError(`--retry-after must be none, seconds or whole seconds, got '${retryAfter}'`);
    after = Number(retryAfter);
  }
  return {
    requestsPerSecond,
    ...(burst === undefined ? {} : { burst: wholeNumber('--burst', burst, 1, 1_000_000) }),
    ...(after === undefined ? {} : { retryAfter: after }),
  };
}

/**
 * `KINDS:EFFECT[:GESCODE][@RATE]`: `stop:503`, `list,get:reset@0.3`, `stop:400:GES.7003`,
 * `any:hang`. KINDS are request kinds or `any`; EFFECT an HTTP status or reset, hang, lose-answer,
 * malformed; GESCODE only after a status; RATE the share of matching requests hit (default 1).
 */
export function parseFaultFlag(text: string): FaultRule {
  const bad = (problem: string) =>
    new UsageError(
      `--fault '${text}': ${problem} (expected KINDS:EFFECT[:GESCODE][@RATE], e.g. stop:503 or list,get:reset@0.3)`,
    );
  const [spec = '', rateText, ...extra] = text.split('@');
  if (extra.length > 0) throw bad('more than one @');
  const [kindsText = '', effectText = '', gesCode, ...more] = spec.split(':');
  if (more.length > 0) throw bad('too many parts');
  const kinds = kindsText.split(',').map((k) => k.trim());
  if (kinds.some((k) => k !== 'any' && !KINDS.includes(k as RequestKind)))
    throw bad(`kinds are ${[...KINDS, 'any'].join(', ')}`);
  let effect: FaultEffect;
  if (/^\d{3}$/.test(effectText) && Number(effectText) >= 400 && Number(effectText) <= 599) {
    effect = { type: 'status', status: Number(effectText), ...(gesCode ? { gesCode } : {}) };
  } else if ((EFFECTS as readonly string[]).includes(effectText)) {
    if (gesCode !== undefined) throw bad('a GES code goes only with an HTTP status');
    effect = { type: effectText as (typeof EFFECTS)[number] };
  } else {
    throw bad(`the effect is an HTTP status 400..599 or one of ${EFFECTS.join(', ')}`);
  }
  const rate = rateText === undefined ? undefined : Number(rateText);
  if (rate !== undefined && !(rateText?.trim() !== '' && rate >= 0 && rate <= 1))
    throw bad('the rate is a number from 0 to 1');
  return {
    ...(kinds.includes('any') ? {} : { kinds: kinds as RequestKind[] }),
    ...(rate === undefined ? {} : { rate }),
    effect,
  };
}

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max)
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got '${text}'`);
  return n;
}
