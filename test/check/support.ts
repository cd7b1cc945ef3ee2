/** Runs `npm run check`'s main function on config text, capturing its output. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ExitCode, main } from '../../scripts/check.js';

export interface CheckRun {
  readonly code: ExitCode;
  readonly stdout: string;
  readonly stderr: string;
}

export async function check(
  argv: readonly string[],
  options: { env?: Record<string, string>; now?: Date } = {},
): Promise<CheckRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    env: options.env ?? {},
    now: () => options.now ?? new Date('2026-01-01T00:00:00Z'),
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

/** A temporary directory for config files, removed by `remove`. */
export function configDir(): { write(name: string, text: string): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'ges-offhours-check-'));
  return {
    write(name, text) {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
