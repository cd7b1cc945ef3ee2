import { describe, expect, it } from 'vitest';
import { reportForLog } from '../../lib/report/log.js';
import type { SavingsReport } from '../../lib/report/types.js';

const graph = (i: number) => ({
  projectId: 'p',
  graphId: `graph-${i}`,
  graphName: `name-${i}`,
  hoursStopped: 10,
  unpricedHours: 0,
  windows: 1,
  open: false,
});

function reportWith(graphs: number, forecast: number): SavingsReport {
  return {
    action: 'report',
    from: '2026-11-01T00:00:00.000Z',
    to: '2026-12-01T00:00:00.000Z',
    at: '2026-12-01T00:00:00.000Z',
    currency: 'USD',
    graphs: Array.from({ length: graphs }, (_, i) => graph(i)),
    projects: [{ projectId: 'p', hoursStopped: 10 * graphs, saved: 0, unpricedHours: 0 }],
    totals: { hoursStopped: 10 * graphs, saved: 0, unpricedHours: 0 },
    unpriced: [],
    forecastFrom: '2026-12-01T00:00:00.000Z',
    forecast: Array.from({ length: forecast }, (_, i) => ({
      projectId: 'p',
      graphId: `graph-${i}`,
      graphName: `name-${i}`,
      schedule: 'office',
      offHoursPerWeek: 103,
      offHoursPerMonth: 440,
    })),
    skipped: [],
  };
}

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

describe('Function: reportForLog', () => {
  it('keeps a report that fits whole', () => {
    const report = reportWith(3, 3);
    expect(reportForLog(report)).toBe(report);
  });

  it('drops the forecast first, then the graphs, counting what went, and keeps the totals', () => {
    const report = reportWith(20, 20);
    const withoutForecast = reportForLog(report, bytes({ ...report, forecast: [] }) + 40);
    expect(withoutForecast).toMatchObject({ forecast: [], omitted: { forecast: 20 } });
    expect(withoutForecast.graphs).toHaveLength(20);
    const tiny = reportForLog(report, 600);
    expect(tiny).toMatchObject({ forecast: [], graphs: [], omitted: { forecast: 20, graphs: 20 } });
    expect(tiny.totals).toEqual(report.totals);
    expect(bytes(tiny)).toBeLessThanOrEqual(600);
  });
});
