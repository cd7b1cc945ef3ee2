/**
 * A local stand-in for the Huawei Cloud GES management API (v1.0 and v2), on a real HTTP server.
 * It checks AK/SK signatures, serves graphs and jobs from memory, records every request, and can
 * inject faults (status codes, resets, hangs, lost answers, malformed bodies, latency).
 *
 * Order per request: record → `latencyMs` → fault rules → (unknown route: 404 APIG.0101) →
 * signature and X-Sdk-Date (401 APIG.0301) → AK's projects (403 APIG.0302) → X-Project-Id
 * (400 GES.0016) → the call. Stop works only on '200' (else 400 GES.7001, whatever the status);
 * start only on '900' (else 400 GES.7015); unknown graph 404 GES.7000; unknown job 404 GES.7007.
 * Job times are UTC without a zone: `2026-03-29 01:30:00` in v1.0, `2026-03-29T01:30:00` in v2.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkAuth } from './auth.js';
import { FaultEngine } from './faults.js';
import { errorReply, faultReply, GesError, MALFORMED_BODY, type Reply } from './responses.js';
import { dispatch, parseRoute } from './routes.js';
import { type GraphPatch, type GraphSnapshot, GraphStore } from './state.js';
import type {
  FaultEffect,
  FaultRule,
  RecordedRequest,
  RequestFilter,
  SandboxAccount,
  SandboxGraph,
  SandboxOptions,
} from './types.js';

export type { MakeGraphsOptions } from './graphs.js';
export { makeGraphs, makeProjectId, makeUuid } from './graphs.js';
export type { GraphPatch } from './state.js';
export type * from './types.js';

interface SandboxParts {
  readonly options: SandboxOptions;
  readonly store: GraphStore;
  readonly faults: FaultEngine;
}

export class GesSandbox {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly #server: Server;
  readonly #store: GraphStore;
  readonly #faults: FaultEngine;
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
    this.#accounts = new Map(parts.options.accounts.map((a) => [a.ak, { ...a }]));
    server.on('request', (req, res) => {
      this.#handle(req, res).catch((error: unknown) => this.#crash(res, error));
    });
  }

  /** Starts listening (127.0.0.1, any free port unless told otherwise). */
  static async start(options: SandboxOptions): Promise<GesSandbox> {
    // Built before listening, so that bad graphs or fault rules throw without leaving a server open.
    const seed = options.seed ?? 1;
    const store = new GraphStore({
      graphs: options.graphs,
      jobDurationMs: options.jobDurationMs ?? 50,
      seed,
    });
    const faults = new FaultEngine(options.faults ?? [], seed);
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
    return new GesSandbox(server, `http://${hostname}:${port}`, { options, store, faults });
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

  /** How many recorded requests match every given field. */
  count(filter: RequestFilter = {}): number {
    return this.#requests.filter((r) =>
      (Object.keys(filter) as (keyof RequestFilter)[]).every(
        (k) => filter[k] === undefined || r[k] === filter[k],
      ),
    ).length;
  }

  /** Replaces the fault rules (their `times` counts start again). */
  setFaults(faults: FaultRule[]): void {
    this.#faults.setRules(faults);
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
        record.status = 'reset';
        req.socket.resetAndDestroy();
        return;
      case 'hang':
        record.status = 'hang';
        req.resume();
        return;
      case 'status':
        return this.#send(res, record, faultReply(route.apiVersion, terminal));
      case 'malformed':
        record.status = 200;
        res.writeHead(200, {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(MALFORMED_BODY),
        });
        res.end(MALFORMED_BODY);
        return;
    }

    const body = await readBody(req);
    if (body.length > 0) record.body = body.toString('utf8');
    const reply = this.#answer(method, url, req, body, route);
    if (terminal?.type === 'lose-answer') {
      record.status = 'lost';
      if (reply.jobId !== undefined) record.jobId = reply.jobId;
      req.socket.destroy();
      return;
    }
    this.#send(res, record, reply);
  }

  #answer(
    method: string,
    url: URL,
    req: IncomingMessage,
    body: Buffer,
    route: ReturnType<typeof parseRoute>,
  ): Reply {
    if (route.noSuchApi) return errorReply(route.apiVersion, GesError.noSuchApi);
    const denied = checkAuth(
      { method, url, headers: req.headers, body, route },
      { accounts: this.#accounts, now: this.#options.now ?? (() => new Date()) },
    );
    if (denied) return denied;
    return dispatch(route, { store: this.#store, maxPageSize: this.#options.maxPageSize ?? 100, url, body });
  }

  #send(res: ServerResponse, record: RecordedRequest, reply: Reply): void {
    const text = JSON.stringify(reply.body);
    record.status = reply.status;
    if (reply.jobId !== undefined) record.jobId = reply.jobId;
    res.writeHead(reply.status, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
      'X-Request-Id': `sandbox-${record.seq}`,
      ...reply.headers,
    });
    res.end(text);
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
