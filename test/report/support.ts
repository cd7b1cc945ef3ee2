/** Configs and ledger windows for the report's tests, written out by hand. */
import { readFileSync, writeFileSync } from 'node:fs';
import type { EndedBy, Ledger, LedgerWindow, OpenWindowInput } from '../../lib/ledger/types.js';
import { parseConfig } from '../../lib/schedule/config.js';
import type { Config } from '../../lib/schedule/types.js';
import { startWorld, type World } from '../../sandbox/world.js';
import { main, type ReportIo } from '../../scripts/report/main.js';

export const P1 = '0123456789abcdef0123456789abcdef';
export const P2 = 'fedcba9876543210fedcba9876543210';
export const gid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Mon-Fri 07:00-20:00 in Berlin on-hours; every other hour off. */
export const OFFICE = { timezone: 'Europe/Berlin', stop: '0 20 * * 1-5', start: '0 7 * * 1-5' };

export function configOf(body: Record<string, unknown>, now = new Date('2026-11-01T00:00:00Z')): Config {
  return parseConfig(JSON.stringify(body), 'test.json', now).config;
}

export interface WindowSpec {
  projectId?: string;
  graph: number;
  stoppedAt: string;
  endedAt?: string;
  sizeIndex?: string;
  replication?: number;
  /** What write-ahead stops add; absent in older windows. */
  confirmedAt?: string;
  pending?: true;
  endedBy?: string;
  graphName?: string;
  jobId?: string;
  startJobId?: string;
  startedAt?: string;
  startAttempts?: number;
}

export function windowOf(spec: WindowSpec): LedgerWindow {
  const projectId = spec.projectId ?? P1;
  const graphId = gid(spec.graph);
  return {
    projectId,
    graphId,
    key: { graph: `${projectId}/${graphId}`, stoppedAt: spec.stoppedAt },
    stoppedAt: new Date(spec.stoppedAt),
    runId: `run-${spec.stoppedAt}`,
    schedule: 'office',
    sizeIndex: spec.sizeIndex,
    replication: spec.replication,
    endedAt: spec.endedAt === undefined ? undefined : new Date(spec.endedAt),
    endedBy: (spec.endedBy ?? (spec.endedAt === undefined ? undefined : 'start')) as EndedBy | undefined,
    ...(spec.graphName === undefined ? {} : { graphName: spec.graphName }),
    ...(spec.jobId === undefined ? {} : { jobId: spec.jobId }),
    ...(spec.confirmedAt === undefined ? {} : { confirmedAt: new Date(spec.confirmedAt) }),
    ...(spec.pending === undefined ? {} : { pending: spec.pending }),
    ...(spec.startJobId === undefined ? {} : { startJobId: spec.startJobId }),
    ...(spec.startedAt === undefined ? {} : { startedAt: new Date(spec.startedAt) }),
    ...(spec.startAttempts === undefined ? {} : { startAttempts: spec.startAttempts }),
  };
}

export const GRAPH_NAMES = ['fraud-detection', 'recommendations', 'search', 'archive'];

/**
 * Four running graphs of size index 4 under `office` (API v2), the first priced by its entry at
 * 2/h, the rest by `pricing` (EUR; size 1: 1.25/h, size 4: 12/h per replica); a ledger emulator.
 */
export async function startReportWorld(): Promise<World> {
  const world = await startWorld({
    graphs: GRAPH_NAMES.map((name, i) => ({
      projectId: P1,
      id: gid(i + 1),
      name,
      status: '200',
      sizeIndex: '4',
    })),
    schedules: { office: OFFICE },
    projects: [
      {
        projectId: P1,
        apiVersion: 'v2',
        graphs: GRAPH_NAMES.map((name, i) => ({ id: gid(i + 1), name, schedule: 'office' })),
      },
    ],
    ledger: true,
  });
  // What the world's own config cannot say: prices.
  const config = JSON.parse(readFileSync(world.configPath, 'utf8'));
  config.pricing = { currency: 'EUR', hourly: { '1': 1.25, '4': 12 } };
  config.projects[0].graphs[0].hourlyPrice = 2;
  writeFileSync(world.configPath, JSON.stringify(config));
  return world;
}

/** Writes one window of graph `gid(graph)` to the world's ledger, closed when `endedAt` is given. */
export async function recordWindow(
  ledger: Ledger,
  graph: number,
  stoppedAt: string,
  endedAt?: string,
  more: Partial<OpenWindowInput> = {},
): Promise<void> {
  const opened = await ledger.openWindow({
    projectId: P1,
    graphId: gid(graph),
    stoppedAt: new Date(stoppedAt),
    runId: `test-${graph}-${stoppedAt}`,
    schedule: 'office',
    ...more,
  });
  if (endedAt) await ledger.closeWindow(opened.window, { endedAt: new Date(endedAt), endedBy: 'start' });
}

/** `npm run report` with `argv`, against a report world, at `now`; without its ledger if asked. */
export async function runReportCli(
  world: World,
  argv: string[],
  now: Date,
  options: { ledger?: boolean } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: ReportIo = {
    env: { SCHEDULE_CONFIG: world.configPath },
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    now: () => now,
    ledger: options.ledger === false ? undefined : world.ledger,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
