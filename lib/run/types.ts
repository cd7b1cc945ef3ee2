import type { PauseView } from '../pause/state.js';

/** What a run is asked to do, what it decides per graph, and what it reports (docs/contracts.md §3–§4). */

export const Action = {
  reconcile: 'reconcile',
  stop: 'stop',
  start: 'start',
  plan: 'plan',
  report: 'report',
  pause: 'pause',
  resume: 'resume',
  history: 'history',
} as const;
export type Action = (typeof Action)[keyof typeof Action];

export type RunRequest =
  /** `at` (dry runs only): rehearse, deciding as at that instant (lib/run/rehearse.ts). */
  | { readonly action: 'reconcile'; readonly dryRun: boolean; readonly at?: Date | undefined }
  | {
      readonly action: 'stop';
      readonly dryRun: boolean;
      readonly graphs: 'all' | readonly string[];
      readonly projectId?: string | undefined;
      readonly at?: Date | undefined;
    }
  | {
      readonly action: 'start';
      readonly dryRun: boolean;
      readonly graphs: 'all' | readonly string[];
      readonly projectId?: string | undefined;
      readonly at?: Date | undefined;
    }
  | { readonly action: 'plan'; readonly dryRun: boolean; readonly at?: Date | undefined }
  /** Savings from the ledger over [from, to); no GES call. */
  | { readonly action: 'report'; readonly dryRun: boolean; readonly from: Date; readonly to: Date }
  /** Scheduled runs stop and start nothing until `until` (lib/pause). */
  | { readonly action: 'pause'; readonly dryRun: false; readonly until: Date; readonly reason: string }
  | { readonly action: 'resume'; readonly dryRun: false }
  /** Each graph's stop windows over [from, to) from the ledger; no GES call. No `graphs`: every graph. */
  | {
      readonly action: 'history';
      readonly dryRun: boolean;
      readonly graphs?: readonly string[] | undefined;
      readonly from: Date;
      readonly to: Date;
    };

/** The ad-hoc actions, which name graphs: stop or start them now, whatever their schedule. */
export type AdHocRequest = Extract<RunRequest, { action: 'stop' | 'start' }>;

export const Outcome = {
  stopped: 'stopped',
  alreadyStopped: 'already-stopped',
  skipped: 'skipped',
  wouldStop: 'would-stop',
  started: 'started',
  alreadyRunning: 'already-running',
  wouldStart: 'would-start',
  failed: 'failed',
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

export const SkipReason = {
  onHours: 'on-hours',
  busy: 'busy',
  skipUntil: 'skip-until',
  notStoppable: 'not-stoppable',
  /** Stopped by someone else (no open window in the ledger): never started by this function. */
  notOurs: 'not-ours',
  /** A pause (`{"action":"pause"}`) holds: scheduled runs stop and start nothing. */
  paused: 'paused',
} as const;
export type SkipReason = (typeof SkipReason)[keyof typeof SkipReason];

/** `success`/`failed` when the job was seen to end; `running` when time ran out first. */
export type ReportedJobStatus = 'success' | 'failed' | 'running';

export interface GraphResult {
  readonly projectId: string;
  readonly graphId: string | undefined;
  readonly graphName: string | undefined;
  readonly outcome: Outcome;
  readonly jobId?: string;
  readonly jobStatus?: ReportedJobStatus;
  readonly reason?: SkipReason;
  /** The GES or gateway code (`GES.7000`, `APIG.0301`) when there is one, else this project's code. */
  readonly errorCode?: string;
  readonly message?: string;
  /** The graph had been stopped by this function and was found running again in its off-hours. */
  readonly restartedByPlatform?: boolean;
  /** Why the graph is managed: its `graphs[]` entry, or its project's `scheduleTag`. */
  readonly selectedBy?: 'entry' | 'tag';
  /** The ledger could not record or read this graph's stop window: what went wrong. */
  readonly ledgerError?: string;
}

export interface PlanResult {
  readonly projectId: string;
  readonly graphId: string | undefined;
  readonly graphName: string | undefined;
  readonly schedule: string;
  readonly offHours: boolean;
  readonly holiday: boolean;
  readonly skipUntil?: string;
  readonly prevStop?: string;
  readonly prevStart?: string;
  readonly nextStop?: string;
  readonly nextStart?: string;
}

export interface Counts {
  stopped: number;
  alreadyStopped: number;
  skipped: number;
  failed: number;
  wouldStop: number;
  started: number;
  alreadyRunning: number;
  wouldStart: number;
}

/** What a run that called the API sent: attempts (retries included), retries, 429 answers. */
export interface RequestStats {
  readonly sent: number;
  readonly retries: number;
  readonly throttled: number;
}

export interface Summary {
  readonly runId: string;
  readonly action: Action;
  readonly dryRun: boolean;
  readonly at: string;
  readonly results: readonly (GraphResult | PlanResult)[];
  readonly counts: Counts;
  /** Absent for a plan, which calls no API. */
  readonly requests?: RequestStats;
  /** Scheduled runs: managed graphs (entries and tag-selected) whose schedule was in off-hours at `at`. */
  readonly graphsInOffHours?: number;
  /** What went wrong with the ledger of stop windows (the run then fails loudly). */
  readonly ledgerErrors?: readonly string[];
  /** What the summary cannot show (a plan does not see tag-selected graphs). */
  readonly note?: string;
  /** The pause that held at `at` (scheduled runs and plans): nothing was stopped or started. */
  readonly paused?: PauseView;
}

/** Result codes that are not errors thrown by this project but still explain a failed graph. */
export const ResultCode = {
  jobFailed: 'JOB_FAILED',
  notFound: 'GES.7000',
  ambiguous: 'AMBIGUOUS_NAME',
  mismatch: 'ID_NAME_MISMATCH',
  duplicate: 'DUPLICATE_GRAPH',
} as const;
