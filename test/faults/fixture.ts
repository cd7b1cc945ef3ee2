/**
 * The fault matrix's world: three projects (API v1.0, v2, v1.0), thirteen graphs each served five
 * to a page, twelve of them configured, at an instant (MONDAY_NIGHT) when `nights` is in off-hours
 * and `days` is not. Each project's graph i has the same role; `ROLES` says what a run without
 * faults does to it.
 */
import type { GraphResult } from '../../lib/run/types.js';
import { makeUuid, type SandboxGraph } from '../../sandbox/server.js';
import type { ConfigProject, WorldOptions } from '../../sandbox/world.js';
import { FUTURE, MONDAY_NIGHT, SCHEDULES } from '../support/two-projects.js';

export { MONDAY_NIGHT };

export const PROJECT_A = 'aaaaaaaa000000000000000000000001'; // v1
export const PROJECT_B = 'bbbbbbbb000000000000000000000002'; // v2
export const PROJECT_C = 'cccccccc000000000000000000000003'; // v1
export const PROJECTS = [PROJECT_A, PROJECT_B, PROJECT_C] as const;
const API_VERSION: Readonly<Record<string, 'v1' | 'v2'>> = {
  [PROJECT_A]: 'v1',
  [PROJECT_B]: 'v2',
  [PROJECT_C]: 'v1',
};

type Expected = Pick<GraphResult, 'outcome' | 'reason'>;

interface Role {
  readonly status: string;
  readonly schedule?: 'nights' | 'days';
  /** How the config names the graph; `none`: not configured, never touched. */
  readonly by: 'id' | 'name' | 'none';
  readonly skipUntil?: string;
  /** The outcome of a run without faults. */
  readonly clean?: Expected;
}

const STOP: Expected = { outcome: 'stopped' };
const ROLES: readonly Role[] = [
  { status: '200', schedule: 'nights', by: 'id', clean: STOP }, // 0
  { status: '200', schedule: 'nights', by: 'name', clean: STOP }, // 1
  { status: '200', schedule: 'nights', by: 'id', clean: STOP }, // 2
  { status: '200', schedule: 'nights', by: 'name', clean: STOP }, // 3
  { status: '200', schedule: 'nights', by: 'id', clean: STOP }, // 4
  { status: '200', schedule: 'nights', by: 'id', clean: STOP }, // 5
  { status: '900', schedule: 'nights', by: 'id', clean: { outcome: 'already-stopped' } }, // 6 stopped
  { status: '901', schedule: 'nights', by: 'name', clean: { outcome: 'already-stopped' } }, // 7 stopping
  { status: '202', schedule: 'nights', by: 'id', clean: { outcome: 'skipped', reason: 'busy' } }, // 8 importing
  { status: '300', schedule: 'nights', by: 'name', clean: { outcome: 'skipped', reason: 'not-stoppable' } }, // 9 faulty
  { status: '200', schedule: 'days', by: 'id', clean: { outcome: 'skipped', reason: 'on-hours' } }, // 10
  {
    status: '200',
    schedule: 'nights',
    by: 'id',
    skipUntil: FUTURE,
    clean: { outcome: 'skipped', reason: 'skip-until' },
  }, // 11
  { status: '200', by: 'none' }, // 12 not configured
];

/** The indexes whose graph a run without faults stops. */
export const RUNNING_IN_OFF_HOURS = [0, 1, 2, 3, 4, 5];
export const UNCONFIGURED = 12;
export const CONFIGURED_PER_PROJECT = ROLES.filter((r) => r.by !== 'none').length;
export const CONFIGURED = PROJECTS.length * CONFIGURED_PER_PROJECT;

export function graphId(projectId: string, i: number): string {
  return makeUuid('faults', projectId, i);
}

export function graphName(projectId: string, i: number): string {
  return `${projectId.slice(0, 1)}-graph-${String(i).padStart(2, '0')}`;
}

/** What a run without faults reports for this graph, or undefined when it is not configured. */
export function cleanOutcome(projectId: string, id: string): Expected | undefined {
  const i = ROLES.findIndex((_, index) => graphId(projectId, index) === id);
  return ROLES[i]?.clean;
}

export interface GraphTweak {
  readonly projects?: readonly string[];
  readonly indexes: readonly number[];
  readonly patch: Pick<SandboxGraph, 'stopJob' | 'failReason'>;
}

export function faultGraphs(tweaks: readonly GraphTweak[] = []): SandboxGraph[] {
  return PROJECTS.flatMap((projectId) =>
    ROLES.map((role, i) => {
      const graph: SandboxGraph = {
        projectId,
        id: graphId(projectId, i),
        name: graphName(projectId, i),
        status: role.status,
      };
      for (const t of tweaks) {
        if ((t.projects ?? PROJECTS).includes(projectId) && t.indexes.includes(i))
          Object.assign(graph, t.patch);
      }
      return graph;
    }),
  );
}

function projectConfig(projectId: string, credentialsSecret: string | undefined): ConfigProject {
  return {
    projectId,
    apiVersion: API_VERSION[projectId]!,
    ...(credentialsSecret === undefined ? {} : { credentialsSecret }),
    graphs: ROLES.flatMap((role, i) => {
      if (role.by === 'none') return [];
      const ref = role.by === 'id' ? { id: graphId(projectId, i) } : { name: graphName(projectId, i) };
      return [{ ...ref, schedule: role.schedule!, ...(role.skipUntil ? { skipUntil: role.skipUntil } : {}) }];
    }),
  };
}

export interface FaultWorldOptions {
  readonly tweaks?: readonly GraphTweak[] | undefined;
  readonly settings: Record<string, unknown>;
  /** Project id → secret name, for projects that use their own credentials. */
  readonly credentialsSecrets?: Readonly<Record<string, string>>;
  readonly secrets?: Record<string, string>;
  readonly sandbox?: WorldOptions['sandbox'];
}

export function faultWorld(options: FaultWorldOptions): WorldOptions {
  return {
    graphs: faultGraphs(options.tweaks),
    schedules: SCHEDULES,
    projects: PROJECTS.map((p) => projectConfig(p, options.credentialsSecrets?.[p])),
    settings: options.settings,
    ...(options.secrets ? { secrets: options.secrets } : {}),
    sandbox: { maxPageSize: 5, jobDurationMs: 30, ...options.sandbox },
  };
}
