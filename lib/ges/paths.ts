/**
 * The GES API paths of both generations (docs/ges-api.md, "Endpoints"). Every id is checked before it
 * is put into a path, so no id can change the path or the query.
 */
import { InvalidIdError } from '../errors.js';
import type { ApiVersion } from './types.js';

/** Letters, digits, '-' and '_': nothing that a URL parser could read as structure. */
export const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;

export type IdField = 'projectId' | 'graphId' | 'jobId' | 'backupId';

/** Returns the id unchanged, or throws InvalidIdError. */
export function checkId(field: IdField, value: unknown): string {
  if (typeof value !== 'string' || !SAFE_ID.test(value)) throw new InvalidIdError(field, String(value));
  return value;
}

const PREFIX: Readonly<Record<ApiVersion, string>> = { v1: '/v1.0', v2: '/v2' };

export type GraphAction = 'stop' | 'start';

/** Paths with their query, relative to the endpoint's origin. */
export const gesPaths = {
  list(version: ApiVersion, projectId: string, offset: number, limit: number): string {
    return `${base(version, projectId)}/graphs?offset=${nonNegative(offset)}&limit=${nonNegative(limit)}`;
  },
  graph(version: ApiVersion, projectId: string, graphId: string): string {
    return `${base(version, projectId)}/graphs/${checkId('graphId', graphId)}`;
  },
  action(version: ApiVersion, projectId: string, graphId: string, action: GraphAction): string {
    const graph = gesPaths.graph(version, projectId, graphId);
    return version === 'v1' ? `${graph}/action?action_id=${action}` : `${graph}/${action}`;
  },
  /**
   * The v2 job centre, by graph name and the day its jobs began (`start_time` is a date,
   * `yyyy-MM-dd`, UTC, as Huawei's SDK has it), newest first. The caller filters by begin time.
   */
  jobs(projectId: string, graphName: string, since: Date, offset: number, limit: number): string {
    const query = new URLSearchParams({
      graph_name: graphName,
      start_time: since.toISOString().slice(0, 10),
      offset: String(nonNegative(offset)),
      limit: String(nonNegative(limit)),
    });
    return `${base('v2', projectId)}/graphs/jobs?${query.toString().replaceAll('+', '%20')}`;
  },
  job(version: ApiVersion, projectId: string, graphId: string, jobId: string): string {
    return `${gesPaths.graph(version, projectId, graphId)}/jobs/${checkId('jobId', jobId)}/status`;
  },
};

function base(version: ApiVersion, projectId: string): string {
  const prefix = PREFIX[version];
  if (prefix === undefined) throw new TypeError(`unknown API version ${String(version)}`);
  return `${prefix}/${checkId('projectId', projectId)}`;
}

function nonNegative(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`expected a non-negative integer, got ${n}`);
  return n;
}
