/**
 * Deciding, never acting: config, a graph's state and `now` in, one decision out. The whole
 * table of what happens to a graph lives in `decide`.
 */
import type { GraphState } from '../ges/types.js';
import { isSkipped } from '../schedule/offhours.js';
import { Outcome, SkipReason } from './types.js';

export type Decision =
  | { readonly kind: 'stop' }
  | { readonly kind: 'start' }
  | { readonly kind: 'skip'; readonly reason: SkipReason; readonly message: string }
  | { readonly kind: 'already-stopped'; readonly message: string }
  | { readonly kind: 'already-running'; readonly message: string }
  | { readonly kind: 'fail'; readonly errorCode: string; readonly message: string };

/** What the ledger says of a graph: a stop window of ours is open, none is, or it could not say. */
export type WindowState =
  /** `offUntil`: when the off-hours of that stop end; the graph is not started before. */
  | { readonly kind: 'open'; readonly offUntil?: Date | undefined }
  | { readonly kind: 'none' }
  | { readonly kind: 'unknown'; readonly message: string };

export const LEDGER_UNAVAILABLE = 'LEDGER_UNAVAILABLE';

export interface DecisionInput {
  readonly state: GraphState | undefined;
  /** Why the graph could not be matched to GES (not found, ambiguous, renamed). */
  readonly problem?: { readonly errorCode: string; readonly message: string } | undefined;
  /** `undefined` for ad-hoc stops and starts, which ignore the schedule. */
  readonly offHours: boolean | undefined;
  /** `start` for an ad-hoc start; otherwise the graph is stopped when it should be. */
  readonly goal?: 'start' | undefined;
  /** The schedule (or entry) starts again, in on-hours, the graphs this function stopped. */
  readonly startGraphs?: boolean | undefined;
  /** Read from the ledger where the decision depends on it; undefined when not read. */
  readonly window?: WindowState | undefined;
  readonly skipUntil?: Date | undefined;
  readonly honourSkipUntil: boolean;
  readonly now: Date;
}

export function decide(input: DecisionInput): Decision {
  const { state, problem } = input;
  if (problem) return { kind: 'fail', ...problem };
  if (!state) return { kind: 'fail', errorCode: 'GES.7000', message: 'graph not found' };
  if (input.goal === 'start') return decideStart(state);
  const skipped = skipUntil(input);
  if (state.kind === 'stopped' && input.offHours === false && input.startGraphs) {
    return skipped ?? startIfOurs(input.window, input.now);
  }
  if (state.kind === 'stopped') return { kind: 'already-stopped', message: 'graph is stopped' };
  if (state.kind === 'stopping') return { kind: 'already-stopped', message: 'graph is stopping' };
  if (input.offHours === false) {
    if ((state.kind === 'running' || state.kind === 'starting') && input.window?.kind === 'open') {
      return {
        kind: 'already-running',
        message: 'started by someone else after this function stopped it: its stop window is closed',
      };
    }
    return { kind: 'skip', reason: SkipReason.onHours, message: 'schedule is in on-hours' };
  }
  if (skipped) return skipped;
  switch (state.kind) {
    case 'running':
      return { kind: 'stop' };
    case 'starting':
      return {
        kind: 'skip',
        reason: SkipReason.busy,
        message: 'graph is starting; a later run will stop it',
      };
    case 'busy':
      return {
        kind: 'skip',
        reason: SkipReason.busy,
        message: `graph is busy: ${state.reason}; a later run will stop it`,
      };
    case 'not-stoppable':
      return {
        kind: 'skip',
        reason: SkipReason.notStoppable,
        message: `graph cannot be stopped: ${state.reason}`,
      };
  }
}

function skipUntil(input: DecisionInput): Decision | undefined {
  if (!(input.honourSkipUntil && input.skipUntil && isSkipped(input, input.now))) return undefined;
  return {
    kind: 'skip',
    reason: SkipReason.skipUntil,
    message: `left alone until ${input.skipUntil.toISOString()} (skipUntil)`,
  };
}

/** A stopped graph in on-hours, on a schedule that starts graphs: only when we stopped it. */
function startIfOurs(window: WindowState | undefined, now: Date): Decision {
  switch (window?.kind) {
    case 'open':
      // Stopped by hand (an ad-hoc stop) in on-hours: it stays stopped through its off-hours.
      if (window.offUntil && now < window.offUntil) {
        return {
          kind: 'already-stopped',
          message: `stopped by this function until ${window.offUntil.toISOString()} (an ad-hoc stop): started then`,
        };
      }
      return { kind: 'start' };
    case 'none':
      return {
        kind: 'skip',
        reason: SkipReason.notOurs,
        message: 'stopped by someone else (no stop of this function is open in the ledger): left stopped',
      };
    default:
      // Never a guess: a graph we cannot tell is ours stays stopped, and the run says why.
      return {
        kind: 'fail',
        errorCode: LEDGER_UNAVAILABLE,
        message: `not started: ${window?.message ?? 'no ledger of stop windows is configured (LEDGER_TABLE)'}`,
      };
  }
}

/** An operator's ad-hoc start: whoever stopped the graph. */
function decideStart(state: GraphState): Decision {
  switch (state.kind) {
    case 'stopped':
      return { kind: 'start' };
    case 'running':
      return { kind: 'already-running', message: 'graph is running' };
    case 'starting':
      return { kind: 'already-running', message: 'graph is starting' };
    case 'stopping':
      return {
        kind: 'skip',
        reason: SkipReason.busy,
        message: 'graph is stopping; start it once it has stopped',
      };
    case 'busy':
      return { kind: 'skip', reason: SkipReason.busy, message: `graph is busy: ${state.reason}` };
    case 'not-stoppable':
      return {
        kind: 'skip',
        reason: SkipReason.notStoppable,
        message: `graph cannot be started: ${state.reason}`,
      };
  }
}

/** The outcome a decision reports without any request being sent (dry runs report `would-…`). */
export function outcomeOf(decision: Exclude<Decision, { kind: 'stop' | 'start' }>): Outcome {
  switch (decision.kind) {
    case 'skip':
      return Outcome.skipped;
    case 'already-stopped':
      return Outcome.alreadyStopped;
    case 'already-running':
      return Outcome.alreadyRunning;
    case 'fail':
      return Outcome.failed;
  }
}
