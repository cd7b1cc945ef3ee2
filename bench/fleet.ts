/**
 * The benchmark's fleet: 1,000 graphs (fewer in the smoke run) in 10 projects on one GES endpoint (the sandbox), and the
 * config files that point at it.
 */
import { makeGraphs, makeProjectId, type RecordedRequest, type SandboxGraph } from '../sandbox/server.js';
import type { ConfigProject } from '../sandbox/world.js';

export const GRAPHS = 1_000;
export const PROJECTS = 10;
export const LATENCY_MS = 50;
export const PAGE_SIZE = 100;

export const projectIds = Array.from({ length: PROJECTS }, (_, n) => makeProjectId(n));

/** The default status mix of makeGraphs: about 70 % running, the rest stopped, stopping, busy or faulty. */
export function fleet(count = GRAPHS): SandboxGraph[] {
  return makeGraphs({ count, projectIds });
}

/** Every graph on one schedule, by id. */
export function allOn(graphs: readonly SandboxGraph[], schedule: string): ConfigProject[] {
  return projectIds.map((projectId) => ({
    projectId,
    graphs: graphs.filter((g) => g.projectId === projectId).map((g) => ({ id: g.id, schedule })),
  }));
}

/** Stop requests the sandbox received, per graph. */
export function stopsByGraph(requests: readonly RecordedRequest[]): Map<string, number> {
  const stops = new Map<string, number>();
  for (const r of requests) if (r.kind === 'stop') stops.set(r.graphId!, (stops.get(r.graphId!) ?? 0) + 1);
  return stops;
}

/** From the first request of `kind` arriving to the last one answered (arrival + the emulated latency). */
export function phaseMs(requests: readonly RecordedRequest[], kind: RecordedRequest['kind']): number {
  const at = requests.filter((r) => r.kind === kind).map((r) => r.at);
  if (at.length === 0) return 0;
  return Math.max(...at) - Math.min(...at) + LATENCY_MS;
}

export function countByKind(requests: readonly RecordedRequest[]): Record<string, number> {
  const counts: Record<string, number> = { list: 0, get: 0, stop: 0, start: 0, job: 0 };
  for (const r of requests) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
  return counts;
}
