/**
 * Debian's Chromium, headless, for the tests that check a page renders in a real browser. CI
 * installs it (.ci/run); on a machine without it those tests skip, saying so, unless CI is set.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = process.env.CHROMIUM_BIN ?? 'chromium';

export const chromiumInstalled = spawnSync(CHROMIUM, ['--version'], { stdio: 'ignore' }).status === 0;

/** Why the browser tests do not run here, or undefined when they must. */
export function browserSkipReason(): string | undefined {
  if (chromiumInstalled) return undefined;
  if (process.env.CI) return undefined; // CI must run them: they fail there instead
  return `${CHROMIUM} is not installed (apt-get install -y chromium, or set CHROMIUM_BIN): browser tests skipped`;
}

export interface BrowserRun {
  readonly stdout: string;
  /** Console messages the page logged (Chromium's `:CONSOLE` lines): errors, CSP violations. */
  readonly console: readonly string[];
}

/** Opens `file` headless, with a fresh profile and no network chatter of its own. */
export async function chromium(file: string, mode: string[]): Promise<BrowserRun> {
  if (!chromiumInstalled)
    throw new Error(`${CHROMIUM} is missing, and CI must run the browser tests: install it (.ci/run does)`);
  const profile = mkdtempSync(join(tmpdir(), 'ges-offhours-chromium-'));
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--enable-logging=stderr',
    '--v=0',
    `--user-data-dir=${profile}`,
    ...mode,
    pathToFileURL(file).href,
  ];
  try {
    const { stdout, stderr, code } = await new Promise<{
      stdout: string;
      stderr: string;
      code: number | null;
    }>((resolve, reject) => {
      const child = spawn(CHROMIUM, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d;
      });
      child.stderr.on('data', (d: Buffer) => {
        err += d;
      });
      child.on('error', reject);
      child.on('close', (c) => resolve({ stdout: out, stderr: err, code: c }));
    });
    if (code !== 0) throw new Error(`${CHROMIUM} exited ${code}: ${stderr.slice(-2000)}`);
    return { stdout, console: stderr.split('\n').filter((l) => l.includes(':CONSOLE')) };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.subarray(1, 4).toString('latin1') !== 'PNG') throw new Error('not a PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
