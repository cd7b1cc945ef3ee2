/** `windows(from, to)` for the savings report: every window overlapping [from, to), across pages. */
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { useLedgerEmulator } from './emulator.js';

const fixture = useLedgerEmulator();

const PROJECT = '0123456789abcdef0123456789abcdef';
const FROM = new Date('2026-11-01T00:00:00.000Z');
const TO = new Date('2026-12-01T00:00:00.000Z');

// One graph per case: [stoppedAt, endedAt (undefined: still open), in the report?]
const CASES: [string, string, string | undefined, boolean][] = [
  ['ended before the range', '2026-10-20T20:00:00.000Z', '2026-10-21T06:00:00.000Z', false],
  [
    'ended exactly at from (ends are exclusive)',
    '2026-10-31T20:00:00.000Z',
    '2026-11-01T00:00:00.000Z',
    false,
  ],
  ['ended just after from', '2026-10-31T20:00:00.000Z', '2026-11-01T00:00:00.001Z', true],
  ['inside the range', '2026-11-10T20:00:00.000Z', '2026-11-11T06:00:00.000Z', true],
  ['spanning the whole range', '2026-10-01T00:00:00.000Z', '2026-12-24T00:00:00.000Z', true],
  ['started before to, ended after it', '2026-11-30T20:00:00.000Z', '2026-12-01T06:00:00.000Z', true],
  ['started exactly at to', '2026-12-01T00:00:00.000Z', '2026-12-01T06:00:00.000Z', false],
  ['started after the range', '2026-12-05T20:00:00.000Z', '2026-12-06T06:00:00.000Z', false],
  ['open, started inside', '2026-11-28T20:00:00.000Z', undefined, true],
  ['open, started before from', '2026-09-01T20:00:00.000Z', undefined, true],
  ['open, started after to', '2026-12-02T20:00:00.000Z', undefined, false],
];

const graphId = (i: number) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`;

describe('Ledger: windows(from, to)', () => {
  it.each([undefined, 2])(
    'returns exactly the windows overlapping [from, to), open ones included (Scan page size %s)',
    async (scanPageSize) => {
      const ledger = await fixture.ledger({ scanPageSize });
      for (const [i, [, stoppedAt, endedAt]] of CASES.entries()) {
        const { window } = await ledger.openWindow({
          projectId: PROJECT,
          graphId: graphId(i),
          stoppedAt: new Date(stoppedAt),
          runId: `case-${i}`,
          schedule: 'office-hours',
        });
        if (endedAt) await ledger.closeWindow(window, { endedAt: new Date(endedAt), endedBy: 'start' });
      }
      const { windows, skipped } = await ledger.windows(FROM, TO);
      const expected = CASES.flatMap(([name, , , inReport], i) => (inReport ? [`case-${i}: ${name}`] : []));
      const found = windows.map((w) => {
        const i = Number(w.runId.slice('case-'.length));
        return `case-${i}: ${CASES[i]![0]}`;
      });
      expect(found.sort()).toEqual(expected.sort());
      expect(windows.map((w) => w.stoppedAt.getTime())).toEqual(
        windows.map((w) => w.stoppedAt.getTime()).sort((a, b) => a - b),
      );
      expect(skipped).toEqual([]);
    },
  );

  it('reports items that are not windows instead of guessing at them', async () => {
    const ledger = await fixture.ledger();
    const client = new DynamoDBClient(fixture.client());
    await client.send(
      new PutItemCommand({
        TableName: ledger.table,
        Item: {
          graph: { S: `${PROJECT}/${graphId(1)}` },
          stoppedAt: { S: '2026-11-02T20:00:00.000Z' },
          endedAt: { S: 'next morning' },
        },
      }),
    );
    client.destroy();
    const { windows, skipped } = await ledger.windows(FROM, TO);
    expect(windows).toEqual([]);
    expect(skipped).toEqual([
      `${PROJECT}/${graphId(1)} @ 2026-11-02T20:00:00.000Z: endedAt "next morning" is not an ISO-8601 instant`,
    ]);
  });
});
