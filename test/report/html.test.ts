/** The savings page (scripts/report/html.ts) and the per-day series it draws (lib/report/daily.ts). */
import { describe, expect, it } from 'vitest';
import { EventError } from '../../lib/errors.js';
import { dailySavings, MAX_DAYS } from '../../lib/report/daily.js';
import { reportHtml } from '../../scripts/report/html.js';
import { esc, niceStep } from '../../scripts/report/svg.js';
import { CONFIG, NASTY, NOW, TO, WEEK, weekReport } from './html-support.js';

describe('Function: dailySavings', () => {
  it('adds up, day by day, to the totals of the report over the whole range', async () => {
    const report = await weekReport();
    const sum = (pick: (d: (typeof report.days)[number]) => number) =>
      Math.round(report.days.reduce((s, d) => s + pick(d), 0) * 100) / 100;
    expect(report.days.map((d) => d.day)).toEqual([1, 2, 3, 4, 5, 6, 7].map((d) => `2026-11-0${d}`));
    expect(sum((d) => d.totals.hoursStopped)).toBe(report.totals.hoursStopped);
    expect(sum((d) => d.totals.saved)).toBe(report.totals.saved);
    // 1 Nov: 19:00-24:00 for four graphs; later days 00:00-06:00 and 19:00-24:00.
    expect(report.days[0]!.totals.hoursStopped).toBe(20);
    expect(report.days[1]!.totals.hoursStopped).toBe(44);
    expect(report.days[1]!.graphs.map((g) => g.hoursStopped)).toEqual([11, 11, 11, 11]);
  });

  it.each([
    {
      name: 'a range inside one day',
      from: '2026-11-02T03:00:00Z',
      to: '2026-11-02T20:00:00Z',
      days: [['2026-11-02', 16]],
    },
    {
      name: 'partial first and last days',
      from: '2026-11-02T22:00:00Z',
      to: '2026-11-03T02:00:00Z',
      days: [
        ['2026-11-02', 8],
        ['2026-11-03', 8],
      ],
    },
  ])('cuts $name at the range', ({ from, to, days }) => {
    const result = dailySavings({
      config: CONFIG,
      windows: WEEK,
      from: new Date(from),
      to: new Date(to),
      now: NOW,
    });
    expect(result.map((d) => [d.day, d.totals.hoursStopped])).toEqual(days);
    expect(result[0]!.from).toBe(new Date(from).toISOString());
    expect(result.at(-1)!.to).toBe(new Date(to).toISOString());
  });

  it(`refuses a range of more than ${MAX_DAYS} days, saying how long it is`, () => {
    const call = () =>
      dailySavings({ config: CONFIG, windows: [], from: new Date('2025-01-01T00:00:00Z'), to: TO, now: NOW });
    expect(call).toThrow(EventError);
    expect(call).toThrow(
      `a chart covers at most ${MAX_DAYS} days; from 2025-01-01T00:00:00.000Z to 2026-11-08T00:00:00.000Z is 676`,
    );
  });
});

describe('Function: reportHtml', () => {
  it('draws a bar per graph and day with hours, and again with money, and the forecast', async () => {
    const html = reportHtml(await weekReport());
    // 7 days × 4 graphs, in each of the two charts.
    expect(html.match(/<rect class="bar"/g)).toHaveLength(2 * 7 * 4);
    expect(html.match(/<rect class="hbar"/g)).toHaveLength(4);
    expect(html).toContain('<title>Nov 2 · fraud-detection: 11.00 h</title>');
    expect(html).toContain('<title>Nov 2 · fraud-detection: 132.00 USD</title>');
    expect(html).toContain('<b>284.00 h</b><span>kept stopped</span>');
  });

  it('loads nothing: no script, no external resource, and a policy that forbids both', async () => {
    const html = reportHtml(await weekReport());
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).not.toMatch(/<(script|img|link|iframe|object|embed)\b/i);
    // No element with a source, a link or a handler (an escaped name may hold such words as text).
    expect(html).not.toMatch(/<[^>]*\s(src|href|on\w+)=/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html.match(/https?:\/\/[^"]*/g)).toEqual([
      'http://www.w3.org/2000/svg',
      'http://www.w3.org/2000/svg',
      'http://www.w3.org/2000/svg',
    ]);
  });

  it.each(NASTY)('shows the graph name %s as text wherever it appears', async (name) => {
    const html = reportHtml(await weekReport());
    expect(html).not.toContain(name);
    expect(html).toContain(esc(name));
  });

  it('says so when nothing was kept stopped, and draws no bar', async () => {
    const html = reportHtml(await weekReport([]));
    expect(html).not.toContain('<rect class="bar"');
    expect(html).toContain('nothing kept stopped in this range');
    expect(html).toContain('No stop windows in this range');
  });

  it('sums the graphs beyond the eighth as "other graphs"', async () => {
    const report = await weekReport();
    const many = Array.from({ length: 12 }, (_, i) => ({
      ...report.graphs[0]!,
      graphId: `g${i}`,
      graphName: `graph-${i}`,
    }));
    const html = reportHtml({ ...report, graphs: many, days: [] });
    expect(html.match(/<li><i /g)).toHaveLength(2 * 8);
    expect(html).toContain('5 other graphs');
  });
});

describe('Function: niceStep', () => {
  it.each([
    [44, 10],
    [290, 100],
    [7, 2],
    [0.3, 0.1],
    [0, 1],
  ])('steps %d by %d', (max, step) => {
    expect(niceStep(max)).toBeCloseTo(step);
  });
});

describe('Function: reportHtml, a range longer than the ledger', () => {
  it('begins the charts at the first day with hours, and says so', async () => {
    const report = await weekReport();
    const empty = {
      ...report.days[0]!,
      day: '2026-10-31',
      graphs: [],
      totals: { hoursStopped: 0, saved: 0, unpricedHours: 0 },
    };
    const html = reportHtml({ ...report, days: [empty, { ...empty, day: '2026-10-30' }, ...report.days] });
    expect(html).toContain('Nothing was kept stopped before Nov 1: the charts begin there.');
    expect(html).not.toContain('>Oct 31<');
    expect(html.match(/<rect class="bar"/g)).toHaveLength(2 * 7 * 4);
  });
});
