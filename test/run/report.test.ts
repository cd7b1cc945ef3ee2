import { describe, expect, it } from 'vitest';
import { emptyCounts, summaryForLog } from '../../lib/run/report.js';
import type { GraphResult, Summary } from '../../lib/run/types.js';

function result(i: number, outcome: GraphResult['outcome']): GraphResult {
  return {
    projectId: '0123456789abcdef0123456789abcdef',
    graphId: `00000000-0000-4000-a000-${String(i).padStart(12, '0')}`,
    graphName: `graph-${i}`,
    outcome,
    ...(outcome === 'stopped' ? { jobId: `job-${i}`, jobStatus: 'success' as const } : {}),
    ...(outcome === 'skipped' ? { reason: 'on-hours' as const, message: 'schedule is in on-hours' } : {}),
  };
}

function summary(results: GraphResult[]): Summary {
  return {
    runId: 'r',
    action: 'reconcile',
    dryRun: false,
    at: '2026-11-23T20:00:00.000Z',
    results,
    counts: emptyCounts(),
  };
}

describe('summaryForLog: the summary line stays under the CloudWatch event limit', () => {
  it('logs a summary that fits as it is', () => {
    const s = summary([result(1, 'stopped'), result(2, 'skipped')]);
    expect(summaryForLog(s)).toBe(s);
  });

  it('drops the quiet results of a large run first, and says how many are not on the line', () => {
    const outcomes: GraphResult['outcome'][] = [
      'stopped',
      'skipped',
      'already-stopped',
      'failed',
      'would-stop',
    ];
    const results = Array.from({ length: 5_000 }, (_, i) => result(i, outcomes[i % outcomes.length]!));
    const logged = summaryForLog(summary(results));
    expect(Buffer.byteLength(JSON.stringify(logged))).toBeLessThanOrEqual(200_000);
    expect(new Set(logged.results.map((r) => (r as GraphResult).outcome))).toEqual(
      new Set(['stopped', 'failed', 'would-stop']),
    );
    expect(logged.results.length + logged.omittedResults!).toBe(5_000);
  });

  it('keeps every stopped graph with its job id when shedding the quiet ones is enough', () => {
    const results = Array.from({ length: 1_000 }, (_, i) => result(i, i % 2 ? 'stopped' : 'skipped'));
    const logged = summaryForLog(summary(results), 100_000);
    expect(logged.omittedResults).toBe(500);
    expect(logged.messagesOmitted).toBeUndefined();
    expect(logged.results.map((r) => (r as GraphResult).jobId)).toEqual(
      results.filter((r) => r.outcome === 'stopped').map((r) => r.jobId),
    );
  });

  it('stays under the limit when every graph failed with a long message', () => {
    const results = Array.from({ length: 2_000 }, (_, i) => ({
      ...result(i, 'failed'),
      errorCode: 'CREDENTIALS',
      message: `project 0123456789abcdef0123456789abcdef: Credentials from secret ges/prod: secret not found ${'x'.repeat(80)}`,
    }));
    const logged = summaryForLog(summary(results), 100_000);
    expect(Buffer.byteLength(JSON.stringify(logged))).toBeLessThanOrEqual(100_000);
    expect(logged.messagesOmitted).toBe(true);
    expect(logged.results.length + logged.omittedResults!).toBe(2_000);
    expect(
      logged.results.every((r) => (r as GraphResult).errorCode === 'CREDENTIALS' && !('message' in r)),
    ).toBe(true);
  });
});
