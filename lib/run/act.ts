/**
 * Sending one stop, safely. A stop whose answer was lost is settled by reading the graph's state,
 * never by a blind second stop (design.md §5).
 */
import { DeadlineExceededError, GesHttpError, OutcomeUnknownError, PreconditionError } from '../errors.js';
import type { CallOptions, GesClient } from '../ges/client.js';
import type { Log } from '../log.js';
import { errorFields } from './report.js';
import { SkipReason } from './types.js';

export type StopResult =
  | { readonly kind: 'stopped'; readonly jobId: string | undefined; readonly message?: string }
  | { readonly kind: 'already-stopped'; readonly message: string }
  | { readonly kind: 'skip'; readonly reason: SkipReason; readonly message: string }
  | { readonly kind: 'fail'; readonly errorCode: string; readonly message: string };

/** GES answers meaning "this graph is not running": someone or something stopped it first. */
const NOT_RUNNING_CODES = new Set(['GES.7001', 'GES.7003']);

/** GES.7002: the graph is being backed up; busy, not failed (ges-api.md). */
const BACKING_UP = 'GES.7002';

/** How often a stop is sent again after its answer was lost and the graph was seen still running. */
const MAX_STOP_SENDS = 3;

export interface StopTarget {
  readonly client: GesClient;
  readonly projectId: string;
  readonly graphId: string;
  readonly deadline: number;
  readonly now: () => number;
  readonly log: Log;
  /**
   * Asked right before each stop is sent: a reason not to send it any more (the schedule's
   * off-hours ended while the run was waiting), or undefined to go on.
   */
  readonly stillWanted?: (() => string | undefined) | undefined;
}

export async function stopSafely(target: StopTarget): Promise<StopResult> {
  const { client, projectId, graphId, deadline, log } = target;
  const call: CallOptions = { deadline };
  let lost: OutcomeUnknownError | undefined;
  for (let send = 1; send <= MAX_STOP_SENDS; send++) {
    if (target.now() >= deadline) {
      return { kind: 'fail', ...errorFields(new DeadlineExceededError(undefined)) };
    }
    const unwanted = target.stillWanted?.();
    if (unwanted !== undefined) return notWanted(unwanted, lost);
    try {
      return {
        kind: 'stopped',
        jobId: await client.stopGraph(projectId, graphId, { ...call, precondition: target.stillWanted }),
      };
    } catch (error) {
      if (error instanceof PreconditionError) return notWanted(error.reason, lost);
      if (error instanceof GesHttpError && error.gesCode && NOT_RUNNING_CODES.has(error.gesCode)) {
        // After a lost answer, "not running" most likely means our own earlier stop took effect
        // (GES may show the new state only after a moment): report it as ours, job id unknown.
        if (lost) {
          return {
            kind: 'stopped',
            jobId: undefined,
            message: `an earlier stop's answer was lost and GES now answers ${error.gesCode}: the stop was carried out (job id unknown)`,
          };
        }
        return {
          kind: 'already-stopped',
          message: `GES answered ${error.gesCode}: the graph is not running`,
        };
      }
      if (error instanceof GesHttpError && error.gesCode === BACKING_UP) {
        return {
          kind: 'skip',
          reason: SkipReason.busy,
          message: 'graph is being backed up (GES.7002); a later run will stop it',
        };
      }
      if (!(error instanceof OutcomeUnknownError)) return { kind: 'fail', ...errorFields(error) };
      lost = error;
      log.warn('stop answer lost; reading the graph state before deciding', { projectId, graphId, send });
      let state: Awaited<ReturnType<GesClient['getGraph']>>['state'];
      try {
        state = (await client.getGraph(projectId, graphId, call)).state;
      } catch (readError) {
        const { errorCode, message } = errorFields(readError);
        return {
          kind: 'fail',
          errorCode: 'OUTCOME_UNKNOWN',
          message: `the stop's answer was lost and the graph state could not be read (${errorCode}: ${message}); the next run will look again`,
        };
      }
      switch (state.kind) {
        case 'stopping':
        case 'stopped':
          return {
            kind: 'stopped',
            jobId: undefined,
            message: `the stop's answer was lost, but the graph is now ${state.kind}: the stop was carried out (job id unknown)`,
          };
        case 'running':
          continue; // GES did not act on it: sending the stop again is safe.
        case 'busy':
        case 'starting':
          return {
            kind: 'skip',
            reason: SkipReason.busy,
            message: `graph became ${state.kind} while stopping`,
          };
        case 'not-stoppable':
          return {
            kind: 'skip',
            reason: SkipReason.notStoppable,
            message: `graph cannot be stopped: ${state.reason}`,
          };
      }
    }
  }
  // The gateway or GES said why (a 500 with GES.7006, say): report that code, not ours.
  const { errorCode, message } = errorFields(lost?.cause ?? lost);
  return {
    kind: 'fail',
    errorCode,
    message: `stop sent ${MAX_STOP_SENDS} times without a usable answer and the graph is still running: ${message}`,
  };
}

/** The stop was not sent because its reason ended while the run waited. */
function notWanted(reason: string, lost: OutcomeUnknownError | undefined): StopResult {
  // After a lost answer the earlier stop may still have been carried out: say so.
  const earlier = lost ? '; an earlier stop whose answer was lost may have been carried out' : '';
  return { kind: 'skip', reason: SkipReason.onHours, message: `${reason}${earlier}` };
}
