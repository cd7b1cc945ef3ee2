/** Configs and ledger windows for the report's tests, written out by hand. */
import type { LedgerWindow } from '../../lib/ledger/types.js';
import { parseConfig } from '../../lib/schedule/config.js';
import type { Config } from '../../lib/schedule/types.js';

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
    endedBy: spec.endedAt === undefined ? undefined : 'start',
  };
}
