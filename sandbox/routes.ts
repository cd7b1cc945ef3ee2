/** The GES routes of both API generations (docs/ges-api.md, "Endpoints"), and what each answers. */
import { jobCentreReply } from './job-centre.js';
import { errorReply, GesError, graphBody, jobBody, jobIdBody, listBody, type Reply } from './responses.js';
import type { GraphStore } from './state.js';
import type { RequestKind, SandboxApiVersion } from './types.js';

export interface Route {
  readonly kind: RequestKind | 'unknown';
  readonly apiVersion: SandboxApiVersion | undefined;
  readonly projectId?: string;
  readonly graphId?: string;
  readonly jobId?: string;
  /** True when no API matches the method and path (answered 404 before authentication, as APIG does). */
  readonly noSuchApi: boolean;
}

const VERSIONS: Readonly<Record<string, SandboxApiVersion>> = { 'v1.0': 'v1', v2: 'v2' };

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Matches the method and path. A v1.0 action with an `action_id` other than stop/start is a
 * known API with a bad parameter (kind 'unknown', answered 400 GES.0001 after authentication).
 */
export function parseRoute(method: string, url: URL): Route {
  const segments = url.pathname.split('/').slice(1).map(decodeSegment);
  const [prefix = '', projectId, graphs, graphId, ...rest] = segments;
  const apiVersion = VERSIONS[prefix];
  const base = { apiVersion, ...(projectId ? { projectId } : {}), ...(graphId ? { graphId } : {}) };
  const unknown: Route = { ...base, kind: 'unknown', noSuchApi: true };
  if (!apiVersion || !projectId || graphs !== 'graphs') return unknown;
  if (graphId === undefined) return method === 'GET' ? { ...base, kind: 'list', noSuchApi: false } : unknown;
  // The v2 job centre, not the graph "jobs"; v1.0 has none (docs/ges-api.md).
  if (graphId === 'jobs' && rest.length === 0) {
    const { graphId: _jobs, ...centre } = base;
    return method === 'GET' && apiVersion === 'v2'
      ? { ...centre, kind: 'jobs', noSuchApi: false }
      : { ...centre, kind: 'unknown', noSuchApi: true };
  }
  if (!graphId) return unknown;
  if (rest.length === 0) return method === 'GET' ? { ...base, kind: 'get', noSuchApi: false } : unknown;
  if (rest.length === 3 && rest[0] === 'jobs' && rest[1] && rest[2] === 'status' && method === 'GET')
    return { ...base, kind: 'job', jobId: rest[1], noSuchApi: false };
  if (method !== 'POST' || rest.length !== 1) return unknown;
  if (apiVersion === 'v2' && (rest[0] === 'stop' || rest[0] === 'start'))
    return { ...base, kind: rest[0], noSuchApi: false };
  if (apiVersion === 'v1' && rest[0] === 'action') {
    const action = url.searchParams.get('action_id');
    const kind = action === 'stop' || action === 'start' ? action : 'unknown';
    return { ...base, kind, noSuchApi: false };
  }
  return unknown;
}

export interface DispatchContext {
  readonly store: GraphStore;
  readonly maxPageSize: number;
  readonly url: URL;
  readonly body: Buffer;
}

/** Answers an authenticated request on a known API. */
export function dispatch(route: Route, ctx: DispatchContext): Reply {
  const version = route.apiVersion ?? 'v2';
  const { store } = ctx;
  const projectId = route.projectId ?? '';
  const graphId = route.graphId ?? '';
  switch (route.kind) {
    case 'list': {
      const offset = nonNegativeInteger(ctx.url.searchParams.get('offset'), 0);
      const limit = nonNegativeInteger(ctx.url.searchParams.get('limit'), 10);
      if (offset === undefined) return errorReply(version, GesError.badParameter, 'offset');
      if (limit === undefined || limit < 1) return errorReply(version, GesError.badParameter, 'limit');
      const page = store.list(projectId, offset, Math.min(limit, ctx.maxPageSize), 'served');
      return { status: 200, body: listBody(version, page.total, page.graphs) };
    }
    case 'get': {
      const graph = store.get(projectId, graphId, 'served');
      if (!graph) return errorReply(version, GesError.graphNotFound);
      return { status: 200, body: { graph: graphBody(version, graph) } };
    }
    case 'jobs':
      return jobCentreReply(store, projectId, ctx.url.searchParams, ctx.maxPageSize);
    case 'stop':
    case 'start': {
      if (route.kind === 'start' && !isStartBody(ctx.body))
        return errorReply(version, GesError.badParameter, 'body must be empty or {"graph_backup_id": "..."}');
      const result = store.act(projectId, graphId, route.kind);
      if (result.ok) return { status: 200, body: jobIdBody(version, result.jobId), jobId: result.jobId };
      if (result.error === 'graph-not-found') return errorReply(version, GesError.graphNotFound);
      return errorReply(
        version,
        result.error === 'not-running' ? GesError.notRunning : GesError.notRunningOrStopped,
      );
    }
    case 'job': {
      if (!store.get(projectId, graphId)) return errorReply(version, GesError.graphNotFound);
      const job = store.job(projectId, graphId, route.jobId ?? '');
      if (!job) return errorReply(version, GesError.jobNotFound);
      return { status: 200, body: jobBody(version, job) };
    }
    case 'unknown':
      return errorReply(version, GesError.badParameter, 'action_id must be stop or start');
  }
}

function nonNegativeInteger(value: string | null, fallback: number): number | undefined {
  if (value === null || value === '') return fallback;
  return /^\d{1,9}$/.test(value) ? Number(value) : undefined;
}

/** Start takes no body, `{}`, or `{"graph_backup_id": "<string>"}`. */
function isStartBody(body: Buffer): boolean {
  const text = body.toString('utf8').trim();
  if (text === '') return true;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
  const backupId = (parsed as Record<string, unknown>).graph_backup_id;
  return backupId === undefined || typeof backupId === 'string';
}
