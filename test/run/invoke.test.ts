import { describe, expect, it } from 'vitest';
import { GraphsFailedError } from '../../lib/errors.js';
import { failureOf, safetyMarginMs } from '../../lib/invoke.js';
import { emptyCounts } from '../../lib/run/report.js';
import type { GraphResult, Summary } from '../../lib/run/types.js';

function summary(outcomes: GraphResult['outcome'][]): Summary {
  const results = outcomes.map(
    (outcome, i): GraphResult => ({
      projectId: '0123456789abcdef0123456789abcdef',
      graphId: `id-${i}`,
      graphName: i % 2 ? undefined : `g${i}`,
      outcome,
      ...(outcome === 'failed' ? { errorCode: 'GES.7000' } : {}),
    }),
  );
  return {
    runId: 'run-1',
    action: 'reconcile',
    dryRun: false,
    at: '2026-11-23T20:00:00.000Z',
    results,
    counts: emptyCounts(),
  };
}

describe('failureOf: the error a run with failed graphs ends in', () => {
  it('is nothing when no graph failed', () => {
    expect(failureOf(summary(['stopped', 'skipped', 'already-stopped']))).toBeUndefined();
  });

  it('names the failed graphs by name, or id when they have none, with their codes', () => {
    const error = failureOf(summary(['failed', 'failed', 'stopped']));
    expect(error).toBeInstanceOf(GraphsFailedError);
    expect(error?.message).toBe('2 of 3 graphs failed in run run-1: g0 (GES.7000), id-1 (GES.7000)');
  });

  it('names the first five and counts the rest', () => {
    const error = failureOf(summary(Array.from({ length: 8 }, () => 'failed' as const)));
    expect(error?.message).toMatch(
      /^8 of 8 graphs failed in run run-1: g0 .*, g4 \(GES\.7000\), and 3 more$/,
    );
    expect(error?.failed).toBe(8);
  });
});

describe('safetyMarginMs: time kept back to report', () => {
  it.each([
    { remainingMs: 300_000, expected: 10_000 }, // a tenth would be 30 s: capped
    { remainingMs: 60_000, expected: 6_000 }, // a tenth
    { remainingMs: 1_000, expected: 200 }, // a tenth would be 100 ms: floor
    { remainingMs: 0, expected: 200 },
  ])('keeps $expected ms of $remainingMs ms', ({ remainingMs, expected }) => {
    expect(safetyMarginMs(remainingMs)).toBe(expected);
  });
});
