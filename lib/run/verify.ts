/** Polling a stop job until it ends or the run's time budget does. */
import type { Clock } from '../clock.js';
import { DeadlineExceededError } from '../errors.js';
import type { GesClient } from '../ges/client.js';
import { errorFields } from './report.js';
import type { ReportedJobStatus } from './types.js';

export interface PollSettings {
  /** First wait before reading the job; doubles up to maxDelayMs. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_POLL: PollSettings = { initialDelayMs: 2_000, maxDelayMs: 15_000 };

export interface JobVerdict {
  readonly jobStatus: ReportedJobStatus;
  readonly failReason?: string;
  /** Why the status is not final when it is not. */
  readonly note?: string;
  readonly polls: number;
}

export async function waitForJob(options: {
  client: GesClient;
  projectId: string;
  graphId: string;
  jobId: string;
  deadline: number;
  clock: Clock;
  poll: PollSettings;
}): Promise<JobVerdict> {
  const { client, projectId, graphId, jobId, deadline, clock, poll } = options;
  let wait = poll.initialDelayMs;
  let polls = 0;
  let lastProblem: string | undefined;
  for (;;) {
    const left = deadline - clock.now();
    if (left <= 0) break;
    await clock.sleep(Math.min(wait, left));
    if (clock.now() >= deadline) break;
    wait = Math.min(wait * 2, poll.maxDelayMs);
    polls++;
    try {
      const job = await client.getJob(projectId, graphId, jobId, { deadline });
      if (job.status === 'success') return { jobStatus: 'success', polls };
      if (job.status === 'failed') {
        return {
          jobStatus: 'failed',
          failReason: job.failReason ?? 'the job failed without a reason',
          polls,
        };
      }
      lastProblem = undefined;
    } catch (error) {
      // Too little time was left to start a poll at all: the run ran out of time, no read failed.
      if (error instanceof DeadlineExceededError && error.cause === undefined) break;
      const { errorCode, message } = errorFields(error);
      lastProblem = `job status could not be read (${errorCode}: ${message})`;
    }
  }
  return {
    jobStatus: 'running',
    note: lastProblem ?? 'the job had not ended when the run had to report',
    polls,
  };
}
