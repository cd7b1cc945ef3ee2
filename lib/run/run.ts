/**
 * One run: read states → plan (pure) → act (bounded, per-graph errors caught) → confirm (within
 * the time budget) → report. `now` is read once by the caller and passed in; `dryRun` is handled
 * here and nowhere else. One project's failure, of any kind, fails that project's graphs only.
 */
import { type Clock, timerMs } from '../clock.js';
import type { CredentialResolver } from '../credentials.js';
import type { Transport, TransportOptions } from '../http/transport.js';
import { ledgerAsOf } from '../ledger/as-of.js';
import type { Ledger } from '../ledger/types.js';
import type { Log } from '../log.js';
import type { PauseStore } from '../pause/store.js';
import type { Config, ProjectConfig } from '../schedule/config.js';
import { actOnProject, type Context } from './execute.js';
import { pauseAt, pausedRun } from './paused.js';
import { planAction } from './plan-action.js';
import type { RunProgress } from './progress.js';
import { type ReadProject, readProject } from './project.js';
import { errorFields, logResult, summarize } from './report.js';
import { projectsInScope, type ResolvedTarget, selectTargets } from './targets.js';
import { type GraphResult, Outcome, type RequestStats, type RunRequest, type Summary } from './types.js';
import type { PollSettings } from './verify.js';
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
  /** The clock's reading when the invocation began, which `now` stands for (default: the run's start). */
  readonly started?: number | undefined;
  /** Where the pause is kept (the ledger table); without it no run is ever paused. */
  readonly pauses?: PauseStore | undefined;
  /** Filled in as the run goes, for a terminal to show (never the handler's). */
  readonly progress?: RunProgress | undefined;
}

/** Distinct ledger problems kept in the summary: the first few say what is wrong. */
const MAX_LEDGER_ERRORS = 5;

export { planAll } from './plan-action.js';

/** The actions that decide about graphs (the others are routed by invoke: report, history, pause, resume). */
export type GraphRequest = Extract<RunRequest, { action: 'reconcile' | 'stop' | 'start' | 'plan' }>;
type ActingRequest = Exclude<GraphRequest, { action: 'plan' }>;

export async function runRequest(request: GraphRequest, now: Date, deps: RunDependencies): Promise<Summary> {
  // A plan's `at`, or a rehearsal's (dry runs only): decisions are made as at that instant.
  const at = request.at ?? now;
  const { results, ...extra } =
    request.action === 'plan' ? await planAction(deps, at) : await scheduledOrAdHoc(request, at, now, deps);
  for (const result of results) if ('outcome' in result) logResult(deps.log, result);
  return summarize({ runId: deps.runId, request, at, results, ...extra });
}

/** A scheduled run under a pause skips everything; a pause that cannot be read fails the run afterwards. */
async function scheduledOrAdHoc(request: ActingRequest, at: Date, now: Date, deps: RunDependencies) {
  if (request.action !== 'reconcile') return reconcile(request, at, now, deps);
  const { paused, problem } = await pauseAt(deps.pauses, at, {
    log: deps.log,
    timeoutMs: deps.deadline - deps.clock.now(),
  });
  if (paused) {
    deps.log.info('scheduled run skipped: paused', { paused });
    return { ...pausedRun(deps.config, paused, at), paused };
  }
  const ran = await reconcile(request, at, now, deps);
  return problem === undefined ? ran : { ...ran, ledgerErrors: [problem, ...ran.ledgerErrors] };
}

function startsGraphs(config: Config): boolean {
  return (
    Object.values(config.schedules).some((s) => s.startGraphs) ||
    config.projects.some((p) => p.graphs.some((g) => g.startGraphs))
  );
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

/** `now` is the instant schedules are evaluated at: `at` when rehearsing; `today` is the invocation's. */
async function reconcile(
  request: ActingRequest,
  now: Date,
  today: Date,
  deps: RunDependencies,
): Promise<{
  results: GraphResult[];
  requests: RequestStats;
  graphsInOffHours: number | undefined;
  ledgerErrors: string[];
}> {
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
  // `now` stands for the invocation's start: schedules move on with the clock from there.
  if (!deps.ledger && startsGraphs(config)) {
    log.warn('config warning', {
      path: 'startGraphs',
      warning:
        'no ledger of stop windows (LEDGER_TABLE is not set): nothing is recorded, and no graph is started by schedule',
    });
  }
  const offset = now.getTime() - (deps.started ?? clock.now());
  const ledgerProblems: string[] = [];
  const context: Context = {
    deps,
    action: request.action,
    dryRun: request.dryRun,
    windows: new ScheduleWindows(config, now),
    scheduleNow: () => new Date(clock.now() + offset),
    honourSkipUntil: request.action === 'reconcile' || request.graphs === 'all',
    ledger: {
      ledger: rehearsedLedger(deps.ledger, request, today),
      // Ledger calls end with the run: whole ms, as AbortSignal.timeout requires.
      signal: AbortSignal.timeout(timerMs(deps.deadline - clock.now())),
      log,
      runId: deps.runId,
      problems: ledgerProblems,
    },
    inOffHours: { count: 0 },
  };
  const read = (project: ProjectConfig) =>
    readProject(project, {
      config,
      credentials: deps.credentials,
      log,
      now: clock.now,
      deadline: deps.deadline,
      newClient: (p, credentials) =>
        new GesClient({ endpoint: p.endpoint, apiVersion: p.apiVersion, credentials, transport }),
    });
  const { progress } = deps;
  progress?.watchRequests(() => {
    const { requests: sent, retries, throttled } = transport.stats;
    return { sent, retries, throttled };
  });
  try {
    const results = await actOnProjects(request, projects, read, context);
    const { requests: sent, retries, throttled } = transport.stats;
    const graphsInOffHours = request.action === 'reconcile' ? context.inOffHours.count : undefined;
    const ledgerErrors = [...new Set(ledgerProblems)].slice(0, MAX_LEDGER_ERRORS);
    return { results, requests: { sent, retries, throttled }, graphsInOffHours, ledgerErrors };
  } finally {
    // Every project's work has settled (isolated never rejects): nothing is left in flight.
    await transport.close();
  }
}

/** A rehearsal reads the ledger as at its instant (and can never write to it). */
function rehearsedLedger(
  ledger: Ledger | undefined,
  request: ActingRequest,
  today: Date,
): Ledger | undefined {
  return ledger && request.at ? ledgerAsOf(ledger, request.at, today) : ledger;
}

async function actOnProjects(
  request: ActingRequest,
  projects: readonly ProjectConfig[],
  read: (project: ProjectConfig) => Promise<ReadProject>,
  context: Context,
): Promise<GraphResult[]> {
  const { log, progress } = context.deps;
  const settled = (results: GraphResult[]) => {
    progress?.finished(results.length);
    return results;
  };
  if (request.action !== 'reconcile') {
    // Names may point into any project: every listing first, so that an unknown or ambiguous
    // name refuses the request before anything is stopped.
    const listed = await Promise.all(projects.map(read));
    const byProject = new Map(projects.map((p, i) => [p, listed[i]!]));
    const selected = selectTargets(
      request,
      listed.flatMap((l) => l.targets),
    );
    progress?.listed(selected.length);
    return (
      await Promise.all(
        projects.map((project) => {
          const targets = selected.filter((t) => t.project === project);
          return isolated(project, targets.map(entryOf), log, () =>
            actOnProject(targets, byProject.get(project)!, context),
          ).then(settled);
        }),
      )
    ).flat();
  }
  // Scheduled: each project acts as soon as its own listing is in, so a slow secret or
  // endpoint in one project never eats the time of the others.
  return (
    await Promise.all(
      projects.map(async (project) => {
        // readProject turns its own failures into failed targets; what it read (tag-selected
        // graphs included) is what a failure after it must answer for.
        const view = await read(project);
        progress?.listed(view.targets.length);
        return isolated(project, view.targets.map(entryOf), log, () =>
          actOnProject(view.targets, view, context),
        ).then(settled);
      }),
    )
  ).flat();
}

function entryOf(t: ResolvedTarget) {
  return { id: t.live?.id ?? t.graph.id, name: t.live?.name ?? t.graph.name };
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
