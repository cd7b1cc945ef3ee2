/**
 * Confirming accepted stops (and starts) by listing the project again: one request per page of
 * graphs confirms every job of the project at once, where polling each job would cost one request
 * per graph per round. A graph that reached the state its job aims at is `success`; one still on
 * the way is looked at again in the next round until the deadline; only a graph that moved the
 * other way (a stop whose graph is running again) has its job read, for the failure reason. When
 * fewer jobs are open than the listing has pages (a few graphs of a large project), the jobs are
 * read instead.
 */
import type { Clock } from '../clock.js';
import { DeadlineExceededError } from '../errors.js';
import type { GesClient } from '../ges/client.js';
import type { Graph, GraphStateKind } from '../ges/types.js';
import { errorFields } from './report.js';
import type { ReportedJobStatus } from './types.js';

export interface PollSettings {
  /** First wait before listing again; doubles up to maxDelayMs. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Waits before each read of a graph's state after an ambiguous answer (default: over 6 s). */
  readonly lookMs?: readonly number[] | undefined;
}

export const DEFAULT_POLL: PollSettings = { initialDelayMs: 2_000, maxDelayMs: 15_000 };

/** The client's listing page size. */
const DEFAULT_PAGE_SIZE = 100;

/** A job GES accepted, and the state its graph ends in when the job succeeds. */
export interface PendingJob {
  readonly graphId: string;
  /** Undefined when the answer carrying it was lost but the action was seen to happen. */
  readonly jobId: string | undefined;
  readonly goal: 'stopped' | 'running';
}

export interface JobVerdict {
  readonly jobStatus: ReportedJobStatus;
  readonly failReason?: string;
  /** Why the status is not final when it is not. */
  readonly note?: string;
}

/** States on the way to each goal: seen there, the job is still under way. */
const ON_THE_WAY: Readonly<Record<PendingJob['goal'], GraphStateKind>> = {
  stopped: 'stopping',
  running: 'starting',
};

export async function confirmJobs(options: {
  readonly client: GesClient;
  readonly projectId: string;
  readonly jobs: readonly PendingJob[];
  readonly deadline: number;
  readonly clock: Clock;
  readonly poll: PollSettings;
  /** How many graphs the project lists: with fewer open jobs than listing pages, jobs are read instead. */
  readonly graphsInProject?: number | undefined;
  /** Graphs per listing page (the client's default). */
  readonly pageSize?: number | undefined;
}): Promise<Map<string, JobVerdict>> {
  const { client, projectId, deadline, clock, poll } = options;
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  let listed = options.graphsInProject;
  const verdicts = new Map<string, JobVerdict>();
  const open = new Map(options.jobs.map((job) => [job.graphId, job]));
  /** Why a job that is still open could not be explained yet (its read failed). */
  const notes = new Map<string, string>();
  let wait = poll.initialDelayMs;
  let problem: string | undefined;
  while (open.size > 0) {
    const left = deadline - clock.now();
    if (left <= 0) break;
    await clock.sleep(Math.min(wait, left));
    if (clock.now() >= deadline) break;
    wait = Math.min(wait * 2, poll.maxDelayMs);
    // A few jobs in a large project: reading each job costs fewer requests than listing it all.
    const pages = listed === undefined ? 0 : Math.ceil(listed / pageSize);
    const readJobs = open.size < pages && [...open.values()].every((job) => job.jobId !== undefined);
    let listing: Map<string, Graph> | undefined;
    if (!readJobs) {
      try {
        listing = new Map((await client.listGraphs(projectId, { deadline })).map((g) => [g.id, g]));
        listed = listing.size;
        problem = undefined;
      } catch (error) {
        if (isOutOfTime(error)) break;
        problem = `the project could not be listed to confirm it (${describe(error)})`;
        continue;
      }
    }
    const unexplained = [...open.values()].filter((job) => {
      const kind = listing?.get(job.graphId)?.state.kind;
      if (listing && kind === job.goal) settle(job, { jobStatus: 'success' });
      return !(listing && (kind === job.goal || kind === ON_THE_WAY[job.goal]));
    });
    // Read at once: the transport bounds how many are in flight.
    const found = await Promise.all(
      unexplained.map((job) =>
        explain(client, projectId, job, listing?.get(job.graphId), deadline, listing !== undefined),
      ),
    );
    found.forEach((f, i) => {
      const job = unexplained[i]!;
      if (f === undefined) return;
      if ('note' in f && !('jobStatus' in f)) notes.set(job.graphId, f.note);
      else settle(job, f);
    });
  }
  for (const job of open.values()) {
    verdicts.set(job.graphId, {
      jobStatus: 'running',
      note: notes.get(job.graphId) ?? problem ?? 'the job had not ended when the run had to report',
    });
  }
  return verdicts;

  function settle(job: PendingJob, verdict: JobVerdict): void {
    verdicts.set(job.graphId, verdict);
    open.delete(job.graphId);
  }
}

/**
 * The graph is neither where its job leads nor on the way there (it went back, is busy, or is no
 * longer listed): the job says why. Undefined while the job itself is still under way; a note
 * alone when the job could not be read (it is read again next round).
 */
async function explain(
  client: GesClient,
  projectId: string,
  job: PendingJob,
  graph: Graph | undefined,
  deadline: number,
  wasListed: boolean,
): Promise<JobVerdict | { readonly note: string } | undefined> {
  const seen = !wasListed
    ? 'the project was not listed'
    : graph
      ? `the graph is ${graph.state.kind} (status ${graph.status})`
      : 'the graph is no longer listed';
  if (job.jobId === undefined) {
    // GES may show a new state late: without a job to read, the next run decides from the state.
    return {
      jobStatus: 'running',
      note: `${seen}, and the job id is unknown: the next run decides from its state`,
    };
  }
  try {
    const read = await client.getJob(projectId, job.graphId, job.jobId, { deadline });
    switch (read.status) {
      case 'failed':
        return {
          jobStatus: 'failed',
          failReason: read.failReason ?? `the job failed without a reason; ${seen}`,
        };
      case 'success':
        // Read without a listing, success is all there is to say; after one, something else
        // moved the graph since (an operator, the platform).
        return wasListed
          ? { jobStatus: 'success', note: `the job succeeded; ${seen} now` }
          : { jobStatus: 'success' };
      default:
        return undefined;
    }
  } catch (error) {
    if (isOutOfTime(error)) return undefined;
    return { note: `${seen} and the job could not be read (${describe(error)})` };
  }
}

/** Too little time was left to start a request at all: the run ran out of time, nothing failed. */
function isOutOfTime(error: unknown): boolean {
  return error instanceof DeadlineExceededError && error.cause === undefined;
}

function describe(error: unknown): string {
  const { errorCode, message } = errorFields(error);
  return `${errorCode}: ${message}`;
}
