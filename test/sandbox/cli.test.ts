import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  CLI_OPTIONS,
  DEFAULT_FIXTURE,
  DEFAULT_PORT,
  parseCliArgs,
  parseFaultFlag,
  UsageError,
} from '../../sandbox/cli-args.js';
import { withFailingStarts } from '../../sandbox/cli-night.js';
import { helpText } from '../../sandbox/cli-text.js';
import { loadFixture } from '../../sandbox/fixture.js';
import { TestClient, waitFor } from './test-client.js';

const CLI = fileURLToPath(new URL('../../sandbox/cli.ts', import.meta.url));

describe('sandbox CLI: arguments', () => {
  it('serves the demo fixture on 127.0.0.1 and the fixed port by default', () => {
    expect(parseCliArgs([])).toEqual({
      kind: 'serve',
      fixture: DEFAULT_FIXTURE,
      host: '127.0.0.1',
      port: DEFAULT_PORT,
      faults: [],
      failStarts: [],
      quiet: false,
      ledgerPort: 8732,
      week: false,
    });
  });

  it('takes --week, for a simulated week of runs before serving', () => {
    expect(parseCliArgs(['--week', '--ledger-port', '0'])).toMatchObject({ week: true, ledgerPort: 0 });
  });

  it.each([
    { argv: ['--ledger-port', '0'], ledgerPort: 0 },
    { argv: ['--ledger-port', '9100'], ledgerPort: 9100 },
    { argv: ['--no-ledger'], ledgerPort: undefined },
  ])('takes the ledger emulator port from $argv', ({ argv, ledgerPort }) => {
    expect(parseCliArgs(argv)).toMatchObject({ ledgerPort });
  });

  it.each([
    { argv: ['my.yaml', '--port', '0'], expected: { fixture: 'my.yaml', port: 0 } },
    { argv: ['-p', '9000', '--host', '::1'], expected: { port: 9000, host: '::1' } },
    { argv: ['--rate', '2'], expected: { rateLimit: { requestsPerSecond: 2 } } },
    {
      argv: ['--rate', '0.5', '--burst', '3'],
      expected: { rateLimit: { requestsPerSecond: 0.5, burst: 3 } },
    },
    {
      argv: ['--rate', '10', '--retry-after', 'seconds'],
      expected: { rateLimit: { requestsPerSecond: 10, retryAfter: 'seconds' } },
    },
    {
      argv: ['--rate', '10', '--retry-after', '3'],
      expected: { rateLimit: { requestsPerSecond: 10, retryAfter: 3 } },
    },
    {
      argv: ['--fault', 'stop:503', '--fault', 'any:reset@0.5'],
      expected: {
        faults: [
          { kinds: ['stop'], effect: { type: 'status', status: 503 } },
          { rate: 0.5, effect: { type: 'reset' } },
        ],
      },
    },
    { argv: ['--latency', '250', '-q'], expected: { latencyMs: 250, quiet: true } },
    { argv: ['--read-lag', '3000'], expected: { readLagMs: 3000 } },
    { argv: ['--start-job-ms', '180000'], expected: { startJobDurationMs: 180_000 } },
    {
      argv: ['--fail-starts', 'g1,g2', '--fail-starts', 'g3'],
      expected: { failStarts: ['g1', 'g2', 'g3'] },
    },
  ])('reads $argv', ({ argv, expected }) => {
    expect(parseCliArgs(argv)).toMatchObject({ kind: 'serve', ...expected });
  });

  it.each([['--help'], ['-h'], ['other.yaml', '--help', '--rate', 'x']])(
    'asks for help with %j',
    (...argv) => {
      expect(parseCliArgs(argv).kind).toBe('help');
    },
  );

  it.each([
    { argv: ['--prot', '1'], message: /Unknown option '--prot'/ },
    { argv: ['--port'], message: /--port/ },
    { argv: ['--port', '70000'], message: /--port must be a whole number from 0 to 65535, got '70000'/ },
    { argv: ['--port', 'eighty'], message: /--port must be/ },
    { argv: ['a.yaml', 'b.yaml'], message: /at most one fixture path/ },
    { argv: ['--rate', '0'], message: /--rate must be a number of requests a second > 0/ },
    { argv: ['--rate', 'fast'], message: /--rate/ },
    { argv: ['--burst', '3'], message: /--burst and --retry-after need --rate/ },
    { argv: ['--retry-after', 'none'], message: /need --rate/ },
    { argv: ['--rate', '1', '--burst', '0'], message: /--burst must be a whole number from 1/ },
    {
      argv: ['--rate', '1', '--retry-after', 'soon'],
      message: /--retry-after must be none, seconds or whole seconds/,
    },
    { argv: ['--fault', 'stop'], message: /--fault 'stop': the effect is/ },
    { argv: ['--latency', '-5'], message: /--latency/ },
    { argv: ['--read-lag', 'soon'], message: /--read-lag must be a whole number/ },
    { argv: ['--start-job-ms', '1.5'], message: /--start-job-ms must be a whole number/ },
    { argv: ['--fail-starts', 'g1,,g2'], message: /--fail-starts takes graph ids separated by commas/ },
    { argv: ['--week', '--no-ledger'], message: /--week records its runs in the ledger/ },
    { argv: ['other.yaml', '--week'], message: /--week runs config\/schedule.sandbox.yaml/ },
  ])('refuses $argv with a usage error (exit 2)', ({ argv, message }) => {
    expect(() => parseCliArgs(argv)).toThrow(message);
    expect(() => parseCliArgs(argv)).toThrow(UsageError);
    try {
      parseCliArgs(argv);
    } catch (error) {
      expect((error as UsageError).exitCode).toBe(2);
    }
  });

  it.each([
    { flag: 'stop:503', rule: { kinds: ['stop'], effect: { type: 'status', status: 503 } } },
    { flag: 'list,get:reset@0.3', rule: { kinds: ['list', 'get'], rate: 0.3, effect: { type: 'reset' } } },
    {
      flag: 'stop:400:GES.7003',
      rule: { kinds: ['stop'], effect: { type: 'status', status: 400, gesCode: 'GES.7003' } },
    },
    { flag: 'any:hang', rule: { effect: { type: 'hang' } } },
    { flag: 'stop:lose-answer', rule: { kinds: ['stop'], effect: { type: 'lose-answer' } } },
    { flag: 'job:malformed', rule: { kinds: ['job'], effect: { type: 'malformed' } } },
    { flag: 'stop:acted:503', rule: { kinds: ['stop'], effect: { type: 'acted-status', status: 503 } } },
    {
      flag: 'start:acted:400:GES.7006@0.5',
      rule: {
        kinds: ['start'],
        rate: 0.5,
        effect: { type: 'acted-status', status: 400, gesCode: 'GES.7006' },
      },
    },
    {
      flag: 'stop/g1:lose-answer',
      rule: { kinds: ['stop'], graphIds: ['g1'], effect: { type: 'lose-answer' } },
    },
    {
      flag: 'get/g1,g2:500',
      rule: { kinds: ['get'], graphIds: ['g1', 'g2'], effect: { type: 'status', status: 500 } },
    },
    { flag: 'jobs:503', rule: { kinds: ['jobs'], effect: { type: 'status', status: 503 } } },
  ])('reads --fault $flag', ({ flag, rule }) => {
    expect(parseFaultFlag(flag)).toEqual(rule);
  });

  it.each([
    { flag: 'stopp:503', message: /kinds are list, get, stop, start, job, jobs, any/ },
    { flag: 'stop:200', message: /HTTP status 400\.\.599/ },
    { flag: 'stop:explode', message: /the effect is/ },
    { flag: 'stop:reset:GES.7003', message: /a GES code goes only with an HTTP status/ },
    { flag: 'stop:503@2', message: /the rate is a number from 0 to 1/ },
    { flag: 'stop:503@', message: /the rate/ },
    { flag: 'stop:503@0.1@0.2', message: /more than one @/ },
    { flag: 'stop:400:GES.7003:x', message: /too many parts/ },
    { flag: 'stop:acted:reset', message: /acted takes an HTTP status/ },
    { flag: 'stop:acted', message: /acted takes an HTTP status/ },
    { flag: 'stop/g1/g2:503', message: /more than one \// },
    { flag: 'stop/:503', message: /graph ids after \/ are separated by commas/ },
  ])('refuses --fault $flag, showing the expected form', ({ flag, message }) => {
    expect(() => parseFaultFlag(flag)).toThrow(message);
    expect(() => parseFaultFlag(flag)).toThrow(
      /expected KINDS\[\/GRAPHS\]:\[acted:\]EFFECT\[:GESCODE\]\[@RATE\]/,
    );
  });
});

describe('sandbox CLI: --fail-starts', () => {
  const graphs = [
    { projectId: 'p', id: 'g1', name: 'one', status: '900' },
    { projectId: 'p', id: 'g2', name: 'two', status: '900' },
  ];

  it("makes the named graphs' start jobs fail and leaves the others alone", () => {
    expect(withFailingStarts(graphs, ['g2']).map((g) => g.startJob)).toEqual([undefined, 'failed']);
  });

  it('refuses a graph id the fixture does not have, with a usage error', () => {
    expect(() => withFailingStarts(graphs, ['g1', 'g9'])).toThrow(
      /--fail-starts: no graph g9 in the fixture/,
    );
    expect(() => withFailingStarts(graphs, ['g9'])).toThrow(UsageError);
  });
});

describe('sandbox CLI: help', () => {
  it('documents every option', async () => {
    const help = helpText(DEFAULT_FIXTURE, await loadFixture(DEFAULT_FIXTURE));
    for (const [name, option] of Object.entries(CLI_OPTIONS)) {
      expect(help).toContain(`--${name}`);
      if ('short' in option) expect(help).toContain(`-${option.short}, --${name}`);
    }
  });

  it('shows the keys it accepts, every graph it serves, and how to point the function at it', async () => {
    const fixture = await loadFixture(DEFAULT_FIXTURE);
    const help = helpText(DEFAULT_FIXTURE, fixture);
    for (const { ak, sk } of fixture.accounts) expect(help).toContain(`AK ${ak}  SK ${sk}`);
    for (const graph of fixture.graphs) expect(help).toMatch(new RegExp(`${graph.id} .* ${graph.name}`));
    for (const projectId of new Set(fixture.graphs.map((g) => g.projectId)))
      expect(help).toContain(projectId);
    expect(help).toContain(`export HUAWEICLOUD_SDK_AK=${fixture.accounts[0]?.ak}`);
    expect(help).toContain(`export HUAWEICLOUD_SDK_SK=${fixture.accounts[0]?.sk}`);
    expect(help).toContain('export SCHEDULE_CONFIG=config/schedule.sandbox.yaml');
    expect(help).toContain(`default ${DEFAULT_PORT}`);
  });

  it('still prints the options when the fixture cannot be read', () => {
    const help = helpText('missing.yaml', new Error('missing.yaml: not found'));
    expect(help).toContain('--rate N');
    expect(help).toContain('The fixture could not be read: missing.yaml: not found');
  });
});

describe('sandbox CLI: the process', () => {
  const run = promisify(execFile);

  it('prints the help and exits 0', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', CLI, '--help'], { timeout: 20_000 });
    expect(stdout).toMatch(/^usage: npm run sandbox/);
    expect(stdout).toContain('SANDBOXDEMOAK0000001');
  });

  it('refuses an unknown flag with a clear message and exit status 2', async () => {
    const failure = await run(process.execPath, ['--import', 'tsx', CLI, '--rat', '2'], {
      timeout: 20_000,
    }).catch((error: unknown) => error as { code: number; stderr: string });
    expect(failure).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^Unknown option '--rat'\nusage: /),
    });
  });

  it('serves with the given rate limit, prints a line per request and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [
      '--import',
      'tsx',
      CLI,
      '--port',
      '0',
      '--rate',
      '0.001',
      '--burst',
      '1',
    ]);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    onTestFinished(() => {
      child.kill('SIGKILL');
    });
    const url = await waitFor(() => /listening on (http:\/\/\S+)/.exec(out)?.[1], 20_000);
    const fixture = await loadFixture(DEFAULT_FIXTURE);
    const client = new TestClient(url, fixture.accounts[0] ?? { ak: '', sk: '' });
    const projectId = fixture.graphs[0]?.projectId ?? '';
    const statuses = [
      (await client.call(`/v2/${projectId}/graphs`)).status,
      (await client.call(`/v2/${projectId}/graphs`)).status,
    ];
    await client.close();
    expect(statuses).toEqual([200, 429]);
    await waitFor(() => (out.includes('→ 429 (throttle)') ? true : undefined));
    expect(out).toContain('rate limit 0.001/s per access key, burst 1, no Retry-After');
    // Another port than the sandbox config's: said, or runs would reach whatever holds 8731.
    expect(out).toContain(
      `note: config/schedule.sandbox.yaml sends to port 8731, not ${new URL(url).port}: use a copy of it with endpoint: ${url}`,
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('SIGTERM: 2 requests served (1 throttled); closing');
  });
});
