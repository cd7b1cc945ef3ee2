/**
 * A local stand-in for the Huawei Cloud GES management API (v1.0 and v2), on a real HTTP server.
 * It checks AK/SK signatures, serves graphs and jobs from memory, records every request, and can
 * inject faults (status codes, resets, hangs, lost answers, malformed bodies, latency).
 *
 * Order per request: record → `latencyMs` → fault rules → (unknown route: 404 APIG.0101) →
 * signature and X-Sdk-Date (401 APIG.0301) → the AK's rate limit (429 APIG.0308) → AK's projects
 * (403 APIG.0302) → X-Project-Id (400 GES.0016) → the call → list mutations now due. Stop works only on '200' (else 400 GES.7001, whatever the status);
 * start only on '900' (else 400 GES.7015); unknown graph 404 GES.7000; unknown job 404 GES.7007.
 * Job times are UTC without a zone: `2026-03-29 01:30:00` in v1.0, `2026-03-29T01:30:00` in v2.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AuthInput, authenticate, authorize } from './auth.js';
import { FaultEngine } from './faults.js';
import { ListMutations } from './list-mutations.js';
import { RateLimiter } from './rate-limit.js';
import { errorReply, faultReply, GesError, MALFORMED_BODY, type Reply, throttleReply } from './responses.js';
import { dispatch, parseRoute } from './routes.js';
import { type GraphPatch, type GraphSnapshot, GraphStore } from './state.js';
import type {
  FaultEffect,
  FaultRule,
  ListMutation,
  RateLimit,
  RecordedRequest,
  RecordedStatus,
  RequestFilter,
  SandboxAccount,
  SandboxGraph,
  SandboxOptions,
} from './types.js';

export type { MakeGraphsOptions } from './graphs.js';
export { makeGraphs, makeProjectId, makeUuid } from './graphs.js';
export { defaultBurst } from './rate-limit.js';
export type { GraphPatch } from './state.js';
export type * from './types.js';

interface SandboxParts {
  readonly options: SandboxOptions;
  readonly store: GraphStore;
  readonly faults: FaultEngine;
  readonly limiter: RateLimiter;
  readonly mutations: ListMutations;
}

export class GesSandbox {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly #server: Server;
  readonly #store: GraphStore;
  readonly #faults: FaultEngine;
  readonly #limiter: RateLimiter;
  readonly #mutations: ListMutations;
  readonly #accounts: ReadonlyMap<string, SandboxAccount>;
  readonly #options: SandboxOptions;
  readonly #timers = new Set<NodeJS.Timeout>();
  #requests: RecordedRequest[] = [];
  #seq = 0;
  #closing: Promise<void> | undefined;

  private constructor(server: Server, url: string, parts: SandboxParts) {
    this.#server = server;
    this.url = url;
    this.#options = parts.options;
    this.#store = parts.store;
    this.#faults = parts.faults;
    this.#limiter = parts.limiter;
    this.#mutations = parts.mutations;
    this.#accounts = new Map(parts.options.accounts.map((a) => [a.ak, { ...a }]));
    server.on('request', (req, res) => {
      this.#handle(req, res).catch((error: unknown) => this.#crash(res, error));
    });
  }

  /** Starts listening (127.0.0.1, any free port unless told otherwise). */
  static async start(options: SandboxOptions): Promise<GesSandbox> {
    // Built before listening, so that bad graphs, rules or limits throw without leaving a server open.
    const seed = options.seed ?? 1;
    const store = new GraphStore({
      graphs: options.graphs,
      jobDurationMs: options.jobDurationMs ?? 50,
      seed,
      ...(options.jobClock ? { clock: options.jobClock } : {}),
    });
    const faults = new FaultEngine(options.faults ?? [], seed);
    const limiter = new RateLimiter(options.rateLimit, options.monotonicMs ?? (() => performance.now()));
    const mutations = new ListMutations(options.listMutations ?? [], store);
    const server = createServer({ keepAliveTimeout: 5_000 });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { address, port } = server.address() as AddressInfo;
    const hostname = address.includes(':') ? `[${address}]` : address;
    return new GesSandbox(server, `http://${hostname}:${port}`, {
      options,
      store,
      faults,
      limiter,
      mutations,
    });
  }

  /** Every request received so far, in order of arrival (including faulted ones). */
  get requests(): readonly RecordedRequest[] {
    return this.#requests;
  }

  /** The graph's current state (jobs that have ended by now are applied), or undefined. */
  graph(projectId: string, graphId: string): SandboxGraph | undefined {
    const snapshot = this.#store.get(projectId, graphId);
    return snapshot && toGraph(snapshot);
  }

  /** All graphs' current state, optionally of one project, in fixture order. */
  graphs(projectId?: string): SandboxGraph[] {
    return this.#store.all(projectId).map(toGraph);
  }

  /** Changes a graph behind the client's back (e.g. someone started it). Setting `status` abandons its job. */
  updateGraph(projectId: string, graphId: string, patch: GraphPatch): SandboxGraph {
    return toGraph(this.#store.update(projectId, graphId, patch));
  }

  /** Creates a graph, at the end of its project's listing or at index `at` of it. */
  addGraph(graph: SandboxGraph, at?: number): SandboxGraph {
    return toGraph(this.#store.add(graph, at));
  }

  /** Deletes a graph: it leaves the listing, and reading it or its jobs answers 404 GES.7000. */
  removeGraph(projectId: string, graphId: string): void {
    this.#store.remove(projectId, graphId);
  }

  /** The recorded requests that match every given field, e.g. `{ fault: 'throttle' }`. */
  requestsMatching(filter: RequestFilter = {}): RecordedRequest[] {
    const { fault, ...fields } = filter;
    return this.#requests.filter(
      (r) =>
        (fault === undefined || (r.fault?.split('+') ?? []).includes(fault)) &&
        (Object.keys(fields) as (keyof typeof fields)[]).every(
          (k) => fields[k] === undefined || r[k] === fields[k],
        ),
    );
  }

  /** How many recorded requests match every given field; `count({ fault: 'throttle' })` counts 429s of the rate limit. */
  count(filter: RequestFilter = {}): number {
    return this.requestsMatching(filter).length;
  }

  /** Replaces the fault rules (their `times` counts start again). */
  setFaults(faults: FaultRule[]): void {
    this.#faults.setRules(faults);
  }

  /** The rate limit now in force, if any. */
  get rateLimit(): RateLimit | undefined {
    return this.#limiter.limit;
  }

  /** Replaces the rate limit (undefined: none); every access key starts again with a full bucket. */
  setRateLimit(limit: RateLimit | undefined): void {
    this.#limiter.set(limit);
  }

  /** Replaces the pending list mutations; list pages are counted again from zero. */
  setListMutations(mutations: ListMutation[]): void {
    this.#mutations.set(mutations);
  }

  /** How many list mutations have not been applied yet. */
  get pendingListMutations(): number {
    return this.#mutations.pending;
  }

  /** Forgets the recorded requests, and which were seen (so `firstAttemptOnly` rules fire again). */
  clearRequests(): void {
    this.#requests = [];
    this.#faults.forgetSeen();
  }

  /** Stops listening and destroys every connection, hanging ones included. Safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      for (const timer of this.#timers) clearTimeout(timer);
      this.#timers.clear();
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    return this.#closing;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const url = new URL(`http://sandbox.invalid${rawUrl.startsWith('/') ? '' : '/'}${rawUrl}`);
    const route = parseRoute(method, url);
    const record: RecordedRequest = {
      seq: ++this.#seq,
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      kind: route.kind,
      apiVersion: route.apiVersion,
      ...(route.projectId === undefined ? {} : { projectId: route.projectId }),
      ...(route.graphId === undefined ? {} : { graphId: route.graphId }),
      ...(route.jobId === undefined ? {} : { jobId: route.jobId }),
      status: 'pending',
      at,
    };
    this.#requests.push(record);

    if (!(await this.#delay(this.#options.latencyMs ?? 0))) return;
    const effects = this.#faults.select({ key: `${method} ${rawUrl}`, ...route });
    if (effects.length > 0) record.fault = effects.map((e) => e.type).join('+');
    let terminal: Exclude<FaultEffect, { type: 'latency' }> | undefined;
    for (const effect of effects) {
      if (effect.type !== 'latency') terminal = effect;
      else if (!(await this.#delay(effect.ms))) return;
    }
    switch (terminal?.type) {
      case 'reset':
        this.#settle(record, 'reset');
        req.socket.resetAndDestroy();
        return;
      case 'hang':
        this.#settle(record, 'hang');
        req.resume();
        return;
      case 'status':
        return this.#send(res, record, faultReply(route.apiVersion, terminal));
      case 'malformed':
        this.#settle(record, 200);
        res.writeHead(200, {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(MALFORMED_BODY),
        });
        res.end(MALFORMED_BODY);
        return;
    }

    const body = await readBody(req);
    if (body.length > 0) record.body = body.toString('utf8');
    const reply = this.#answer({ method, url, headers: req.headers, body, route });
    if (reply.fault) record.fault = record.fault ? `${record.fault}+${reply.fault}` : reply.fault;
    if (terminal?.type === 'lose-answer') {
      if (reply.jobId !== undefined) record.jobId = reply.jobId;
      this.#settle(record, 'lost');
      req.socket.destroy();
      return;
    }
    this.#send(res, record, reply);
  }

  #answer(input: AuthInput): Reply {
    const { route } = input;
    if (route.noSuchApi) return errorReply(route.apiVersion, GesError.noSuchApi);
    const policy = { accounts: this.#accounts, now: this.#options.now ?? (() => new Date()) };
    const who = authenticate(input, policy);
    if (!who.ok) return who.reply;
    const throttled = this.#limiter.check(who.ak);
    if (throttled) return throttleReply(throttled.requestsPerSecond, throttled.retryAfterSeconds);
    const denied = authorize(input, who.ak, policy);
    if (denied) return denied;
    const reply = dispatch(route, {
      store: this.#store,
      maxPageSize: this.#options.maxPageSize ?? 100,
      url: input.url,
      body: input.body,
    });
    if (route.kind === 'list' && reply.status === 200 && route.projectId !== undefined)
      this.#mutations.pageServed(route.projectId);
    return reply;
  }

  #send(res: ServerResponse, record: RecordedRequest, reply: Reply): void {
    const text = JSON.stringify(reply.body);
    if (reply.jobId !== undefined) record.jobId = reply.jobId;
    this.#settle(record, reply.status);
    res.writeHead(reply.status, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
      'X-Request-Id': `sandbox-${record.seq}`,
      ...reply.headers,
    });
    res.end(text);
  }

  #settle(record: RecordedRequest, status: RecordedStatus): void {
    record.status = status;
    this.#options.onSettled?.(record);
  }

  #crash(res: ServerResponse, error: unknown): void {
    if (res.headersSent || res.destroyed) return;
    const text = JSON.stringify({ error_code: GesError.internal.code, error_msg: String(error) });
    res.writeHead(500, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  /** Resolves true after `ms`, or never when the sandbox closes first (the timer is cleared). */
  #delay(ms: number): Promise<boolean> {
    if (this.#closing) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve(this.#closing === undefined);
      }, ms);
      this.#timers.add(timer);
    });
  }
}

function toGraph({ created: _created, ...graph }: GraphSnapshot): SandboxGraph {
  return { ...graph };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
