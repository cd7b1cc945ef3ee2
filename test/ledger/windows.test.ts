/** The ledger against a real DynamoDB API (dynalite on loopback): open, read and close windows. */
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { RETENTION_DAYS } from '../../lib/ledger/items.js';
import type { OpenWindowInput } from '../../lib/ledger/types.js';
import { useLedgerEmulator } from './emulator.js';

const fixture = useLedgerEmulator();

const PROJECT = '0123456789abcdef0123456789abcdef';
const GRAPH = '11111111-2222-3333-4444-555555555555';
const OTHER = '66666666-7777-8888-9999-000000000000';
const at = (iso: string) => new Date(iso);

function stop(overrides: Partial<OpenWindowInput> = {}): OpenWindowInput {
  return {
    projectId: PROJECT,
    graphId: GRAPH,
    stoppedAt: at('2026-03-02T20:00:05.000Z'),
    runId: 'run-evening',
    schedule: 'office-hours',
    ...overrides,
  };
}

async function rawItem(table: string, graph: string, stoppedAt: string) {
  const client = new DynamoDBClient(fixture.client());
  try {
    const { Item } = await client.send(
      new GetItemCommand({ TableName: table, Key: { graph: { S: graph }, stoppedAt: { S: stoppedAt } } }),
    );
    return Item;
  } finally {
    client.destroy();
  }
}

describe('Ledger: opening a window', () => {
  it('writes one item with the contract key and every attribute GES reported', async () => {
    const ledger = await fixture.ledger();
    const result = await ledger.openWindow(
      stop({
        jobId: 'job-1',
        offUntil: at('2026-03-03T06:00:00.000Z'),
        sizeIndex: '4',
        replication: 3,
        graphName: 'fraud-detection',
      }),
    );
    expect(result.outcome).toBe('opened');
    expect(await rawItem(ledger.table, `${PROJECT}/${GRAPH}`, '2026-03-02T20:00:05.000Z')).toEqual({
      graph: { S: `${PROJECT}/${GRAPH}` },
      stoppedAt: { S: '2026-03-02T20:00:05.000Z' },
      runId: { S: 'run-evening' },
      schedule: { S: 'office-hours' },
      jobId: { S: 'job-1' },
      offUntil: { S: '2026-03-03T06:00:00.000Z' },
      sizeIndex: { S: '4' },
      replication: { N: '3' },
      graphName: { S: 'fraud-detection' },
      // In the index of open windows, and expiring 400 days after it opened while open.
      openIn: { S: PROJECT },
      expiresAt: { N: String(Date.parse('2026-03-02T20:00:05.000Z') / 1000 + RETENTION_DAYS * 86_400) },
    });
  });

  it('leaves out what GES did not report', async () => {
    const ledger = await fixture.ledger();
    await ledger.openWindow(stop());
    const item = await rawItem(ledger.table, `${PROJECT}/${GRAPH}`, '2026-03-02T20:00:05.000Z');
    expect(Object.keys(item ?? {}).sort()).toEqual([
      'expiresAt',
      'graph',
      'openIn',
      'runId',
      'schedule',
      'stoppedAt',
    ]);
  });

  it('is found by openWindows with its parsed fields', async () => {
    const ledger = await fixture.ledger();
    await ledger.openWindow(stop({ jobId: 'job-1', sizeIndex: '1', replication: 1, graphName: 'search' }));
    const windows = await ledger.openWindows([{ projectId: PROJECT, graphId: GRAPH }]);
    expect(windows.get(`${PROJECT}/${GRAPH}`)).toEqual({
      ok: true,
      windows: [
        expect.objectContaining({
          projectId: PROJECT,
          graphId: GRAPH,
          stoppedAt: at('2026-03-02T20:00:05.000Z'),
          jobId: 'job-1',
          sizeIndex: '1',
          replication: 1,
          graphName: 'search',
          endedAt: undefined,
        }),
      ],
    });
  });
});

describe('Ledger: closing a window', () => {
  it.each(['start', 'seen-running', 'deleted'] as const)(
    'records endedAt, endedBy %s and the TTL',
    async (endedBy) => {
      const ledger = await fixture.ledger();
      const { window } = await ledger.openWindow(stop());
      const endedAt = at('2026-03-03T06:00:02.500Z');
      const result = await ledger.closeWindow(window, { endedAt, endedBy });
      expect(result).toEqual({ outcome: 'closed', window: expect.objectContaining({ endedAt, endedBy }) });
      const item = await rawItem(ledger.table, window.key.graph, window.key.stoppedAt);
      expect(item).toMatchObject({ endedAt: { S: '2026-03-03T06:00:02.500Z' }, endedBy: { S: endedBy } });
      // Epoch seconds, 400 days after the end: 1772517602 is 2026-03-03T06:00:02Z.
      expect(item?.expiresAt).toEqual({ N: String(1_772_517_602 + 400 * 86_400) });
      expect(RETENTION_DAYS).toBe(400);
    },
  );

  it('reports a window someone closed first, and keeps their end', async () => {
    const ledger = await fixture.ledger();
    const { window } = await ledger.openWindow(stop());
    await ledger.closeWindow(window, { endedAt: at('2026-03-03T05:00:00Z'), endedBy: 'seen-running' });
    const again = await ledger.closeWindow(window, { endedAt: at('2026-03-03T06:00:00Z'), endedBy: 'start' });
    expect(again).toEqual({
      outcome: 'already-closed',
      window: expect.objectContaining({ endedAt: at('2026-03-03T05:00:00Z'), endedBy: 'seen-running' }),
    });
  });

  it('reports a window that does not exist as missing, and creates nothing', async () => {
    const ledger = await fixture.ledger();
    const key = { graph: `${PROJECT}/${GRAPH}`, stoppedAt: '2026-03-02T20:00:05.000Z' };
    const result = await ledger.closeWindow(key, { endedAt: at('2026-03-03T06:00:00Z'), endedBy: 'start' });
    expect(result).toEqual({ outcome: 'missing' });
    expect(await rawItem(ledger.table, key.graph, key.stoppedAt)).toBeUndefined();
  });

  it('a closed window is no longer open, and the next stop opens a new one', async () => {
    const ledger = await fixture.ledger();
    const first = await ledger.openWindow(stop());
    await ledger.closeWindow(first.window, { endedAt: at('2026-03-03T06:00:00Z'), endedBy: 'start' });
    const graph = { projectId: PROJECT, graphId: GRAPH };
    expect((await ledger.openWindows([graph])).get(`${PROJECT}/${GRAPH}`)).toEqual({ ok: true, windows: [] });
    const next = await ledger.openWindow(stop({ stoppedAt: at('2026-03-03T20:00:04Z'), runId: 'run-next' }));
    expect(next).toMatchObject({ outcome: 'opened', window: { runId: 'run-next' } });
    const open = (await ledger.openWindows([graph])).get(`${PROJECT}/${GRAPH}`);
    expect(open).toEqual({ ok: true, windows: [expect.objectContaining({ runId: 'run-next' })] });
  });
});

describe('Ledger: openWindows', () => {
  it('answers for every graph asked, once each, with or without windows', async () => {
    const ledger = await fixture.ledger({ concurrency: 2 });
    const projects = ['a', 'b', 'c'].map((c) => c.repeat(32));
    for (const projectId of projects.slice(0, 2)) await ledger.openWindow(stop({ projectId }));
    const graphs = [...projects, projects[0]!].map((projectId) => ({ projectId, graphId: GRAPH }));
    const result = await ledger.openWindows(graphs);
    expect([...result.keys()]).toEqual(projects.map((p) => `${p}/${GRAPH}`));
    expect(projects.map((p) => result.get(`${p}/${GRAPH}`))).toEqual([
      { ok: true, windows: [expect.objectContaining({ projectId: projects[0] })] },
      { ok: true, windows: [expect.objectContaining({ projectId: projects[1] })] },
      { ok: true, windows: [] },
    ]);
  });

  it('finds the open window behind a long history of closed ones', async () => {
    const ledger = await fixture.ledger();
    for (let day = 1; day <= 20; day++) {
      const stoppedAt = at(`2026-03-${String(day).padStart(2, '0')}T20:00:00Z`);
      const { window } = await ledger.openWindow(stop({ stoppedAt, runId: `run-${day}` }));
      if (day < 20)
        await ledger.closeWindow(window, { endedAt: new Date(stoppedAt.getTime() + 36e6), endedBy: 'start' });
    }
    const result = await ledger.openWindows([{ projectId: PROJECT, graphId: GRAPH }]);
    expect(result.get(`${PROJECT}/${GRAPH}`)).toEqual({
      ok: true,
      windows: [expect.objectContaining({ runId: 'run-20' })],
    });
  });

  it('fails only the graph whose item is malformed, saying which item, and never guesses', async () => {
    const ledger = await fixture.ledger();
    await ledger.openWindow(stop({ graphId: OTHER }));
    const client = new DynamoDBClient(fixture.client());
    await client.send(
      new PutItemCommand({
        TableName: ledger.table,
        Item: { graph: { S: `${PROJECT}/${GRAPH}` }, stoppedAt: { S: 'yesterday evening' } },
      }),
    );
    client.destroy();
    const result = await ledger.openWindows(
      [GRAPH, OTHER].map((graphId) => ({ projectId: PROJECT, graphId })),
    );
    const bad = result.get(`${PROJECT}/${GRAPH}`);
    expect(bad?.ok).toBe(false);
    expect(bad?.ok === false && bad.error).toMatchObject({
      code: 'LEDGER_UNAVAILABLE',
      problem: 'malformed-item',
      message: expect.stringContaining('yesterday evening'),
    });
    expect(result.get(`${PROJECT}/${OTHER}`)).toMatchObject({ ok: true, windows: [{ graphId: OTHER }] });
  });
});

describe('Ledger: write-ahead, confirmation, starts and the index of open windows', () => {
  const key = `${PROJECT}/${GRAPH}`;
  const stoppedAt = '2026-03-02T20:00:05.000Z';

  it('a pending window is confirmed: pending goes, confirmedAt and the job come', async () => {
    const ledger = await fixture.ledger();
    const { window } = await ledger.openWindow(stop({ pending: true }));
    expect(window).toMatchObject({ pending: true, confirmedAt: undefined });
    await ledger.updateWindow(window, { jobId: 'job-9', confirmedAt: at('2026-03-02T20:01:00.000Z') });
    const read = (await ledger.openWindows([{ projectId: PROJECT, graphId: GRAPH }])).get(key);
    expect(read?.ok).toBe(true);
    const [opened] = read?.ok ? read.windows : [];
    expect(opened).toMatchObject({
      pending: undefined,
      jobId: 'job-9',
      confirmedAt: at('2026-03-02T20:01:00.000Z'),
    });
  });

  it('records a start and forgets it again', async () => {
    const ledger = await fixture.ledger();
    const { window } = await ledger.openWindow(stop());
    await ledger.updateWindow(window, {
      start: { startedAt: at('2026-03-03T06:00:10Z'), jobId: 'job-s', attempts: 2 },
    });
    expect(await rawItem(ledger.table, key, stoppedAt)).toMatchObject({
      startedAt: { S: '2026-03-03T06:00:10.000Z' },
      startJobId: { S: 'job-s' },
      startAttempts: { N: '2' },
    });
    await ledger.updateWindow(window, { clearStart: true });
    const item = await rawItem(ledger.table, key, stoppedAt);
    expect(Object.keys(item ?? {})).not.toEqual(expect.arrayContaining(['startedAt']));
    expect(item?.startJobId).toBeUndefined();
  });

  it('does not update a closed window', async () => {
    const ledger = await fixture.ledger();
    const { window } = await ledger.openWindow(stop());
    await ledger.closeWindow(window, { endedAt: at('2026-03-03T06:00:00Z'), endedBy: 'start' });
    expect(await ledger.updateWindow(window, { jobId: 'late' })).toBe('missing');
  });

  it('discards a pending window of its own run only', async () => {
    const ledger = await fixture.ledger();
    const { window } = await ledger.openWindow(stop({ pending: true }));
    await ledger.discardPending({ ...window, runId: 'another-run' });
    expect(await rawItem(ledger.table, key, stoppedAt)).toBeDefined();
    await ledger.discardPending(window);
    expect(await rawItem(ledger.table, key, stoppedAt)).toBeUndefined();
  });

  it('never discards a window once it is confirmed (no longer pending)', async () => {
    const ledger = await fixture.ledger();
    const { window } = await ledger.openWindow(stop({ pending: true }));
    await ledger.updateWindow(window, { confirmedAt: at('2026-03-02T22:01:00Z') });
    await ledger.discardPending(window);
    expect(await rawItem(ledger.table, key, stoppedAt)).toMatchObject({
      confirmedAt: { S: '2026-03-02T22:01:00.000Z' },
    });
  });

  it("lists a project's open windows from the index, and a closed one leaves it", async () => {
    const ledger = await fixture.ledger();
    const first = await ledger.openWindow(stop({ pending: true }));
    await ledger.openWindow(stop({ graphId: OTHER }));
    await ledger.openWindow(stop({ projectId: 'fedcba9876543210fedcba9876543210' }));
    expect((await ledger.openWindowsOf(PROJECT)).map((w) => w.graphId).sort()).toEqual([GRAPH, OTHER].sort());
    await ledger.closeWindow(first.window, { endedAt: at('2026-03-03T00:00:00Z'), endedBy: 'stop-failed' });
    expect((await ledger.openWindowsOf(PROJECT)).map((w) => w.graphId)).toEqual([OTHER]);
    expect(await rawItem(ledger.table, key, stoppedAt)).toMatchObject({ endedBy: { S: 'stop-failed' } });
  });
});
