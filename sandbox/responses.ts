/**
 * Response bodies in the shape of each API generation (docs/ges-api.md): v1.0 camelCase
 * (`errorCode`, `graphCount`, `jobId`), v2 snake_case (`error_code`, `graph_count`, `job_id`).
 */
import type { GraphSnapshot, JobView } from './state.js';
import type { SandboxApiVersion } from './types.js';

export interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** The job a stop or start created, for the request record. */
  readonly jobId?: string;
  /** Set when the gateway's rate limit answered, for the request record. */
  readonly fault?: 'throttle';
}

/** Error codes with the messages Huawei documents for them. */
export const GesError = {
  badParameter: { status: 400, code: 'GES.0001', message: 'Incorrect parameter.' },
  resourceNotFound: { status: 400, code: 'GES.0016', message: 'Resource not found' },
  // HTTP 400 for GES.7000, GES.7006 and GES.7007, as Huawei's error code table has them.
  graphNotFound: { status: 400, code: 'GES.7000', message: 'The graph does not exist or has been deleted.' },
  notRunning: { status: 400, code: 'GES.7001', message: 'The graph is not running.' },
  jobNotFound: { status: 400, code: 'GES.7007', message: 'The job does not exist.' },
  notRunningOrStopped: { status: 400, code: 'GES.7015', message: 'The graph is not running or stopped.' },
  internal: { status: 400, code: 'GES.7006', message: 'The underlying graph engine has internal error.' },
  authFailed: { status: 401, code: 'APIG.0301', message: 'Incorrect IAM authentication information' },
  forbidden: { status: 403, code: 'APIG.0302', message: 'The IAM user is not authorized to access the API.' },
  noSuchApi: {
    status: 404,
    code: 'APIG.0101',
    message: 'The API does not exist or has not been published in the environment.',
  },
} as const;

export type GesErrorSpec = { readonly status: number; readonly code: string; readonly message: string };

/** Defaults for a `status` fault without a `gesCode`. */
const FAULT_CODES: Readonly<Record<number, GesErrorSpec>> = {
  408: {
    status: 408,
    code: 'GES.7005',
    message: 'The underlying service of the graph engine is unavailable.',
  },
  429: {
    status: 429,
    code: 'APIG.0308',
    message:
      'The throttling threshold has been reached: policy user over ratelimit, limit:100, time:1 minute',
  },
  500: GesError.internal,
  503: {
    status: 503,
    code: 'GES.7005',
    message: 'The underlying service of the graph engine is unavailable.',
  },
};

export function errorBody(version: SandboxApiVersion | undefined, code: string, message: string): unknown {
  return version === 'v1'
    ? { errorCode: code, errorMessage: message }
    : { error_code: code, error_msg: message };
}

export function errorReply(
  version: SandboxApiVersion | undefined,
  spec: GesErrorSpec,
  detail?: string,
  headers?: Record<string, string>,
): Reply {
  const message = detail === undefined ? spec.message : `${spec.message}: ${detail}`;
  return {
    status: spec.status,
    body: errorBody(version, spec.code, message),
    ...(headers ? { headers } : {}),
  };
}

export function faultReply(
  version: SandboxApiVersion | undefined,
  effect: { status: number; gesCode?: string; message?: string; retryAfter?: string },
): Reply {
  const fallback =
    FAULT_CODES[effect.status] ?? (effect.status >= 500 ? GesError.internal : GesError.badParameter);
  const spec = {
    status: effect.status,
    code: effect.gesCode ?? fallback.code,
    message: effect.message ?? fallback.message,
  };
  return errorReply(
    version,
    spec,
    undefined,
    effect.retryAfter ? { 'Retry-After': effect.retryAfter } : undefined,
  );
}

/**
 * The gateway's 429 for a key over its rate limit. The gateway answers it before any GES API is
 * involved, so the body has the gateway's own field names whatever the path's API version.
 */
export function throttleReply(requestsPerSecond: number, retryAfterSeconds: number | undefined): Reply {
  return {
    status: 429,
    body: {
      error_code: 'APIG.0308',
      error_msg: `The throttling threshold has been reached: policy user over ratelimit,limit:${requestsPerSecond},time:1 second`,
    },
    fault: 'throttle',
    ...(retryAfterSeconds === undefined ? {} : { headers: { 'Retry-After': String(retryAfterSeconds) } }),
  };
}

/** The body a `malformed` fault answers with: a truncated JSON document. */
export const MALFORMED_BODY = '{"graphCount": 3, "graphs": [{"id": "<html><body>Bad Gateway';

/** UTC, `2026-03-29 01:30:00` for v1.0 and `2026-03-29T01:30:00` for v2 (the docs show both; no zone). */
export function formatTime(version: SandboxApiVersion, date: Date): string {
  const iso = date.toISOString().slice(0, 19);
  return version === 'v1' ? iso.replace('T', ' ') : iso;
}

export function graphBody(version: SandboxApiVersion, graph: GraphSnapshot): Record<string, unknown> {
  if (version === 'v1')
    return {
      id: graph.id,
      name: graph.name,
      status: graph.status,
      regionCode: 'sandbox-1',
      azCode: 'sandbox-1a',
      graphSizeTypeIndex: graph.sizeIndex ?? '1',
      isMultiAz: false,
      createdTime: formatTime(version, graph.created),
      tags: (graph.tags ?? []).map((t) => ({ Key: t.key, Value: t.value })),
    };
  return {
    id: graph.id,
    name: graph.name,
    status: graph.status,
    region_code: 'sandbox-1',
    az_code: 'sandbox-1a',
    graph_size_type_index: graph.sizeIndex ?? '1',
    replication: graph.replication ?? 1,
    is_multi_az: false,
    created: formatTime(version, graph.created),
    tags: (graph.tags ?? []).map((t) => ({ key: t.key, value: t.value })),
  };
}

export function listBody(
  version: SandboxApiVersion,
  total: number,
  graphs: readonly GraphSnapshot[],
): unknown {
  const items = graphs.map((g) => graphBody(version, g));
  return version === 'v1' ? { graphCount: total, graphs: items } : { graph_count: total, graphs: items };
}

export function jobIdBody(version: SandboxApiVersion, jobId: string): unknown {
  return version === 'v1' ? { jobId } : { job_id: jobId };
}

/** `endTime` and `failReason` are left out while the job runs, and `failReason` unless it failed. */
export function jobBody(version: SandboxApiVersion, job: JobView): unknown {
  const end = job.end === undefined ? undefined : formatTime(version, job.end);
  const begin = formatTime(version, job.begin);
  if (version === 'v1')
    return {
      jobId: job.jobId,
      status: job.status,
      jobType: job.jobType,
      beginTime: begin,
      ...(end === undefined ? {} : { endTime: end }),
      ...(job.failReason === undefined ? {} : { failReason: job.failReason }),
    };
  return {
    job_id: job.jobId,
    status: job.status,
    job_type: job.jobType,
    begin_time: begin,
    ...(end === undefined ? {} : { end_time: end }),
    ...(job.failReason === undefined ? {} : { fail_reason: job.failReason }),
  };
}
