/**
 * Configured graphs matched to what GES lists, and the operator's ad-hoc selection of them.
 * Pure: the listings are passed in.
 */
import { EventError } from '../errors.js';
import type { Graph } from '../ges/types.js';
import type { Config, GraphConfig, ProjectConfig } from '../schedule/config.js';
import { ResultCode, type RunRequest } from './types.js';

export interface Target {
  readonly project: ProjectConfig;
  readonly graph: GraphConfig;
}

/** A target with what GES says about it, or why it could not be matched. */
export interface ResolvedTarget extends Target {
  readonly live: Graph | undefined;
  readonly problem?: { readonly errorCode: string; readonly message: string } | undefined;
}

export function configuredTargets(config: Config): Target[] {
  return config.projects.flatMap((project) => project.graphs.map((graph) => ({ project, graph })));
}

/** Matches one project's configured graphs against its listing. */
export function resolveTargets(targets: readonly Target[], listing: readonly Graph[]): ResolvedTarget[] {
  const byId = new Map(listing.map((g) => [g.id, g]));
  return targets.map((target) => {
    const { id, name } = target.graph;
    if (id !== undefined) {
      const live = byId.get(id);
      if (!live) return { ...target, live, problem: notFound(`id ${id}`) };
      if (name !== undefined && live.name !== name) {
        return {
          ...target,
          live,
          problem: {
            errorCode: ResultCode.mismatch,
            message: `graph ${id} is named "${live.name}" in GES, not "${name}" as configured; fix the config`,
          },
        };
      }
      return { ...target, live };
    }
    const matches = listing.filter((g) => g.name === name);
    if (matches.length === 1) return { ...target, live: matches[0] };
    if (matches.length === 0) return { ...target, live: undefined, problem: notFound(`name "${name}"`) };
    return {
      ...target,
      live: undefined,
      problem: {
        errorCode: ResultCode.ambiguous,
        message: `${matches.length} graphs are named "${name}" in this project (${matches.map((g) => g.id).join(', ')}); configure it by id`,
      },
    };
  });
}

function notFound(what: string) {
  return {
    errorCode: ResultCode.notFound,
    message: `no graph with ${what} in this project (deleted, or a typo in the config?)`,
  };
}

type StopRequest = Extract<RunRequest, { action: 'stop' }>;

/** The projects an ad-hoc stop needs to look at; refuses an unconfigured projectId before any API call. */
export function projectsInScope(config: Config, request: RunRequest): readonly ProjectConfig[] {
  if (request.action !== 'stop' || request.projectId === undefined) return config.projects;
  const wanted = request.projectId.toLowerCase();
  const projects = config.projects.filter((p) => p.projectId.toLowerCase() === wanted);
  if (projects.length === 0) throw new EventError(`projectId ${request.projectId} is not in the config`);
  return projects;
}

/**
 * The targets an ad-hoc stop names, by configured id or name or by the name GES lists. Throws
 * before anything is stopped when a name is unknown, or is used in several projects without a
 * projectId to choose.
 */
export function selectTargets(request: StopRequest, resolved: readonly ResolvedTarget[]): ResolvedTarget[] {
  if (request.graphs === 'all') return [...resolved];
  const selected = new Set<ResolvedTarget>();
  const unknown: string[] = [];
  const ambiguous: string[] = [];
  for (const selector of request.graphs) {
    const matches = resolved.filter((t) =>
      [t.graph.id, t.graph.name, t.live?.id, t.live?.name].some((v) => v !== undefined && v === selector),
    );
    const projects = new Set(matches.map((t) => t.project.projectId));
    if (matches.length === 0) unknown.push(selector);
    else if (projects.size > 1) ambiguous.push(`"${selector}" (in projects ${[...projects].join(', ')})`);
    else for (const m of matches) selected.add(m);
  }
  const problems: string[] = [];
  if (unknown.length > 0) {
    problems.push(
      `unknown graph${unknown.length > 1 ? 's' : ''} ${unknown.map((s) => `"${s}"`).join(', ')}: not in the config`,
    );
  }
  if (ambiguous.length > 0)
    problems.push(`name used in several projects, add "projectId": ${ambiguous.join('; ')}`);
  if (problems.length > 0) throw new EventError(`nothing was stopped: ${problems.join('; ')}`);
  return resolved.filter((t) => selected.has(t));
}
