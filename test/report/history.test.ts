/** The `history` action: each graph's windows from the ledger, as recorded, with the report's hours. */
import { describe, expect, it } from 'vitest';
import { EventError } from '../../lib/errors.js';
import type { Ledger } from '../../lib/ledger/types.js';
import { buildHistory, historyReport, NO_LEDGER_HISTORY } from '../../lib/report/history.js';
import { computeSavings } from '../../lib/report/savings.js';
import { configOf, gid, OFFICE, P1, P2, type WindowSpec, windowOf } from './support.js';

const FROM = new Date('2026-11-01T00:00:00Z');
const TO = new Date('2026-11-08T00:00:00Z');
const NOW = new Date('2026-11-05T12:00:00Z');

/** g1 fraud-detection by id and name; g2 by id only (GES calls it search); g3 by name only, in P2 too. */
const config = configOf({
  schedules: { office: OFFICE },
  projects: [
    {
      projectId: P1,
      region: 'cn-north-4',
      graphs: [
        { id: gid(1), name: 'fraud-detection', schedule: 'office' },
        { id: gid(2), schedule: 'office' },
        { name: 'archive', schedule: 'office' },
      ],
    },
    { projectId: P2, region: 'cn-north-4', graphs: [{ name: 'archive', schedule: 'office' }] },
  ],
  pricing: { currency: 'EUR', hourly: { '4': 12 } },
});

const SPECS: WindowSpec[] = [
  // An older window: no confirmedAt, counted from the stop.
  {
    graph: 1,
    stoppedAt: '2026-11-02T19:00:00Z',
    endedAt: '2026-11-03T06:00:00Z',
    sizeIndex: '4',
    jobId: 'job-a',
  },
  {
    graph: 1,
    stoppedAt: '2026-11-03T19:00:00Z',
    confirmedAt: '2026-11-03T19:30:00Z',
    endedAt: '2026-11-04T06:00:00Z',
    sizeIndex: '4',
    jobId: 'job-b',
  },
  // The stop's job failed: closed at once, no hours.
  {
    graph: 1,
    stoppedAt: '2026-11-04T19:00:00Z',
    endedAt: '2026-11-04T19:02:00Z',
    endedBy: 'stop-failed',
    jobId: 'job-c',
  },
  // Open, a start sent and not seen to finish, twice.
  {
    graph: 2,
    graphName: 'search',
    stoppedAt: '2026-11-04T19:00:00Z',
    confirmedAt: '2026-11-04T19:00:10Z',
    startJobId: 'start-1',
    startedAt: '2026-11-05T06:00:00Z',
    startAttempts: 2,
  },
  // Written ahead by a run whose stop is not confirmed yet.
  { graph: 3, graphName: 'archive', stoppedAt: '2026-11-05T11:00:00Z', pending: true },
];
const WINDOWS = SPECS.map(windowOf);

const history = (graphs?: string[], windows = WINDOWS) =>
  buildHistory({ config, graphs, from: FROM, to: TO, now: NOW, windows, skipped: [] });

describe('Function: buildHistory', () => {
  it('shows every window as recorded, with hours from the confirmation and none for pending or failed stops', () => {
    const result = history();
    expect(result).toMatchObject({
      action: 'history',
      from: FROM.toISOString(),
      to: TO.toISOString(),
      currency: 'EUR',
    });
    const [archive, fraud, search] = result.graphs; // by name
    expect(fraud).toMatchObject({
      projectId: P1,
      graphId: gid(1),
      graphName: 'fraud-detection',
      hoursStopped: 21.5,
      saved: 258,
    });
    expect(fraud!.windows).toEqual([
      expect.objectContaining({
        stoppedAt: '2026-11-02T19:00:00Z',
        endedBy: 'start',
        hours: 11,
        jobId: 'job-a',
        open: false,
      }),
      expect.objectContaining({ confirmedAt: '2026-11-03T19:30:00.000Z', hours: 10.5, jobId: 'job-b' }),
      expect.objectContaining({ endedBy: 'stop-failed', hours: 0, jobId: 'job-c' }),
    ]);
    expect(fraud!.windows[0]).not.toHaveProperty('confirmedAt');
    expect(archive!.windows).toEqual([
      {
        stoppedAt: '2026-11-05T11:00:00Z',
        pending: true,
        open: true,
        hours: 0,
        schedule: 'office',
        runId: 'run-2026-11-05T11:00:00Z',
        graphName: 'archive',
      },
    ]);
    expect(search).toMatchObject({ graphId: gid(2), graphName: 'search', hoursStopped: 17 });
    expect(search!.windows[0]).toMatchObject({
      open: true,
      hours: 17,
      startJobId: 'start-1',
      startedAt: '2026-11-05T06:00:00.000Z',
      startAttempts: 2,
    });
  });

  it("counts each graph's hours in the range exactly as the savings report does", () => {
    const savings = computeSavings({ config, windows: WINDOWS, from: FROM, to: TO, now: NOW });
    expect(history().graphs.map((g) => [g.graphId, g.hoursStopped, g.saved])).toEqual(
      savings.graphs.map((g) => [g.graphId, g.hoursStopped, g.saved]),
    );
  });

  it.each([
    { by: 'the name in its config entry', graphs: ['fraud-detection'], ids: [gid(1)] },
    { by: 'its id', graphs: [gid(2)], ids: [gid(2)] },
    {
      by: 'the name GES gave it, recorded in its windows (entry by id only)',
      graphs: ['search'],
      ids: [gid(2)],
    },
    {
      by: 'several names, in the report order whatever the request order',
      graphs: ['search', 'fraud-detection'],
      ids: [gid(1), gid(2)],
    },
  ])('selects a graph by $by', ({ graphs, ids }) => {
    expect(history(graphs).graphs.map((g) => g.graphId)).toEqual(ids);
  });

  it('shows a configured graph without windows in the range as an empty row, in every project that has it', () => {
    const result = history(
      ['archive'],
      WINDOWS.filter((w) => w.graphId !== gid(3)),
    );
    expect(result.graphs).toEqual([
      { projectId: P1, graphName: 'archive', hoursStopped: 0, windows: [] },
      { projectId: P2, graphName: 'archive', hoursStopped: 0, windows: [] },
    ]);
  });

  it('has no rows for an empty ledger', () => {
    expect(history(undefined, []).graphs).toEqual([]);
  });

  it.each([
    {
      graphs: ['fraud-detecton'],
      words:
        'unknown graph "fraud-detecton" (did you mean "fraud-detection"?): no configured graph and no stop window from 2026-11-01T00:00:00.000Z to 2026-11-08T00:00:00.000Z has this name or id',
    },
    { graphs: ['nope', 'fraud-detection', 'zzz'], words: 'unknown graphs "nope", "zzz"' },
    { graphs: Array.from({ length: 8 }, (_, i) => `ghost-${i}`), words: '"ghost-4" and 3 more' },
    { graphs: ['x'.repeat(500)], words: `"${'x'.repeat(80)}…"` },
  ])('refuses unknown graphs $graphs.0, naming them', ({ graphs, words }) => {
    expect(() => history(graphs)).toThrow(EventError);
    expect(() => history(graphs)).toThrow(words);
  });
});

describe('Function: historyReport', () => {
  it('refuses without a ledger, saying how to give it one', async () => {
    const made = historyReport({
      config,
      ledger: undefined,
      graphs: undefined,
      from: FROM,
      to: TO,
      now: NOW,
    });
    await expect(made).rejects.toThrow(EventError);
    await expect(made).rejects.toThrow(NO_LEDGER_HISTORY);
  });

  it('reads the range once and passes on the items that are not windows', async () => {
    const reads: [Date, Date][] = [];
    const ledger = {
      windows: async (from: Date, to: Date) => {
        reads.push([from, to]);
        return { windows: WINDOWS, skipped: ['x @ y: no graph or stoppedAt key'] };
      },
    } as unknown as Ledger;
    const result = await historyReport({ config, ledger, graphs: ['search'], from: FROM, to: TO, now: NOW });
    expect(reads).toEqual([[FROM, TO]]);
    expect(result.skipped).toEqual(['x @ y: no graph or stoppedAt key']);
    expect(result.graphs).toHaveLength(1);
  });
});
