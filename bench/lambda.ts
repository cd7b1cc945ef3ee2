/**
 * One scheduled run as Lambda runs it: the shipped bundle in a Node process of its own, invoked
 * once with a scheduled event, credentials from a (loopback) Secrets Manager, the config written as
 * block YAML. Shared by the full run and the throttled run.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startFakeSecretsManager } from '../sandbox/secrets-manager.js';
import { TEST_AK, TEST_SK } from '../sandbox/world.js';

const SECRET = 'ges/bench';
const CHILD = join(import.meta.dirname, 'child', 'run-handler.mjs');

/**
 * The heap limits the Lambda Node.js runtime gives a 128 MB function (its bootstrap script: new
 * space = memory / 10, semi-space = half of that, old space = the rest). NODE_OPTIONS is set as
 * serverless.yml sets it.
 */
export const LAMBDA_128_MB = ['--max-semi-space-size=6', '--max-old-space-size=116'];

/** serverless.yml's function timeout. */
export const FUNCTION_TIMEOUT_MS = 300_000;

export interface Memory {
  readonly maxRssBytes: number;
  readonly rssAfterLoadBytes: number;
  readonly heapUsedBytes: number;
}

/** The parts of the logged summary the benchmark reads (results may be trimmed in the log). */
export interface LoggedSummary {
  readonly counts: Record<string, number>;
  readonly requests?: { readonly sent: number; readonly retries: number; readonly throttled: number };
  readonly results: readonly { readonly outcome?: string; readonly errorCode?: string }[];
}

export interface HandlerRun {
  readonly runMs: number;
  /** From the `run summary` log line: a run with failed graphs throws after logging it. */
  readonly summary: LoggedSummary | undefined;
  /** What the handler threw, if it threw. */
  readonly error: string | undefined;
  readonly memory: Memory;
  /** The handler's JSON log lines. */
  readonly log: readonly Record<string, unknown>[];
}

export interface HandlerRunOptions {
  readonly bundle: string;
  /** The config file's content (endpoints included). */
  readonly config: unknown;
  /** Node's flags (default: Lambda's heap limits for 128 MB). */
  readonly nodeArgs?: readonly string[];
  /** Added to the child's environment (e.g. `NODE_OPTIONS: ''` to run without source maps). */
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

export async function runHandler(options: HandlerRunOptions): Promise<HandlerRun> {
  const { nodeArgs = LAMBDA_128_MB, timeoutMs = FUNCTION_TIMEOUT_MS } = options;
  const secrets = await startFakeSecretsManager({ [SECRET]: JSON.stringify({ ak: TEST_AK, sk: TEST_SK }) });
  const dir = mkdtempSync(join(tmpdir(), 'ges-offhours-bench-'));
  try {
    const configPath = join(dir, 'schedule.yaml');
    // Block-style YAML, as people write it (yaml's flow/JSON parsing takes ~8 MB more at this size).
    writeFileSync(configPath, stringify(options.config));
    const out = join(dir, 'result.json');
    const output = await runChild([...nodeArgs, CHILD, options.bundle, out, String(timeoutMs)], {
      SCHEDULE_CONFIG: configPath,
      GES_CREDENTIALS_SECRET: SECRET,
      LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
      AWS_REGION: 'eu-central-1',
      AWS_ACCESS_KEY_ID: 'AKIDBENCH',
      AWS_SECRET_ACCESS_KEY: 'bench-secret',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      ...options.env,
    });
    const child = JSON.parse(readFileSync(out, 'utf8')) as { runMs: number; error?: string } & Memory;
    const log = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const logged = log.find((entry) => entry.message === 'run summary')?.summary as LoggedSummary | undefined;
    return {
      runMs: child.runMs,
      summary: logged,
      error: child.error,
      memory: {
        maxRssBytes: child.maxRssBytes,
        rssAfterLoadBytes: child.rssAfterLoadBytes,
        heapUsedBytes: child.heapUsedBytes,
      },
      log,
    };
  } finally {
    await secrets.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs Node with `args`; resolves with stdout + stderr when it exits with 0. */
function runChild(args: readonly string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH ?? '', TZ: 'UTC', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    const errors: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => errors.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const stderr = Buffer.concat(errors).toString('utf8');
      if (code === 0) resolve(Buffer.concat(chunks).toString('utf8') + stderr);
      else reject(new Error(`the handler run exited with ${code}: ${stderr.slice(0, 2000)}`));
    });
  });
}
