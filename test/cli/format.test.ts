import { describe, expect, it } from 'vitest';
import { emptyCounts } from '../../lib/run/report.js';
import type { GraphResult, PlanResult, Summary } from '../../lib/run/types.js';
import { failureReport, renderTable, resultTable, shortLogLine, verdict } from '../../scripts/cli/format.js';

const P1 = '0123456789abcdef0123456789abcdef';
const P2 = 'fedcba9876543210fedcba9876543210';
const RUN = '76142282-0d1c-4c42-9a43-6a3e8c1b2f00';

function summary(results: (GraphResult | PlanResult)[], overrides: Partial<Summary> = {}): Summary {
  return {
    runId: RUN,
    action: 'reconcile',
    dryRun: false,
    at: '2026-11-23T20:00:00.000Z',
    results,
    counts: emptyCounts(),
    ...overrides,
  };
}

const result = (r: Partial<GraphResult> & Pick<GraphResult, 'outcome'>): GraphResult => ({
  projectId: P1,
  graphId: 'id-1',
  graphName: 'fraud-detection',
  ...r,
});

describe('renderTable', () => {
  it('pads each column to its widest cell, rules the header, and leaves no trailing spaces', () => {
    expect(
      renderTable(
        ['a', 'bb', 'c'],
        [
          ['xxx', 'y', ''],
          ['z', 'wwww', 'end'],
        ],
      ),
    ).toBe('a    bb    c\n---  ----  ---\nxxx  y\nz    wwww  end\n');
  });
});

describe('resultTable', () => {
  it('shows name (or id), short project, outcome, reason or job id, job status and message', () => {
    const table = resultTable(
      summary([
        result({ outcome: 'stopped', jobId: 'job-1', jobStatus: 'success' }),
        result({
          graphName: undefined,
          graphId: 'id-2',
          outcome: 'skipped',
          reason: 'busy',
          message: 'importing',
        }),
        result({ outcome: 'failed', errorCode: 'GES.0016', message: 'x'.repeat(100) }),
      ]),
    ).split('\n');
    expect(table[0]).toMatch(/^graph\s+project\s+outcome\s+reason \/ job id\s+job\s+message$/);
    expect(table[2]).toMatch(/^fraud-detection\s+01234567\s+stopped\s+job-1\s+success$/);
    expect(table[3]).toMatch(/^id-2\s+01234567\s+skipped\s+busy\s+importing$/);
    expect(table[4]).toMatch(/failed\s+GES\.0016\s+x{71}…$/);
  });

  it('shows a plan as schedules and instants', () => {
    const plan: PlanResult = {
      projectId: P1,
      graphId: undefined,
      graphName: 'fraud-detection',
      schedule: 'nights',
      offHours: true,
      holiday: true,
      nextStop: '2026-11-24T19:00:00.000Z',
      nextStart: '2026-11-24T06:00:00.000Z',
    };
    const lines = resultTable(summary([plan], { action: 'plan' })).split('\n');
    expect(lines[0]).toMatch(/^graph\s+project\s+schedule\s+at that time\s+next stop\s+next start$/);
    expect(lines[2]).toMatch(
      /^fraud-detection\s+01234567\s+nights\s+off-hours \(holiday\)\s+2026-11-24T19:00:00\.000Z\s+2026-11-24T06:00:00\.000Z$/,
    );
  });

  it('says so when no graph is configured', () => {
    expect(resultTable(summary([]))).toBe('(no configured graphs)\n');
  });
});

describe('verdict: the run in one line', () => {
  it.each([
    {
      name: 'a run: stopped and failed always, the other counts when not zero',
      summary: summary([], {
        counts: { ...emptyCounts(), stopped: 2, skipped: 1 },
      }),
      expected: 'reconcile: 2 stopped, 1 skipped, 0 failed (run 76142282…)',
    },
    {
      name: 'a dry run: would stop instead of stopped',
      summary: summary([], {
        dryRun: true,
        action: 'stop',
        counts: { ...emptyCounts(), alreadyStopped: 3, failed: 1, wouldStop: 4 },
      }),
      expected: 'stop (dry run): 4 would stop, 3 already stopped, 1 failed (run 76142282…)',
    },
    {
      name: 'a start: started instead of stopped',
      summary: summary([], {
        action: 'start',
        counts: { ...emptyCounts(), skipped: 1, started: 1, alreadyRunning: 2 },
      }),
      expected: 'start: 1 started, 2 already running, 1 skipped, 0 failed (run 76142282…)',
    },
    {
      name: 'a plan',
      summary: summary(
        [
          {
            projectId: P1,
            graphId: 'a',
            graphName: undefined,
            schedule: 's',
            offHours: true,
            holiday: false,
          },
          {
            projectId: P1,
            graphId: 'b',
            graphName: undefined,
            schedule: 's',
            offHours: false,
            holiday: false,
          },
        ],
        {
          action: 'plan',
          counts: { ...emptyCounts(), wouldStop: 1 },
        },
      ),
      expected:
        'plan at 2026-11-23T20:00:00.000Z: 1 of 2 graphs in off-hours, 1 of them not under skipUntil (states not read: a dry run says what would be stopped) (run 76142282…)',
    },
  ])('reads $name', ({ summary, expected }) => {
    expect(verdict(summary)).toBe(expected);
  });
});

describe('failureReport', () => {
  it('is empty when nothing failed', () => {
    expect(failureReport(summary([result({ outcome: 'stopped' })]))).toBe('');
  });

  it('lists each failure with its code and whole message, one entry for graphs that failed alike', () => {
    const projectDown = { outcome: 'failed' as const, errorCode: 'APIG.0302', message: `project ${P2}: 403` };
    const report = failureReport(
      summary([
        result({ outcome: 'stopped' }),
        result({ outcome: 'failed', errorCode: 'JOB_FAILED', message: 'the stop job failed' }),
        result({ projectId: P2, graphName: 'a', ...projectDown }),
        result({ projectId: P2, graphName: undefined, graphId: 'id-b', ...projectDown }),
      ]),
    );
    expect(report).toBe(
      '3 of 4 graphs failed:\n' +
        '  - JOB_FAILED: fraud-detection (project 01234567)\n      the stop job failed\n' +
        `  - APIG.0302: a (project fedcba98), id-b (project fedcba98)\n      project ${P2}: 403\n`,
    );
  });

  it('names the first ten graphs of a group and counts the rest', () => {
    const many = Array.from({ length: 12 }, (_, i) =>
      result({ graphName: `g${i}`, outcome: 'failed', errorCode: 'CREDENTIALS', message: 'no credentials' }),
    );
    expect(failureReport(summary(many))).toContain('g9 (project 01234567), and 2 more\n');
  });
});

describe('shortLogLine: warnings a person sees while the run goes on', () => {
  it.each([
    {
      name: 'a config warning',
      entry: {
        level: 'warn' as const,
        message: 'config warning',
        fields: { path: 'schedules.a.stop', warning: 'DST' },
      },
      expected: 'warning: config schedules.a.stop: DST',
    },
    {
      name: 'a retry',
      entry: {
        level: 'warn' as const,
        message: 'retrying request',
        fields: {
          retry: {
            method: 'GET',
            origin: 'https://ges.example',
            url: '/v2/p/graphs',
            attempt: 2,
            delayMs: 1500,
            reason: 'status 429 APIG.0308',
          },
        },
      },
      expected:
        'retrying GET https://ges.example/v2/p/graphs after status 429 APIG.0308 (attempt 2) in 1.5 s',
    },
    {
      name: 'another warning, with its plain fields',
      entry: {
        level: 'warn' as const,
        message: 'stop answer lost',
        fields: { graphId: 'g1', send: { x: 1 } },
      },
      expected: 'warning: stop answer lost (graphId=g1)',
    },
    {
      name: 'an info line',
      entry: { level: 'info' as const, message: 'graph stopped', fields: {} },
      expected: undefined,
    },
    {
      name: 'an error line',
      entry: { level: 'error' as const, message: 'graph failed', fields: {} },
      expected: undefined,
    },
  ])('shows $name', ({ entry, expected }) => {
    expect(shortLogLine(entry)).toBe(expected);
  });
});
