import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LogFields } from '../../lib/log.js';
import { makeUuid } from '../../sandbox/server.js';
import { startWorld, TEST_AK, TEST_SK, type World } from '../../sandbox/world.js';
import { type CliIo, echoed, main } from '../../scripts/cli/main.js';

const P = '0123456789abcdef0123456789abcdef';
const FRAUD = makeUuid(P, 'fraud-detection');
// Off-hours at any instant but the minute of 1 January 00:00 Berlin: the CLI reads the real clock.
const ALWAYS_OFF = { timezone: 'Europe/Berlin', stop: '* * * * *', start: '0 0 1 1 *' };

let world: World;

beforeEach(async () => {
  world = await startWorld({
    graphs: [
      { projectId: P, id: FRAUD, name: 'fraud-detection', status: '200' },
      { projectId: P, id: makeUuid(P, 'recommendations'), name: 'recommendations', status: '202' },
      { projectId: P, id: makeUuid(P, 'supply-chain'), name: 'supply-chain', status: '900' },
    ],
    schedules: { nights: ALWAYS_OFF },
    projects: [
      {
        projectId: P,
        graphs: ['fraud-detection', 'recommendations', 'supply-chain'].map((name) => ({
          name,
          schedule: 'nights',
        })),
      },
    ],
    settings: { verifyJobs: false },
  });
});
afterEach(async () => {
  vi.restoreAllMocks();
  await world.close();
});

interface Fake {
  readonly io: CliIo;
  readonly out: () => string;
  readonly err: () => string;
  readonly questions: string[];
  readonly logged: { level: string; message: string; fields: LogFields }[];
}

function fake(
  options: { env?: Record<string, string | undefined>; tty?: boolean; answers?: (string | undefined)[] } = {},
): Fake {
  const out: string[] = [];
  const err: string[] = [];
  const questions: string[] = [];
  const logged: Fake['logged'] = [];
  const answers = [...(options.answers ?? [])];
  const entry =
    (level: string) =>
    (message: string, fields: LogFields = {}) => {
      logged.push({ level, message, fields });
    };
  const io: CliIo = {
    env: {
      SCHEDULE_CONFIG: world.configPath,
      HUAWEICLOUD_SDK_AK: TEST_AK,
      HUAWEICLOUD_SDK_SK: TEST_SK,
      ...options.env,
    },
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    isTTY: options.tty ?? false,
    ask: async (question) => {
      questions.push(question);
      return answers.shift();
    },
    secrets: {
      getSecretString: () => Promise.reject(new Error('this test reads no secret')),
    },
    jsonLog: () => ({
      debug: entry('debug'),
      info: entry('info'),
      warn: entry('warn'),
      error: entry('error'),
    }),
  };
  return { io, out: () => out.join(''), err: () => err.join(''), questions, logged };
}

const stops = () => world.sandbox.requests.filter((r) => r.kind === 'stop').length;

describe('main: the readable report', () => {
  it('prints a row per configured graph and a one-line verdict, without JSON, and exits 0', async () => {
    const f = fake();
    expect(await main(['{"dryRun":true}'], f.io)).toBe(0);
    const lines = f.out().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^graph\s+project\s+outcome\s+reason \/ job id\s+job\s+message$/);
    expect(lines.slice(2, 5)).toEqual([
      expect.stringMatching(/^fraud-detection\s+01234567\s+would-stop\s/),
      expect.stringMatching(/^recommendations\s+01234567\s+skipped\s+busy\s/),
      expect.stringMatching(/^supply-chain\s+01234567\s+already-stopped\s/),
    ]);
    expect(lines.at(-1)).toMatch(
      /^reconcile \(dry run\): 1 would stop, 1 already stopped, 1 skipped, 0 failed \(run [0-9a-f]{8}…\)$/,
    );
    expect(f.out() + f.err()).not.toContain('{"level"');
    expect(stops()).toBe(0);
  });

  it('runs for real with an explicit {}, and shows the job id of the stop', async () => {
    const f = fake();
    expect(await main(['{}'], f.io)).toBe(0);
    expect(f.out()).toMatch(/fraud-detection\s+01234567\s+stopped\s+[0-9a-f]{32}/);
    expect(f.out()).toMatch(/reconcile: 1 stopped, 1 already stopped, 1 skipped, 0 failed/);
    expect(f.questions).toEqual([]);
    expect(stops()).toBe(1);
  });

  it('exits 1 and lists the failed graphs with their codes and messages', async () => {
    world.sandbox.setFaults([
      { kinds: ['stop'], graphIds: [FRAUD], effect: { type: 'status', status: 403, gesCode: 'GES.0016' } },
    ]);
    const f = fake();
    expect(await main(['{"action":"stop","graphs":["fraud-detection"]}'], f.io)).toBe(1);
    expect(f.out()).toMatch(/stop: 0 stopped, 1 failed \(run/);
    expect(f.out()).toContain('1 of 1 graph failed:\n  - GES.0016: fraud-detection (project 01234567)\n');
    expect(f.out()).toMatch(/ {6}Request failed with status code 403 .*GES\.0016/);
  });

  it('never prints the access key or the secret key, not even when GES refuses them', async () => {
    const f = fake({ env: { HUAWEICLOUD_SDK_SK: 'a-wrong-secret-key' } });
    expect(await main(['{}'], f.io)).toBe(1);
    expect(f.out()).toContain('APIG.0301');
    for (const secret of [TEST_AK, TEST_SK, 'a-wrong-secret-key'])
      expect(f.out() + f.err()).not.toContain(secret);
  });

  it('shows config warnings and retries as they happen, in one short line each', async () => {
    world.sandbox.setFaults([{ kinds: ['list'], times: 1, effect: { type: 'status', status: 503 } }]);
    const f = fake();
    expect(await main(['{"dryRun":true}'], f.io)).toBe(0);
    // The always-off test schedule fires every minute, through the DST change hours.
    expect(f.err()).toMatch(
      /^warning: config schedules\.nights\.stop: "\* \* \* \* \*" is affected by daylight saving time/m,
    );
    expect(f.err()).toMatch(
      /^retrying GET http:\/\/127\.0\.0\.1:\d+\/v1\.0\/\w+\/graphs\?offset=0&limit=100 after status 503 GES\.7005 \(attempt 1\) in \d+ ms$/m,
    );
    expect(f.err()).not.toContain('"level"');
  });
});

describe('main: exit code 2 when nothing was run', () => {
  it.each([
    { name: 'an event that is not JSON', argv: ['{dryRun:true}'], env: {}, words: 'the event is not JSON' },
    { name: 'two events', argv: ['{}', '{}'], env: {}, words: 'expected one event, got 2 arguments' },
    { name: 'an unknown flag', argv: ['--force', '{}'], env: {}, words: "Unknown option '--force'" },
    {
      name: 'a misspelt action, with a suggestion',
      argv: ['{"action":"stpo","graphs":"all"}'],
      env: {},
      words: 'run refused (EVENT_INVALID): unknown action "stpo": did you mean "stop"?',
    },
    {
      name: 'an unknown graph, with a suggestion',
      argv: ['{"action":"stop","graphs":["fraud-detectoin"]}'],
      env: {},
      words: 'unknown graph "fraud-detectoin" (did you mean "fraud-detection"?)',
    },
    {
      name: 'a config that does not exist',
      argv: ['{}'],
      env: { SCHEDULE_CONFIG: '/nonexistent/schedule.yaml' },
      words: 'run refused (CONFIG_INVALID): /nonexistent/schedule.yaml',
    },
    {
      name: 'credentials missing for every project',
      argv: ['{}'],
      env: { HUAWEICLOUD_SDK_AK: undefined, HUAWEICLOUD_SDK_SK: undefined },
      words: 'no project had usable credentials',
    },
    {
      name: 'a timeout that is no number',
      argv: ['{}'],
      env: { INVOKE_TIMEOUT_SECONDS: 'soon' },
      words: 'INVOKE_TIMEOUT_SECONDS',
    },
  ])('refuses $name', async ({ argv, env, words }) => {
    const f = fake({ env });
    expect(await main(argv, f.io)).toBe(2);
    expect(f.err() + f.out()).toContain(words);
    expect(stops()).toBe(0);
  });

  it('refuses to guess an event without a terminal, and says how to pass one', async () => {
    const f = fake({ tty: false });
    expect(await main([], f.io)).toBe(2);
    expect(f.err()).toContain(`pass it explicitly, '{"dryRun":true}' for a dry run or '{}' for a real run`);
    expect(f.questions).toEqual([]);
    expect(world.sandbox.requests).toHaveLength(0);
  });
});

describe('main: no event at a terminal', () => {
  it.each([
    { name: 'Enter (the default)', answers: [''], code: 0, questions: 1, stopped: 0, verdict: '(dry run)' },
    { name: 'y', answers: ['y'], code: 0, questions: 1, stopped: 0, verdict: '(dry run)' },
    {
      name: 'no, then the confirmation',
      answers: ['n', 'stop graphs'],
      code: 0,
      questions: 2,
      stopped: 1,
      verdict: 'reconcile: 1 stopped',
    },
    {
      name: 'no, then anything else',
      answers: ['no', 'yes'],
      code: 2,
      questions: 2,
      stopped: 0,
      verdict: undefined,
    },
    {
      name: 'an answer that is neither',
      answers: ['maybe'],
      code: 2,
      questions: 1,
      stopped: 0,
      verdict: undefined,
    },
    {
      name: 'Ctrl-D at the question',
      answers: [undefined],
      code: 2,
      questions: 1,
      stopped: 0,
      verdict: undefined,
    },
    {
      name: 'Ctrl-C at the confirmation',
      answers: ['n', undefined],
      code: 2,
      questions: 2,
      stopped: 0,
      verdict: undefined,
    },
  ])('after $name', async ({ answers, code, questions, stopped, verdict }) => {
    const f = fake({ tty: true, answers });
    expect(await main([], f.io)).toBe(code);
    expect(f.questions).toHaveLength(questions);
    expect(f.questions[0]).toMatch(/dry run .*\? \[Y\/n\] $/);
    expect(stops()).toBe(stopped);
    if (verdict === undefined) expect(f.err()).toContain('cancelled: nothing was run');
    else expect(f.out()).toContain(verdict);
  });

  it('does the dry run without asking with --yes, even without a terminal', async () => {
    const f = fake({ tty: false });
    expect(await main(['--yes'], f.io)).toBe(0);
    expect(f.questions).toEqual([]);
    expect(f.out()).toContain('reconcile (dry run): 1 would stop');
    expect(stops()).toBe(0);
  });
});

describe('main: --json for scripts', () => {
  it('writes the run through the structured log, the summary last, and no table', async () => {
    const f = fake();
    expect(await main(['--json', '{"dryRun":true}'], f.io)).toBe(0);
    expect(f.out()).toBe('');
    const last = f.logged.at(-1)!;
    expect(last).toMatchObject({ level: 'info', message: 'run summary' });
    expect(last.fields.summary).toMatchObject({
      action: 'reconcile',
      dryRun: true,
      counts: { wouldStop: 1 },
    });
    expect(f.logged.filter((l) => l.message === 'graph would stop (dry run)')).toHaveLength(1);
  });

  it('logs "run refused" with the code and exits 2 when the event is refused', async () => {
    const f = fake();
    expect(await main(['--json', '{"action":"halt"}'], f.io)).toBe(2);
    expect(f.logged.at(-1)).toMatchObject({
      level: 'error',
      message: 'run refused',
      fields: { errorCode: 'EVENT_INVALID' },
    });
  });

  it('exits 1 after the summary when a graph failed', async () => {
    world.sandbox.setFaults([
      { kinds: ['stop'], effect: { type: 'status', status: 403, gesCode: 'GES.0016' } },
    ]);
    const f = fake();
    expect(await main(['{}', '--json'], f.io)).toBe(1);
    expect(f.logged.at(-1)?.message).toBe('run summary');
  });

  it('by default prints Powertools JSON lines with the Lambda context, as the deployed function logs', async () => {
    const lines: string[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        return true;
      });
    }
    const { jsonLog: _default, ...io } = fake().io;
    expect(await main(['--json', '{"dryRun":true}'], io)).toBe(0);
    vi.restoreAllMocks();
    const logs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const last = logs.at(-1)!;
    expect(last).toMatchObject({ level: 'INFO', message: 'run summary', service: 'ges-offhours' });
    expect(last.function_request_id).toBe((last.summary as { runId: string }).runId);
  });
});

describe('main: --json on stdout', () => {
  it('writes every line, WARN and ERROR included, to stdout, where a script reads it', async () => {
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      err.push(String(chunk));
      return true;
    });
    const { jsonLog: _default, ...io } = fake().io;
    const code = await main(['--json', '{"action":"halt"}'], io);
    vi.restoreAllMocks();
    expect(code).toBe(2);
    expect(out.join('')).toContain('"message":"run refused"');
    expect(err.join('')).toBe('');
  });
});

describe('main: --help', () => {
  it('prints usage with examples for each kind of run and exits 0 without running', async () => {
    const f = fake();
    expect(await main(['--help'], f.io)).toBe(0);
    for (const example of [
      `'{"action":"plan"}'`,
      `'{"dryRun":true}'`,
      `'{"action":"stop","graphs":["fraud-detection"]}'`,
      `'{"action":"stop","graphs":"all"}'`,
      `--json`,
    ]) {
      expect(f.out()).toContain(`npm run invoke -- ${example}`);
    }
    expect(world.sandbox.requests).toHaveLength(0);
  });
});

describe('Function: echoed (the "invoking" line)', () => {
  it.each([
    { name: 'a short event whole', json: '{"action":"plan"}', expected: '{"action":"plan"}' },
    {
      name: 'a long one cut to its start and its size, so 20,000 names do not fill the terminal',
      json: `{"action":"stop","graphs":[${'"g",'.repeat(5_000)}"g"]}`,
      expected: /^\{"action":"stop","graphs":\["g","g",.{250,}… \(20,032 characters\)$/,
    },
  ])('$name', ({ json, expected }) => {
    if (typeof expected === 'string') expect(echoed(json)).toBe(expected);
    else expect(echoed(json)).toMatch(expected);
  });
});
