/**
 * Parsers for GES's 2xx answers. Both generations' field spellings are accepted (camelCase in
 * v1.0, snake_case in v2, and the documents' own inconsistencies); anything else that is not the
 * documented JSON is a MalformedResponseError. Nothing here trusts the body's types.
 */
import { MalformedResponseError, type RequestInfo } from '../errors.js';
import { type Graph, type GraphTag, graphStateOf, type Job, JobStatus, type ListedJob } from './types.js';

type Json = Record<string, unknown>;

export interface GraphPage {
  readonly total: number;
  readonly graphs: readonly Graph[];
}

export function parseGraphPage(body: string, request: RequestInfo): GraphPage {
  const json = parseObject(body, request);
  const total = toCount(pick(json, 'graphCount', 'graph_count'));
  if (total === undefined) throw new MalformedResponseError(request, 'no graphCount/graph_count');
  const graphs = json.graphs ?? [];
  if (!Array.isArray(graphs)) throw new MalformedResponseError(request, 'graphs is not an array');
  return { total, graphs: graphs.map((g, i) => toGraph(g, request, `graphs[${i}]`)) };
}

/** `{graph: {…}}` in both generations. */
export function parseGraphDetails(body: string, request: RequestInfo): Graph {
  return toGraph(parseObject(body, request).graph, request, 'graph');
}

/** `{jobId}` (v1.0) or `{job_id}` (v2); both accepted in both. */
export function parseJobId(body: string, request: RequestInfo): string {
  const jobId = pick(parseObject(body, request), 'jobId', 'job_id');
  if (typeof jobId !== 'string' || jobId.trim() === '')
    throw new MalformedResponseError(request, 'no jobId/job_id');
  return jobId.trim();
}

export function parseJob(body: string, request: RequestInfo, requestedJobId: string): Job {
  const json = parseObject(body, request);
  const rawStatus = pick(json, 'status');
  const status = typeof rawStatus === 'string' ? rawStatus.trim().toLowerCase() : undefined;
  if (!isJobStatus(status)) {
    throw new MalformedResponseError(
      request,
      `job status ${JSON.stringify(rawStatus ?? null)} is not one of ${JobStatus.join(', ')}`,
    );
  }
  return {
    jobId: optionalString(pick(json, 'jobId', 'job_id')) ?? requestedJobId,
    status,
    jobType: optionalString(pick(json, 'jobType', 'job_type')),
    beginTime: toIsoUtc(pick(json, 'beginTime', 'begin_time')),
    endTime: toIsoUtc(pick(json, 'endTime', 'end_time')),
    failReason: optionalString(pick(json, 'failReason', 'fail_reason')),
  };
}

/** The v2 job centre's page: `{job_count, job_list: [...]}`; entries that do not parse are left out. */
export function parseJobList(body: string, request: RequestInfo): { total: number; jobs: ListedJob[] } {
  const json = parseObject(body, request);
  const list = pick(json, 'job_list', 'jobList', 'jobs');
  if (!Array.isArray(list)) throw new MalformedResponseError(request, 'no job_list');
  const jobs = list.flatMap((entry): ListedJob[] => {
    if (!isObject(entry)) return [];
    const jobId = optionalString(pick(entry, 'job_id', 'jobId'));
    const rawStatus = optionalString(pick(entry, 'status'))?.toLowerCase();
    if (jobId === undefined || !isJobStatus(rawStatus)) return [];
    return [
      {
        jobId,
        status: rawStatus,
        jobType: optionalString(pick(entry, 'job_type', 'jobType')),
        jobName: optionalString(pick(entry, 'job_name', 'jobName')),
        graphName: optionalString(pick(entry, 'related_graph', 'relatedGraph', 'graph_name')),
        beginTime: toIsoUtc(pick(entry, 'begin_time', 'beginTime')),
        endTime: toIsoUtc(pick(entry, 'end_time', 'endTime')),
        failReason: optionalString(pick(entry, 'fail_reason', 'failReason')),
      },
    ];
  });
  return { total: toCount(pick(json, 'job_count', 'jobCount')) ?? jobs.length, jobs };
}

const TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * `2026-03-29 01:30:00`, `2026-03-29T01:30:00Z`, with optional fraction and offset (none = UTC),
 * or epoch milliseconds → `2026-03-29T01:30:00.000Z`. Unparseable or empty → undefined: a job's
 * times are informative, never a reason to reject its status.
 */
export function toIsoUtc(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? isoOrUndefined(new Date(value)) : undefined;
  if (typeof value !== 'string') return undefined;
  const m = TIME.exec(value.trim());
  if (!m || !isCalendarTime(m[1]!, m[2]!)) return undefined;
  const fraction = (m[3] ?? '').padEnd(3, '0').slice(0, 3);
  const zone = (m[4] ?? 'Z').toUpperCase().replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  return isoOrUndefined(new Date(`${m[1]}T${m[2]}.${fraction}${zone}`));
}

/** Rejects what Date would silently roll over, such as February 30th or 24:00:00. */
function isCalendarTime(date: string, time: string): boolean {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi, s] = time.split(':').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, mo - 1, d));
  return day.getUTCMonth() === mo - 1 && day.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
}

function isoOrUndefined(date: Date): string | undefined {
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function toGraph(value: unknown, request: RequestInfo, where: string): Graph {
  if (!isObject(value)) throw new MalformedResponseError(request, `${where} is not an object`);
  const { id, name, status } = value;
  if (typeof id !== 'string' || id === '')
    throw new MalformedResponseError(request, `${where}.id is missing`);
  if (typeof name !== 'string') throw new MalformedResponseError(request, `${where}.name is missing`);
  if (typeof status !== 'string' && !(typeof status === 'number' && Number.isFinite(status))) {
    throw new MalformedResponseError(request, `${where}.status is missing`);
  }
  const code = String(status).trim();
  const sizeIndex = toSizeIndex(pick(value, 'graphSizeTypeIndex', 'graph_size_type_index'));
  const replication = toReplication(pick(value, 'replication'));
  return {
    id,
    name,
    status: code,
    state: graphStateOf(code),
    tags: toTags(value.tags),
    ...(sizeIndex === undefined ? {} : { sizeIndex }),
    ...(replication === undefined ? {} : { replication }),
  };
}

/**
 * `[{key, value}]` (v2), also `[{Key, Value}]` (v1.0 leaves them untyped). An entry needs a
 * non-empty string key, else it is left out; a value that is a number or a boolean is kept as its
 * text, so that a schedule tag with such a value fails its graph by name rather than vanishing
 * (absent or null is the empty value). Nothing is trimmed: tags are matched exactly.
 */
function toTags(value: unknown): GraphTag[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) => {
    if (!isObject(entry)) return [];
    const key = pick(entry, 'key', 'Key');
    const raw = pick(entry, 'value', 'Value') ?? '';
    const tagValue = typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : raw;
    return typeof key === 'string' && key !== '' && typeof tagValue === 'string'
      ? [{ key, value: tagValue }]
      : [];
  });
}

/** A decimal string ("1", "401"); a number is accepted. Anything else is unknown. */
function toSizeIndex(value: unknown): string | undefined {
  const n = toCount(value);
  return n === undefined ? undefined : String(n);
}

/** A positive whole number; a numeric string is accepted. Anything else is unknown. */
function toReplication(value: unknown): number | undefined {
  const n = toCount(value);
  return n === undefined || n === 0 ? undefined : n;
}

function parseObject(body: string, request: RequestInfo): Json {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new MalformedResponseError(request, 'body is not JSON', { cause: error });
  }
  if (!isObject(parsed)) throw new MalformedResponseError(request, 'body is not a JSON object');
  return parsed;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pick(json: Json, ...names: string[]): unknown {
  for (const name of names) if (json[name] !== undefined && json[name] !== null) return json[name];
  return undefined;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function toCount(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function isJobStatus(value: string | undefined): value is Job['status'] {
  return (JobStatus as readonly (string | undefined)[]).includes(value);
}
