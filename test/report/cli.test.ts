/** `npm run report`: main(argv, io) against the ledger emulator and a config file. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { World } from '../../sandbox/world.js';
import { csvCell } from '../../scripts/report/format.js';
import { ExitCode } from '../../scripts/report/main.js';
import { recordWindow, runReportCli, startReportWorld } from './support.js';

const NOW = new Date('2026-11-10T00:00:00Z');
let world: World;

beforeEach(async () => {
  world = await startReportWorld();
  await recordWindow(world.ledger!, 1, '2026-11-02T19:00:00Z', '2026-11-03T06:00:00Z'); // 11 h × 2
  await recordWindow(world.ledger!, 4, '2026-11-03T20:00:00Z', undefined, { sizeIndex: '2' }); // open, no price
});
afterEach(() => world.close());

function run(argv: string[], options: { ledger?: boolean } = {}) {
  return runReportCli(world, argv, NOW, options);
}

describe('npm run report', () => {
  it('prints each graph, the total and the forecast as tables', async () => {
    const { code, stdout } = await run(['--from', '2026-11-01', '--to', '2026-11-08T00:00:00Z']);
    expect(code).toBe(ExitCode.ok);
    expect(stdout).toContain('from 2026-11-01T00:00:00.000Z to 2026-11-08T00:00:00.000Z');
    expect(stdout).toMatch(/fraud-detection\s+11\.00\s+2\.00\s+22\.00/);
    expect(stdout).toMatch(/archive\s+100\.00\s+-\s+-\s+stopped now, no price/);
    expect(stdout).toContain(
      'Overall: 111.00 h kept stopped, 22.00 EUR saved (100.00 h of graphs without a known price not counted)',
    );
    expect(stdout).toMatch(/archive: .*no price for size index "2"/);
    expect(stdout).toMatch(
      // Tue 10 Nov 01:00 Berlin + 730.5 h: 4 × 103 h + Tue 8 Dec from 01:00 (10 h), Wed (11 h), Thu to 07:00.
      /Forecast from the schedules alone[\s\S]*fraud-detection\s+office\s+103\.00\s+440\.00\s+2\.00\s+880\.00/,
    );
  });

  it('writes one CSV table with --csv: graphs, projects, the total and the forecast', async () => {
    const { code, stdout } = await run(['--from', '2026-11-01', '--to', '2026-11-08', '--csv']);
    expect(code).toBe(ExitCode.ok);
    const [header, ...rows] = parseCsv(stdout);
    expect(header).toEqual([
      'section',
      'projectId',
      'graphId',
      'graphName',
      'schedule',
      'hoursStopped',
      'hourlyPrice',
      'saved',
      'unpricedHours',
      'open',
      'offHoursPerWeek',
      'offHoursPerMonth',
      'savedPerMonth',
      'currency',
      'note',
    ]);
    const cell = (row: string[] | undefined, name: string) => row?.[header!.indexOf(name)];
    expect(rows.map((r) => r[0])).toEqual([
      'graph',
      'graph',
      'project',
      'total',
      ...Array(4).fill('forecast'),
    ]);
    expect(['graphName', 'hoursStopped', 'hourlyPrice', 'saved'].map((n) => cell(rows[1], n))).toEqual([
      'fraud-detection',
      '11',
      '2',
      '22',
    ]);
    expect(cell(rows[0], 'note')).toMatch(/no price for size index "2"/);
    expect(['graphName', 'hoursStopped', 'unpricedHours', 'open'].map((n) => cell(rows[0], n))).toEqual([
      'archive',
      '100',
      '100',
      'true',
    ]);
    expect(['unpricedHours', 'open'].map((n) => cell(rows[1], n))).toEqual(['0', 'false']);
    expect(cell(rows[3], 'unpricedHours')).toBe('100');
    expect(['hoursStopped', 'saved', 'currency'].map((n) => cell(rows[3], n))).toEqual(['111', '22', 'EUR']);
    expect(
      ['graphName', 'offHoursPerWeek', 'offHoursPerMonth', 'savedPerMonth'].map((n) => cell(rows[4], n)),
    ).toEqual(['fraud-detection', '103', '440', '880']);
  });

  it('prints the forecast alone without a ledger, and says so', async () => {
    const { code, stdout, stderr } = await run([], { ledger: false });
    expect(code).toBe(ExitCode.ok);
    expect(stderr).toContain('LEDGER_TABLE is not set');
    expect(stderr).toContain('A price shows "-" unless the entry has hourlyPrice');
    expect(stderr).not.toContain('--from');
    expect(stdout).toMatch(/^Forecast from the schedules alone/);
    expect(stdout).not.toContain('Overall');
  });

  it('says without a ledger that --from and --to are ignored', async () => {
    const { code, stderr } = await run(['--from', '2026-11-01'], { ledger: false });
    expect(code).toBe(ExitCode.ok);
    expect(stderr).toContain('--from and --to are ignored');
  });

  it.each([
    [['--from'], '--from needs a value'],
    [['--to', '--csv'], '--to needs a value'],
    [['--since', '2026-11-01'], 'unknown argument "--since"'],
    [
      ['--from', '2026-11-08', '--to', '2026-11-01'],
      'report refused (EVENT_INVALID): "from" (2026-11-08T00:00:00.000Z) must be before "to"',
    ],
    [['--from', 'yesterday'], '"from" must be an ISO-8601 instant'],
  ])('refuses %j', async (argv, message) => {
    const { code, stdout, stderr } = await run(argv);
    expect(code).toBe(ExitCode.refused);
    expect(stderr).toContain(message);
    expect(stdout).toBe('');
  });

  it('prints its usage with --help', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(ExitCode.ok);
    expect(stdout).toMatch(/^usage: npm run report/);
  });
});

/** RFC 4180, enough for these tests: quoted cells may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  for (const [, quoted, plain, end] of text.matchAll(/(?:"((?:[^"]|"")*)"|([^,\r\n]*))(,|\r\n|$)/g)) {
    row.push(quoted === undefined ? (plain ?? '') : quoted.replaceAll('""', '"'));
    if (end !== ',') {
      rows.push(row);
      row = [];
      if (end === '') break;
    }
  }
  return rows.filter((r) => r.length > 1);
}

describe('Function: csvCell', () => {
  it.each<[string | number | undefined, string]>([
    [undefined, ''],
    [12.5, '12.5'],
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ['@SUM(A1)', "'@SUM(A1)"],
  ])('%j → %s', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });
});
