/** The `npm run sandbox` command line, parsed without side effects (cli.ts does the I/O). */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bucketExtras, randomThrottleOf, windowOf } from './cli-throttles.js';
import type { FaultEffect, FaultRule, RandomThrottle, RateLimit, RequestKind, WindowLimit } from './types.js';

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

/** The flags for a bad night: reads that lag, slow starts, starts that fail. */
export interface NightOptions {
  /** --read-lag MS: list and get show the old status this long after an accepted stop or start. */
  readonly readLagMs?: number;
  /** --start-job-ms MS: how long start jobs run (default the fixture's jobDurationMs). */
  readonly startJobDurationMs?: number;
  /** --fail-starts ID[,ID…]: graphs whose start jobs fail (the graph falls back to 900). */
  readonly failStarts: readonly string[];
}

export interface ServeCommand extends NightOptions {
  readonly kind: 'serve';
  readonly fixture: string;
  readonly host: string;
  readonly port: number;
  /** From --rate/--burst/--retry-after; replaces the fixture's own limit. */
  readonly rateLimit?: RateLimit;
  /** From --window and --random-throttle (cli-throttles.ts). */
  readonly windowLimit?: WindowLimit;
  readonly randomThrottle?: RandomThrottle;
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

const KINDS: readonly RequestKind[] = ['list', 'get', 'stop', 'start', 'job', 'jobs'];
const EFFECTS = ['reset', 'hang', 'lose-answer', 'malformed'] as const;
const FAULT_FORM = 'KINDS[/GRAPHS]:[acted:]EFFECT[:GESCODE][@RATE]';

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
  const rateLimit = bucketExtras(
    values,
    values.rate === undefined ? undefined : rateLimitOf(values.rate, values.burst, values['retry-after']),
  );
  const windowLimit = windowOf(values);
  const randomThrottle = randomThrottleOf(values);
  return {
    kind: 'serve',
    fixture,
    host: values.host ?? DEFAULT_HOST,
    port,
    ...(rateLimit ? { rateLimit } : {}),
    ...(windowLimit ? { windowLimit } : {}),
    ...(randomThrottle ? { randomThrottle } : {}),
    faults: (values.fault ?? []).map(parseFaultFlag),
    ...(latency === undefined ? {} : { latencyMs: wholeNumber('--latency', latency, 0, 600_000) }),
    ...nightOptions(values),
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
  policy: { type: 'string' },
  'other-client': { type: 'string' },
  window: { type: 'string' },
  'random-throttle': { type: 'string' },
  'throttle-message': { type: 'string' },
  fault: { type: 'string', multiple: true },
  latency: { type: 'string' },
  'read-lag': { type: 'string' },
  'start-job-ms': { type: 'string' },
  'fail-starts': { type: 'string', multiple: true },
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
 * `KINDS[/GRAPHS]:[acted:]EFFECT[:GESCODE][@RATE]`: `stop:503`, `list,get:reset@0.3`,
 * `stop:400:GES.7003`, `any:hang`, `stop:acted:503`, `get/g1,g2:500`. KINDS are request kinds or
 * `any`; GRAPHS graph ids the rule is limited to; EFFECT an HTTP status or reset, hang,
 * lose-answer, malformed; `acted:` before a status carries the request out first (acted-status);
 * GESCODE only after a status; RATE the share of matching requests hit (default 1).
 */
export function parseFaultFlag(text: string): FaultRule {
  const bad = (problem: string) =>
    new UsageError(
      `--fault '${text}': ${problem} (expected ${FAULT_FORM}, e.g. stop:503, list,get:reset@0.3 or stop/GRAPH_ID:acted:503)`,
    );
  const [spec = '', rateText, ...extra] = text.split('@');
  if (extra.length > 0) throw bad('more than one @');
  const [target = '', ...parts] = spec.split(':');
  const acted = parts[0] === 'acted';
  if (acted) parts.shift();
  const [effectText = '', gesCode, ...more] = parts;
  if (more.length > 0) throw bad('too many parts');
  const [kindsText = '', graphsText, ...slashes] = target.split('/');
  if (slashes.length > 0) throw bad('more than one /');
  const kinds = kindsText.split(',').map((k) => k.trim());
  if (kinds.some((k) => k !== 'any' && !KINDS.includes(k as RequestKind)))
    throw bad(`kinds are ${[...KINDS, 'any'].join(', ')}`);
  const graphIds = graphsText?.split(',').map((g) => g.trim());
  if (graphIds?.some((g) => g === '')) throw bad('graph ids after / are separated by commas, none empty');
  let effect: FaultEffect;
  if (/^\d{3}$/.test(effectText) && Number(effectText) >= 400 && Number(effectText) <= 599) {
    const type = acted ? 'acted-status' : 'status';
    effect = { type, status: Number(effectText), ...(gesCode ? { gesCode } : {}) };
  } else if (acted) {
    throw bad('acted takes an HTTP status 400..599');
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
    ...(graphIds === undefined ? {} : { graphIds }),
    ...(rate === undefined ? {} : { rate }),
    effect,
  };
}

const DAY_MS = 86_400_000;

function nightOptions(values: ReturnType<typeof parseOptions>['values']): NightOptions {
  const lag = values['read-lag'];
  const start = values['start-job-ms'];
  const failStarts = (values['fail-starts'] ?? []).flatMap((list) => list.split(',').map((id) => id.trim()));
  if (failStarts.some((id) => id === ''))
    throw new UsageError('--fail-starts takes graph ids separated by commas, none empty');
  return {
    ...(lag === undefined ? {} : { readLagMs: wholeNumber('--read-lag', lag, 0, DAY_MS) }),
    ...(start === undefined ? {} : { startJobDurationMs: wholeNumber('--start-job-ms', start, 0, DAY_MS) }),
    failStarts,
  };
}

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max)
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got '${text}'`);
  return n;
}
