/**
 * Deciding, never acting: config, a graph's state and `now` in, one decision out. The whole
 * table of what happens to a graph lives in `decide`.
 */
import type { GraphState } from '../ges/types.js';
import { isSkipped } from '../schedule/offhours.js';
import { Outcome, SkipReason } from './types.js';

export type Decision =
  | { readonly kind: 'stop' }
  | { readonly kind: 'skip'; readonly reason: SkipReason; readonly message: string }
  | { readonly kind: 'already-stopped'; readonly message: string }
  | { readonly kind: 'fail'; readonly errorCode: string; readonly message: string };

export interface DecisionInput {
  readonly state: GraphState | undefined;
  /** Why the graph could not be matched to GES (not found, ambiguous, renamed). */
  readonly problem?: { readonly errorCode: string; readonly message: string } | undefined;
  /** `undefined` for ad-hoc stops, which ignore the schedule. */
  readonly offHours: boolean | undefined;
  readonly skipUntil?: Date | undefined;
  readonly honourSkipUntil: boolean;
  readonly now: Date;
}

export function decide(input: DecisionInput): Decision {
  const { state, problem } = input;
  if (problem) return { kind: 'fail', ...problem };
  if (!state) return { kind: 'fail', errorCode: 'GES.7000', message: 'graph not found' };
  if (state.kind === 'stopped') return { kind: 'already-stopped', message: 'graph is stopped' };
  if (state.kind === 'stopping') return { kind: 'already-stopped', message: 'graph is stopping' };
  if (input.offHours === false)
    return { kind: 'skip', reason: SkipReason.onHours, message: 'schedule is in on-hours' };
  if (input.honourSkipUntil && input.skipUntil && isSkipped(input, input.now)) {
    return {
      kind: 'skip',
      reason: SkipReason.skipUntil,
      message: `left alone until ${input.skipUntil.toISOString()} (skipUntil)`,
    };
  }
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

/** The outcome a decision reports without any stop being sent (dry runs report `would-stop`). */
export function outcomeOf(decision: Exclude<Decision, { kind: 'stop' }>): Outcome {
  switch (decision.kind) {
    case 'skip':
      return Outcome.skipped;
    case 'already-stopped':
      return Outcome.alreadyStopped;
    case 'fail':
      return Outcome.failed;
  }
}
