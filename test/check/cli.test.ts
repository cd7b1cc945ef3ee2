/**
 * `npm run check` as a process: the script runs its main function when started by tsx (as the
 * npm script does) and turns its result into the exit status.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { configDir } from './support.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const TSX = require.resolve('tsx/cli');

const files = configDir();
afterAll(() => files.remove());

const VALID = `schedules:
  nightly: { timezone: UTC, stop: "0 22 * * *", start: "0 6 * * *" }
projects:
  - projectId: 5c3f2a1b9d8e4f7a6b5c4d3e2f1a0b9c
    region: cn-north-4
    graphs: [{ name: reporting, schedule: nightly }]
`;

async function exitOf(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [TSX, 'scripts/check.ts', ...args], {
      env: { PATH: process.env.PATH ?? '' },
      timeout: 20_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout = '', stderr = '' } = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof code !== 'number') throw error;
    return { code, stdout, stderr };
  }
}

describe('npm run check, as a process', () => {
  it('is the package.json script `check`', () => {
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> })
      .scripts;
    expect(scripts.check).toBe('tsx scripts/check.ts');
  });

  it.each([
    [
      'a valid config',
      () => [files.write('valid.yaml', VALID), '--at', '2026-11-23T19:00:00Z'],
      0,
      /^valid: /m,
    ],
    ['an invalid config', () => [files.write('bad.yaml', VALID.replace('0 22', '0 22 ?'))], 1, /^invalid: /m],
    ['a usage error', () => ['--at', 'tomorrow'], 2, /^$/],
  ])('exits with the status of %s', async (_, args, status, verdict) => {
    const { code, stdout } = await exitOf(args());
    expect(code).toBe(status);
    expect(stdout).toMatch(verdict);
  });
});
