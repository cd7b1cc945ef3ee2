/**
 * `npm run check` (scripts/check.ts): validates a config like `osls package` does and prints a
 * summary per schedule. Called through its main function with an injected clock and output.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../scripts/check.js';
import { check, configDir } from './support.js';

const files = configDir();
afterAll(() => files.remove());

// Monday 2026-11-23 19:00 UTC: 20:00 in Berlin (winter, UTC+1), 14:00 in New York (UTC-5).
const AT = '2026-11-23T19:00:00Z';

const VALID = `
schedules:
  office-hours:
    timezone: Europe/Berlin
    stop: "0 20 * * 1-5"
    start: "0 7 * * 1-5"
    holidays: [2026-12-24, "12-25"]
  nightly:
    timezone: UTC
    stop: "0 22 * * *"
    start: "0 6 * * *"
  early:
    timezone: America/New_York
    stop: "30 1 * * *"
    start: "0 7 * * *"
  spare:
    timezone: Asia/Shanghai
    stop: "0 19 * * *"
    start: "0 8 * * *"
projects:
  - projectId: 5c3f2a1b9d8e4f7a6b5c4d3e2f1a0b9c
    region: cn-north-4
    graphs:
      - id: 0f8e3c4d-6a1b-4e5f-9c2d-7b8a9e0f1a2b
        schedule: office-hours
      - name: fraud-detection
        schedule: office-hours
        skipUntil: 2026-12-01T00:00:00Z
      - id: 7d2e4f60-1a2b-4c3d-8e9f-a0b1c2d3e4f5
        name: reporting
        schedule: nightly
        skipUntil: 2026-11-01T00:00:00Z
  - projectId: 9a8b7c6d5e4f30211203f4e5d6c7b8a9
    region: ap-southeast-1
    graphs:
      - name: batch-eu
        schedule: early
`;

describe('npm run check: a valid config', () => {
  it('prints each schedule with its state, next stop and start (local and UTC), graphs and warnings', async () => {
    const file = files.write('valid.yaml', VALID);
    const { code, stdout, stderr } = await check([file, '--at', AT]);
    expect({ code, stderr }).toEqual({ code: ExitCode.valid, stderr: '' });
    expect(stdout).toBe(
      [
        `${file} at 2026-11-23T19:00:00.000Z`,
        '',
        'office-hours (Europe/Berlin): off-hours at Mon 2026-11-23 20:00',
        '  next stop   Tue 2026-11-24 20:00 Europe/Berlin   (Tue 2026-11-24 19:00 UTC)',
        '  next start  Tue 2026-11-24 07:00 Europe/Berlin   (Tue 2026-11-24 06:00 UTC)',
        '  holidays    2026-12-24, 12-25 every year',
        '  graphs',
        '    5c3f2a1b9d8e4f7a6b5c4d3e2f1a0b9c / 0f8e3c4d-6a1b-4e5f-9c2d-7b8a9e0f1a2b',
        '    5c3f2a1b9d8e4f7a6b5c4d3e2f1a0b9c / fraud-detection, left alone until 2026-12-01T00:00:00.000Z',
        '',
        'nightly (UTC): on-hours at Mon 2026-11-23 19:00',
        '  next stop   Mon 2026-11-23 22:00 UTC',
        '  next start  Tue 2026-11-24 06:00 UTC',
        '  graphs',
        '    5c3f2a1b9d8e4f7a6b5c4d3e2f1a0b9c / reporting (7d2e4f60-1a2b-4c3d-8e9f-a0b1c2d3e4f5)',
        '',
        'early (America/New_York): on-hours at Mon 2026-11-23 14:00',
        '  next stop   Tue 2026-11-24 01:30 America/New_York   (Tue 2026-11-24 06:30 UTC)',
        '  next start  Tue 2026-11-24 07:00 America/New_York   (Tue 2026-11-24 12:00 UTC)',
        '  graphs',
        '    9a8b7c6d5e4f30211203f4e5d6c7b8a9 / batch-eu',
        '  warning     stop: "30 1 * * *" is affected by daylight saving time in America/New_York: on 2027-11-07, 01:30 happens twice (the clock goes back from 02:00 to 01:00) and the stop fires once, the first time. Consider a time outside 01:00–03:59',
        '',
        'spare (Asia/Shanghai): off-hours at Tue 2026-11-24 03:00',
        '  next stop   Tue 2026-11-24 19:00 Asia/Shanghai   (Tue 2026-11-24 11:00 UTC)',
        '  next start  Tue 2026-11-24 08:00 Asia/Shanghai   (Tue 2026-11-24 00:00 UTC)',
        '  graphs      none',
        '  warning     is not used by any graph',
        '',
        'warnings',
        '  projects[0].graphs[2].skipUntil: 2026-11-01T00:00:00.000Z has passed: the graph follows its schedule again; remove skipUntil',
        '',
        `valid: ${file} (4 schedules, 4 graphs in 2 projects, 3 warnings)`,
        `note: checked ${file} (a deploy ships config/schedule.yaml, not this file)`,
        '',
      ].join('\n'),
    );
  });

  it.each([
    // [--at, expected state line of office-hours]; weekdays in the comments.
    ['2026-11-23T18:59:59Z', 'on-hours at Mon 2026-11-23 19:59'], // Mon, a second before the stop
    ['2026-12-24T10:00:00Z', 'off-hours (a holiday) at Thu 2026-12-24 11:00'], // Thu, a holiday
    ['2026-07-01T18:00:00Z', 'off-hours at Wed 2026-07-01 20:00'], // Wed, summer time: 18:00 UTC
  ])('reads the state at --at %s in the zone', async (at, state) => {
    const { stdout } = await check([files.write('state.yaml', VALID), '--at', at]);
    expect(stdout).toContain(`office-hours (Europe/Berlin): ${state}\n`);
  });

  it('takes the instant from the clock without --at', async () => {
    const { code, stdout } = await check([files.write('clock.yaml', VALID)], {
      now: new Date('2026-11-23T21:30:00Z'),
    });
    expect(code).toBe(ExitCode.valid);
    expect(stdout).toContain('at 2026-11-23T21:30:00.000Z\n');
    expect(stdout).toContain('nightly (UTC): on-hours at Mon 2026-11-23 21:30\n');
  });

  it('checks the file SCHEDULE_CONFIG names when no file is given', async () => {
    const file = files.write('from-env.yaml', VALID);
    const { code, stdout } = await check(['--at', AT], { env: { SCHEDULE_CONFIG: file } });
    expect(code).toBe(ExitCode.valid);
    expect(stdout).toMatch(new RegExp(`^valid: ${file} `, 'm'));
  });
});

const withOwnIds = (text: string) =>
  text
    .replace('0123456789abcdef0123456789abcdef', '5c3f2a1b9d8e4f7a6b5c4d3e2f1a0b9c')
    .replace('11111111-2222-3333-4444-555555555555', '0f8e3c4d-6a1b-4e5f-9c2d-7b8a9e0f1a2b');
const SHIPPED = readFileSync('config/schedule.yaml', 'utf8');

describe('npm run check: an invalid config', () => {
  it.each([
    {
      config: 'a 6-field AWS cron',
      text: withOwnIds(SHIPPED).replace('"0 20 * * 1-5"', '"0 20 ? * MON-FRI *"'),
      problems: 1,
      messages: ['schedules.office-hours.stop (line 7, column 11): "0 20 ? * MON-FRI *" has 6 fields'],
    },
    {
      config: 'an empty file',
      text: '',
      problems: 1,
      messages: ['the file is empty'],
    },
    {
      config: 'an unknown key and an unknown schedule',
      text: withOwnIds(SHIPPED)
        .replace('region:', 'regoin:')
        .replace('schedule: office-hours', 'schedule: ofice'),
      problems: 3,
      messages: [
        'projects[0].regoin (line 11, column 5): unknown key "regoin"',
        'projects[0].graphs[0].schedule (line 14, column 19): unknown schedule "ofice"',
      ],
    },
    {
      config: 'the placeholder ids of the shipped config',
      text: SHIPPED,
      problems: 2,
      messages: [
        "projects[0].projectId (line 10, column 16): 0123456789abcdef0123456789abcdef is the example's placeholder project id",
        "projects[0].graphs[0].id (line 13, column 13): 11111111-2222-3333-4444-555555555555 is the example's placeholder graph id",
      ],
    },
  ])(
    'refuses $config: exit 1, the messages on stderr, the verdict last',
    async ({ text, problems, messages }) => {
      const file = files.write('invalid.yaml', text);
      const { code, stdout, stderr } = await check([file, '--at', AT]);
      expect(code).toBe(ExitCode.invalid);
      expect(stderr).toMatch(new RegExp(`^${file}: ${problems} problems? in the config\n`));
      for (const message of messages) expect(stderr).toContain(message);
      expect(stdout).toBe(
        `invalid: ${file} (${problems} problem${problems === 1 ? '' : 's'}): a deploy would refuse it ` +
          '(a deploy ships config/schedule.yaml, not this file)\n',
      );
    },
  );

  it('calls a missing file a usage error (exit 2), naming it, not an invalid config', async () => {
    const { code, stdout, stderr } = await check(['does/not/exist.yaml']);
    expect(code).toBe(ExitCode.usage);
    expect(stderr).toContain('does/not/exist.yaml: no such file');
    expect(stdout).not.toContain('invalid');
  });

  it('checks config/schedule.yaml by default: as shipped, it still holds the placeholders', async () => {
    const { code, stdout, stderr } = await check([]);
    expect(code).toBe(ExitCode.invalid);
    expect(stderr).toMatch(/^config\/schedule\.yaml: 2 problems in the config\n/);
    expect(stdout).toBe('invalid: config/schedule.yaml (2 problems): osls package and deploy refuse it\n');
  });
});

describe('npm run check: usage', () => {
  it.each([
    [['a.yaml', 'b.yaml'], 'one config file at most, got 2'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['--at'], "Option '--at <value>' argument missing"],
    [['--at', '2026-11-23'], '--at: "2026-11-23" is a date without a time and zone'],
    [['--at', '2026-11-23T19:00:00'], '--at: "2026-11-23T19:00:00" has no time zone'],
  ])('exits 2 for %j, saying why and how to call it', async (argv, why) => {
    const { code, stdout, stderr } = await check(argv);
    expect(code).toBe(ExitCode.usage);
    expect(stdout).toBe('');
    expect(stderr).toContain(why);
    expect(stderr).toContain('usage: npm run check -- [config file]');
  });

  it('prints the usage on --help and exits 0', async () => {
    const { code, stdout } = await check(['--help']);
    expect(code).toBe(ExitCode.valid);
    expect(stdout).toMatch(/^usage: npm run check/);
  });
});
