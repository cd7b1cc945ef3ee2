/** Deterministic graph sets for tests and the benchmark. */
import { createHash } from 'node:crypto';
import { makePrng } from './faults.js';
import type { SandboxGraph } from './types.js';

function hex(...parts: (string | number)[]): string {
  return createHash('sha256').update(parts.join(':')).digest('hex');
}

/** A 32-hex-character project id, the same for the same `n`. */
export function makeProjectId(n: number): string {
  return hex('project', n).slice(0, 32);
}

/** A uuid-shaped id (version 4 layout), the same for the same parts. */
export function makeUuid(...parts: (string | number)[]): string {
  const h = hex('uuid', ...parts);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The default status mix of `makeGraphs`: weights, mostly running. */
export const DEFAULT_STATUS_MIX: Readonly<Record<string, number>> = {
  '200': 70, // running
  '900': 12, // stopped
  '901': 3, // stopping
  '920': 2, // starting
  '202': 5, // importing
  '903': 3, // backing up
  '300': 3, // faulty
  '800': 2, // frozen
};

export interface MakeGraphsOptions {
  count: number;
  /** Graphs are spread over these projects round-robin (default: one project, `makeProjectId(0)`). */
  projectIds?: readonly string[];
  /** Status code → weight (default `DEFAULT_STATUS_MIX`); `{ '200': 1 }` makes every graph running. */
  statusMix?: Readonly<Record<string, number>>;
  /** Seeds the ids and the status draw (default 1). */
  seed?: number;
  /** Names are `${namePrefix}-0001`… (default 'graph'). */
  namePrefix?: string;
}

/**
 * N graphs with uuid-like ids, numbered names and a status mix drawn from a seeded PRNG: the same
 * options always give the same graphs.
 */
export function makeGraphs(options: MakeGraphsOptions): SandboxGraph[] {
  const { count, seed = 1, namePrefix = 'graph' } = options;
  const projectIds = options.projectIds ?? [makeProjectId(0)];
  if (projectIds.length === 0) throw new Error('makeGraphs: projectIds must not be empty');
  const mix = Object.entries(options.statusMix ?? DEFAULT_STATUS_MIX).filter(([, weight]) => weight > 0);
  const total = mix.reduce((sum, [, weight]) => sum + weight, 0);
  if (total <= 0) throw new Error('makeGraphs: statusMix needs at least one positive weight');
  const random = makePrng(seed);
  const width = Math.max(4, String(count).length);
  return Array.from({ length: count }, (_, i) => {
    const status = pickWeighted(mix, random() * total);
    return {
      projectId: projectIds[i % projectIds.length]!,
      id: makeUuid(seed, i),
      name: `${namePrefix}-${String(i + 1).padStart(width, '0')}`,
      status,
    };
  });
}

/** The entry whose cumulative weight first exceeds `point` (0 <= point < total weight). */
function pickWeighted(mix: readonly (readonly [string, number])[], point: number): string {
  let rest = point;
  for (const [value, weight] of mix) {
    if (rest < weight) return value;
    rest -= weight;
  }
  return mix[mix.length - 1]![0];
}
