/**
 * The sandbox's stop and start jobs. A job needs no timer: it records when it began and when it
 * ends, and its status is worked out from the clock whenever it is read.
 */
import { createHash } from 'node:crypto';
import type { SandboxGraph } from './types.js';

export type JobType = 'StopGraph' | 'StartGraph';
type JobOutcome = NonNullable<SandboxGraph['stopJob']>;

export interface JobView {
  readonly jobId: string;
  /** The graph's name when the job began: the job centre's `related_graph`. */
  readonly graphName: string;
  readonly status: 'running' | 'success' | 'failed';
  readonly jobType: JobType;
  readonly begin: Date;
  readonly end?: Date;
  readonly failReason?: string;
}

/** What a new job is about; the book gives it an id and its times. */
export interface JobSpec {
  readonly projectId: string;
  /** `projectId/graphId`: the graph whose job-status route may read the job. */
  readonly graphKey: string;
  readonly graphName: string;
  readonly type: JobType;
  readonly durationMs: number;
  readonly outcome: JobOutcome;
  /** The graph's status while the job runs, after it succeeds, and after it fails. */
  readonly during: string;
  readonly onSuccess: string;
  readonly onFailure: string;
  readonly failReason: string;
}

export interface JobRecord extends Omit<JobSpec, 'durationMs'> {
  readonly id: string;
  /** 1, 2, 3… in order of creation: orders jobs that began in the same millisecond. */
  readonly seq: number;
  readonly beginMs: number;
  readonly endMs: number;
}

export class JobBook {
  readonly #jobs = new Map<string, JobRecord>();
  readonly #seed: number;
  readonly #clock: () => number;

  constructor(seed: number, clock: () => number) {
    this.#seed = seed;
    this.#clock = clock;
  }

  /** Begins a job now. */
  create({ durationMs, ...spec }: JobSpec): JobRecord {
    const seq = this.#jobs.size + 1;
    const beginMs = this.#clock();
    const job: JobRecord = { ...spec, id: this.#jobId(seq), seq, beginMs, endMs: beginMs + durationMs };
    this.#jobs.set(job.id, job);
    return job;
  }

  get(jobId: string): JobRecord | undefined {
    return this.#jobs.get(jobId);
  }

  status(job: JobRecord): JobView['status'] {
    if (job.outcome === 'never' || this.#clock() < job.endMs) return 'running';
    return job.outcome;
  }

  view(job: JobRecord): JobView {
    const status = this.status(job);
    return {
      jobId: job.id,
      graphName: job.graphName,
      status,
      jobType: job.type,
      begin: new Date(job.beginMs),
      ...(status === 'running' ? {} : { end: new Date(job.endMs) }),
      ...(status === 'failed' ? { failReason: job.failReason } : {}),
    };
  }

  /** Every job of the project, newest first, whether or not its graph still exists. */
  ofProject(projectId: string): JobView[] {
    return [...this.#jobs.values()]
      .filter((job) => job.projectId === projectId)
      .sort((a, b) => b.beginMs - a.beginMs || b.seq - a.seq)
      .map((job) => this.view(job));
  }

  /** 32 hex characters, like GES job ids; deterministic for a given seed. */
  #jobId(seq: number): string {
    return createHash('sha256').update(`${this.#seed}:job:${seq}`).digest('hex').slice(0, 32);
  }
}
