/**
 * `npm run sandbox -- --week`: the function run at simulated instants over a week against the demo
 * fixture and a ledger emulator, so that the report has hours and money; nothing written by hand.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoLedger } from '../../lib/ledger/dynamo.js';
import type { LedgerWindow } from '../../lib/ledger/types.js';
import { computeSavings } from '../../lib/report/savings.js';
import { loadConfig, parseConfig } from '../../lib/schedule/config.js';
import { DEFAULT_FIXTURE } from '../../sandbox/cli-args.js';
import {
  createLedgerTable,
  type DynamoEmulator,
  EMULATOR_CLIENT,
  startDynamo,
} from '../../sandbox/dynamo.js';
import { loadFixture } from '../../sandbox/fixture.js';
import { GesSandbox } from '../../sandbox/server.js';
import { runInstants, SimulatedClock, simulateWeek, type WeekResult } from '../../sandbox/week.js';

const CONFIG = fileURLToPath(new URL('../../config/schedule.sandbox.yaml', import.meta.url));
const END = new Date('2026-11-30T00:00:00Z'); // a Monday, 08:00 in Shanghai
const FRAUD = '9513229d435978263d82902c59d4e0fb/1d6875ee-4127-475f-ab84-5ecbd8256216';

describe('Function: runInstants', () => {
  const config = (schedule: object) =>
    parseConfig(
      JSON.stringify({
        schedules: { s: schedule },
        projects: [
          {
            projectId: '0123456789abcdef0123456789abcdef',
            region: 'cn-north-4',
            graphs: [{ id: 'a', schedule: 's' }],
          },
        ],
      }),
      'test.json',
      END,
    ).config;

  it.each([
    {
      name: 'each stop and start, on the tick that catches it',
      schedule: { timezone: 'UTC', stop: '5 19 * * *', start: '0 7 * * *' },
      from: '2026-11-28T00:00:00Z',
      to: '2026-11-29T12:00:00Z',
      expected: ['2026-11-28T00:00', '2026-11-28T07:00', '2026-11-28T19:15', '2026-11-29T07:00'],
    },
    {
      name: 'a start the range ends before its tick: not run',
      schedule: { timezone: 'UTC', stop: '0 19 * * *', start: '50 6 * * *' },
      from: '2026-11-28T20:00:00Z',
      to: '2026-11-29T07:00:00Z',
      expected: ['2026-11-28T20:00'],
    },
    {
      name: 'an uneven start of the range, rounded up to a tick',
      schedule: { timezone: 'Asia/Shanghai', stop: '0 19 * * *', start: '0 8 * * *' },
      from: '2026-11-28T09:12:48Z',
      to: '2026-11-29T09:12:48Z',
      expected: ['2026-11-28T09:15', '2026-11-28T11:00', '2026-11-29T00:00'],
    },
  ])('runs at $name', ({ schedule, from, to, expected }) => {
    const at = runInstants(config(schedule), new Date(from), new Date(to));
    expect(at.map((d) => d.toISOString().slice(0, 16))).toEqual(expected);
  });
});

describe('Class: SimulatedClock', () => {
  it('reads real time, the simulated instant moving on `speed` times faster once followed, then real time again', () => {
    const clock = new SimulatedClock(100);
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(1_000);
    clock.follow(END);
    expect(clock.now() - END.getTime()).toBeGreaterThanOrEqual(0);
    expect(clock.now() - END.getTime()).toBeLessThan(60_000);
    clock.release();
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(1_000);
  });
});

describe('Function: simulateWeek, against the demo fixture', () => {
  let sandbox: GesSandbox;
  let dynamo: DynamoEmulator;
  let week: WeekResult;
  let windows: readonly LedgerWindow[];

  beforeAll(async () => {
    const fixture = await loadFixture(DEFAULT_FIXTURE);
    const clock = new SimulatedClock();
    sandbox = await GesSandbox.start({ ...fixture, clock: clock.now });
    dynamo = await startDynamo();
    await createLedgerTable(dynamo.endpoint, 'week');
    const ledger = dynamoLedger({ table: 'week', client: { ...EMULATOR_CLIENT, endpoint: dynamo.endpoint } });
    try {
      week = await simulateWeek({
        configPath: CONFIG,
        sandbox,
        clock,
        ledger,
        credentials: fixture.accounts[0]!,
        end: END,
      });
      ({ windows } = await ledger.windows(week.from, END));
    } finally {
      ledger.destroy();
    }
  }, 120_000);
  afterAll(async () => {
    await Promise.all([sandbox?.close(), dynamo?.close()]);
  });

  it('runs the function at every stop and start of the week, stopping and starting graphs', () => {
    expect(week.from).toEqual(new Date('2026-11-23T00:00:00Z'));
    expect(week.runs).toBeGreaterThan(20);
    expect(week.stopped).toBeGreaterThan(30);
    expect(week.started).toBeGreaterThan(30);
  });

  it('leaves windows at the simulated instants, one a night, ended by the morning start', () => {
    const fraud = windows.filter((w) => w.key.graph === FRAUD);
    // 19:00 to 08:00 in Shanghai: 11:00 to 00:00 UTC, every night; the week ends as the last begins to end.
    const row = (w: LedgerWindow) => [
      w.key.stoppedAt.slice(0, 16),
      w.endedAt?.toISOString().slice(0, 16),
      w.endedBy,
    ];
    expect(fraud.map(row)).toEqual([
      ...Array.from({ length: 6 }, (_, d) => [`2026-11-${23 + d}T11:00`, `2026-11-${24 + d}T00:00`, 'start']),
      ['2026-11-29T11:00', undefined, undefined],
    ]);
    expect(new Set(fraud.map((w) => w.sizeIndex))).toEqual(new Set(['4']));
  });

  it('gives the report hours and money at the sandbox config prices', async () => {
    const { config } = await loadConfig(CONFIG, END);
    const { graphs, totals } = computeSavings({ config, windows, from: week.from, to: END, now: END });
    expect(graphs.find((g) => g.graphName === 'fraud-detection')).toMatchObject({
      hoursStopped: 91,
      hourlyPrice: 12,
      saved: 1092,
    });
    expect(graphs.find((g) => g.graphName === 'search-index')).toMatchObject({ hourlyPrice: 24 });
    expect(totals.saved).toBeGreaterThan(2_000);
    expect(totals.unpricedHours).toBe(0);
  });
});
