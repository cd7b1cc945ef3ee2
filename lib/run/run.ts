/**
 * One run: read states → plan (pure) → act (bounded, per-graph errors caught) → verify (within the
 * time budget) → report. `now` is read once by the caller and passed in; `dryRun` is handled here
 * and nowhere else.
 */
import type { Clock } from '../clock.js';
import type { CredentialResolver } from '../credentials.js';
import { DeadlineExceededError } from '../errors.js';
import { GesClient } from '../ges/client.js';
import { Transport, type TransportOptions } from '../http/transport.js';
import type { Log } from '../log.js';
import type { Config, ProjectConfig } from '../schedule/config.js';
import { evaluateSchedule } from '../schedule/offhours.js';
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
  return configuredTargets(config).map(({ project, graph }) => {
    const schedule = config.schedules[graph.schedule]!;
    const window = evaluateSchedule(schedule, at);
    return {
      projectId: project.projectId,
      graphId: graph.id,
      graphName: graph.name,
      schedule: graph.schedule,
      offHours: window.offHours,
      holiday: window.holiday,
      ...(graph.skipUntil && graph.skipUntil > at ? { skipUntil: graph.skipUntil.toISOString() } : {}),
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

type Planned = { readonly target: ResolvedTarget; readonly decision: Decision };

async function reconcile(
  request: Exclude<RunRequest, { action: 'plan' }>,
  now: Date,
  deps: RunDependencies,
): Promise<GraphResult[]> {
  const { config, log, clock, deadline } = deps;
  const projects = projectsInScope(config, request);
  const transport = new Transport({
    concurrency: config.settings.concurrency,
    requestTimeoutMs: config.settings.requestTimeoutMs,
    now: clock.now,
    onRetry: (event) => log.warn('retrying request', { retry: event }),
    ...deps.transportOptions,
  });
  try {
    const clients = new Map<ProjectConfig, GesClient>();
    const resolved = (
      await Promise.all(projects.map((project) => readProject(project, deps, transport, clients)))
    ).flat();
    const targets = request.action === 'stop' ? selectTargets(request, resolved) : resolved;
    const planned: Planned[] = targets.map((target) => ({
      target,
      decision: decideFor(target, request, config, now),
    }));

    const acted = await Promise.all(
      planned.map(async ({ target, decision }) => {
        if (decision.kind !== 'stop') return baseResult(target, outcomeOf(decision), decision);
        if (request.dryRun) return baseResult(target, Outcome.wouldStop, { message: 'graph is running' });
        const graphId = target.live!.id;
        const client = clients.get(target.project)!;
        const stop = await stopSafely({
          client,
          projectId: target.project.projectId,
          graphId,
          deadline,
          now: clock.now,
          log,
        });
        if (stop.kind === 'stopped') {
          return {
            ...baseResult(
              target,
              Outcome.stopped,
              stop.message === undefined ? {} : { message: stop.message },
            ),
            ...(stop.jobId === undefined ? {} : { jobId: stop.jobId }),
          };
        }
        return baseResult(target, outcomeOf(stop), stop);
      }),
    );
    if (!config.settings.verifyJobs || request.dryRun) return acted;
    return await Promise.all(acted.map((result, i) => verify(result, planned[i]!.target, deps, clients)));
  } finally {
    await transport.close();
  }
}

/** Credentials, client and listing for one project; any failure fails that project's graphs only. */
async function readProject(
  project: ProjectConfig,
  deps: RunDependencies,
  transport: Transport,
  clients: Map<ProjectConfig, GesClient>,
): Promise<ResolvedTarget[]> {
  const targets = project.graphs.map((graph) => ({ project, graph }));
  try {
    if (deps.clock.now() >= deps.deadline) throw new DeadlineExceededError(undefined);
    const credentials = await deps.credentials.resolve(project.credentialsSecret);
    const client = new GesClient({
      endpoint: project.endpoint,
      apiVersion: project.apiVersion,
      credentials,
      transport,
    });
    clients.set(project, client);
    const listing = await client.listGraphs(project.projectId, { deadline: deps.deadline });
    return resolveTargets(targets, listing);
  } catch (error) {
    const { errorCode, message } = errorFields(error);
    deps.log.error('project failed', { projectId: project.projectId, errorCode, error: message });
    const problem = { errorCode, message: `project ${project.projectId}: ${message}` };
    return targets.map((target) => ({ ...target, live: undefined, problem }));
  }
}

function decideFor(target: ResolvedTarget, request: RunRequest, config: Config, now: Date): Decision {
  const schedule = config.schedules[target.graph.schedule]!;
  const adHoc = request.action === 'stop';
  return decide({
    state: target.live?.state,
    problem: target.problem,
    offHours: adHoc ? undefined : evaluateSchedule(schedule, now).offHours,
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
