/** `npm run invoke`: rehearsing with --at, progress on a terminal, pause output, and one line per unreadable project. */
import { afterEach, describe, expect, it } from 'vitest';
import { RunProgress } from '../../lib/run/progress.js';
import { emptyCounts } from '../../lib/run/report.js';
import type { Summary } from '../../lib/run/types.js';
import { makeUuid } from '../../sandbox/server.js';
import { startWorld, TEST_AK, TEST_SK, type World } from '../../sandbox/world.js';
import { parseCliArgs } from '../../scripts/cli/args.js';
import { pauseText, resultTable, verdict } from '../../scripts/cli/format.js';
import { type CliIo, main } from '../../scripts/cli/main.js';
import { progressLine, startTicker } from '../../scripts/cli/progress.js';

const P = '0123456789abcdef0123456789abcdef';
const Q = 'fedcba9876543210fedcba9876543210';
const NIGHTS = { timezone: 'Europe/Berlin', stop: '0 20 * * *', start: '0 7 * * *' };

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function start(options: { tagged?: boolean } = {}): Promise<World> {
  world = await startWorld({
    graphs: ['a', 'b', 'c'].map((name) => ({ projectId: P, id: makeUuid(P, name), name, status: '200' })),
    schedules: { nights: NIGHTS },
    projects: [
      { projectId: P, graphs: ['a', 'b', 'c'].map((name) => ({ name, schedule: 'nights' })) },
      ...(options.tagged
        ? [{ projectId: Q, scheduleTag: 'offhours', graphs: [{ name: 'd', schedule: 'nights' }] }]
        : []),
    ],
    settings: { verifyJobs: false },
  });
  return world;
}

function fake(w: World, more: Partial<CliIo> = {}, env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    env: { SCHEDULE_CONFIG: w.configPath, HUAWEICLOUD_SDK_AK: TEST_AK, HUAWEICLOUD_SDK_SK: TEST_SK, ...env },
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    isTTY: false,
    ask: async () => undefined,
    secrets: { getSecretString: () => Promise.reject(new Error('no secret here')) },
    ...more,
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

describe('parseCliArgs: --at', () => {
  it.each([
    { argv: ['--at', '2026-12-07T07:05:00Z'], event: { dryRun: true, at: '2026-12-07T07:05:00Z' } },
    {
      argv: ['{"action":"start","graphs":"all","dryRun":true}', '--at', '2026-12-07T07:05:00Z'],
      event: { action: 'start', graphs: 'all', dryRun: true, at: '2026-12-07T07:05:00Z' },
    },
    // The event decides whether it is a dry run: the function refuses this one, saying why.
    { argv: ['{}', '--at', '2026-12-07T07:05:00Z'], event: { at: '2026-12-07T07:05:00Z' } },
  ])('$argv', ({ argv, event }) => {
    expect(parseCliArgs(argv)).toMatchObject({ kind: 'run', event: { value: event } });
  });

  it('refuses "at" given twice', () => {
    expect(
      parseCliArgs(['{"dryRun":true,"at":"2026-12-07T07:05:00Z"}', '--at', '2026-12-08T07:05:00Z']),
    ).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('give "at" once'),
    });
  });
});

describe('main: rehearsing with --at', () => {
  it('decides as at Monday 07:05 Berlin (on-hours), whatever the time now, and stops nothing', async () => {
    const w = await start();
    const f = fake(w);
    expect(await main(['--at', '2026-12-07T06:05:00Z'], f.io)).toBe(0);
    expect(f.out()).toMatch(/a\s+01234567\s+skipped\s+on-hours/);
    expect(f.out()).toContain('rehearsed as at 2026-12-07T06:05:00.000Z');
    const night = fake(w);
    expect(await main(['--at', '2026-12-07T21:00:00Z'], night.io)).toBe(0);
    expect(night.out()).toContain('3 would stop');
    expect(w.sandbox.count({ kind: 'stop' })).toBe(0);
  });

  it('refuses --at on a real run', async () => {
    const w = await start();
    const f = fake(w);
    expect(await main(['{}', '--at', '2026-12-07T21:00:00Z'], f.io)).toBe(2);
    expect(f.err()).toContain('"at" rehearses a dry run: add "dryRun": true');
    expect(w.sandbox.count()).toBe(0);
  });
});

describe('progress on a terminal', () => {
  it.each([
    {
      snapshot: { total: 0, acted: 0, done: 0, requests: { sent: 1, retries: 0, throttled: 0 } },
      pace: 0.33,
      line: '… listing graphs, 1 request, 0.3 req/s\n',
    },
    {
      snapshot: { total: 14, acted: 7, done: 7, requests: { sent: 42, retries: 3, throttled: 3 } },
      pace: 4.84,
      line: '… 7 of 14 graphs settled, 42 requests (3 throttled), 4.8 req/s\n',
    },
    {
      snapshot: { total: 14, acted: 12, done: 7, requests: { sent: 50, retries: 0, throttled: 0 } },
      pace: 1,
      line: '… 7 of 14 graphs settled (5 more decided, waiting for GES to confirm), 50 requests, 1.0 req/s\n',
    },
  ])('reads $line', ({ snapshot, pace, line }) => {
    expect(progressLine(snapshot, pace)).toBe(line);
  });

  it('prints a line at each tick, its pace the requests since the last line', () => {
    const progress = new RunProgress();
    let sent = 0;
    progress.watchRequests(() => ({ sent, retries: 0, throttled: 0 }));
    let now = 1_000_000;
    let tick: () => void = () => undefined;
    const lines: string[] = [];
    const stop = startTicker({
      progress,
      write: (t) => lines.push(t),
      now: () => now,
      every: (ms, t) => {
        expect(ms).toBe(3_000);
        tick = t;
        return () => undefined;
      },
    });
    progress.listed(10);
    progress.acted(6);
    sent = 15;
    now += 3_000;
    tick();
    progress.finished(4);
    sent = 21;
    now += 3_000;
    tick();
    stop();
    expect(lines).toEqual([
      '… 0 of 10 graphs settled (6 more decided, waiting for GES to confirm), 15 requests, 5.0 req/s\n',
      '… 4 of 10 graphs settled (2 more decided, waiting for GES to confirm), 21 requests, 2.0 req/s\n',
    ]);
  });

  it('is fed by the run when stdout is a terminal, and stopped before the table', async () => {
    const w = await start();
    const ticks: (() => void)[] = [];
    let stopped = 0;
    const f = fake(w, {
      stdoutIsTTY: true,
      now: () => 0,
      every: (_ms, tick) => {
        ticks.push(tick);
        return () => {
          stopped++;
        };
      },
    });
    expect(await main(['--at', '2026-12-07T21:00:00Z'], f.io)).toBe(0);
    expect(stopped).toBe(1);
    expect(f.out()).not.toContain('graphs settled');
    ticks[0]!(); // what the run left in the counters
    expect(f.out()).toMatch(/… 3 of 3 graphs settled, \d+ requests?, 0\.0 req\/s\n$/);
  });

  it.each([
    { name: 'stdout is not a terminal', argv: ['{"dryRun":true}'], tty: false },
    { name: '--json (the Lambda’s log lines)', argv: ['--json', '{"dryRun":true}'], tty: true },
  ])('never starts when $name', async ({ argv, tty }) => {
    const w = await start();
    let started = 0;
    const f = fake(w, {
      stdoutIsTTY: tty,
      jsonLog: () => ({ debug() {}, info() {}, warn() {}, error() {} }),
      every: () => {
        started++;
        return () => undefined;
      },
    });
    await main(argv, f.io);
    expect(started).toBe(0);
  });
});

describe('main: missing credentials are one problem, said once', () => {
  it('prints it once with the projects it stopped, counts no tag pseudo-row as a graph, and exits 2', async () => {
    const w = await start({ tagged: true });
    const f = fake(w, {}, { HUAWEICLOUD_SDK_AK: undefined, HUAWEICLOUD_SDK_SK: undefined });
    expect(await main(['{"dryRun":true}'], f.io)).toBe(2);
    const out = f.out();
    expect(out).toContain('no project could be read (2 projects)');
    expect(out).toContain('  - CREDENTIALS: Credentials from the environment: no credentials');
    expect(out).toContain(
      `projects ${P} (all 3 graphs), ${Q} (all 1 graph and the graphs its scheduleTag selects)`,
    );
    expect(out).not.toContain('graphs failed');
    expect(out.trim().split('\n')).toHaveLength(3);
    expect(f.err()).toContain('no project had usable credentials');
  });
});

describe('pause output', () => {
  const view = {
    until: '2026-12-28T08:00:00.000Z',
    reason: 'holiday freeze',
    pausedAt: '2026-12-18T16:00:00.000Z',
  };
  it.each([
    {
      output: { action: 'pause' as const, runId: 'r', at: view.pausedAt, paused: view },
      text: 'paused until 2026-12-28T08:00:00.000Z (holiday freeze), set 2026-12-18T16:00:00.000Z: scheduled runs stop and start nothing until then; ad-hoc stop and start still work\n',
    },
    {
      output: { action: 'resume' as const, runId: 'r', at: view.pausedAt, previous: view },
      text: 'resumed: scheduled runs act again (lifted: paused until 2026-12-28T08:00:00.000Z (holiday freeze), set 2026-12-18T16:00:00.000Z)\n',
    },
    {
      output: { action: 'resume' as const, runId: 'r', at: view.pausedAt },
      text: 'resumed: no pause was in force\n',
    },
  ])('$output.action', ({ output, text }) => {
    expect(pauseText(output)).toBe(text);
  });

  it('refuses pause without LEDGER_TABLE, saying so', async () => {
    const w = await start();
    const f = fake(w);
    const event = JSON.stringify({
      action: 'pause',
      until: new Date(Date.now() + 86_400_000).toISOString(),
      reason: 'x',
    });
    expect(await main([event], f.io)).toBe(2);
    expect(f.err()).toContain('LEDGER_TABLE is not set');
  });
});

describe('resultTable: a plan', () => {
  const summary = (more: Partial<Summary>): Summary => ({
    runId: 'run-1',
    action: 'plan',
    dryRun: false,
    at: '2026-12-07T06:05:00.000Z',
    results: [
      {
        projectId: P,
        graphId: undefined,
        graphName: 'a',
        schedule: 'nightly',
        offHours: false,
        holiday: false,
      },
    ],
    counts: emptyCounts(),
    ...more,
  });

  it('keeps the note that tag-selected graphs are not shown', () => {
    const note =
      'plan reads the configuration only: graphs that project x selects by their scheduleTag are not shown';
    expect(resultTable(summary({ note }))).toMatch(new RegExp(`\\nnote: ${note}\\n$`));
    expect(resultTable(summary({}))).not.toContain('note:');
  });

  it('says in its verdict when a pause holds at that instant', () => {
    const paused = {
      until: '2026-12-28T08:00:00.000Z',
      reason: 'holiday freeze',
      pausedAt: '2026-12-18T16:00:00.000Z',
    };
    expect(verdict(summary({ paused }))).toContain(
      '\npaused until 2026-12-28T08:00:00.000Z (holiday freeze), set 2026-12-18T16:00:00.000Z: scheduled runs stop and start nothing until then',
    );
  });
});
