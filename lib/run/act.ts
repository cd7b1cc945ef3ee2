/**
 * Sending one stop or start, safely. An answer that does not say what GES did (a lost answer, a
 * timeout, a 5xx or 408 after the request left, GES.7005/7006, a refusal after any of those) is
 * settled by looking: the v2 job centre for a job of ours begun since the send, then the graph's
 * state, read again over a few seconds since GES may show the new state late. The request is sent
 * again only when both say the first did not happen: never two jobs for one decision.
 */
import type { Clock } from '../clock.js';
import { DeadlineExceededError, GesHttpError, OutcomeUnknownError, PreconditionError } from '../errors.js';
import type { CallOptions, GesClient } from '../ges/client.js';
import type { GraphState, GraphStateKind } from '../ges/types.js';
import type { Log } from '../log.js';
import { errorFields } from './report.js';
import { SkipReason } from './types.js';

export type GraphAction = 'stop' | 'start';

export type ActResult =
  /** GES took it (job id unknown when only the graph's state showed it). */
  | { readonly kind: 'done'; readonly jobId: string | undefined; readonly message?: string }
  /** Refused, and the graph was already where the action leads (stopped for a stop): not ours. */
  | { readonly kind: 'already'; readonly message: string }
  | { readonly kind: 'skip'; readonly reason: SkipReason; readonly message: string }
  /** Not sent: its reason ended while the run waited (the off-hours ended, or began again). */
  | { readonly kind: 'not-sent'; readonly message: string }
  /** A definite failure: the action did not happen. */
  | { readonly kind: 'fail'; readonly errorCode: string; readonly message: string }
  /** It may have happened and looking could not tell: the next run decides from the state. */
  | { readonly kind: 'unresolved'; readonly errorCode: string; readonly message: string };

interface ActionRules {
  readonly send: (client: GesClient, projectId: string, graphId: string, o: CallOptions) => Promise<string>;
  /** GES codes saying the graph is not in the state the action starts from: the state decides. */
  readonly refusedCodes: ReadonlySet<string>;
  /** States that show the action took effect, and the state it starts from. */
  readonly done: readonly GraphStateKind[];
  readonly from: GraphStateKind;
  /** Job centre jobs of this action: their type or name mentions it. */
  readonly jobPattern: RegExp;
}

const RULES: Readonly<Record<GraphAction, ActionRules>> = {
  stop: {
    send: (client, p, g, o) => client.stopGraph(p, g, o),
    // GES.7001 not running (not "stopped": it may be starting, importing…), GES.7003 stopping or stopped.
    refusedCodes: new Set(['GES.7001', 'GES.7003']),
    done: ['stopping', 'stopped'],
    from: 'running',
    jobPattern: /stop/i,
  },
  start: {
    send: (client, p, g, o) => client.startGraph(p, g, {}, o),
    // GES.7015: the graph is neither running nor stopped (starting, stopping, busy…).
    refusedCodes: new Set(['GES.7015']),
    done: ['starting', 'running'],
    from: 'stopped',
    jobPattern: /start/i,
  },
};

/** GES.7002: the graph is being backed up; busy, not failed. */
const BACKING_UP = 'GES.7002';
/** Sends of one decision at most, each after looking showed the previous one did not happen. */
const MAX_SENDS = 3;
/** A job centre job begun this long before our send may still be ours (clocks differ a little). */
const CLOCK_SKEW_MS = 5_000;
/** When the state is read again after an ambiguous answer: GES may show a new state late. */
export const DEFAULT_LOOK_MS: readonly number[] = [0, 1_000, 2_000, 3_000];

export interface ActTarget {
  readonly client: GesClient;
  readonly projectId: string;
  readonly graphId: string;
  /** The graph's name, which the job centre lists jobs by. */
  readonly graphName: string | undefined;
  readonly deadline: number;
  readonly clock: Clock;
  readonly log: Log;
  /** Waits before each read of the state when looking (default DEFAULT_LOOK_MS). */
  readonly lookMs?: readonly number[] | undefined;
  /**
   * Asked right before each request is sent: a reason not to send it any more (the schedule's
   * off-hours ended, or began again, while the run was waiting), or undefined to go on.
   */
  readonly stillWanted?: (() => string | undefined) | undefined;
}

export async function actSafely(action: GraphAction, target: ActTarget): Promise<ActResult> {
  const { client, projectId, graphId, deadline, clock } = target;
  const rules = RULES[action];
  const call: CallOptions = { deadline, precondition: target.stillWanted };
  /** Why an earlier send may have been carried out; undefined while none could have been. */
  let doubt: string | undefined;
  let lastCode: string | undefined;
  for (let send = 1; send <= MAX_SENDS; send++) {
    if (clock.now() >= deadline) return outOfTime(doubt);
    const unwanted = target.stillWanted?.();
    if (unwanted !== undefined) return notWanted(action, unwanted, doubt);
    const sentAt = new Date(clock.now());
    try {
      return { kind: 'done', jobId: await rules.send(client, projectId, graphId, call) };
    } catch (error) {
      if (error instanceof PreconditionError) return notWanted(action, error.reason, doubt);
      const code = error instanceof GesHttpError ? error.gesCode : undefined;
      if (code === BACKING_UP) {
        return {
          kind: 'skip',
          reason: SkipReason.busy,
          message: `graph is being backed up (GES.7002); a later run will ${action} it`,
        };
      }
      const refused = code !== undefined && rules.refusedCodes.has(code);
      if (!refused && !(error instanceof OutcomeUnknownError)) {
        const failed = { kind: 'fail' as const, ...errorFields(error) };
        return doubt === undefined ? failed : { ...failed, kind: 'unresolved' };
      }
      // A refusal to the only send so far: not ours; the state says where the graph is instead.
      if (refused && doubt === undefined) return refusedBy(action, code, await readOnce(target));
      const why = refused
        ? `GES answered ${code}`
        : `the ${action}'s answer was lost (${errorFields((error as OutcomeUnknownError).cause ?? error).errorCode})`;
      target.log.warn(`${action}: ${why}; looking at the graph before deciding`, {
        projectId,
        graphId,
        send,
      });
      const seen = await look(action, target, sentAt);
      if (seen.kind === 'happened') {
        return {
          kind: 'done',
          jobId: seen.jobId,
          message: `${why}, and ${seen.how}: the ${action} was carried out`,
        };
      }
      if (seen.kind === 'state') {
        if (seen.state.kind !== rules.from) return moved(action, seen.state);
        if (refused) {
          // GES says "not running" while its reads still show it running: ours, most likely, seen late.
          return {
            kind: 'unresolved',
            errorCode: 'OUTCOME_UNKNOWN',
            message: `GES answered ${code} to a ${action} sent again, while the graph still reads ${seen.state.kind}; the next run decides from its state`,
          };
        }
        doubt = why;
        lastCode = errorFields((error as OutcomeUnknownError).cause ?? error).errorCode;
        continue; // Neither the job centre nor the state shows it: sending again is safe.
      }
      return {
        kind: 'unresolved',
        errorCode: 'OUTCOME_UNKNOWN',
        message: `${why} and the graph could not be looked at (${seen.problem}); the ${action} may have been carried out: the next run decides from its state`,
      };
    }
  }
  // Every answer was ambiguous and the graph never moved: the gateway's or GES's code says why.
  return {
    kind: 'unresolved',
    errorCode: lastCode ?? 'OUTCOME_UNKNOWN',
    message: `${action} sent ${MAX_SENDS} times; ${doubt}, and the graph has not moved: the next run looks again`,
  };
}

type Seen =
  | { readonly kind: 'happened'; readonly jobId: string | undefined; readonly how: string }
  /** The state after the reads: the action's `from` state when it did not move. */
  | { readonly kind: 'state'; readonly state: GraphState }
  | { readonly kind: 'unknown'; readonly problem: string };

async function look(action: GraphAction, target: ActTarget, sentAt: Date): Promise<Seen> {
  const { client, projectId, graphId, deadline, clock } = target;
  const rules = RULES[action];
  let problem = 'no time was left to look';
  if (target.graphName !== undefined && client.apiVersion === 'v2') {
    try {
      const since = new Date(sentAt.getTime() - CLOCK_SKEW_MS);
      const jobs = (await client.listJobs(projectId, target.graphName, since, { deadline })) ?? [];
      const ours = jobs.find(
        (j) =>
          rules.jobPattern.test(`${j.jobType ?? ''} ${j.jobName ?? ''}`) &&
          (j.beginTime === undefined || new Date(j.beginTime) >= since),
      );
      if (ours)
        return { kind: 'happened', jobId: ours.jobId, how: `the job centre lists its job ${ours.jobId}` };
    } catch (error) {
      problem = `the job centre could not be read: ${errorFields(error).message}`;
    }
  }
  let last: GraphState | undefined;
  for (const wait of target.lookMs ?? DEFAULT_LOOK_MS) {
    if (clock.now() + wait >= deadline) break;
    await clock.sleep(wait);
    try {
      last = (await client.getGraph(projectId, graphId, { deadline })).state;
    } catch (error) {
      problem = `its state could not be read: ${errorFields(error).message}`;
      continue;
    }
    if (rules.done.includes(last.kind))
      return { kind: 'happened', jobId: undefined, how: `the graph is now ${last.kind} (job id unknown)` };
    if (last.kind !== rules.from) return { kind: 'state', state: last };
  }
  return last ? { kind: 'state', state: last } : { kind: 'unknown', problem };
}

async function readOnce(target: ActTarget): Promise<GraphState | string> {
  try {
    return (await target.client.getGraph(target.projectId, target.graphId, { deadline: target.deadline }))
      .state;
  } catch (error) {
    return errorFields(error).message;
  }
}

/** A refusal to the first send: the state says where the graph is, and it was not our doing. */
function refusedBy(action: GraphAction, code: string | undefined, state: GraphState | string): ActResult {
  if (typeof state === 'string') {
    return {
      kind: 'skip',
      reason: SkipReason.busy,
      message: `GES refused the ${action} (${code}) and the graph's state could not be read (${state}); a later run will look again`,
    };
  }
  if (action === 'stop' && (state.kind === 'stopped' || state.kind === 'stopping')) {
    return { kind: 'already', message: `GES answered ${code}: the graph is ${state.kind}` };
  }
  return {
    kind: 'skip',
    reason: SkipReason.busy,
    message: `GES refused the ${action} (${code}): the graph is ${describe(state)}; a later run will look again`,
  };
}

/** The graph moved somewhere neither the action nor its starting state leads. */
function moved(action: GraphAction, state: GraphState): ActResult {
  if (state.kind === 'not-stoppable')
    return {
      kind: 'skip',
      reason: SkipReason.notStoppable,
      message: `graph cannot be ${action === 'stop' ? 'stopped' : 'started'}: ${state.reason}`,
    };
  return {
    kind: 'skip',
    reason: SkipReason.busy,
    message: `graph became ${describe(state)} while the ${action} was sent; a later run will look again`,
  };
}

function describe(state: GraphState): string {
  return 'reason' in state ? state.reason : state.kind;
}

function outOfTime(doubt: string | undefined): ActResult {
  const { errorCode, message } = errorFields(new DeadlineExceededError(undefined));
  return doubt === undefined
    ? { kind: 'fail', errorCode, message }
    : {
        kind: 'unresolved',
        errorCode: 'OUTCOME_UNKNOWN',
        message: `${message}; an earlier send may have been carried out (${doubt})`,
      };
}

/** The request was not sent because its reason ended while the run waited. */
function notWanted(action: GraphAction, reason: string, doubt: string | undefined): ActResult {
  if (doubt === undefined) return { kind: 'not-sent', message: reason };
  return {
    kind: 'unresolved',
    errorCode: 'OUTCOME_UNKNOWN',
    message: `${reason}; an earlier ${action} (${doubt}) may have been carried out: the next run decides from its state`,
  };
}
