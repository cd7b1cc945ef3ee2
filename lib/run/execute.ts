/**
 * One project's targets, through the life cycle (lifecycle.ts): read what the ledger holds → decide
 * (pure) → the window step → write ahead, act (per-graph errors caught) → confirm by looking →
 * record what was seen. `dryRun` reads but never changes anything, in GES or in the ledger.
 */
import { timerMs } from '../clock.js';
import type { GesClient } from '../ges/client.js';
import {
  closeWindow,
  closeWindowsOfGone,
  discardWindow,
  type LedgerAccess,
  patchWindow,
  readWindows,
  type WindowRead,
  type WriteAhead,
  writeAhead,
} from '../ledger/access.js';
import { EndedBy, graphKey, type LedgerWindow } from '../ledger/types.js';
import { isSkipped } from '../schedule/offhours.js';
import { type ActResult, actSafely, type GraphAction } from './act.js';
import { decide, type Mode, type Verdict, viewOf, type WindowStep, type WindowView } from './lifecycle.js';
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

/** What GES showed of the project: its client, how many graphs it lists, and their ids. */
export interface ProjectView {
  readonly client: GesClient | undefined;
  readonly listed?: number | undefined;
  /** Every graph id GES holds (listed or read directly); undefined when the listing failed. */
  readonly liveIds?: ReadonlySet<string> | undefined;
}

const GONE = { errorCode: 'GES.7000', message: 'graph not found' };

/** What acting on one graph gave: its result, the job to confirm, and the window it concerns. */
interface Acted {
  readonly target: ResolvedTarget;
  readonly result: GraphResult;
  readonly goal?: 'stopped' | 'running' | undefined;
  readonly window?: LedgerWindow | undefined;
}

export async function actOnProject(
  targets: readonly ResolvedTarget[],
  view: ProjectView,
  context: Context,
): Promise<GraphResult[]> {
  const scheduled = context.action === 'reconcile';
  if (scheduled) context.inOffHours.count += targets.filter((t) => offHours(t, context)).length;
  const refs = targets.filter((t) => !t.problem).map(refOf);
  const reads = await readWindows(refs, readBudget(context));
  const acted = await Promise.all(
    targets.map((target) => {
      const read = reads.get(graphKey(refOf(target))) ?? { ok: true };
      return actOnGraph(target, read, view.client, context)
        .catch(
          (error: unknown): Acted => ({
            target,
            result: baseResult(target, Outcome.failed, errorFields(error)),
          }),
        )
        .finally(() => context.deps.progress?.acted(1)); // a terminal's progress line (lib/run/progress.ts)
    }),
  );
  const results = await confirm(acted, view, context);
  if (scheduled && !context.dryRun && view.liveIds && targets[0]) {
    await closeWindowsOfGone(
      targets[0].project.projectId,
      view.liveIds,
      context.scheduleNow(),
      context.ledger,
    );
  }
  return results;
}

/**
 * The ledger reads of a project get a third of the time left (at least 5 s): a slow ledger then
 * refuses the starts that need it, and leaves the run the time to stop everything else.
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

function modeOf(target: ResolvedTarget, context: Context): Mode {
  if (context.action !== 'reconcile') return context.action;
  return offHours(target, context) ? 'off' : 'on';
}

function verdictFor(target: ResolvedTarget, window: WindowView, context: Context): Verdict {
  if (target.problem || !target.live) return { outcome: Outcome.failed, ...(target.problem ?? GONE) };
  const now = context.scheduleNow();
  const { skipUntil } = target.graph;
  const { state } = target.live;
  return decide({
    state: state.kind,
    stateReason: 'reason' in state ? state.reason : undefined,
    window,
    mode: modeOf(target, context),
    startGraphs: target.graph.startGraphs ?? false,
    skipUntil: context.honourSkipUntil && skipUntil && isSkipped({ skipUntil }, now) ? skipUntil : undefined,
    now,
  });
}

async function actOnGraph(
  target: ResolvedTarget,
  read: WindowRead,
  client: GesClient | undefined,
  context: Context,
): Promise<Acted> {
  const verdict = verdictFor(target, await withStartJob(target, read, client, context), context);
  const open = read.ok ? read.open : undefined;
  const stepError = context.dryRun ? undefined : await windowStep(verdict.window, open, context);
  const withStep = (acted: Acted): Acted =>
    stepError === undefined ? acted : { ...acted, result: { ...acted.result, ledgerError: stepError } };
  if (!verdict.act)
    return withStep({ target, result: baseResult(target, verdict.outcome ?? Outcome.skipped, verdict) });
  if (context.dryRun) {
    const [outcome, message] =
      verdict.act === 'stop'
        ? [Outcome.wouldStop, 'graph is running']
        : [Outcome.wouldStart, 'graph is stopped'];
    return { target, result: baseResult(target, outcome, { message }) };
  }
  if (!client || !target.live) throw new Error('no client for a project that was listed');
  // A window closed by the step (a stop that failed) no longer stands for the graph.
  const standing = verdict.window?.kind === 'close' ? undefined : open;
  const acted =
    verdict.act === 'stop'
      ? await stop(target, read, client, context)
      : await start(target, standing, client, context);
  return withStep(acted);
}

/**
 * A stopped graph with a start of ours recorded: its job says whether that start failed (start
 * again) or ran the graph (someone stopped it since: theirs). Unread, the state decides.
 */
async function withStartJob(
  target: ResolvedTarget,
  read: WindowRead,
  client: GesClient | undefined,
  context: Context,
): Promise<WindowView> {
  const view = viewOf(read);
  const jobId = read.ok ? read.open?.startJobId : undefined;
  if (view.kind !== 'starting' || target.live?.state.kind !== 'stopped' || !jobId || !client) return view;
  try {
    const job = await client.getJob(target.project.projectId, target.live.id, jobId, {
      deadline: context.deps.deadline,
    });
    return { ...view, job: job.status === 'pending' ? 'running' : job.status };
  } catch {
    return view;
  }
}

/** The window step of a verdict, before anything is sent. */
async function windowStep(
  step: WindowStep | undefined,
  open: LedgerWindow | undefined,
  context: Context,
): Promise<string | undefined> {
  const now = context.scheduleNow();
  switch (step?.kind) {
    case undefined:
      return undefined;
    case 'confirm':
      return patchWindow(open, { confirmedAt: now }, context.ledger);
    case 'clear-start':
      return patchWindow(open, { clearStart: true }, context.ledger);
    case 'close':
      return closeWindow(open, step.endedBy, now, context.ledger);
  }
}

async function stop(
  target: ResolvedTarget,
  read: WindowRead,
  client: GesClient,
  context: Context,
): Promise<Acted> {
  const live = target.live!;
  const ahead: WriteAhead = await writeAhead(
    {
      ...refOf(target),
      stoppedAt: context.scheduleNow(),
      runId: context.deps.runId,
      schedule: target.graph.schedule,
      offUntil: context.windows.offHoursEnd(target.graph.schedule),
      sizeIndex: live.sizeIndex,
      replication: live.replication,
      graphName: live.name,
    },
    read.ok && read.open?.pending ? { ok: true } : read,
    context.ledger,
  );
  const done = await send('stop', target, client, context);
  const notes = {
    // Only a scheduled run stops a graph because it is in its off-hours.
    ...(ahead.restartedByPlatform && context.action === 'reconcile' ? { restartedByPlatform: true } : {}),
    ...(ahead.ledgerError === undefined ? {} : { ledgerError: ahead.ledgerError }),
  };
  if (notes.restartedByPlatform) {
    context.deps.log.warn(
      'graph was started again by the platform after 7 days stopped; stopping it again',
      refOf(target),
    );
  }
  if (done.kind === 'done') {
    const ledgerError =
      done.jobId === undefined
        ? undefined
        : await patchWindow(ahead.window, { jobId: done.jobId }, context.ledger);
    const result = {
      ...resultOf(target, done, Outcome.stopped),
      ...notes,
      ...(ledgerError ? { ledgerError } : {}),
    };
    return { target, result, goal: 'stopped', window: ahead.window };
  }
  // Unresolved: the pending window stays, and the next run decides from the graph's state.
  if (done.kind !== 'unresolved') await discardWindow(ahead, context.ledger);
  return { target, result: { ...resultOf(target, done, Outcome.stopped), ...notes } };
}

async function start(
  target: ResolvedTarget,
  open: LedgerWindow | undefined,
  client: GesClient,
  context: Context,
): Promise<Acted> {
  const done = await send('start', target, client, context);
  if (done.kind !== 'done' && done.kind !== 'unresolved')
    return { target, result: resultOf(target, done, Outcome.started) };
  // Recorded on the window until the graph is seen running: the next run checks it.
  const attempts = (open?.startAttempts ?? 0) + 1;
  const jobId = done.kind === 'done' ? done.jobId : undefined;
  const ledgerError = await patchWindow(
    open,
    { start: { startedAt: context.scheduleNow(), jobId, attempts } },
    context.ledger,
  );
  const result = { ...resultOf(target, done, Outcome.started), ...(ledgerError ? { ledgerError } : {}) };
  return done.kind === 'done' ? { target, result, goal: 'running', window: open } : { target, result };
}

function send(
  action: GraphAction,
  target: ResolvedTarget,
  client: GesClient,
  context: Context,
): Promise<ActResult> {
  const { deps } = context;
  return actSafely(action, {
    client,
    projectId: target.project.projectId,
    graphId: target.live!.id,
    graphName: target.live!.name,
    deadline: deps.deadline,
    clock: deps.clock,
    log: deps.log,
    lookMs: (deps.poll ?? DEFAULT_POLL).lookMs,
    stillWanted: context.action === 'reconcile' ? () => reasonEnded(action, target, context) : undefined,
  });
}

/** The result of a request's outcome; `sent` is the outcome when GES took it. */
function resultOf(target: ResolvedTarget, done: ActResult, sent: Outcome): GraphResult {
  switch (done.kind) {
    case 'done':
      return {
        ...baseResult(target, sent, done),
        ...(done.jobId === undefined ? {} : { jobId: done.jobId }),
      };
    case 'already':
      return baseResult(target, Outcome.alreadyStopped, done);
    case 'not-sent':
      return sent === Outcome.stopped
        ? baseResult(target, Outcome.skipped, { reason: 'on-hours', message: done.message })
        : baseResult(target, Outcome.alreadyStopped, done);
    case 'skip':
      return baseResult(target, Outcome.skipped, done);
    case 'fail':
    case 'unresolved':
      return baseResult(target, Outcome.failed, done);
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

/** Confirms the accepted stops and starts by looking (when the config asks), then records what was seen. */
async function confirm(acted: readonly Acted[], view: ProjectView, context: Context): Promise<GraphResult[]> {
  const { deps } = context;
  const jobs = acted.flatMap((a) =>
    a.goal && a.result.graphId !== undefined
      ? [{ graphId: a.result.graphId, jobId: a.result.jobId, goal: a.goal }]
      : [],
  );
  if (!deps.config.settings.verifyJobs || jobs.length === 0 || !view.client)
    return acted.map((a) => a.result);
  let verdicts: Map<string, JobVerdict>;
  try {
    verdicts = await confirmJobs({
      client: view.client,
      projectId: acted[0]!.result.projectId,
      jobs,
      deadline: deps.deadline,
      clock: deps.clock,
      poll: deps.poll ?? DEFAULT_POLL,
      graphsInProject: view.listed,
    });
  } catch (error) {
    // The requests went out: keep their job ids; the windows stay as they are for the next run.
    const { errorCode, message } = errorFields(error);
    const unconfirmed = `the job was accepted but could not be confirmed: ${message}`;
    return acted.map((a) =>
      a.goal ? { ...a.result, outcome: Outcome.failed, errorCode, message: unconfirmed } : a.result,
    );
  }
  return Promise.all(
    acted.map(async (a) => {
      const verdict = a.goal && a.result.graphId !== undefined ? verdicts.get(a.result.graphId) : undefined;
      if (!verdict || !a.goal) return a.result;
      const ledgerError = await record(a, verdict, context);
      const result: GraphResult =
        verdict.jobStatus === 'failed'
          ? {
              ...a.result,
              outcome: Outcome.failed,
              jobStatus: 'failed',
              errorCode: 'JOB_FAILED',
              message: verdict.failReason!,
            }
          : { ...a.result, jobStatus: verdict.jobStatus, ...(verdict.note ? { message: verdict.note } : {}) };
      return ledgerError === undefined ? result : { ...result, ledgerError };
    }),
  );
}

/** What a confirmed (or failed) job means for its window. A job still running changes nothing. */
function record(a: Acted, verdict: JobVerdict, context: Context): Promise<string | undefined> {
  const now = context.scheduleNow();
  const { window } = a;
  if (verdict.jobStatus === 'running' || !window) return Promise.resolve(undefined);
  if (a.goal === 'running') {
    // A failed start keeps the window and its count of starts: the next run tries again.
    return verdict.jobStatus === 'success'
      ? closeWindow(window, EndedBy.start, now, context.ledger)
      : Promise.resolve(undefined);
  }
  if (verdict.jobStatus === 'success') {
    return window.pending
      ? patchWindow(window, { confirmedAt: now }, context.ledger)
      : Promise.resolve(undefined);
  }
  // A stop that failed: no hours for a pending window; a confirmed one (the graph found running
  // again) ends here, with the hours it really had.
  return closeWindow(window, window.pending ? EndedBy.stopFailed : EndedBy.seenRunning, now, context.ledger);
}

export function baseResult(
  target: ResolvedTarget,
  outcome: Outcome,
  detail: {
    readonly reason?: GraphResult['reason'] | undefined;
    readonly errorCode?: string | undefined;
    readonly message?: string | undefined;
  },
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
