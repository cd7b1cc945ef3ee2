/**
 * The v2 job centre, `GET /v2/{project_id}/graphs/jobs` (docs/ges-api.md, "Jobs and the job
 * centre"): the project's stop and start jobs, newest first, jobs of deleted graphs included.
 *
 * Query, as Huawei's SDKs (ListJobs2Request) and API reference describe it: `graph_name` (exact),
 * `status` (running | waiting | success | failed | partiallyFailed), `start_time` and `end_time`
 * (dates only, `yyyy-MM-dd`, UTC; both compared with the job's begin date, bounds included),
 * `offset` (default 0) and `limit` (default 10).
 */
import { errorReply, formatTime, GesError, type Reply } from './responses.js';
import type { GraphStore, JobView } from './state.js';

const STATUSES = new Set(['running', 'waiting', 'success', 'failed', 'partiallyFailed']);
const DATE = /^\d{4}-\d\d-\d\d$/;

export interface JobCentreQuery {
  readonly graphName?: string;
  readonly status?: string;
  /** Earliest begin date, `yyyy-MM-dd`. */
  readonly startDate?: string;
  /** Latest begin date, `yyyy-MM-dd`. */
  readonly endDate?: string;
  readonly offset: number;
  readonly limit: number;
}

/** Reads the query; a string says which parameter is wrong and why. */
export function parseJobCentreQuery(params: URLSearchParams, maxPageSize: number): JobCentreQuery | string {
  const text = (name: string) => {
    const value = params.get(name);
    return value === null || value === '' ? undefined : value;
  };
  const offset = whole(text('offset'), 0);
  const limit = whole(text('limit'), 10);
  if (offset === undefined) return 'offset must be a whole number >= 0';
  if (limit === undefined || limit < 1) return 'limit must be a whole number >= 1';
  const status = text('status');
  if (status !== undefined && !STATUSES.has(status))
    return `status must be one of ${[...STATUSES].join(', ')}, got ${status}`;
  const startDate = text('start_time');
  const endDate = text('end_time');
  for (const [name, value] of [
    ['start_time', startDate],
    ['end_time', endDate],
  ] as const)
    if (value !== undefined && !isDate(value))
      return `${name} must be a date, yyyy-MM-dd (times are not supported), got ${value}`;
  const graphName = text('graph_name');
  return {
    ...(graphName === undefined ? {} : { graphName }),
    ...(status === undefined ? {} : { status }),
    ...(startDate === undefined ? {} : { startDate }),
    ...(endDate === undefined ? {} : { endDate }),
    offset,
    limit: Math.min(limit, maxPageSize),
  };
}

/** The jobs the query selects, as a page, with the count of all that match. */
export function selectJobs(
  jobs: readonly JobView[],
  query: JobCentreQuery,
): { count: number; page: JobView[] } {
  const matching = jobs.filter((job) => {
    const day = job.begin.toISOString().slice(0, 10);
    return (
      (query.graphName === undefined || job.graphName === query.graphName) &&
      (query.status === undefined || job.status === query.status) &&
      (query.startDate === undefined || day >= query.startDate) &&
      (query.endDate === undefined || day <= query.endDate)
    );
  });
  return { count: matching.length, page: matching.slice(query.offset, query.offset + query.limit) };
}

/** Answers a job centre request (v2 only: the route sends v1.0 to 404). */
export function jobCentreReply(
  store: GraphStore,
  projectId: string,
  params: URLSearchParams,
  maxPageSize: number,
): Reply {
  const query = parseJobCentreQuery(params, maxPageSize);
  if (typeof query === 'string') return errorReply('v2', GesError.badParameter, query);
  const { count, page } = selectJobs(store.jobsOf(projectId), query);
  return { status: 200, body: { job_count: count, job_list: page.map(jobCentreItem) } };
}

/** One `job_list` item; `end_time` only once the job ended, `fail_reason` only when it failed. */
export function jobCentreItem(job: JobView): Record<string, unknown> {
  return {
    job_id: job.jobId,
    status: job.status,
    job_type: job.jobType,
    job_name: job.jobType,
    related_graph: job.graphName,
    begin_time: formatTime('v2', job.begin),
    ...(job.end === undefined ? {} : { end_time: formatTime('v2', job.end) }),
    ...(job.failReason === undefined ? {} : { fail_reason: job.failReason }),
    job_progress: job.status === 'running' ? 0 : 100,
  };
}

function whole(value: string | undefined, fallback: number): number | undefined {
  if (value === undefined) return fallback;
  return /^\d{1,9}$/.test(value) ? Number(value) : undefined;
}

function isDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}
