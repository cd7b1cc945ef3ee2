/**
 * A simulated week of scheduled runs against the sandbox and a ledger, so that a local report has
 * hours and money to show. The function itself runs (lib/invoke.ts, as EventBridge would call it),
 * at simulated instants: the first quarter-hour tick at or after each stop and start of every
 * schedule over the week (what `rate(15 minutes)` would catch first), plus one at the week's start.
 * Whatever the runs write to the ledger is what the report then counts; nothing is written by hand.
 *
 * The sandbox's jobs follow the simulated time (its `clock`), running `speed` times faster, so
 * a job a run started at 19:00 has ended by the next run, and its times match the run's instants.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { readEnvironment } from '../lib/env.js';
import { failureOf, invoke, isSummary } from '../lib/invoke.js';
import type { Ledger } from '../lib/ledger/types.js';
import { silentLog } from '../lib/log.js';
import { DAY_MS, MINUTE_MS } from '../lib/schedule/calendar.js';
import { loadConfig } from '../lib/schedule/config.js';
import { evaluateSchedule } from '../lib/schedule/offhours.js';
import type { Config } from '../lib/schedule/types.js';
import type { GesSandbox } from './server.js';

/** How often EventBridge invokes the function (the deployed `rate(15 minutes)`). */
export const TICK_MS = 15 * MINUTE_MS;

/** Simulated time for the sandbox's jobs: real time until `follow`, then the simulated instant on. */
export class SimulatedClock {
  #at: { simulated: number; real: number } | undefined;
  constructor(readonly speed = 100) {}
  /** The sandbox's `clock`. */
  readonly now = (): number => {
    const at = this.#at;
    return at === undefined ? Date.now() : at.simulated + (Date.now() - at.real) * this.speed;
  };
  follow(instant: Date): void {
    this.#at = { simulated: instant.getTime(), real: Date.now() };
  }
  /** Back to real time (the simulated week ends at or before now, so time only moves on). */
  release(): void {
    this.#at = undefined;
  }
}

/** The instants a week of runs happens at: each stop and start caught by the next tick, ascending. */
export function runInstants(config: Config, from: Date, to: Date): Date[] {
  const tick = (t: number) => Math.ceil(t / TICK_MS) * TICK_MS;
  const instants = new Set([tick(from.getTime())]);
  for (const schedule of Object.values(config.schedules)) {
    let t = from.getTime();
    while (t < to.getTime()) {
      const w = evaluateSchedule(schedule, new Date(t));
      const next = Math.min(w.nextStop?.getTime() ?? Infinity, w.nextStart?.getTime() ?? Infinity);
      if (!(next < to.getTime())) break;
      if (tick(next) < to.getTime()) instants.add(tick(next));
      t = next + 1;
    }
  }
  return [...instants].sort((a, b) => a - b).map((t) => new Date(t));
}

export interface WeekOptions {
  /** A config naming the sandbox's graphs; its endpoints are pointed at `sandbox.url`. */
  readonly configPath: string;
  readonly sandbox: GesSandbox;
  /** The clock the sandbox was started with as its `clock`. */
  readonly clock: SimulatedClock;
  readonly ledger: Ledger;
  readonly credentials: { readonly ak: string; readonly sk: string };
  /** The week ends here (default now). */
  readonly end?: Date | undefined;
  readonly days?: number | undefined;
  /** Called after each run: a progress line. */
  readonly onRun?: ((at: Date, line: string) => void) | undefined;
}

export interface WeekResult {
  readonly from: Date;
  readonly to: Date;
  readonly runs: number;
  readonly stopped: number;
  readonly started: number;
  /** Runs that ended with a failed graph (the sandbox has a graph whose stop job fails). */
  readonly failedRuns: number;
  readonly elapsedMs: number;
}

export async function simulateWeek(options: WeekOptions): Promise<WeekResult> {
  const began = Date.now();
  const to = options.end ?? new Date();
  const from = new Date(to.getTime() - (options.days ?? 7) * DAY_MS);
  const dir = mkdtempSync(join(tmpdir(), 'ges-offhours-week-'));
  const configPath = join(dir, 'schedule.yaml');
  const doc = parseDocument(readFileSync(options.configPath, 'utf8'));
  const projects = doc.getIn(['projects']) as { items: unknown[] } | undefined;
  projects?.items.forEach((_, i) => {
    doc.setIn(['projects', i, 'endpoint'], options.sandbox.url);
  });
  writeFileSync(configPath, doc.toString());
  const env = {
    ...readEnvironment({ SCHEDULE_CONFIG: configPath, LOG_LEVEL: 'ERROR' }),
    envCredentials: { ak: options.credentials.ak, sk: options.credentials.sk, securityToken: undefined },
  };
  let runs = 0;
  let stopped = 0;
  let started = 0;
  let failedRuns = 0;
  try {
    const { config } = await loadConfig(configPath, to);
    for (const at of runInstants(config, from, to)) {
      options.clock.follow(at);
      const output = await invoke(
        { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} },
        {
          env,
          secrets: { getSecretString: () => Promise.reject(new Error('the week uses access keys')) },
          log: silentLog,
          remainingMs: 60_000,
          now: at,
          poll: { initialDelayMs: 10, maxDelayMs: 50 },
          ledger: options.ledger,
        },
      );
      if (!isSummary(output)) throw new Error(`a scheduled run returned a ${output.action}`);
      runs++;
      stopped += output.counts.stopped;
      started += output.counts.started;
      if (failureOf(output)) failedRuns++;
      options.onRun?.(
        at,
        `${at.toISOString()}: ${output.counts.stopped} stopped, ${output.counts.started} started, ` +
          `${output.counts.failed} failed`,
      );
    }
  } finally {
    options.clock.release();
    rmSync(dir, { recursive: true, force: true });
  }
  return { from, to, runs, stopped, started, failedRuns, elapsedMs: Date.now() - began };
}
