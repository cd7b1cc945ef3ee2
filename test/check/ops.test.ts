/** `npm run check`: the sandbox's loopback endpoint, and the pause read from the ledger table. */
import { afterAll, describe, expect, it } from 'vitest';
import type { PauseStore } from '../../lib/pause/store.js';
import { ExitCode, main } from '../../scripts/check.js';
import { memoryPauseStore } from '../support/pauses.js';
import { configDir } from './support.js';

const files = configDir();
afterAll(() => files.remove());

const AT = new Date('2026-12-20T12:00:00Z');
const CONFIG = `schedules:
  nightly: { timezone: UTC, stop: "0 22 * * *", start: "0 6 * * *" }
projects:
  - projectId: 5c3f2a1b9d8e4f7a6b5c4d3e2f1a0b9c
    region: cn-north-4
    graphs: [{ name: reporting, schedule: nightly }]
`;

async function check(file: string, options: { pauses?: PauseStore; env?: Record<string, string> } = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main([file], {
    env: options.env ?? {},
    now: () => AT,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    pauses: options.pauses,
  });
  return { code, stdout, stderr };
}

describe('npm run check: a loopback endpoint is a deploy rule, not a config rule', () => {
  it('calls the sandbox config valid, and warns that it cannot be deployed', async () => {
    const { code, stdout, stderr } = await check('config/schedule.sandbox.yaml');
    expect(code).toBe(ExitCode.valid);
    expect(stderr).toBe('');
    expect(stdout).toMatch(
      /^warning: cannot be deployed: loopback endpoint: projects\[0\]\.endpoint \(line \d+/m,
    );
    expect(stdout).toContain('; cannot be deployed: loopback endpoint\n');
    // The verdict counts the warnings printed above it: both loopback endpoints.
    expect(stdout).toMatch(/2 warnings\); cannot be deployed/);
    expect(stdout).not.toContain('invalid');
  });

  it('still refuses what the loader refuses in the same file', async () => {
    const file = files.write(
      'loop.yaml',
      `${CONFIG}    endpoint: http://127.0.0.1:8731\n`.replace('0 22', '0 22 ?'),
    );
    expect((await check(file)).code).toBe(ExitCode.invalid);
  });
});

describe('npm run check: the pause', () => {
  const pause = {
    pausedAt: new Date('2026-12-18T16:00:00Z'),
    until: new Date('2026-12-28T08:00:00Z'),
    reason: 'holiday freeze',
    runId: 'r',
  };

  it.each([
    {
      name: 'a pause that holds',
      store: () => memoryPauseStore(pause),
      line: 'pause: paused until 2026-12-28T08:00:00.000Z (holiday freeze), set 2026-12-18T16:00:00.000Z: scheduled runs stop and start nothing until then\n',
    },
    {
      name: 'a pause that has ended',
      store: () => memoryPauseStore({ ...pause, until: new Date('2026-12-19T00:00:00Z') }),
      line: 'pause: none at 2026-12-20T12:00:00.000Z (ledger table memory)\n',
    },
    {
      name: 'no pause',
      store: () => memoryPauseStore(),
      line: 'pause: none at 2026-12-20T12:00:00.000Z (ledger table memory)\n',
    },
  ])('says so for $name', async ({ store, line }) => {
    const { code, stdout } = await check(files.write('ok.yaml', CONFIG), { pauses: store() });
    expect(code).toBe(ExitCode.valid);
    expect(stdout.endsWith(line)).toBe(true);
  });

  it('says the ledger could not be read, and still calls the config valid', async () => {
    const broken: PauseStore = {
      ...memoryPauseStore(),
      read: () => Promise.reject(new Error('access denied')),
    };
    const { code, stdout } = await check(files.write('ok.yaml', CONFIG), { pauses: broken });
    expect(code).toBe(ExitCode.valid);
    expect(stdout).toContain(
      'pause: unknown: the ledger table memory could not be read (access denied); the config itself is valid',
    );
  });

  it('reads nothing without LEDGER_TABLE', async () => {
    const { stdout } = await check(files.write('ok.yaml', CONFIG));
    expect(stdout).not.toContain('pause:');
  });
});
