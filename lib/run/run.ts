/**
 * One run: read states → plan (pure) → act (bounded, per-graph errors caught) → confirm (within
 * the time budget) → report. `now` is read once by the caller and passed in; `dryRun` is handled
 * here and nowhere else. One project's failure, of any kind, fails that project's graphs only.
 */
import type { Clock } from '../clock.js';
import type { CredentialResolver } from '../credentials.js';
import type { GesClient } from '../ges/client.js';
import type { Transport, TransportOptions } from '../http/transport.js';
import type { Ledger } from '../ledger/types.js';
import type { Log } from '../log.js';
import type { Config, ProjectConfig } from '../schedule/config.js';
import { isSkipped } from '../schedule/offhours.js';
import { stopSafely } from './act.js';
import { type Decision, decide, outcomeOf } from './plan.js';
import { type ReadProject, readProject } from './project.js';
import { errorFields, logResult, summarize } from './report.js';
import { configuredTargets, projectsInScope, type ResolvedTarget, selectTargets } from './targets.js';
import {
  type GraphResult,
  Outcome,
  type PlanResult,
  type RequestStats,
  type RunRequest,
  type Summary,
} from './types.js';
import { confirmJobs, DEFAULT_POLL, type JobVerdict, type PollSettings } from './verify.js';
import { ScheduleWindows } from './windows.js';

export interface RunDependencies {
  readonly config: Config;
  readonly credentials: CredentialResolver;
  readonly log: Log;
  readonly clock: Clock;
  readonly runId: string;
  /** Epoch ms by which every graph must have its outcome: the Lambda's end minus a safety margin. */
  readonly deadline: number;
  readonly poll?: PollSettings | undefined;
  /** Overrides for the transport built from the config's settings (tests, benchmark). */
  readonly transportOptions?: Partial<TransportOptions> | undefined;
  /** The ledger of stop windows (LEDGER_TABLE); without it nothing is recorded or started by schedule. */
  readonly ledger?: Ledger | undefined;
}

export async function runRequest(request: RunRequest, now: Date, deps: RunDependencies): Promise<Summary> {
  const at = request.action === 'plan' ? (request.at ?? now) : now;
  const { results, requests, graphsInOffHours } =
    request.action === 'plan'
      ? { results: planAll(deps.config, at), requests: undefined, graphsInOffHours: undefined }
      : await reconcile(request, now, deps);
  for (const result of results) if ('outcome' in result) logResult(deps.log, result);
  return summarize({ runId: deps.runId, request, at, results, requests, graphsInOffHours });
}

/** The `plan` action: configuration and `at` only, no API call. */
export function planAll(config: Config, at: Date): PlanResult[] {
  const windows = new ScheduleWindows(config, at);
  return configuredTargets(config).map(({ project, graph }) => {
    const window = windows.windowOf(graph.schedule);
    return {
      projectId: project.projectId,
      graphId: graph.id,
      graphName: graph.name,
      schedule: graph.schedule,
      offHours: window.offHours,
      holiday: window.holiday,
      ...(graph.skipUntil && isSkipped(graph, at) ? { skipUntil: graph.skipUntil.toISOString() } : {}),
      ...iso('prevStop', window.prevStop),
      ...iso('prevStart', window.prevStart),
      ...iso('nextStop', window.nextStop),
      ...iso('nextStart', window.nextStart),
    };
  });
}

function iso<K extends string>(key: K, date: Date | undefined): Partial<Record<K, string>> {
  return date ? ({ [key]: date.toISOString() } as Record<K, string>) : {};
}

/**
 * The HTTP stack (undici) and the GES client, loaded by the first run that calls the API: a plan,
 * or an event refused before any call, never loads them (a chunk of their own in the bundle).
 */
async function loadApi() {
  const [{ Transport }, { GesClient }] = await Promise.all([
    import('../http/transport.js'),
    import('../ges/client.js'),
  ]);
  return { Transport, GesClient };
}

type Planned = { readonly target: ResolvedTarget; readonly decision: Decision };

/** What acting on one project needs, besides its decisions. */
interface Context {
  readonly deps: RunDependencies;
  readonly dryRun: boolean;
  readonly windows: ScheduleWindows;
  /** The instant schedules are evaluated at now: the run's `now` moved on by the time elapsed. */
  readonly scheduleNow: () => Date;
  readonly adHoc: boolean;
  /** An operator who names a graph means it; "all" and scheduled runs respect skipUntil. */
  readonly honourSkipUntil: boolean;
  /** Counted as targets are decided: graphs whose schedule is in off-hours. */
  readonly inOffHours: { count: number };
}

async function reconcile(
  request: Exclude<RunRequest, { action: 'plan' }>,
  now: Date,
  deps: RunDependencies,
): Promise<{ results: GraphResult[]; requests: RequestStats; graphsInOffHours: number | undefined }> {
  const { config, log, clock } = deps;
  const projects = projectsInScope(config, request);
  const { Transport, GesClient } = await loadApi();
  const throttledPacers = new Set<string>();
  const transport: Transport = new Transport({
    concurrency: config.settings.concurrency,
    requestTimeoutMs: config.settings.requestTimeoutMs,
    maxRequestsPerSecond: config.settings.maxRequestsPerSecond,
    now: clock.now,
    // Throttled requests are paced and retried until the deadline: one warning per access key
    // and endpoint says so, the retries themselves are debug.
    onRetry: (event) =>
      event.reason.startsWith('status 429')
        ? log.debug('retrying throttled request', { retry: event })
        : log.warn('retrying request', { retry: event }),
    onThrottle: (event) => {
      if (throttledPacers.has(event.pacer)) return;
      throttledPacers.add(event.pacer);
      log.warn('throttled by the API gateway: pacing requests to this endpoint', {
        origin: event.origin,
        gesCode: event.gesCode,
        retryAfterMs: event.retryAfterMs,
        requestsPerSecond: event.rate,
      });
    },
    ...deps.transportOptions,
  });
  const offset = now.getTime() - clock.now();
  const context: Context = {
    deps,
    dryRun: request.dryRun,
    windows: new ScheduleWindows(config, now),
    scheduleNow: () => new Date(clock.now() + offset),
    adHoc: request.action === 'stop',
    honourSkipUntil: !(request.action === 'stop' && request.graphs !== 'all'),
    inOffHours: { count: 0 },
  };
  const read = (project: ProjectConfig) =>
    readProject(project, {
      credentials: deps.credentials,
      log,
      now: clock.now,
      deadline: deps.deadline,
      newClient: (p, credentials) =>
        new GesClient({ endpoint: p.endpoint, apiVersion: p.apiVersion, credentials, transport }),
    });
  try {
    const results = await actOnProjects(request, projects, read, context);
    const { requests: sent, retries, throttled } = transport.stats;
    const graphsInOffHours = context.adHoc ? undefined : context.inOffHours.count;
    return { results, requests: { sent, retries, throttled }, graphsInOffHours };
  } finally {
    // Every project's work has settled (isolated never rejects): nothing is left in flight.
    await transport.close();
  }
}

async function actOnProjects(
  request: Exclude<RunRequest, { action: 'plan' }>,
  projects: readonly ProjectConfig[],
  read: (project: ProjectConfig) => Promise<ReadProject>,
  context: Context,
): Promise<GraphResult[]> {
  const { log } = context.deps;
  if (request.action === 'stop') {
    // Names may point into any project: every listing first, so that an unknown or ambiguous
    // name refuses the request before anything is stopped.
    const listed = await Promise.all(projects.map(read));
    const clients = new Map(projects.map((p, i) => [p, listed[i]!.client]));
    const selected = selectTargets(
      request,
      listed.flatMap((l) => l.targets),
    );
    return (
      await Promise.all(
        projects.map((project) => {
          const targets = selected.filter((t) => t.project === project);
          const entries = targets.map((t) => ({
            id: t.live?.id ?? t.graph.id,
            name: t.live?.name ?? t.graph.name,
          }));
          return isolated(project, entries, log, () => actOnProject(targets, clients.get(project), context));
        }),
      )
    ).flat();
  }
  // Scheduled: each project acts as soon as its own listing is in, so a slow secret or
  // endpoint in one project never eats the time of the others.
  return (
    await Promise.all(
      projects.map((project) =>
        isolated(project, project.graphs, log, async () => {
          const { client, targets } = await read(project);
          return actOnProject(targets, client, context);
        }),
      ),
    )
  ).flat();
}

/**
 * Runs one project's work; anything it throws (a bug included) becomes a failed result for each
 * of that project's graphs, and never touches another project's work in flight.
 */
async function isolated(
  project: ProjectConfig,
  graphs: readonly { readonly id?: string | undefined; readonly name?: string | undefined }[],
  log: Log,
  work: () => Promise<GraphResult[]>,
): Promise<GraphResult[]> {
  try {
    return await work();
  } catch (error) {
    const { errorCode, message } = errorFields(error);
    log.error('project failed', { projectId: project.projectId, errorCode, error: message });
    return graphs.map((g) => ({
      projectId: project.projectId,
      graphId: g.id,
      graphName: g.name,
      outcome: Outcome.failed,
      errorCode,
      message: `project ${project.projectId}: ${message}`,
    }));
  }
}

/** Decide, act (stop, or report what would be stopped), then confirm, for one project's targets. */
async function actOnProject(
  targets: readonly ResolvedTarget[],
  client: GesClient | undefined,
  context: Context,
): Promise<GraphResult[]> {
  const planned = targets.map((target) => ({ target, decision: decideFor(target, context) }));
  if (!context.adHoc) {
    context.inOffHours.count += targets.filter(
      (t) => context.windows.windowOf(t.graph.schedule).offHours,
    ).length;
  }
  const acted = await Promise.all(
    planned.map((p) =>
      actOnGraph(p, client, context).catch((error: unknown) =>
        baseResult(p.target, Outcome.failed, errorFields(error)),
      ),
    ),
  );
  const { deps, dryRun } = context;
  const jobs = acted.flatMap((r) =>
    r.outcome === Outcome.stopped && r.graphId !== undefined
      ? [{ graphId: r.graphId, jobId: r.jobId, goal: 'stopped' as const }]
      : [],
  );
  if (!deps.config.settings.verifyJobs || dryRun || jobs.length === 0 || !client) return acted;
  let verdicts: Map<string, JobVerdict>;
  try {
    ({ verdicts } = await confirmJobs({
      client,
      projectId: targets[0]!.project.projectId,
      jobs,
      deadline: deps.deadline,
      clock: deps.clock,
      poll: deps.poll ?? DEFAULT_POLL,
    }));
  } catch (error) {
    // The stops went out: keep their job ids, and fail them loudly, since nothing confirmed them.
    const { errorCode, message } = errorFields(error);
    return acted.map((r) =>
      r.outcome === Outcome.stopped
        ? {
            ...r,
            outcome: Outcome.failed,
            errorCode,
            message: `the stop was accepted but could not be confirmed: ${message}`,
          }
        : r,
    );
  }
  return acted.map((result) => {
    const verdict = result.graphId === undefined ? undefined : verdicts.get(result.graphId);
    if (!verdict || result.outcome !== Outcome.stopped) return result;
    if (verdict.jobStatus === 'failed') {
      return {
        ...result,
        outcome: Outcome.failed,
        jobStatus: 'failed',
        errorCode: 'JOB_FAILED',
        message: verdict.failReason!,
      };
    }
    const message = verdict.note ?? result.message;
    return { ...result, jobStatus: verdict.jobStatus, ...(message === undefined ? {} : { message }) };
  });
}

async function actOnGraph(
  { target, decision }: Planned,
  client: GesClient | undefined,
  context: Context,
): Promise<GraphResult> {
  const { deps } = context;
  if (decision.kind !== 'stop') return baseResult(target, outcomeOf(decision), decision);
  if (context.dryRun) return baseResult(target, Outcome.wouldStop, { message: 'graph is running' });
  if (!client) throw new Error('no client for a project that was listed');
  const stop = await stopSafely({
    client,
    projectId: target.project.projectId,
    graphId: target.live!.id,
    deadline: deps.deadline,
    now: deps.clock.now,
    log: deps.log,
    stillWanted: context.adHoc ? undefined : () => offHoursEnded(target, context),
  });
  if (stop.kind !== 'stopped') return baseResult(target, outcomeOf(stop), stop);
  return {
    ...baseResult(target, Outcome.stopped, stop.message === undefined ? {} : { message: stop.message }),
    ...(stop.jobId === undefined ? {} : { jobId: stop.jobId }),
  };
}

/** Why a scheduled stop must not leave any more, or undefined while its off-hours last. */
function offHoursEnded(target: ResolvedTarget, context: Context): string | undefined {
  const at = context.scheduleNow();
  if (context.windows.isOffHoursAt(target.graph.schedule, at)) return undefined;
  return `off-hours of schedule "${target.graph.schedule}" ended (at ${at.toISOString()}) before the stop could be sent`;
}

function decideFor(target: ResolvedTarget, context: Context): Decision {
  const { adHoc } = context;
  return decide({
    state: target.live?.state,
    problem: target.problem,
    offHours: adHoc ? undefined : context.windows.windowOf(target.graph.schedule).offHours,
    skipUntil: target.graph.skipUntil,
    honourSkipUntil: context.honourSkipUntil,
    now: context.scheduleNow(),
  });
}

function baseResult(
  target: ResolvedTarget,
  outcome: Outcome,
  detail: { reason?: GraphResult['reason']; errorCode?: string; message?: string },
): GraphResult {
  return {
    projectId: target.project.projectId,
    graphId: target.live?.id ?? target.graph.id,
    graphName: target.live?.name ?? target.graph.name,
    outcome,
    ...(target.selectedBy === undefined ? {} : { selectedBy: target.selectedBy }),
    ...(detail.reason === undefined ? {} : { reason: detail.reason }),
    ...(detail.errorCode === undefined ? {} : { errorCode: detail.errorCode }),
    ...(detail.message === undefined ? {} : { message: detail.message }),
  };
}
