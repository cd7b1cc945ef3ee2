import { describe, expect, it } from 'vitest';
import type { HistoryWindow } from '../../lib/report/types.js';
import { historyNote } from '../../scripts/report/history-format.js';

const closedBy = (endedBy: string, extra: Partial<HistoryWindow> = {}): HistoryWindow => ({
  stoppedAt: '2026-11-04T19:00:00.000Z',
  confirmedAt: '2026-11-04T19:00:10.000Z',
  endedAt: '2026-11-05T06:01:00.000Z',
  endedBy,
  open: false,
  hours: 11,
  ...extra,
});

describe('Function: historyNote', () => {
  it.each([
    {
      name: 'a start that ended the window is a start done, not one "not seen to finish"',
      w: closedBy('start', { startJobId: 'job-s', startedAt: '2026-11-05T06:00:00.000Z', startAttempts: 1 }),
      expected: 'started by job job-s sent 2026-11-05 06:00:00Z',
    },
    {
      name: 'a start done at the second attempt says so',
      w: closedBy('start', { startJobId: 'job-s2', startAttempts: 2 }),
      expected: 'started by job job-s2; start attempts: 2',
    },
    {
      name: 'an open window with a start sent is still waiting for it',
      w: {
        stoppedAt: '2026-11-04T19:00:00.000Z',
        confirmedAt: '2026-11-04T19:00:10.000Z',
        open: true,
        hours: 11,
        startJobId: 'job-o',
        startedAt: '2026-11-05T06:00:00.000Z',
        startAttempts: 2,
      } satisfies HistoryWindow,
      expected:
        'stopped now; start job-o sent 2026-11-05 06:00:00Z, not seen to finish yet; start attempts: 2',
    },
    {
      name: 'a start of ours the graph was stopped again after (not-ours): the start is named, nothing more',
      w: closedBy('seen-running', { startJobId: 'job-x' }),
      expected: 'start job-x',
    },
    {
      name: 'a failed stop counts nothing',
      w: closedBy('stop-failed'),
      expected: 'the stop job failed: no hours',
    },
    {
      name: 'a pending window',
      w: { stoppedAt: '2026-11-05T11:00:00.000Z', pending: true, open: true, hours: 0 } as HistoryWindow,
      expected: 'pending: the stop is not confirmed yet, no hours',
    },
  ])('$name', ({ w, expected }) => {
    expect(historyNote(w)).toBe(expected);
  });
});
