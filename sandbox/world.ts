/**
 * A GES sandbox, a config file pointing at it, and `invoke` wired to both: the whole function on
 * loopback, for the end-to-end suites, the fault matrix and the benchmark.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../lib/clock.js';
import type { SecretSource } from '../lib/credentials.js';
import { CredentialsError } from '../lib/errors.js';
import type { TransportOptions } from '../lib/http/transport.js';
import { failureOf, invoke } from '../lib/invoke.js';
import { type DynamoLedger, dynamoLedger } from '../lib/ledger/dynamo.js';
import type { Ledger } from '../lib/ledger/types.js';
import { type LogEntry, memoryLog } from '../lib/log.js';
import { isPauseOutput, type PauseOutput } from '../lib/pause/action.js';
import { type DynamoPauseStore, dynamoPauseStore, type PauseStore } from '../lib/pause/store.js';
import {
  type HistoryReport,
  isHistoryReport,
  isSavingsReport,
  type SavingsReport,
} from '../lib/report/types.js';
import type { Summary } from '../lib/run/types.js';
import type { PollSettings } from '../lib/run/verify.js';
import { createLedgerTable, EMULATOR_CLIENT, startDynamo } from './dynamo.js';
import { GesSandbox, type SandboxAccount, type SandboxGraph, type SandboxOptions } from './server.js';

export const LEDGER_TABLE = 'ges-offhours-test-ledger';

export const TEST_AK = 'TESTAKEXAMPLE0000001';
export const TEST_SK = 'test-sk-must-never-be-logged';

/** Fast polling and retries: the sandbox answers in milliseconds. */
export const FAST_POLL: PollSettings = { initialDelayMs: 20, maxDelayMs: 60, lookMs: [0, 20, 40, 80] };
export const FAST_RETRY: Partial<TransportOptions> = { retry: { baseDelayMs: 5, maxDelayMs: 40 } };

export interface ConfigProject {
  projectId: string;
  region?: string;
  apiVersion?: 'v1' | 'v2';
  credentialsSecret?: string;
  scheduleTag?: string;
  graphs: { id?: string; name?: string; schedule: string; skipUntil?: string }[];
}

export interface WorldOptions {
  graphs: SandboxGraph[];
  schedules: Record<string, unknown>;
  projects: ConfigProject[];
  settings?: Record<string, unknown>;
  /** Defaults to one account, TEST_AK/TEST_SK, allowed everywhere. */
  accounts?: SandboxAccount[];
  /** Secret name → SecretString, served by an in-memory source. */
  secrets?: Record<string, string>;
  sandbox?: Partial<Omit<SandboxOptions, 'graphs' | 'accounts'>>;
  /** Start a DynamoDB emulator with the ledger table, and give every run the ledger. */
  ledger?: boolean;
}

export interface InvokeResult {
  readonly summary: Summary | undefined;
  /** What a `report` event returns instead of a summary. */
  readonly report?: SavingsReport | undefined;
  /** What a `pause` or `resume` event returns. */
  readonly pause?: PauseOutput | undefined;
  /** What a `history` event returns. */
  readonly history?: HistoryReport | undefined;
  /** What the handler would throw: the refusal, or GraphsFailedError after a summary. */
  readonly error: unknown;
  readonly entries: readonly LogEntry[];
  readonly elapsedMs: number;
}

export interface InvokeOverrides {
  now?: Date;
  remainingMs?: number;
  clock?: Clock;
  poll?: PollSettings;
  transportOptions?: Partial<TransportOptions>;
  envCredentials?: { ak: string; sk: string } | undefined;
  defaultSecret?: string;
  /** Another ledger for this run (a broken one), or undefined for none. */
  ledger?: Ledger | undefined;
  /** Another store of the pause for this run (a broken one), or undefined for none. */
  pauses?: PauseStore | undefined;
}

export interface World {
  readonly sandbox: GesSandbox;
  /** The ledger every run gets, when the world was started with `ledger: true`. */
  readonly ledger: DynamoLedger | undefined;
  /** Where the pause is kept (the same table), with `ledger: true`. */
  readonly pauses: DynamoPauseStore | undefined;
  /** The emulator's endpoint, to point other clients (or a broken one) at. */
  readonly dynamoEndpoint: string | undefined;
  readonly configPath: string;
  readonly secretReads: string[];
  invoke(event: unknown, overrides?: InvokeOverrides): Promise<InvokeResult>;
  close(): Promise<void>;
}

export async function startWorld(options: WorldOptions): Promise<World> {
  const sandbox = await GesSandbox.start({
    jobDurationMs: 30,
    ...options.sandbox,
    graphs: options.graphs,
    accounts: options.accounts ?? [{ ak: TEST_AK, sk: TEST_SK }],
  });
  const dynamo = options.ledger ? await startDynamo() : undefined;
  let ledger: DynamoLedger | undefined;
  let pauses: DynamoPauseStore | undefined;
  if (dynamo) {
    await createLedgerTable(dynamo.endpoint, LEDGER_TABLE);
    const client = { ...EMULATOR_CLIENT, endpoint: dynamo.endpoint };
    ledger = dynamoLedger({ table: LEDGER_TABLE, client });
    pauses = dynamoPauseStore({ table: LEDGER_TABLE, client });
  }
  const dir = mkdtempSync(join(tmpdir(), 'ges-offhours-test-'));
  const configPath = join(dir, 'schedule.json');
  const config = {
    schedules: options.schedules,
    projects: options.projects.map((p) => ({ region: 'cn-north-4', ...p, endpoint: sandbox.url })),
    ...(options.settings ? { settings: options.settings } : {}),
  };
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const secretReads: string[] = [];
  const secrets: SecretSource = {
    async getSecretString(id) {
      secretReads.push(id);
      const value = options.secrets?.[id];
      if (value === undefined) throw new CredentialsError(`secret ${id}`, 'secret not found');
      return value;
    },
  };

  return {
    sandbox,
    ledger,
    pauses,
    dynamoEndpoint: dynamo?.endpoint,
    configPath,
    secretReads,
    async invoke(event, overrides = {}) {
      const log = memoryLog();
      const started = Date.now();
      let summary: Summary | undefined;
      let report: SavingsReport | undefined;
      let pause: PauseOutput | undefined;
      let history: HistoryReport | undefined;
      let error: unknown;
      try {
        const output = await invoke(event, {
          env: {
            configPath,
            credentialsSecret: overrides.defaultSecret,
            envCredentials:
              'envCredentials' in overrides ? overrides.envCredentials : { ak: TEST_AK, sk: TEST_SK },
            logLevel: 'DEBUG',
          },
          secrets,
          log,
          remainingMs: overrides.remainingMs ?? 60_000,
          now: overrides.now,
          clock: overrides.clock,
          poll: overrides.poll ?? FAST_POLL,
          transportOptions: { ...FAST_RETRY, ...overrides.transportOptions },
          ledger: 'ledger' in overrides ? overrides.ledger : ledger,
          pauses: 'pauses' in overrides ? overrides.pauses : pauses,
        });
        if (isSavingsReport(output)) report = output;
        else if (isPauseOutput(output)) pause = output;
        else if (isHistoryReport(output)) history = output;
        else {
          summary = output;
          error = failureOf(output);
        }
      } catch (e) {
        error = e;
      }
      return {
        summary,
        report,
        pause,
        history,
        error,
        entries: log.entries,
        elapsedMs: Date.now() - started,
      };
    },
    async close() {
      ledger?.destroy();
      pauses?.destroy();
      await dynamo?.close();
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
