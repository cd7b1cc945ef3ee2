/**
 * One project's targets: read what the ledger knows where a decision depends on it → decide
 * (pure) → act (stops and starts, per-graph errors caught) → confirm by listing → record in the
 * ledger. `dryRun` reads but never changes anything, in GES or in the ledger.
 */
import { timerMs } from '../clock.js';
import type { GesClient } from '../ges/client.js';
import { EndedBy, graphKey } from '../ledger/types.js';
import { actSafely, type GraphAction } from './act.js';
import { closeWindows, type LedgerAccess, readWindows, recordStop, type WindowRead } from './ledger-ops.js';
import { type Decision, decide, outcomeOf } from './plan.js';
import { errorFields } from './report.js';
import type { RunDependencies } from './run.js';
import type { ResolvedTarget } from './targets.js';
import { type GraphResult, Outcome } from './types.js';
import { confirmJobs, DEFAULT_POLL, type JobVerdict } from './verify.js';
import type { ScheduleWindows } from './windows.js';

export interface Context {
  readonly deps: RunDependencies;
  readonly action: 'reconcile' | 'stop' | 'start';
  readonly dryRun: boolean;
  readonly windows: ScheduleWindows;
  /** The instant schedules are evaluated at now: the run's `now` moved on by the time elapsed. */
  readonly scheduleNow: () => Date;
  /** An operator who names a graph means it; "all" and scheduled runs respect skipUntil. */
  readonly honourSkipUntil: boolean;
  readonly ledger: LedgerAccess;
  /** Counted as targets are decided: graphs whose schedule is in off-hours. */
  readonly inOffHours: { count: number };
}

interface Planned {
  readonly target: ResolvedTarget;
  readonly decision: Decision;
  readonly window: WindowRead | undefined;
}

/** What acting on one graph gave: its result, and the job to confirm. */
interface Acted {
  readonly planned: Planned;
  readonly result: GraphResult;
  readonly goal?: 'stopped' | 'running' | undefined;
  /** The stop's window being written: confirming the job does not wait for the ledger. */
  readonly recording?: Promise<StopNote> | undefined;
}

/** What recording a stop adds to its result. */
type StopNote = Pick<GraphResult, 'restartedByPlatform' | 'ledgerError'>;

export async function actOnProject(
  targets: readonly ResolvedTarget[],
  client: GesClient | undefined,
  context: Context,
  /** How many graphs the project listed: confirming a few jobs in a large project reads them instead. */
  listed?: number | undefined,
): Promise<GraphResult[]> {
  if (context.action === 'reconcile') {
    context.inOffHours.count += targets.filter((t) => offHours(t, context)).length;
  }
  // Stops never wait for the ledger: the graphs whose decision needs no window act at once,
  // while the windows of the others are read.
  const needs = targets.filter((t) => needsWindow(t, context));
  const reading = readWindows(needs.map(refOf), readBudget(context));
  const actOn = (target: ResolvedTarget, window: WindowRead | undefined): Promise<Acted> => {
    const planned = { target, window, decision: decideFor(target, window, context) };
    return actOnGraph(planned, client, context).catch(
      (error: unknown): Acted => ({
        planned,
        result: baseResult(target, Outcome.failed, errorFields(error)),
      }),
    );
  };
  const waiting = new Set(needs);
  const [now, later] = await Promise.all([
    Promise.all(targets.filter((t) => !waiting.has(t)).map((t) => actOn(t, undefined))),
    reading.then((windows) => Promise.all(needs.map((t) => actOn(t, windows.get(graphKey(refOf(t))))))),
  ]);
  // Results in the order of the targets.
  const byTarget = new Map([...now, ...later].map((a) => [a.planned.target, a]));
  const acted = targets.map((t) => byTarget.get(t)!);
  const confirmed = await confirm(acted, client, context, listed);
  return Promise.all(
    confirmed.map(async (a) => {
      const noted = a.recording ? { ...a, result: { ...a.result, ...(await a.recording) } } : a;
      return settleWindow(noted, context);
    }),
  );
}

/**
 * The ledger reads of a project get a third of the time left (at least 5 s): a slow ledger then
 * refuses the starts that need it, and leaves the run the time to start nothing else.
 */
function readBudget(context: Context): LedgerAccess {
  const left = context.deps.deadline - context.deps.clock.now();
  const budget = timerMs(Math.max(5_000, left / 3));
  return { ...context.ledger, signal: AbortSignal.any([context.ledger.signal, AbortSignal.timeout(budget)]) };
}

function refOf(target: ResolvedTarget) {
  return { projectId: target.project.projectId, graphId: target.live?.id ?? target.graph.id ?? '' };
}

function offHours(target: ResolvedTarget, context: Context): boolean {
  // A tag value that names no schedule fails its graph (its problem): there is no window to evaluate.
  if (target.problem && target.selectedBy === 'tag') return false;
  return context.windows.windowOf(target.graph.schedule).offHours;
}

/**
 * Where the ledger matters: a start (is it ours?), a graph running in on-hours (a window of ours
 * to close), a configured graph GES no longer has (a window to close).
 */
function needsWindow(target: ResolvedTarget, context: Context): boolean {
  const state = target.live?.state.kind;
  if (context.action === 'start') return target.live !== undefined;
  if (context.action !== 'reconcile') return false;
  if (target.problem) return target.problem.errorCode === 'GES.7000' && target.graph.id !== undefined;
  if (offHours(target, context)) return false;
  return state === 'running' || state === 'starting' || (state === 'stopped' && target.graph.startGraphs);
}

function decideFor(target: ResolvedTarget, window: WindowRead | undefined, context: Context): Decision {
  const scheduled = context.action === 'reconcile';
  return decide({
    state: target.live?.state,
    problem: target.problem,
    offHours: scheduled ? offHours(target, context) : undefined,
    goal: context.action === 'start' ? 'start' : undefined,
    startGraphs: target.graph.startGraphs,
    window: window?.state,
    skipUntil: target.graph.skipUntil,
    honourSkipUntil: context.honourSkipUntil,
    now: context.scheduleNow(),
  });
}

const SENT: Readonly<Record<GraphAction, { outcome: Outcome; would: Outcome; goal: 'stopped' | 'running' }>> =
  {
    stop: { outcome: Outcome.stopped, would: Outcome.wouldStop, goal: 'stopped' },
    start: { outcome: Outcome.started, would: Outcome.wouldStart, goal: 'running' },
  };

async function actOnGraph(planned: Planned, client: GesClient | undefined, context: Context): Promise<Acted> {
  const { target, decision } = planned;
  if (decision.kind !== 'stop' && decision.kind !== 'start') {
    return { planned, result: baseResult(target, outcomeOf(decision), decision) };
  }
  const action = decision.kind;
  const sent = SENT[action];
  if (context.dryRun) {
    const message = action === 'stop' ? 'graph is running' : 'graph is stopped';
    return { planned, result: baseResult(target, sent.would, { message }) };
  }
  if (!client) throw new Error('no client for a project that was listed');
  const { deps } = context;
  const done = await actSafely(action, {
    client,
    projectId: target.project.projectId,
    graphId: target.live!.id,
    deadline: deps.deadline,
    now: deps.clock.now,
    log: deps.log,
    stillWanted: context.action === 'reconcile' ? () => reasonEnded(action, target, context) : undefined,
  });
  switch (done.kind) {
    case 'done': {
      const result = {
        ...baseResult(target, sent.outcome, done.message === undefined ? {} : { message: done.message }),
        ...(done.jobId === undefined ? {} : { jobId: done.jobId }),
      };
      return {
        planned,
        result,
        goal: sent.goal,
        ...(action === 'stop' ? { recording: recorded(result, target, context) } : {}),
      };
    }
    case 'already':
      return { planned, result: baseResult(target, Outcome.alreadyStopped, done) };
    case 'not-sent':
      return action === 'stop'
        ? {
            planned,
            result: baseResult(target, Outcome.skipped, { reason: 'on-hours', message: done.message }),
          }
        : { planned, result: baseResult(target, Outcome.alreadyStopped, { message: done.message }) };
    default:
      return {
        planned,
        result: baseResult(target, done.kind === 'skip' ? Outcome.skipped : Outcome.failed, done),
      };
  }
}

/** Why a scheduled stop (start) must not leave any more: its off-hours ended (began again). */
function reasonEnded(action: GraphAction, target: ResolvedTarget, context: Context): string | undefined {
  const at = context.scheduleNow();
  const off = context.windows.isOffHoursAt(target.graph.schedule, at);
  if (off === (action === 'stop')) return undefined;
  const what = action === 'stop' ? 'ended' : 'began again';
  return `off-hours of schedule "${target.graph.schedule}" ${what} (at ${at.toISOString()}) before the ${action} could be sent`;
}

/** A stop GES accepted opens a window in the ledger; the stop stands whatever the ledger says. */
async function recorded(result: GraphResult, target: ResolvedTarget, context: Context): Promise<StopNote> {
  const { restartedByPlatform, ledgerError } = await recordStop(
    {
      ref: refOf(target),
      jobId: result.jobId,
      schedule: target.graph.schedule,
      offUntil: context.windows.offHoursEnd(target.graph.schedule),
      sizeIndex: target.live?.sizeIndex,
      replication: target.live?.replication,
      graphName: target.live?.name,
    },
    context.scheduleNow(),
    context.ledger,
  );
  // Only a scheduled run stops a graph because it is in its off-hours; an operator's stop says
  // nothing about who started the graph.
  const restarted = restartedByPlatform === true && context.action === 'reconcile';
  if (restarted) {
    context.deps.log.warn('graph was started again by the platform after 7 days stopped; stopped it again', {
      projectId: result.projectId,
      graphId: result.graphId,
    });
  }
  return {
    ...(restarted ? { restartedByPlatform: true } : {}),
    ...(ledgerError === undefined ? {} : { ledgerError }),
  };
}

/** Confirms this project's accepted stops and starts with listings (when the config asks for it). */
async function confirm(
  acted: Acted[],
  client: GesClient | undefined,
  context: Context,
  listed: number | undefined,
): Promise<Acted[]> {
  const { deps } = context;
  const jobs = acted.flatMap((a) =>
    a.goal && a.result.graphId !== undefined
      ? [{ graphId: a.result.graphId, jobId: a.result.jobId, goal: a.goal }]
      : [],
  );
  if (!deps.config.settings.verifyJobs || jobs.length === 0 || !client) return acted;
  let verdicts: Map<string, JobVerdict>;
  try {
    verdicts = await confirmJobs({
      client,
      projectId: acted[0]!.result.projectId,
      jobs,
      deadline: deps.deadline,
      clock: deps.clock,
      poll: deps.poll ?? DEFAULT_POLL,
      graphsInProject: listed,
    });
  } catch (error) {
    // The requests went out: keep their job ids, and fail them loudly, since nothing confirmed them.
    const { errorCode, message } = errorFields(error);
    return acted.map((a) =>
      a.goal
        ? {
            ...a,
            result: {
              ...a.result,
              outcome: Outcome.failed,
              errorCode,
              message: `the job was accepted but could not be confirmed: ${message}`,
            },
          }
        : a,
    );
  }
  return acted.map((a) => {
    const verdict = a.goal && a.result.graphId !== undefined ? verdicts.get(a.result.graphId) : undefined;
    if (!verdict) return a;
    if (verdict.jobStatus === 'failed') {
      const failed = {
        ...a.result,
        outcome: Outcome.failed,
        jobStatus: 'failed' as const,
        errorCode: 'JOB_FAILED',
        message: verdict.failReason!,
      };
      return { ...a, result: failed };
    }
    const message = verdict.note ?? a.result.message;
    return {
      ...a,
      result: { ...a.result, jobStatus: verdict.jobStatus, ...(message === undefined ? {} : { message }) },
    };
  });
}

/**
 * Closes the graph's open window where the run showed it ended: started by this function (and
 * seen to start, when jobs are confirmed), found running, or gone from GES.
 */
async function settleWindow(a: Acted, context: Context): Promise<GraphResult> {
  const read = a.planned.window;
  if (!read?.open || context.dryRun) return a.result;
  const { result } = a;
  const endedBy = endedByOf(result);
  if (endedBy === undefined) return result;
  const ledgerError = await closeWindows(
    read.all ?? [read.open],
    endedBy,
    context.scheduleNow(),
    context.ledger,
  );
  return ledgerError === undefined ? result : { ...result, ledgerError };
}

function endedByOf(result: GraphResult): EndedBy | undefined {
  switch (result.outcome) {
    case Outcome.started:
      // Closed once GES accepted the start, confirmed or not: a window left open would let a later
      // run start the graph again after its owner stopped it by hand. A start job seen to fail is
      // `failed` instead, and keeps its window for the next run.
      return EndedBy.start;
    case Outcome.alreadyRunning:
      return EndedBy.seenRunning;
    case Outcome.failed:
      return result.errorCode === 'GES.7000' ? EndedBy.deleted : undefined;
    default:
      return undefined;
  }
}

export function baseResult(
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
