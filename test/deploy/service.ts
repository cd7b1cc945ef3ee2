/**
 * A copy of the repository for osls to work in, and the bare environment it runs with.
 *
 * serverless-esbuild always works in `<service>/.esbuild` and copies the zip to
 * `<service>/.serverless`, even with `--package`, and leaves both behind when the build fails, so
 * packaging in place would litter the working tree and race with a concurrent `npm run package`.
 * node_modules is linked, not copied.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PLACEHOLDER_GRAPH_IDS, PLACEHOLDER_PROJECT_IDS } from '../../lib/deploy-checks.js';

const run = promisify(execFile);

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OSLS = join(REPO, 'node_modules', 'osls', 'bin', 'serverless.js');

export interface OslsResult {
  readonly code: number;
  readonly stdout: string;
  /** stdout and stderr together: osls prints its errors on stderr, the rest on stdout. */
  readonly output: string;
}

export interface ServiceCopy {
  /** Temporary directory holding the copy (`service/`) and anything else a test writes. */
  readonly work: string;
  readonly service: string;
  /** No AWS credentials or profile, a throw-away HOME and TMPDIR. */
  readonly env: Record<string, string>;
  osls(args: readonly string[], timeoutMs: number): Promise<OslsResult>;
  /** Replaces the shipped schedule config of the copy. */
  writeConfig(text: string): void;
  readConfig(): string;
  remove(): void;
}

export function copyService(prefix: string): ServiceCopy {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const service = join(work, 'service');
  const skipped = new Set(['node_modules', '.git', '.serverless', '.esbuild', 'coverage']);
  cpSync(REPO, service, {
    recursive: true,
    filter: (source) => {
      const rel = relative(REPO, source);
      return !skipped.has(rel.split(sep)[0]!) && !rel.split(sep).includes('node_modules');
    },
  });
  symlinkSync(join(REPO, 'node_modules'), join(service, 'node_modules'), 'dir');
  // A private TMPDIR too: serverless-esbuild 1.57 stages each zip in os.tmpdir() and never removes
  // it (non-recursive remove, error swallowed; floydspace/serverless-esbuild#589).
  const home = join(work, 'home');
  const tmp = join(work, 'tmp');
  mkdirSync(home);
  mkdirSync(tmp);
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    USERPROFILE: home,
    TMPDIR: tmp,
    TMP: tmp,
    TEMP: tmp,
  };
  const configFile = join(service, 'config', 'schedule.yaml');
  return {
    work,
    service,
    env,
    async osls(args, timeoutMs) {
      try {
        const { stdout, stderr } = await run(process.execPath, [OSLS, ...args], {
          cwd: service,
          env,
          timeout: timeoutMs,
        });
        return { code: 0, stdout, output: `${stdout}\n${stderr}` };
      } catch (error) {
        const {
          code,
          stdout = '',
          stderr = '',
        } = error as { code?: unknown; stdout?: string; stderr?: string };
        if (typeof code !== 'number') throw error; // killed by the timeout, or could not start
        return { code, stdout, output: `${stdout}\n${stderr}` };
      }
    },
    writeConfig: (text) => writeFileSync(configFile, text),
    readConfig: () => readFileSync(configFile, 'utf8'),
    remove: () => rmSync(work, { recursive: true, force: true }),
  };
}

/**
 * The shipped config as a user makes it deployable: every placeholder id replaced by one of their
 * own (here made-up ids that no check refuses).
 */
export function withOwnIds(text: string): string {
  let out = text;
  PLACEHOLDER_PROJECT_IDS.forEach((id, i) => {
    out = out.replaceAll(id, `${'5c3f2a1b9d8e4f7a6b5c4d3e2f1a0b9'}${i}`);
  });
  PLACEHOLDER_GRAPH_IDS.forEach((id, i) => {
    out = out.replaceAll(id, `0f8e3c4d-6a1b-4e5f-9c2d-7b8a9e0f1a2${i}`);
  });
  return out;
}

/** `osls package` of the copy (stage test, eu-central-1) with these params; the template it wrote. */
export async function packageTemplate<Template>(
  copy: ServiceCopy,
  params: readonly string[],
  dir: string,
  timeoutMs: number,
): Promise<Template> {
  const out = join(copy.work, dir);
  const args = [
    'package',
    '--stage',
    'test',
    '--region',
    'eu-central-1',
    '--param=credentialsSecret=ges/credentials',
  ];
  const { code, output } = await copy.osls(
    [...args, ...params.map((p) => `--param=${p}`), '--package', out],
    timeoutMs,
  );
  if (code !== 0) throw new Error(`osls package failed with exit code ${code}:\n${output}`);
  return JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
}
