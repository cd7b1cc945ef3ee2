import { describe, expect, it } from 'vitest';
import type { Clock } from '../../lib/clock.js';
import { DeadlineExceededError, GesHttpError } from '../../lib/errors.js';
import type { GesClient } from '../../lib/ges/client.js';
import type { Job } from '../../lib/ges/types.js';
import { waitForJob } from '../../lib/run/verify.js';

const REQUEST = { method: 'GET', url: '/v2/p/graphs/g/jobs/j/status' };
const RUNNING: Job = { jobId: 'j', status: 'running' };

/** A clock whose sleeps only move time on. */
function fakeClock(start = 0): Clock {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += Math.max(0, ms);
    },
  };
}

/** A client whose getJob answers each item in turn (an Error is thrown), repeating the last. */
function clientAnswering(...answers: (Job | Error)[]): GesClient {
  let call = 0;
  return {
    getJob: async () => {
      const answer = answers[Math.min(call++, answers.length - 1)]!;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  } as unknown as GesClient;
}

const poll = { initialDelayMs: 100, maxDelayMs: 100 };

describe('Function: waitForJob', () => {
  it.each([
    {
      name: 'a poll the transport could not start before the deadline',
      last: new DeadlineExceededError(REQUEST),
      note: 'the job had not ended when the run had to report',
    },
    {
      name: 'a retry cut off by the deadline after a 429',
      last: new DeadlineExceededError(REQUEST, {
        cause: new GesHttpError({ status: 429, gesCode: 'APIG.0308', request: REQUEST }),
      }),
      note: 'job status could not be read (DEADLINE_EXCEEDED: Deadline reached before an answer: GET /v2/p/graphs/g/jobs/j/status)',
    },
    {
      name: 'a read that failed',
      last: new GesHttpError({ status: 500, gesCode: 'GES.7006', request: REQUEST }),
      note: expect.stringContaining('job status could not be read (GES.7006'),
    },
  ])('reports a job seen running as running, after $name', async ({ last, note }) => {
    const verdict = await waitForJob({
      client: clientAnswering(RUNNING, last),
      projectId: 'p',
      graphId: 'g',
      jobId: 'j',
      deadline: 250,
      clock: fakeClock(),
      poll,
    });
    expect(verdict).toMatchObject({ jobStatus: 'running', note });
  });
});
