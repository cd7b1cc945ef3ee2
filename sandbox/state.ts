/**
 * The sandbox's graphs. Jobs need no timers (job-book.ts): every read settles the graphs whose
 * job has ended by then (lazy state), and shows a lagging status while a read lag lasts.
 */
import { JobBook, type JobRecord, type JobView } from './job-book.js';
import type { SandboxGraph } from './types.js';

export type { JobType, JobView } from './job-book.js';

export interface GraphSnapshot extends Readonly<SandboxGraph> {
  readonly created: Date;
}

interface GraphEntry {
  graph: SandboxGraph;
  readonly created: Date;
  /** The job that holds the graph in a transitional status (901, 920), until it is settled. */
  job?: JobRecord | undefined;
  /** What list and get show until `untilMs` (read lag after an accepted stop or start). */
  lag?: { readonly untilMs: number; readonly status: string } | undefined;
}

/** Whose view a read takes: the truth (tests, `sandbox.graph()`), or what GES's list and get serve. */
export type ReadView = 'truth' | 'served';

export type ActionResult =
  | { readonly ok: true; readonly jobId: string }
  | { readonly ok: false; readonly error: 'graph-not-found' | 'not-running' | 'not-stopped' };

/** Fields a test may change on a live graph. Setting `status` abandons the graph's running job. */
export type GraphPatch = Partial<
  Pick<
    SandboxGraph,
    'name' | 'status' | 'stopJob' | 'failReason' | 'startJob' | 'startFailReason' | 'readLagMs'
  >
>;

export interface GraphStoreOptions {
  readonly graphs: readonly SandboxGraph[];
  readonly jobDurationMs: number;
  /** Default `jobDurationMs`. */
  readonly startJobDurationMs?: number | undefined;
  /** Default 0. */
  readonly readLagMs?: number | undefined;
  readonly seed: number;
  readonly clock?: (() => number) | undefined;
}

const CREATED_BASE = Date.UTC(2026, 0, 5, 8, 0, 0);

const key = (projectId: string, graphId: string) => `${projectId}/${graphId}`;

export class GraphStore {
  readonly #graphs = new Map<string, GraphEntry>();
  readonly #byProject = new Map<string, GraphEntry[]>();
  readonly #jobs: JobBook;
  readonly #jobDurationMs: number;
  readonly #startJobDurationMs: number;
  readonly #readLagMs: number;
  readonly #clock: () => number;
  #createdCount = 0;

  constructor(options: GraphStoreOptions) {
    this.#jobDurationMs = options.jobDurationMs;
    this.#startJobDurationMs = options.startJobDurationMs ?? options.jobDurationMs;
    this.#readLagMs = options.readLagMs ?? 0;
    this.#clock = options.clock ?? Date.now;
    this.#jobs = new JobBook(options.seed, this.#clock);
    for (const graph of options.graphs) this.add(graph);
  }

  has(projectId: string, graphId: string): boolean {
    return this.#graphs.has(key(projectId, graphId));
  }

  /** Creates a graph, at the end of its project's listing order or at index `at` of it. */
  add(graph: SandboxGraph, at?: number): GraphSnapshot {
    const k = key(graph.projectId, graph.id);
    if (this.#graphs.has(k)) throw new Error(`duplicate graph ${k}`);
    if (at !== undefined && !(Number.isInteger(at) && at >= 0))
      throw new Error(`a graph's place in the listing is a whole number >= 0, got ${at}`);
    const created = new Date(CREATED_BASE + this.#createdCount++ * 60_000);
    const entry: GraphEntry = { graph: { ...graph }, created };
    this.#graphs.set(k, entry);
    const list = this.#byProject.get(graph.projectId) ?? [];
    list.splice(at ?? list.length, 0, entry);
    this.#byProject.set(graph.projectId, list);
    return this.#snapshot(entry);
  }

  /**
   * Deletes a graph; later pages of a listing move up by one. Its jobs' status route answers as
   * for an unknown graph; the job centre still lists them.
   */
  remove(projectId: string, graphId: string): void {
    const entry = this.#graphs.get(key(projectId, graphId));
    if (!entry) throw new Error(`no graph ${key(projectId, graphId)} in the sandbox`);
    this.#graphs.delete(key(projectId, graphId));
    const list = this.#byProject.get(projectId) ?? [];
    list.splice(list.indexOf(entry), 1);
  }

  /** The project's graphs in listing order at this moment; `total` is its graph count now. */
  list(
    projectId: string,
    offset: number,
    limit: number,
    view: ReadView = 'truth',
  ): { total: number; graphs: GraphSnapshot[] } {
    const entries = this.#byProject.get(projectId) ?? [];
    const page = entries.slice(offset, offset + limit).map((e) => this.#snapshot(e, view));
    return { total: entries.length, graphs: page };
  }

  get(projectId: string, graphId: string, view: ReadView = 'truth'): GraphSnapshot | undefined {
    const entry = this.#graphs.get(key(projectId, graphId));
    return entry && this.#snapshot(entry, view);
  }

  all(projectId?: string): GraphSnapshot[] {
    const entries =
      projectId === undefined ? [...this.#graphs.values()] : (this.#byProject.get(projectId) ?? []);
    return entries.map((e) => this.#snapshot(e));
  }

  update(projectId: string, graphId: string, patch: GraphPatch): GraphSnapshot {
    const entry = this.#graphs.get(key(projectId, graphId));
    if (!entry) throw new Error(`no graph ${key(projectId, graphId)} in the sandbox`);
    this.#settle(entry);
    if (patch.status !== undefined) {
      entry.job = undefined;
      entry.lag = undefined;
    }
    entry.graph = { ...entry.graph, ...patch };
    return this.#snapshot(entry);
  }

  /**
   * Stop: only a running graph ('200') can be stopped; every other status, stopping and stopped
   * included, answers GES.7001 "The graph is not running." (the spec's failure example). GES.7003
   * is not used; a `status` fault can produce it. Start: only a stopped graph ('900'), else GES.7015.
   */
  act(projectId: string, graphId: string, action: 'stop' | 'start'): ActionResult {
    const entry = this.#graphs.get(key(projectId, graphId));
    if (!entry) return { ok: false, error: 'graph-not-found' };
    this.#settle(entry);
    const { status } = entry.graph;
    if (action === 'stop' && status !== '200') return { ok: false, error: 'not-running' };
    if (action === 'start' && status !== '900') return { ok: false, error: 'not-stopped' };
    const { graph } = entry;
    const stop = action === 'stop';
    const job = this.#jobs.create({
      projectId,
      graphKey: key(projectId, graphId),
      graphName: graph.name,
      type: stop ? 'StopGraph' : 'StartGraph',
      durationMs: stop ? this.#jobDurationMs : this.#startJobDurationMs,
      outcome: (stop ? graph.stopJob : graph.startJob) ?? 'success',
      during: stop ? '901' : '920',
      onSuccess: stop ? '900' : '200',
      onFailure: status,
      failReason: (stop ? graph.failReason : graph.startFailReason) ?? `Failed to ${action} the graph.`,
    });
    entry.job = job;
    entry.graph = { ...graph, status: job.during };
    const lagMs = graph.readLagMs ?? this.#readLagMs;
    entry.lag = lagMs > 0 ? { untilMs: job.beginMs + lagMs, status } : undefined;
    return { ok: true, jobId: job.id };
  }

  /** A job of this graph; undefined when the id is unknown or belongs to another graph. */
  job(projectId: string, graphId: string, jobId: string): JobView | undefined {
    const job = this.#jobs.get(jobId);
    if (!job || job.graphKey !== key(projectId, graphId)) return undefined;
    return this.#jobs.view(job);
  }

  /** Every stop and start job of the project, newest first; deleted graphs' jobs included. */
  jobsOf(projectId: string): JobView[] {
    return this.#jobs.ofProject(projectId);
  }

  #settle(entry: GraphEntry): void {
    const { job } = entry;
    if (!job) return;
    const status = this.#jobs.status(job);
    if (status === 'running') return;
    entry.graph = { ...entry.graph, status: status === 'success' ? job.onSuccess : job.onFailure };
    entry.job = undefined;
  }

  #snapshot(entry: GraphEntry, view: ReadView = 'truth'): GraphSnapshot {
    this.#settle(entry);
    const { lag } = entry;
    if (view === 'served' && lag && this.#clock() < lag.untilMs)
      return { ...entry.graph, status: lag.status, created: entry.created };
    return { ...entry.graph, created: entry.created };
  }
}
