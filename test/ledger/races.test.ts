/**
 * Conditional writes against a real DynamoDB API (dynalite): retries never make two windows, and
 * concurrent runs end with at most one open window per graph, the earliest.
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import type { DynamoLedger } from '../../lib/ledger/dynamo.js';
import type { OpenWindowInput } from '../../lib/ledger/types.js';
import { useLedgerEmulator } from './emulator.js';

const fixture = useLedgerEmulator();

const PROJECT = '0123456789abcdef0123456789abcdef';
const GRAPH = '11111111-2222-3333-4444-555555555555';
const KEY = `${PROJECT}/${GRAPH}`;
const EVENING = Date.parse('2026-03-02T20:00:00.000Z');

function stop(runId: string, offsetMs: number): OpenWindowInput {
  return {
    projectId: PROJECT,
    graphId: GRAPH,
    stoppedAt: new Date(EVENING + offsetMs),
    runId,
    schedule: 'office-hours',
    jobId: `job-${runId}`,
  };
}

/** Every item in the table, as `runId@stoppedAt` plus `(closed)` for closed windows. */
async function items(ledger: DynamoLedger): Promise<string[]> {
  const client = new DynamoDBClient(fixture.client());
  try {
    const { Items = [] } = await client.send(new ScanCommand({ TableName: ledger.table }));
    return Items.map((i) => `${i.runId?.S}@${i.stoppedAt?.S}${i.endedAt ? ' (closed)' : ''}`).sort();
  } finally {
    client.destroy();
  }
}

describe('Ledger: retried writes', () => {
  it('a retried openWindow finds its own window: one item, reported as opened both times', async () => {
    const ledger = await fixture.ledger();
    const first = await ledger.openWindow(stop('run-a', 0));
    const retry = await ledger.openWindow(stop('run-a', 0));
    expect(first.outcome).toBe('opened');
    expect(retry).toEqual(first);
    expect(await items(ledger)).toEqual(['run-a@2026-03-02T20:00:00.000Z']);
  });

  it('a retry after the window was closed says so and opens nothing', async () => {
    const ledger = await fixture.ledger();
    const { window } = await ledger.openWindow(stop('run-a', 0));
    await ledger.closeWindow(window, { endedAt: new Date(EVENING + 36e6), endedBy: 'start' });
    const retry = await ledger.openWindow(stop('run-a', 0));
    expect(retry).toMatchObject({ outcome: 'already-closed', window: { runId: 'run-a', endedBy: 'start' } });
    expect(await items(ledger)).toEqual(['run-a@2026-03-02T20:00:00.000Z (closed)']);
  });
});

describe('Ledger: at most one open window per graph', () => {
  it('a stop inside an open window (platform restart) keeps the first window and records no second', async () => {
    const ledger = await fixture.ledger();
    await ledger.openWindow(stop('run-evening', 0));
    const restart = await ledger.openWindow(stop('run-day-8', 7 * 86_400_000));
    expect(restart).toMatchObject({ outcome: 'already-open', window: { runId: 'run-evening' } });
    expect(await items(ledger)).toEqual(['run-evening@2026-03-02T20:00:00.000Z']);
  });

  it('two runs at the same instant: the first write wins, the second is told whose window stands', async () => {
    const ledger = await fixture.ledger();
    await ledger.openWindow(stop('run-a', 0));
    const second = await ledger.openWindow(stop('run-b', 0));
    expect(second).toMatchObject({ outcome: 'already-open', window: { runId: 'run-a' } });
    expect(await items(ledger)).toEqual(['run-a@2026-03-02T20:00:00.000Z']);
  });

  it('a late write with an earlier stop instant takes over: the later window is removed', async () => {
    // Run b saw the graph stop first but wrote last: its window is the one that stands.
    const ledger = await fixture.ledger();
    await ledger.openWindow(stop('run-a', 1_000));
    const late = await ledger.openWindow(stop('run-b', 0));
    expect(late).toMatchObject({ outcome: 'opened', window: { runId: 'run-b' } });
    expect(await items(ledger)).toEqual(['run-b@2026-03-02T20:00:00.000Z']);
  });

  it.each([2, 5, 12])(
    '%i runs recording one stop at once leave exactly one open window, the earliest',
    async (runs) => {
      const ledger = await fixture.ledger();
      const inputs = Array.from({ length: runs }, (_, i) => stop(`run-${i}`, (runs - i) * 10));
      const results = await Promise.all(inputs.map((input) => ledger.openWindow(input)));
      const earliest = `run-${runs - 1}@${new Date(EVENING + 10).toISOString()}`;
      expect(await items(ledger)).toEqual([earliest]);
      const open = (await ledger.openWindows([{ projectId: PROJECT, graphId: GRAPH }])).get(KEY);
      expect(open).toEqual({ ok: true, windows: [expect.objectContaining({ runId: `run-${runs - 1}` })] });
      // The run whose window stands was told so.
      expect(results[runs - 1]).toMatchObject({ outcome: 'opened', window: { runId: `run-${runs - 1}` } });
      for (const result of results) expect(result.outcome).not.toBe('already-closed');
    },
  );

  it('two runs closing one window at once: exactly one closes it, the other is told', async () => {
    const ledger = await fixture.ledger();
    const { window } = await ledger.openWindow(stop('run-a', 0));
    const closes = await Promise.all([
      ledger.closeWindow(window, { endedAt: new Date(EVENING + 36e6), endedBy: 'start' }),
      ledger.closeWindow(window, { endedAt: new Date(EVENING + 36e6 + 1), endedBy: 'seen-running' }),
    ]);
    expect(closes.map((c) => c.outcome).sort()).toEqual(['already-closed', 'closed']);
    const winner = closes.find((c) => c.outcome === 'closed');
    const loser = closes.find((c) => c.outcome === 'already-closed');
    expect(loser).toMatchObject({
      window: { endedBy: winner?.outcome === 'closed' && winner.window.endedBy },
    });
  });
});
