/**
 * The end-to-end world: two projects (one API v1.0, one v2), 15 graphs each, served 10 to a page so
 * listing must paginate, configured by id and by name, at an instant when `nights` is in off-hours
 * and `days` is not.
 */
import { makeUuid, type SandboxGraph } from '../../sandbox/server.js';
import type { ConfigProject, WorldOptions } from '../../sandbox/world.js';

export const PROJECT_V1 = '0123456789abcdef0123456789abcdef';
export const PROJECT_V2 = 'fedcba9876543210fedcba9876543210';
/** Monday 2026-03-02 22:00 in Berlin: `nights` is off-hours, `days` is on-hours. */
export const MONDAY_NIGHT = new Date('2026-03-02T21:00:00Z');
export const FUTURE = '2026-04-01T00:00:00Z';

export const SCHEDULES = {
  nights: { timezone: 'Europe/Berlin', stop: '0 20 * * *', start: '0 7 * * *' },
  days: { timezone: 'Europe/Berlin', stop: '0 7 * * *', start: '0 20 * * *' },
};

interface Row {
  status: string;
  schedule?: 'nights' | 'days';
  by: 'id' | 'name' | 'none';
  skipUntil?: string;
  name?: string;
}

/** Index i of each project; the expectations below are written out by hand from this table. */
const ROWS: Row[] = [
  { status: '200', schedule: 'nights', by: 'id' }, // 0 stop
  { status: '200', schedule: 'nights', by: 'name' }, // 1 stop
  { status: '200', schedule: 'nights', by: 'id' }, // 2 stop
  { status: '202', schedule: 'nights', by: 'name' }, // 3 busy (importing)
  { status: '900', schedule: 'nights', by: 'id' }, // 4 already stopped
  { status: '901', schedule: 'nights', by: 'name' }, // 5 already stopping
  { status: '300', schedule: 'nights', by: 'id' }, // 6 faulty: not stoppable
  { status: '200', schedule: 'nights', by: 'name' }, // 7 stop
  { status: '920', schedule: 'nights', by: 'id' }, // 8 starting: busy
  { status: '200', schedule: 'nights', by: 'id', skipUntil: FUTURE }, // 9 skip-until
  { status: '200', schedule: 'days', by: 'id' }, // 10 on-hours
  { status: '200', schedule: 'days', by: 'name', name: 'shared-name' }, // 11 on-hours, same name in both projects
  { status: '200', by: 'none' }, // 12 not configured: never touched
  { status: '200', by: 'none' }, // 13 not configured
  { status: '200', schedule: 'nights', by: 'name' }, // 14 stop
];

export const STOPPED_ROWS = [0, 1, 2, 7, 14];

export function graphName(projectId: string, i: number): string {
  return ROWS[i]!.name ?? `${projectId === PROJECT_V1 ? 'alpha' : 'beta'}-${String(i).padStart(2, '0')}`;
}

export function graphId(projectId: string, i: number): string {
  return makeUuid(projectId, i);
}

export function twoProjectGraphs(): SandboxGraph[] {
  return [PROJECT_V1, PROJECT_V2].flatMap((projectId) =>
    ROWS.map((row, i) => ({
      projectId,
      id: graphId(projectId, i),
      name: graphName(projectId, i),
      status: row.status,
    })),
  );
}

function projectConfig(projectId: string, apiVersion: 'v1' | 'v2'): ConfigProject {
  return {
    projectId,
    apiVersion,
    graphs: ROWS.flatMap((row, i) => {
      if (row.by === 'none') return [];
      const ref = row.by === 'id' ? { id: graphId(projectId, i) } : { name: graphName(projectId, i) };
      return [{ ...ref, schedule: row.schedule!, ...(row.skipUntil ? { skipUntil: row.skipUntil } : {}) }];
    }),
  };
}

export function twoProjectWorld(overrides: Partial<WorldOptions> = {}): WorldOptions {
  return {
    graphs: twoProjectGraphs(),
    schedules: SCHEDULES,
    projects: [projectConfig(PROJECT_V1, 'v1'), projectConfig(PROJECT_V2, 'v2')],
    sandbox: { maxPageSize: 10 },
    ...overrides,
  };
}

export const CONFIGURED_PER_PROJECT = ROWS.filter((r) => r.by !== 'none').length;
