/**
 * Sending one stop or start, safely. One whose answer was lost is settled by reading the graph's
 * state, never by a blind second request: a graph already on its way is never sent it twice.
 */
import { DeadlineExceededError, GesHttpError, OutcomeUnknownError, PreconditionError } from '../errors.js';
import type { CallOptions, GesClient } from '../ges/client.js';
import type { GraphStateKind } from '../ges/types.js';
import type { Log } from '../log.js';
import { errorFields } from './report.js';
import { SkipReason } from './types.js';

export type GraphAction = 'stop' | 'start';

export type ActResult =
  /** GES accepted it (job id unknown when its answer was lost but the graph was seen to move). */
  | { readonly kind: 'done'; readonly jobId: string | undefined; readonly message?: string }
  /** The graph was already where the action leads (stopped for a stop). */
  | { readonly kind: 'already'; readonly message: string }
  | { readonly kind: 'skip'; readonly reason: SkipReason; readonly message: string }
  /** Not sent: its reason ended while the run waited (the off-hours ended, or began again). */
  | { readonly kind: 'not-sent'; readonly message: string }
  | { readonly kind: 'fail'; readonly errorCode: string; readonly message: string };

interface ActionRules {
  readonly send: (client: GesClient, projectId: string, graphId: string, o: CallOptions) => Promise<string>;
  /** GES codes saying the graph is not in the state the action starts from. */
  readonly refusedCodes: ReadonlySet<string>;
  /** Refused, and already where the action leads (a stop on a stopped graph); else busy. */
  readonly refusalMeansDone: boolean;
  /** States that show the action took effect, and the state it starts from. */
  readonly done: readonly GraphStateKind[];
  readonly from: GraphStateKind;
  readonly past: string;
}

const RULES: Readonly<Record<GraphAction, ActionRules>> = {
  stop: {
    send: (client, p, g, o) => client.stopGraph(p, g, o),
    // GES.7001 not running, GES.7003 stopping or stopped.
    refusedCodes: new Set(['GES.7001', 'GES.7003']),
    refusalMeansDone: true,
    done: ['stopping', 'stopped'],
    from: 'running',
    past: 'stopped',
  },
  start: {
    send: (client, p, g, o) => client.startGraph(p, g, {}, o),
    // GES.7015: the graph is neither running nor stopped (starting, stopping, busy…).
    refusedCodes: new Set(['GES.7015']),
    refusalMeansDone: false,
    done: ['starting', 'running'],
    from: 'stopped',
    past: 'started',
  },
};

/** GES.7002: the graph is being backed up; busy, not failed. */
const BACKING_UP = 'GES.7002';

/** How often a request is sent again after its answer was lost and the graph was seen not to move. */
const MAX_SENDS = 3;

export interface ActTarget {
  readonly client: GesClient;
  readonly projectId: string;
  readonly graphId: string;
  readonly deadline: number;
  readonly now: () => number;
  readonly log: Log;
  /**
   * Asked right before each request is sent: a reason not to send it any more (the schedule's
   * off-hours ended, or began again, while the run was waiting), or undefined to go on.
   */
  readonly stillWanted?: (() => string | undefined) | undefined;
}

export async function actSafely(action: GraphAction, target: ActTarget): Promise<ActResult> {
  const { client, projectId, graphId, deadline, log } = target;
  const rules = RULES[action];
  const call: CallOptions = { deadline, precondition: target.stillWanted };
  let lost: OutcomeUnknownError | undefined;
  for (let send = 1; send <= MAX_SENDS; send++) {
    if (target.now() >= deadline)
      return { kind: 'fail', ...errorFields(new DeadlineExceededError(undefined)) };
    const unwanted = target.stillWanted?.();
    if (unwanted !== undefined) return notWanted(action, unwanted, lost);
    try {
      return { kind: 'done', jobId: await rules.send(client, projectId, graphId, call) };
    } catch (error) {
      if (error instanceof PreconditionError) return notWanted(action, error.reason, lost);
      const code = error instanceof GesHttpError ? error.gesCode : undefined;
      if (code !== undefined && rules.refusedCodes.has(code)) {
        // After a lost answer, the refusal most likely means our own earlier request took effect
        // (GES may show the new state only after a moment): report it as ours, job id unknown.
        if (lost) {
          return {
            kind: 'done',
            jobId: undefined,
            message: `an earlier ${action}'s answer was lost and GES now answers ${code}: the ${action} was carried out (job id unknown)`,
          };
        }
        return rules.refusalMeansDone
          ? { kind: 'already', message: `GES answered ${code}: the graph is not running` }
          : {
              kind: 'skip',
              reason: SkipReason.busy,
              message: `GES refused the ${action} (${code}): the graph is neither running nor stopped; a later run will look again`,
            };
      }
      if (code === BACKING_UP) {
        return {
          kind: 'skip',
          reason: SkipReason.busy,
          message: `graph is being backed up (GES.7002); a later run will ${action} it`,
        };
      }
      if (!(error instanceof OutcomeUnknownError)) return { kind: 'fail', ...errorFields(error) };
      lost = error;
      log.warn(`${action} answer lost; reading the graph state before deciding`, {
        projectId,
        graphId,
        send,
      });
      let state: Awaited<ReturnType<GesClient['getGraph']>>['state'];
      try {
        state = (await client.getGraph(projectId, graphId, { deadline })).state;
      } catch (readError) {
        const { errorCode, message } = errorFields(readError);
        return {
          kind: 'fail',
          errorCode: 'OUTCOME_UNKNOWN',
          message: `the ${action}'s answer was lost and the graph state could not be read (${errorCode}: ${message}); the next run will look again`,
        };
      }
      if (rules.done.includes(state.kind)) {
        return {
          kind: 'done',
          jobId: undefined,
          message: `the ${action}'s answer was lost, but the graph is now ${state.kind}: the ${action} was carried out (job id unknown)`,
        };
      }
      if (state.kind === rules.from) continue; // GES did not act on it: sending it again is safe.
      if (state.kind === 'not-stoppable') {
        return {
          kind: 'skip',
          reason: SkipReason.notStoppable,
          message: `graph cannot be ${rules.past}: ${state.reason}`,
        };
      }
      return {
        kind: 'skip',
        reason: SkipReason.busy,
        message: `graph became ${state.kind} while the ${action} was sent`,
      };
    }
  }
  // The gateway or GES said why (a 500 with GES.7006, say): report that code, not ours.
  const { errorCode, message } = errorFields(lost?.cause ?? lost);
  return {
    kind: 'fail',
    errorCode,
    message: `${action} sent ${MAX_SENDS} times without a usable answer and the graph has not moved: ${message}`,
  };
}

/** The request was not sent because its reason ended while the run waited. */
function notWanted(action: GraphAction, reason: string, lost: OutcomeUnknownError | undefined): ActResult {
  // After a lost answer the earlier request may still have been carried out: say so.
  const earlier = lost ? `; an earlier ${action} whose answer was lost may have been carried out` : '';
  return { kind: 'not-sent', message: `${reason}${earlier}` };
}
