/**
 * One run: read states → plan (pure) → act (bounded, per-graph errors caught) → verify (within the
 * time budget) → report. `now` is read once by the caller and passed in; `dryRun` is handled here
 * and nowhere else.
 */
import type { Clock } from '../clock.js';
import type { CredentialResolver } from '../credentials.js';
import { DeadlineExceededError } from '../errors.js';
import type { GesClient } from '../ges/client.js';
import type { Transport, TransportOptions } from '../http/transport.js';
import type { Log } from '../log.js';
import type { Config, ProjectConfig } from '../schedule/config.js';
import { evaluateSchedule, isSkipped, type ScheduleWindow } from '../schedule/offhours.js';
import { stopSafely } from './act.js';
import { type Decision, decide, outcomeOf } from './plan.js';
import { errorFields, logResult, summarize } from './report.js';
import {
  configuredTargets,
  projectsInScope,
  type ResolvedTarget,
  resolveTargets,
  selectTargets,
} from './targets.js';
import { type GraphResult, Outcome, type PlanResult, type RunRequest, type Summary } from './types.js';
import { DEFAULT_POLL, type PollSettings, waitForJob } from './verify.js';

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
}

export async function runRequest(request: RunRequest, now: Date, deps: RunDependencies): Promise<Summary> {
  const at = request.action === 'plan' ? (request.at ?? now) : now;
  const results = request.action === 'plan' ? planAll(deps.config, at) : await reconcile(request, now, deps);
  for (const result of results) if ('outcome' in result) logResult(deps.log, result);
  return summarize({ runId: deps.runId, request, at, results });
}

/** The `plan` action: configuration and `at` only, no API call. */
export function planAll(config: Config, at: Date): PlanResult[] {
  const windowOf = perSchedule(config, at);
  return configuredTargets(config).map(({ project, graph }) => {
    const window = windowOf(graph.schedule);
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
 * Each schedule evaluated once per run, not once per graph: the answer depends on the schedule and
 * the instant only (a thousand graphs on one schedule cost one evaluation, not a thousand).
 */
function perSchedule(config: Config, at: Date): (schedule: string) => ScheduleWindow {
  const cache = new Map<string, ScheduleWindow>();
  return (name) => {
    let window = cache.get(name);
    if (!window) {
      window = evaluateSchedule(config.schedules[name]!, at);
      cache.set(name, window);
    }
    return window;
  };
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

type Api = { readonly transport: Transport; readonly GesClient: typeof GesClient };

type Planned = { readonly target: ResolvedTarget; readonly decision: Decision };

async function reconcile(
  request: Exclude<RunRequest, { action: 'plan' }>,
  now: Date,
  deps: RunDependencies,
): Promise<GraphResult[]> {
  const { config, log, clock } = deps;
  const projects = projectsInScope(config, request);
  const { Transport, GesClient } = await loadApi();
  const transport = new Transport({
    concurrency: config.settings.concurrency,
    requestTimeoutMs: config.settings.requestTimeoutMs,
    now: clock.now,
    onRetry: (event) => log.warn('retrying request', { retry: event }),
    ...deps.transportOptions,
  });
  try {
    const clients = new Map<ProjectConfig, GesClient>();
    const read = (project: ProjectConfig) => readProject(project, deps, { transport, GesClient }, clients);
    const windowOf = perSchedule(config, now);
    const planAndAct = (targets: readonly ResolvedTarget[]) =>
      actOn(
        targets.map((target) => ({ target, decision: decideFor(target, request, windowOf, now) })),
        request.dryRun,
        deps,
        clients,
      );
    if (request.action === 'stop') {
      // Names may point into any project: every listing first, so that an unknown or ambiguous
      // name refuses the request before anything is stopped.
      const resolved = (await Promise.all(projects.map(read))).flat();
      return await planAndAct(selectTargets(request, resolved));
    }
    // Scheduled: each project acts as soon as its own listing is in, so a slow secret or
    // endpoint in one project never eats the time of the others.
    return (await Promise.all(projects.map(async (project) => planAndAct(await read(project))))).flat();
  } finally {
    await transport.close();
  }
}

/** Act on one set of decisions: stop (or, in a dry run, report) what was planned, then verify. */
async function actOn(
  planned: readonly Planned[],
  dryRun: boolean,
  deps: RunDependencies,
  clients: Map<ProjectConfig, GesClient>,
): Promise<GraphResult[]> {
  const { log, clock, deadline } = deps;
  const acted = await Promise.all(
    planned.map(async ({ target, decision }) => {
      if (decision.kind !== 'stop') return baseResult(target, outcomeOf(decision), decision);
      if (dryRun) return baseResult(target, Outcome.wouldStop, { message: 'graph is running' });
      const stop = await stopSafely({
        client: clients.get(target.project)!,
        projectId: target.project.projectId,
        graphId: target.live!.id,
        deadline,
        now: clock.now,
        log,
      });
      if (stop.kind !== 'stopped') return baseResult(target, outcomeOf(stop), stop);
      return {
        ...baseResult(target, Outcome.stopped, stop.message === undefined ? {} : { message: stop.message }),
        ...(stop.jobId === undefined ? {} : { jobId: stop.jobId }),
      };
    }),
  );
  if (!deps.config.settings.verifyJobs || dryRun) return acted;
  return Promise.all(acted.map((result, i) => verify(result, planned[i]!.target, deps, clients)));
}

/** Credentials, client and listing for one project; any failure fails that project's graphs only. */
async function readProject(
  project: ProjectConfig,
  deps: RunDependencies,
  api: Api,
  clients: Map<ProjectConfig, GesClient>,
): Promise<ResolvedTarget[]> {
  const targets = project.graphs.map((graph) => ({ project, graph }));
  try {
    if (deps.clock.now() >= deps.deadline) throw new DeadlineExceededError(undefined);
    // The resolver aborts its reads at the deadline; this also bounds a source that ignores that.
    const credentials = await beforeDeadline(deps.credentials.resolve(project.credentialsSecret), deps);
    const client = new api.GesClient({
      endpoint: project.endpoint,
      apiVersion: project.apiVersion,
      credentials,
      transport: api.transport,
    });
    clients.set(project, client);
    const listing = await client.listGraphs(project.projectId, { deadline: deps.deadline });
    return resolveTargets(targets, listing);
  } catch (error) {
    const { errorCode, message } = errorFields(error);
    deps.log.error('project failed', { projectId: project.projectId, errorCode, error: message });
    const problem = { errorCode, message: `project ${project.projectId}: ${message}` };
    return targets.map((target) => ({ ...target, live: undefined, problem, unlisted: true }));
  }
}

/** Settles as `work` does, or rejects with DeadlineExceededError when the deadline comes first. */
async function beforeDeadline<T>(
  work: Promise<T>,
  deps: Pick<RunDependencies, 'deadline' | 'clock'>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    const left = Math.max(0, deps.deadline - deps.clock.now());
    timer = setTimeout(() => reject(new DeadlineExceededError(undefined)), left);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function decideFor(
  target: ResolvedTarget,
  request: RunRequest,
  windowOf: (schedule: string) => ScheduleWindow,
  now: Date,
): Decision {
  const adHoc = request.action === 'stop';
  return decide({
    state: target.live?.state,
    problem: target.problem,
    offHours: adHoc ? undefined : windowOf(target.graph.schedule).offHours,
    skipUntil: target.graph.skipUntil,
    // An operator who names a graph means it; "all" and scheduled runs respect skipUntil.
    honourSkipUntil: !(adHoc && request.graphs !== 'all'),
    now,
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
    ...(detail.reason === undefined ? {} : { reason: detail.reason }),
    ...(detail.errorCode === undefined ? {} : { errorCode: detail.errorCode }),
    ...(detail.message === undefined ? {} : { message: detail.message }),
  };
}

async function verify(
  result: GraphResult,
  target: ResolvedTarget,
  deps: RunDependencies,
  clients: Map<ProjectConfig, GesClient>,
): Promise<GraphResult> {
  if (result.outcome !== Outcome.stopped || result.jobId === undefined) return result;
  const verdict = await waitForJob({
    client: clients.get(target.project)!,
    projectId: result.projectId,
    graphId: result.graphId!,
    jobId: result.jobId,
    deadline: deps.deadline,
    clock: deps.clock,
    poll: deps.poll ?? DEFAULT_POLL,
  });
  switch (verdict.jobStatus) {
    case 'success':
      return { ...result, jobStatus: 'success' };
    case 'failed':
      return {
        ...result,
        outcome: Outcome.failed,
        jobStatus: 'failed',
        errorCode: 'JOB_FAILED',
        message: verdict.failReason!,
      };
    case 'running':
      return {
        ...result,
        jobStatus: 'running',
        ...(verdict.note === undefined ? {} : { message: verdict.note }),
      };
  }
}
