/**
 * Cold start: the size of the bundle serverless.yml ships, and how long a fresh Node process takes
 * to load it, against a bare `node -e ''`. Every probe is a new process with a clean environment
 * (only PATH and TZ: NODE_OPTIONS or NODE_EXTRA_CA_CERTS from the shell would add tens of ms to
 * every probe alike), and the probes are interleaved so that a busy moment of the machine hits them
 * all; the medians are compared.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BundleReport, buildBundle } from './bundle.js';
import { median } from './stats.js';

export interface LoadProbe {
  readonly name: string;
  readonly what: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

export interface ProbeResult {
  readonly name: string;
  readonly what: string;
  readonly medianMs: number;
  readonly minMs: number;
  /** medianMs / the bare probe's medianMs. */
  readonly ratio: number;
}

export interface ColdStartReport {
  readonly bundle: BundleReport;
  /** The same build with other options, for comparison (sizes only). */
  readonly alternatives: readonly {
    readonly name: string;
    readonly entryBytes: number;
    readonly jsBytes: number;
  }[];
  readonly runs: number;
  readonly probes: readonly ProbeResult[];
}

const CHILD = join(import.meta.dirname, 'child');

export async function measureColdStart(options: {
  repo: string;
  outRoot: string;
  runs: number;
}): Promise<ColdStartReport> {
  const { repo, outRoot, runs } = options;
  const bundle = await buildBundle(repo, join(outRoot, 'shipped'));
  const alternatives = [
    { name: 'AWS SDK external (the nodejs24.x runtime SDK)', overrides: { external: ['@aws-sdk/*'] } },
    { name: 'one file (no code splitting)', overrides: { splitting: false } },
  ];
  const alt = [];
  for (const [i, a] of alternatives.entries()) {
    const built = await buildBundle(repo, join(outRoot, `alt-${i}`), a.overrides);
    alt.push({ name: a.name, entryBytes: built.entry.bytes, jsBytes: built.jsBytes });
  }

  const empty = join(outRoot, 'empty.mjs');
  writeFileSync(empty, '');
  const load = join(CHILD, 'load.mjs');
  const probes: LoadProbe[] = [
    { name: 'bare', what: "node -e ''", args: ['-e', ''] },
    { name: 'empty-esm', what: 'an empty ES module (the floor for any ESM handler)', args: [load, empty] },
    { name: 'load', what: 'import the shipped entry', args: [load, bundle.entryPath] },
    {
      name: 'load-sourcemaps',
      what: 'same, with --enable-source-maps (as deployed)',
      args: ['--enable-source-maps', load, bundle.entryPath],
    },
    {
      name: 'load-run-path',
      what: `entry + the chunks a scheduled run loads (${(bundle.runPath.bytes / 1024).toFixed(0)} KB)`,
      args: [load, ...bundle.runPath.roots],
    },
    {
      name: 'cold-plan',
      what: 'import + one `plan` invocation of config/schedule.yaml',
      args: [join(CHILD, 'plan.mjs'), bundle.entryPath],
      env: { SCHEDULE_CONFIG: join(repo, 'config', 'schedule.yaml'), LOG_LEVEL: 'SILENT' },
    },
  ];
  const times = timeProbes(probes, runs);
  const bare = median(times[0]!);
  return {
    bundle,
    alternatives: alt,
    runs,
    probes: probes.map((p, i) => ({
      name: p.name,
      what: p.what,
      medianMs: median(times[i]!),
      minMs: Math.min(...times[i]!),
      ratio: median(times[i]!) / bare,
    })),
  };
}

/** Wall time of each probe, `runs` rounds, the probes interleaved within each round. */
export function timeProbes(probes: readonly LoadProbe[], runs: number): number[][] {
  const times = probes.map(() => [] as number[]);
  const base = { PATH: process.env.PATH ?? '', TZ: 'UTC' };
  for (const p of probes) spawn(p, base); // warm the file cache once
  for (let round = 0; round < runs; round++) {
    probes.forEach((p, i) => {
      times[i]!.push(spawn(p, base));
    });
  }
  return times;
}

function spawn(probe: LoadProbe, base: Record<string, string>): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, probe.args, {
    env: { ...base, ...probe.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) {
    throw new Error(
      `probe ${probe.name} failed (${result.status}): ${result.stderr.toString().slice(0, 2000)}`,
    );
  }
  return elapsed;
}
