/**
 * The GES management API, v1.0 and v2 (docs/ges-api.md). The client builds paths from checked ids,
 * signs every attempt afresh, lets the transport retry, and parses answers defensively. It never
 * decides what to do with a graph: that is the run's job.
 */
import { GesHttpError, MalformedResponseError, OutcomeUnknownError, type RequestInfo } from '../errors.js';
import type { HttpResponse, Signer, Transport } from '../http/transport.js';
import { endpointProblem } from './endpoints.js';
import { checkId, type GraphAction, gesPaths } from './paths.js';
import { parseGraphDetails, parseGraphPage, parseJob, parseJobId, parseJobList } from './responses.js';
import { signRequest } from './signer.js';
import type { ApiVersion, Credentials, Graph, Job, ListedJob } from './types.js';

export interface GesClientOptions {
  /** `https://ges.{region}.myhuaweicloud.com`; plain http only on loopback (the sandbox). */
  readonly endpoint: string;
  readonly apiVersion: ApiVersion;
  readonly credentials: Credentials;
  readonly transport: Transport;
  /** The signing clock (X-Sdk-Date). Default: real time. */
  readonly now?: (() => Date) | undefined;
  /** `limit` of each list request (default 100). GES may return fewer; the client follows. */
  readonly pageSize?: number | undefined;
}

export interface CallOptions {
  /** Epoch ms, passed to the transport: no attempt starts and no retry waits past it. */
  readonly deadline?: number | undefined;
  /**
   * Asked right before each attempt leaves (after any wait for a slot or for pacing): a reason
   * not to send it any more, or undefined to go on. The request then fails with PreconditionError.
   */
  readonly precondition?: (() => string | undefined) | undefined;
}

export interface StartOptions {
  /** Start from this backup (`graph_backup_id`) instead of the state the graph was stopped in. */
  readonly backupId?: string | undefined;
}

const DEFAULT_PAGE_SIZE = 100;
/** The `limit` GES documents as its default; used when a larger one is refused. */
const DOCUMENTED_PAGE_SIZE = 10;
/** More pages than this means the server does not paginate as documented. */
const MAX_PAGES = 1_000;
/** Listings started over because the count changed while paging, before settling for what was seen. */
const MAX_PASSES = 3;

export class GesClient {
  readonly apiVersion: ApiVersion;
  readonly #origin: string;
  readonly #credentials: Credentials;
  readonly #transport: Transport;
  readonly #now: () => Date;
  readonly #pageSize: number;

  constructor(options: GesClientOptions) {
    const problem = endpointProblem(options.endpoint);
    if (problem !== undefined) throw new TypeError(`GES endpoint ${options.endpoint} ${problem}`);
    const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`invalid pageSize ${pageSize}`);
    this.apiVersion = options.apiVersion;
    this.#origin = new URL(options.endpoint).origin;
    this.#credentials = options.credentials;
    this.#transport = options.transport;
    this.#now = options.now ?? (() => new Date());
    this.#pageSize = pageSize;
  }

  /**
   * Every graph of the project: pages of `pageSize` until `graphCount` is reached, advancing by
   * the graphs actually returned, ending early on an empty page. A page that brings no graph not
   * already seen (a server ignoring `offset`) is a MalformedResponseError, not an endless loop.
   */
  async listGraphs(projectId: string, o: CallOptions = {}): Promise<Graph[]> {
    checkId('projectId', projectId);
    try {
      return await this.#list(projectId, this.#pageSize, o);
    } catch (error) {
      // The largest `limit` GES accepts is undocumented: when it refuses ours outright, list again
      // with its documented default page size rather than fail the whole project.
      const refused = error instanceof GesHttpError && error.status === 400;
      if (!refused || this.#pageSize <= DOCUMENTED_PAGE_SIZE) throw error;
      return this.#list(projectId, DOCUMENTED_PAGE_SIZE, o);
    }
  }

  /**
   * One listing, consistent: paging by offset while a graph is created or deleted shifts the rest
   * by one and can hide a graph, so when the count changes between pages the listing starts over
   * (at most MAX_PASSES times; then every graph seen in any pass is returned, newest state first).
   */
  async #list(projectId: string, pageSize: number, o: CallOptions): Promise<Graph[]> {
    const seen = new Map<string, Graph>();
    for (let pass = 1; ; pass++) {
      const { graphs, consistent } = await this.#pass(projectId, pageSize, o);
      if (consistent || pass >= MAX_PASSES) {
        for (const graph of graphs) seen.delete(graph.id);
        return [...graphs, ...(consistent ? [] : seen.values())];
      }
      for (const graph of graphs) seen.set(graph.id, graph);
    }
  }

  async #pass(
    projectId: string,
    pageSize: number,
    o: CallOptions,
  ): Promise<{ graphs: Graph[]; consistent: boolean }> {
    const seen = new Map<string, Graph>();
    let offset = 0;
    let firstTotal: number | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const path = gesPaths.list(this.apiVersion, projectId, offset, pageSize);
      const response = await this.#call('GET', projectId, path, undefined, o);
      const { total, graphs } = parseGraphPage(response.body, info('GET', path));
      firstTotal ??= total;
      if (total !== firstTotal) {
        for (const graph of graphs) seen.set(graph.id, graph);
        return { graphs: [...seen.values()], consistent: false };
      }
      if (graphs.length === 0) return { graphs: [...seen.values()], consistent: true };
      const before = seen.size;
      for (const graph of graphs) if (!seen.has(graph.id)) seen.set(graph.id, graph);
      if (seen.size === before) {
        throw new MalformedResponseError(
          info('GET', path),
          `page at offset ${offset} repeats graphs already listed`,
        );
      }
      offset += graphs.length;
      if (offset >= total) return { graphs: [...seen.values()], consistent: true };
    }
    throw new MalformedResponseError(
      info('GET', gesPaths.list(this.apiVersion, projectId, offset, pageSize)),
      `listing did not end after ${MAX_PAGES} pages`,
    );
  }

  async getGraph(projectId: string, graphId: string, o: CallOptions = {}): Promise<Graph> {
    const path = gesPaths.graph(this.apiVersion, projectId, graphId);
    const response = await this.#call('GET', projectId, path, undefined, o);
    return parseGraphDetails(response.body, info('GET', path));
  }

  /** The stop job's id. OutcomeUnknownError when the stop may have happened but its answer was lost. */
  async stopGraph(projectId: string, graphId: string, o: CallOptions = {}): Promise<string> {
    // As the official SDK: no body on a v1.0 stop; v2's documented example sends `{}`.
    return this.#action('stop', projectId, graphId, this.apiVersion === 'v1' ? undefined : {}, o);
  }

  /** The start job's id. Without `backupId` the graph resumes from the state it was stopped in. */
  async startGraph(
    projectId: string,
    graphId: string,
    options: StartOptions = {},
    o: CallOptions = {},
  ): Promise<string> {
    const body =
      options.backupId === undefined ? {} : { graph_backup_id: checkId('backupId', options.backupId) };
    return this.#action('start', projectId, graphId, body, o);
  }

  /**
   * The v2 job centre: the jobs of the graph named `graphName` begun since `since` (one page of
   * up to 100, newest first). v1.0 has no job centre: undefined, the caller must look at the state.
   */
  async listJobs(
    projectId: string,
    graphName: string,
    since: Date,
    o: CallOptions = {},
  ): Promise<ListedJob[] | undefined> {
    if (this.apiVersion !== 'v2') return undefined;
    const path = gesPaths.jobs(projectId, graphName, since, 0, 100);
    const response = await this.#call('GET', projectId, path, undefined, o);
    return parseJobList(response.body, info('GET', path)).jobs.filter(
      (job) => job.graphName === undefined || job.graphName === graphName,
    );
  }

  async getJob(projectId: string, graphId: string, jobId: string, o: CallOptions = {}): Promise<Job> {
    const path = gesPaths.job(this.apiVersion, projectId, graphId, jobId);
    const response = await this.#call('GET', projectId, path, undefined, o);
    return parseJob(response.body, info('GET', path), jobId);
  }

  /**
   * Stop and start answer `{jobId}` / `{job_id}`. A 2xx without a job id is reported as
   * OutcomeUnknownError (cause: MalformedResponseError): the gateway accepted the request, so the
   * action has probably been carried out, and the caller must read the graph's state to know.
   */
  async #action(
    action: GraphAction,
    projectId: string,
    graphId: string,
    body: Record<string, string> | undefined,
    o: CallOptions,
  ): Promise<string> {
    const path = gesPaths.action(this.apiVersion, projectId, graphId, action);
    const sent = body === undefined ? undefined : JSON.stringify(body);
    const response = await this.#call('POST', projectId, path, sent, o);
    try {
      return parseJobId(response.body, info('POST', path));
    } catch (error) {
      throw new OutcomeUnknownError(info('POST', path), { cause: error });
    }
  }

  #call(
    method: 'GET' | 'POST',
    projectId: string,
    path: string,
    body: string | undefined,
    o: CallOptions,
  ): Promise<HttpResponse> {
    const url = new URL(path, this.#origin);
    // Ids are checked, so this cannot happen; it guards the invariant should that ever change.
    if (`${url.pathname}${url.search}` !== path) throw new Error(`path changed when parsed: ${path}`);
    const sign: Signer = (request) =>
      signRequest(request, { credentials: this.#credentials, date: this.#now(), projectId });
    return this.#transport.request(
      {
        method,
        url,
        headers: { 'Content-Type': 'application/json' },
        body,
        idempotent: method === 'GET',
        deadline: o.deadline,
        // Paced per access key: the gateway's rate limit is per user, across all of its projects.
        rateKey: this.#credentials.ak,
        precondition: o.precondition,
      },
      sign,
    );
  }
}

function info(method: string, url: string): RequestInfo {
  return { method, url };
}
