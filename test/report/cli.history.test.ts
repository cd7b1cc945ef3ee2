/** `npm run report -- --history` and `--html`: main(argv, io) against the ledger emulator. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { World } from '../../sandbox/world.js';
import { ExitCode, parseReportArgs } from '../../scripts/report/main.js';
import { gid, recordWindow, runReportCli, startReportWorld } from './support.js';

const NOW = new Date('2026-11-10T00:00:00Z');
let world: World;
let dir: string;

beforeEach(async () => {
  world = await startReportWorld();
  dir = mkdtempSync(join(tmpdir(), 'ges-offhours-report-'));
  await recordWindow(world.ledger!, 1, '2026-11-02T19:00:00Z', '2026-11-03T06:00:00Z', { jobId: 'stopjob1' }); // 11 h × 2
  await recordWindow(world.ledger!, 2, '2026-11-03T19:00:00Z', '2026-11-04T06:00:00Z', { sizeIndex: '4' }); // 11 h × 12
  await recordWindow(world.ledger!, 4, '2026-11-09T20:00:00Z', undefined, { graphName: 'archive' }); // open, 4 h
});
afterEach(async () => {
  await world.close();
  rmSync(dir, { recursive: true, force: true });
});

function run(argv: string[], options: { ledger?: boolean } = {}) {
  return runReportCli(world, argv, NOW, options);
}

describe('npm run report -- --history', () => {
  it("prints every graph's windows of the last week: stopped, ended, by what, hours, the stop's job", async () => {
    const { code, stdout, stderr } = await run(['--history']);
    expect(stderr).toBe('');
    expect(code).toBe(ExitCode.ok);
    expect(stdout).toContain('Stop windows from 2026-11-03T00:00:00.000Z to 2026-11-10T00:00:00.000Z');
    // Window of 2 Nov ends inside the week: 6 h of it in the range, 11 h in the window.
    expect(stdout).toMatch(
      /fraud-detection \(0+-0+-4000-8000-0+1\): 6\.00 h kept stopped in the range, 12\.00 EUR saved/,
    );
    expect(stdout).toMatch(/2026-11-02 19:00:00Z\s+2026-11-03 06:00:00Z\s+start\s+11\.00\s+stopjob1/);
    expect(stdout).toMatch(/archive .*: 4\.00 h kept stopped in the range/);
    expect(stdout).toMatch(/2026-11-09 20:00:00Z\s+4\.00\s+stopped now/);
  });

  it.each([
    { by: 'name', graph: 'recommendations' },
    { by: 'id', graph: gid(2) },
  ])('shows only the graphs named after it (by $by)', async ({ graph }) => {
    const { code, stdout } = await run(['--history', graph, '--from', '2026-11-01']);
    expect(code).toBe(ExitCode.ok);
    expect(stdout).toMatch(/recommendations .*: 11\.00 h kept stopped in the range, 132\.00 EUR saved/);
    expect(stdout).not.toContain('fraud-detection');
  });

  it('says so when the range holds no window', async () => {
    const { code, stdout } = await run(['--history', '--from', '2025-01-01', '--to', '2025-01-08']);
    expect(code).toBe(ExitCode.ok);
    expect(stdout).toContain('No stop windows in this range');
  });

  it.each([
    {
      name: 'an unknown graph',
      argv: ['--history', 'fraud-detecton'],
      words:
        'report refused (EVENT_INVALID): unknown graph "fraud-detecton" (did you mean "fraud-detection"?)',
    },
    {
      name: 'a range the wrong way round',
      argv: ['--history', '--from', '2026-11-08', '--to', '2026-11-01'],
      words: '"from" (2026-11-08T00:00:00.000Z) must be before "to"',
    },
    {
      name: 'a bad instant',
      argv: ['--history', '--to', 'tomorrow'],
      words: '"to" must be an ISO-8601 instant',
    },
    {
      name: '--csv with it',
      argv: ['--history', '--csv'],
      words: '--csv goes with the savings report, not --history',
    },
    {
      name: '--html with it',
      argv: ['--history', 'a', '--html', 'x.html'],
      words: '--html goes with the savings report, not --history',
    },
  ])('refuses $name', async ({ argv, words }) => {
    const { code, stdout, stderr } = await run(argv);
    expect(code).toBe(ExitCode.refused);
    expect(stderr).toContain(words);
    expect(stdout).toBe('');
  });

  it('refuses without a ledger, saying how to give it one', async () => {
    const { code, stderr } = await run(['--history'], { ledger: false });
    expect(code).toBe(ExitCode.refused);
    expect(stderr).toContain('"action": "history" reads the stop windows in the ledger');
    expect(stderr).toContain('LEDGER_TABLE is not set');
  });
});

describe('npm run report -- --html', () => {
  it('writes one page with the charts and says where, with the totals', async () => {
    const file = join(dir, 'savings.html');
    const { code, stdout } = await run(['--html', file, '--from', '2026-11-01', '--to', '2026-11-08']);
    expect(code).toBe(ExitCode.ok);
    expect(stdout).toMatch(
      new RegExp(
        `^wrote ${file} \\(\\d+\\.\\d KB\\): 22\\.00 h kept stopped, 154\\.00 EUR saved from 2026-11-01`,
      ),
    );
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html.match(/<rect class="bar"/g)).toHaveLength(2 * 4); // each window on two days, in both charts
    expect(html).toContain('<title>Nov 3 · recommendations: 5.00 h</title>');
  });

  it.each([
    { name: 'no value', argv: ['--html'], words: '--html needs a value' },
    { name: '--csv with it', argv: ['--html', 'x.html', '--csv'], words: '--csv and --html: choose one' },
    {
      name: 'a file it cannot write',
      argv: ['--html', '/nonexistent-dir/savings.html'],
      words: 'cannot write /nonexistent-dir/savings.html: ENOENT',
    },
    {
      name: 'a bad range',
      argv: ['--html', 'never.html', '--from', '2026-11-08', '--to', '2026-11-01'],
      words: 'must be before "to"',
    },
    {
      name: 'a range longer than a chart holds',
      argv: ['--html', 'never.html', '--from', '2020-01-01'],
      words: 'a chart covers at most 400 days',
    },
  ])('refuses $name', async ({ argv, words }) => {
    const { code, stderr } = await run(argv);
    expect(code).toBe(ExitCode.refused);
    expect(stderr).toContain(words);
    expect(existsSync('never.html')).toBe(false);
  });

  it('refuses without a ledger, instead of drawing an empty chart', async () => {
    const file = join(dir, 'savings.html');
    const { code, stderr } = await run(['--html', file], { ledger: false });
    expect(code).toBe(ExitCode.refused);
    expect(stderr).toContain('--html charts the stop windows in the ledger, and there is none');
    expect(existsSync(file)).toBe(false);
  });
});

describe('Function: parseReportArgs', () => {
  it.each([
    { argv: ['--history'], expected: { kind: 'history', graphs: [] } },
    {
      argv: ['--history', 'a', 'b', '--to', '2026-11-01'],
      expected: { kind: 'history', graphs: ['a', 'b'], to: '2026-11-01T00:00:00Z' },
    },
    { argv: ['--html', 'out.html'], expected: { kind: 'report', csv: false, html: 'out.html' } },
    { argv: ['stray'], expected: { kind: 'invalid', message: 'unknown argument "stray"' } },
  ])('reads $argv', ({ argv, expected }) => {
    expect(parseReportArgs(argv)).toEqual(expected);
  });
});
