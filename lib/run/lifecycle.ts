/**
 * A graph's life cycle as one table: what GES shows (its state), what the ledger holds for it (our
 * window), and what the run is for (the schedule's off- or on-hours, or an operator's stop or
 * start) → what to do to the window first, whether to stop or start it, and the outcome otherwise.
 * Pure: nothing here reads or sends anything. The first row that matches wins.
 */
import type { GraphStateKind } from '../ges/types.js';
import type { WindowRead } from '../ledger/access.js';
import { EndedBy } from '../ledger/types.js';
import { Outcome, SkipReason } from './types.js';

/** What the ledger says of a graph. */
export type WindowView =
  | { readonly kind: 'none' }
  /** Written before a stop left; not yet seen stopped. */
  | { readonly kind: 'pending'; readonly offUntil?: Date | undefined }
  /** Ours and confirmed (or written before write-ahead existed). */
  | { readonly kind: 'open'; readonly offUntil?: Date | undefined }
  /**
   * Ours, and a start of ours is recorded on it but was not yet seen to run the graph; `job` is
   * what its job says, when it was read (a stopped graph whose start succeeded was stopped again
   * by someone else).
   */
  | {
      readonly kind: 'starting';
      readonly offUntil?: Date | undefined;
      readonly attempts: number;
      readonly job?: 'success' | 'failed' | 'running' | undefined;
    }
  | { readonly kind: 'unknown'; readonly message: string };
export type WindowKind = WindowView['kind'];

/** Why the run looks at the graph: the schedule (off or on), or an operator's ad-hoc request. */
export type Mode = 'off' | 'on' | 'stop' | 'start';

/** What is done to the window before anything is sent. */
export type WindowStep =
  | { readonly kind: 'confirm' }
  | { readonly kind: 'close'; readonly endedBy: EndedBy }
  | { readonly kind: 'clear-start' };

export interface Verdict {
  readonly window?: WindowStep | undefined;
  /** Sent after the window step; undefined when nothing is sent. */
  readonly act?: 'stop' | 'start' | undefined;
  /** The outcome when nothing is sent. */
  readonly outcome?: Outcome | undefined;
  readonly reason?: SkipReason | undefined;
  readonly errorCode?: string | undefined;
  readonly message?: string | undefined;
}

export interface Situation {
  /** The graph's state in GES. */
  readonly state: GraphStateKind;
  /** The reason GES gave for a busy, not-stoppable or unknown state. */
  readonly stateReason?: string | undefined;
  readonly window: WindowView;
  readonly mode: Mode;
  /** The schedule (or entry) starts again, in on-hours, the graphs this function stopped. */
  readonly startGraphs: boolean;
  /** An active skipUntil the run honours (scheduled runs and "all"). */
  readonly skipUntil?: Date | undefined;
  readonly now: Date;
}

export const MAX_START_ATTEMPTS = 3;
export const ResultCodes = {
  unknownStatus: 'UNKNOWN_STATUS',
  startFailed: 'START_FAILED',
  ledgerUnavailable: 'LEDGER_UNAVAILABLE',
} as const;

type Any<T> = T | '*';
export interface Row {
  readonly state: Any<Situation['state']> | readonly Situation['state'][];
  readonly window: Any<WindowKind> | readonly WindowKind[];
  readonly mode: Any<Mode> | readonly Mode[];
  /** A further condition on the situation (skipUntil, startGraphs, attempts, offUntil). */
  readonly when?: ((s: Situation) => boolean) | undefined;
  readonly to: Verdict | ((s: Situation) => Verdict);
}

const close = (endedBy: EndedBy): WindowStep => ({ kind: 'close', endedBy });
const CONFIRM: WindowStep = { kind: 'confirm' };
const RUNNING_ISH: readonly Situation['state'][] = ['running', 'starting'];
const BLOCKED: readonly Situation['state'][] = ['busy', 'not-stoppable'];

const skip = (reason: SkipReason, message: string, window?: WindowStep): Verdict => ({
  outcome: Outcome.skipped,
  reason,
  message,
  window,
});
const skipUntil = (s: Situation): Verdict =>
  skip(SkipReason.skipUntil, `left alone until ${s.skipUntil?.toISOString()} (skipUntil)`);
const blocked = (s: Situation, verb: 'stopped' | 'started'): Verdict =>
  s.state === 'busy'
    ? skip(SkipReason.busy, `graph is busy: ${s.stateReason ?? s.state}; a later run will look again`)
    : skip(SkipReason.notStoppable, `graph cannot be ${verb}: ${s.stateReason ?? s.state}`);
/** The end of the off-hours an ad-hoc stop in on-hours lasts through, while it is still ahead. */
const offUntil = (s: Situation): Date | undefined => {
  const end = s.window.kind === 'pending' || s.window.kind === 'open' ? s.window.offUntil : undefined;
  return end !== undefined && s.now < end ? end : undefined;
};
const attempts = (s: Situation): number => (s.window.kind === 'starting' ? s.window.attempts : 0);
const startJob = (s: Situation) => (s.window.kind === 'starting' ? s.window.job : undefined);

/** The table. Columns: GES state × our window × mode (+ condition) → verdict. */
// biome-ignore format: a table reads best one row a line
export const LIFECYCLE: readonly Row[] = [
  // Whatever the run is for. (A graph GES no longer lists fails before the table; its window is
  // closed `deleted` by the project's sweep of open windows.)
  { state: 'unknown', window: '*', mode: '*', to: (s) => ({ outcome: Outcome.failed, errorCode: ResultCodes.unknownStatus, message: `graph is in a status this function does not know (${s.stateReason}): it may be billing; look at it in the GES console` }) },

  // An operator's stop: now, whatever the schedule.
  { state: 'stopped', window: 'pending', mode: 'stop', to: { window: CONFIRM, outcome: Outcome.alreadyStopped, message: 'graph is stopped' } },
  { state: ['stopped', 'stopping'], window: '*', mode: 'stop', to: (s) => ({ outcome: Outcome.alreadyStopped, message: `graph is ${s.state}` }) },
  { state: '*', window: '*', mode: 'stop', when: (s) => s.skipUntil !== undefined, to: skipUntil },
  { state: 'running', window: 'pending', mode: 'stop', to: { window: close(EndedBy.stopFailed), act: 'stop' } },
  { state: 'running', window: '*', mode: 'stop', to: { act: 'stop' } },
  { state: 'starting', window: '*', mode: 'stop', to: skip(SkipReason.busy, 'graph is starting; stop it once it runs') },
  { state: BLOCKED, window: '*', mode: 'stop', to: (s) => blocked(s, 'stopped') },

  // An operator's start: whoever stopped the graph.
  { state: 'stopped', window: 'pending', mode: 'start', to: { window: CONFIRM, act: 'start' } },
  { state: 'stopped', window: '*', mode: 'start', to: { act: 'start' } },
  { state: 'running', window: 'starting', mode: 'start', to: { window: close(EndedBy.start), outcome: Outcome.alreadyRunning, message: 'graph is running' } },
  { state: 'running', window: 'open', mode: 'start', to: { window: close(EndedBy.seenRunning), outcome: Outcome.alreadyRunning, message: 'graph is running' } },
  { state: 'running', window: 'pending', mode: 'start', to: { window: close(EndedBy.stopFailed), outcome: Outcome.alreadyRunning, message: 'graph is running' } },
  { state: RUNNING_ISH, window: '*', mode: 'start', to: (s) => ({ outcome: Outcome.alreadyRunning, message: `graph is ${s.state}` }) },
  { state: 'stopping', window: '*', mode: 'start', to: skip(SkipReason.busy, 'graph is stopping; start it once it has stopped') },
  { state: BLOCKED, window: '*', mode: 'start', to: (s) => blocked(s, 'started') },

  // The schedule's off-hours: stop what runs.
  { state: 'stopped', window: 'pending', mode: 'off', to: { window: CONFIRM, outcome: Outcome.alreadyStopped, message: 'graph is stopped (stopped by this function: confirmed)' } },
  { state: 'stopped', window: 'starting', mode: 'off', to: { window: { kind: 'clear-start' }, outcome: Outcome.alreadyStopped, message: 'graph is stopped; the start recorded for it did not run it, and its off-hours began again' } },
  { state: ['stopped', 'stopping'], window: '*', mode: 'off', to: (s) => ({ outcome: Outcome.alreadyStopped, message: `graph is ${s.state}` }) },
  { state: '*', window: '*', mode: 'off', when: (s) => s.skipUntil !== undefined, to: skipUntil },
  // A pending window on a running graph: that stop did not take (its job failed, or it never left).
  { state: 'running', window: 'pending', mode: 'off', to: { window: close(EndedBy.stopFailed), act: 'stop' } },
  { state: 'running', window: '*', mode: 'off', to: { act: 'stop' } },
  { state: 'starting', window: '*', mode: 'off', to: skip(SkipReason.busy, 'graph is starting; a later run will stop it') },
  { state: BLOCKED, window: '*', mode: 'off', to: (s) => blocked(s, 'stopped') },

  // The schedule's on-hours: start what this function stopped (startGraphs), close what ended.
  { state: 'running', window: 'starting', mode: 'on', to: { window: close(EndedBy.start), outcome: Outcome.alreadyRunning, message: 'graph is running: the start of this function is confirmed' } },
  { state: RUNNING_ISH, window: 'open', mode: 'on', to: { window: close(EndedBy.seenRunning), outcome: Outcome.alreadyRunning, message: 'started by someone else after this function stopped it: its stop window is closed' } },
  { state: RUNNING_ISH, window: 'pending', mode: 'on', to: skip(SkipReason.onHours, 'schedule is in on-hours; the stop recorded for this graph never stopped it', close(EndedBy.stopFailed)) },
  { state: 'starting', window: 'starting', mode: 'on', to: skip(SkipReason.busy, 'graph is starting (a start of this function): a later run confirms it') },
  { state: RUNNING_ISH, window: '*', mode: 'on', to: skip(SkipReason.onHours, 'schedule is in on-hours') },
  { state: 'stopped', window: 'pending', mode: 'on', when: (s) => !s.startGraphs, to: { window: CONFIRM, outcome: Outcome.alreadyStopped, message: 'graph is stopped' } },
  { state: 'stopped', window: '*', mode: 'on', when: (s) => !s.startGraphs, to: { outcome: Outcome.alreadyStopped, message: 'graph is stopped' } },
  { state: 'stopped', window: '*', mode: 'on', when: (s) => s.skipUntil !== undefined, to: skipUntil },
  { state: 'stopped', window: ['pending', 'open'], mode: 'on', when: (s) => offUntil(s) !== undefined, to: (s) => ({ window: s.window.kind === 'pending' ? CONFIRM : undefined, outcome: Outcome.alreadyStopped, message: `stopped by this function until ${offUntil(s)?.toISOString()} (an ad-hoc stop): started then` }) },
  { state: 'stopped', window: 'pending', mode: 'on', to: { window: CONFIRM, act: 'start' } },
  { state: 'stopped', window: 'open', mode: 'on', to: { act: 'start' } },
  { state: 'stopped', window: 'starting', mode: 'on', when: (s) => startJob(s) === 'success', to: skip(SkipReason.notOurs, 'started by this function, then stopped by someone else: left stopped', close(EndedBy.start)) },
  { state: 'stopped', window: 'starting', mode: 'on', when: (s) => startJob(s) === 'running', to: skip(SkipReason.busy, 'the start of this function is still under way') },
  { state: 'stopped', window: 'starting', mode: 'on', when: (s) => attempts(s) >= MAX_START_ATTEMPTS, to: (s) => ({ outcome: Outcome.failed, errorCode: ResultCodes.startFailed, message: `${attempts(s)} starts in a row did not run the graph; it stays stopped until a person looks (an ad-hoc start tries again)` }) },
  { state: 'stopped', window: 'starting', mode: 'on', to: { act: 'start' } },
  { state: 'stopped', window: 'none', mode: 'on', to: skip(SkipReason.notOurs, 'stopped by someone else (no stop of this function is open in the ledger): left stopped') },
  { state: 'stopped', window: 'unknown', mode: 'on', to: (s) => ({ outcome: Outcome.failed, errorCode: ResultCodes.ledgerUnavailable, message: `not started: ${s.window.kind === 'unknown' ? s.window.message : ''}` }) },
  { state: 'stopping', window: '*', mode: 'on', to: { outcome: Outcome.alreadyStopped, message: 'graph is stopping' } },
  { state: BLOCKED, window: '*', mode: 'on', to: skip(SkipReason.onHours, 'schedule is in on-hours') },
];

function matches<T extends string>(column: Any<T> | readonly T[], value: T): boolean {
  if (column === '*') return true;
  return typeof column === 'string' ? column === value : column.includes(value);
}

/** The first row of the table that matches. Every situation matches one (a test walks them all). */
export function decide(s: Situation): Verdict {
  const row = LIFECYCLE[rowOf(s)]!;
  return typeof row.to === 'function' ? row.to(s) : row.to;
}

/** The index of the row that decides a situation. */
export function rowOf(s: Situation): number {
  const index = LIFECYCLE.findIndex(
    (row) =>
      matches(row.state, s.state) &&
      matches(row.window, s.window.kind) &&
      matches(row.mode, s.mode) &&
      (row.when === undefined || row.when(s)),
  );
  if (index < 0) throw new Error(`no life-cycle row for ${s.state} × ${s.window.kind} × ${s.mode}`);
  return index;
}

/** What the ledger holds for a graph, as the table reads it. */
export function viewOf(read: WindowRead): WindowView {
  if (!read.ok) return { kind: 'unknown', message: read.problem };
  const { open } = read;
  if (!open) return { kind: 'none' };
  const { offUntil } = open;
  if (open.startedAt) return { kind: 'starting', offUntil, attempts: open.startAttempts ?? 1 };
  return open.pending ? { kind: 'pending', offUntil } : { kind: 'open', offUntil };
}
