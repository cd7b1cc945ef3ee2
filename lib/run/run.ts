/**
 * One run: read states → plan (pure) → act (bounded, per-graph errors caught) → confirm (within
 * the time budget) → report. `now` is read once by the caller and passed in; `dryRun` is handled
 * here and nowhere else. One project's failure, of any kind, fails that project's graphs only.
 */
import { type Clock, timerMs } from '../clock.js';
import type { CredentialResolver } from '../credentials.js';
import type { Transport, TransportOptions } from '../http/transport.js';
import type { Ledger } from '../ledger/types.js';
import type { Log } from '../log.js';
import type { Config, ProjectConfig } from '../schedule/config.js';
import { isSkipped } from '../schedule/offhours.js';
import { actOnProject, type Context } from './execute.js';
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
}

/** Distinct ledger problems kept in the summary: the first few say what is wrong. */
const MAX_LEDGER_ERRORS = 5;

/** Every action but `report` and `history`, which read the ledger only (lib/report, routed by invoke). */
export async function runRequest(
  request: Exclude<RunRequest, { action: 'report' | 'history' }>,
  now: Date,
  deps: RunDependencies,
): Promise<Summary> {
  const at = request.action === 'plan' ? (request.at ?? now) : now;
  const { results, ...extra } =
    request.action === 'plan'
      ? { results: planAll(deps.config, at), note: planNote(deps.config) }
      : await reconcile(request, now, deps);
  for (const result of results) if ('outcome' in result) logResult(deps.log, result);
  return summarize({ runId: deps.runId, request, at, results, ...extra });
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

function startsGraphs(config: Config): boolean {
  return (
    Object.values(config.schedules).some((s) => s.startGraphs) ||
    config.projects.some((p) => p.graphs.some((g) => g.startGraphs))
  );
}

/** A plan reads the config only: it cannot see the graphs a `scheduleTag` selects, and says so. */
function planNote(config: Config): string | undefined {
  const tagged = config.projects.filter((p) => p.scheduleTag !== undefined).map((p) => p.projectId);
  if (tagged.length === 0) return undefined;
  return (
    `plan reads the configuration only: graphs that project${tagged.length > 1 ? 's' : ''} ${tagged.join(', ')} ` +
    'select by their scheduleTag are not shown; a dry run ({"dryRun": true}) lists them'
  );
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

async function reconcile(
  request: Exclude<RunRequest, { action: 'plan' | 'report' | 'history' }>,
  now: Date,
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
      ledger: deps.ledger,
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

async function actOnProjects(
  request: Exclude<RunRequest, { action: 'plan' | 'report' | 'history' }>,
  projects: readonly ProjectConfig[],
  read: (project: ProjectConfig) => Promise<ReadProject>,
  context: Context,
): Promise<GraphResult[]> {
  const { log } = context.deps;
  if (request.action !== 'reconcile') {
    // Names may point into any project: every listing first, so that an unknown or ambiguous
    // name refuses the request before anything is stopped.
    const listed = await Promise.all(projects.map(read));
    const byProject = new Map(projects.map((p, i) => [p, listed[i]!]));
    const selected = selectTargets(
      request,
      listed.flatMap((l) => l.targets),
    );
    return (
      await Promise.all(
        projects.map((project) => {
          const targets = selected.filter((t) => t.project === project);
          const { client, listed: size } = byProject.get(project)!;
          return isolated(project, targets.map(entryOf), log, () =>
            actOnProject(targets, client, context, size),
          );
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
        const { client, targets, listed } = await read(project);
        return isolated(project, targets.map(entryOf), log, () =>
          actOnProject(targets, client, context, listed),
        );
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
