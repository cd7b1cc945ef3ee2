/**
 * Configured graphs matched to what GES lists, and the operator's ad-hoc selection of them.
 * Pure: the listings are passed in.
 */
import { EventError } from '../errors.js';
import type { Graph } from '../ges/types.js';
import type { Config, GraphConfig, ProjectConfig } from '../schedule/config.js';
import { closest } from '../suggest.js';
import { selectByTag, type TagCounts, type TagScope } from './tags.js';
import { type AdHocRequest, ResultCode, type RunRequest } from './types.js';

export interface Target {
  readonly project: ProjectConfig;
  readonly graph: GraphConfig;
}

/** A target with what GES says about it, or why it could not be matched. */
export interface ResolvedTarget extends Target {
  readonly live: Graph | undefined;
  /** Why it cannot be acted on; then `graph.schedule` may name no schedule (a tag's unknown value). */
  readonly problem?: { readonly errorCode: string; readonly message: string } | undefined;
  /** The project could not be listed at all (credentials, network…): what GES holds is unknown. */
  readonly unlisted?: boolean | undefined;
  /** Managed through its `graphs[]` entry (the default) or its project's `scheduleTag`. */
  readonly selectedBy?: 'entry' | 'tag' | undefined;
}

export function configuredTargets(config: Config): Target[] {
  return config.projects.flatMap((project) => project.graphs.map((graph) => ({ project, graph })));
}

/** Matches one project's configured graphs against its listing. */
export function resolveTargets(targets: readonly Target[], listing: readonly Graph[]): ResolvedTarget[] {
  return refuseDuplicates(resolveEntries(targets, listing));
}

export interface ProjectTargets {
  readonly targets: ResolvedTarget[];
  /** What the project's `scheduleTag` selected; undefined without one. */
  readonly byTag: TagCounts | undefined;
}

/**
 * One project's targets: its `graphs[]` entries matched to the listing, then, with a
 * `scheduleTag`, the listed graphs their tag selects (an entry wins over a tag).
 */
export function resolveProject(
  project: ProjectConfig,
  listing: readonly Graph[],
  scope: TagScope,
): ProjectTargets {
  const entries = resolveEntries(
    project.graphs.map((graph) => ({ project, graph })),
    listing,
  );
  if (project.scheduleTag === undefined) return { targets: refuseDuplicates(entries), byTag: undefined };
  const tagged = selectByTag(project, scope, listing, entries);
  return { targets: refuseDuplicates([...entries, ...tagged.targets]), byTag: tagged.counts };
}

function resolveEntries(targets: readonly Target[], listing: readonly Graph[]): ResolvedTarget[] {
  return targets.map((target) => ({ ...resolveOne(target, listing), selectedBy: 'entry' }));
}

function resolveOne(target: Target, listing: readonly Graph[]): ResolvedTarget {
  const { id, name } = target.graph;
  if (id !== undefined) {
    const live = listing.find((g) => g.id === id);
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
}

/**
 * Two entries (one by id, one by name, say) that turn out to be the same GES graph would send it
 * two stops, or stop it in the on-hours of one of two schedules: neither entry is acted on.
 */
function refuseDuplicates(resolved: ResolvedTarget[]): ResolvedTarget[] {
  const byGraph = new Map<string, ResolvedTarget[]>();
  for (const t of resolved) {
    if (t.live && !t.problem) byGraph.set(t.live.id, [...(byGraph.get(t.live.id) ?? []), t]);
  }
  return resolved.map((t) => {
    const same = t.live && !t.problem ? byGraph.get(t.live.id) : undefined;
    if (!same || same.length < 2) return t;
    return {
      ...t,
      problem: {
        errorCode: ResultCode.duplicate,
        message: `graph ${t.live!.id} is configured ${same.length} times (${same.map((x) => x.graph.path).join(', ')}); keep one entry`,
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

type StopRequest = AdHocRequest;

/** The projects an ad-hoc stop needs to look at; refuses an unconfigured projectId before any API call. */
export function projectsInScope(config: Config, request: RunRequest): readonly ProjectConfig[] {
  if ((request.action !== 'stop' && request.action !== 'start') || request.projectId === undefined)
    return config.projects;
  const wanted = request.projectId.toLowerCase();
  const projects = config.projects.filter((p) => p.projectId.toLowerCase() === wanted);
  if (projects.length === 0) {
    const guess = closest(
      request.projectId,
      config.projects.map((p) => p.projectId),
    );
    throw new EventError(`projectId ${request.projectId} is not in the config${didYouMean(guess)}`);
  }
  return projects;
}

/**
 * The targets an ad-hoc stop names, by configured id or name or by the name GES lists. Throws
 * before anything is stopped when a name is unknown, names several graphs (in one project or
 * several), or is known only from GES while some project could not be listed.
 */
export function selectTargets(request: StopRequest, resolved: readonly ResolvedTarget[]): ResolvedTarget[] {
  if (request.graphs === 'all') return [...resolved];
  const unlisted = [...new Set(resolved.filter((t) => t.unlisted).map((t) => t.project.projectId))];
  // Suggestions come from what the config names and, for graphs GES listed, their GES names and ids.
  const known = [
    ...new Set(resolved.flatMap((t) => [t.graph.name, t.graph.id, t.live?.name, t.live?.id])),
  ].filter((k): k is string => k !== undefined);
  const selected = new Set<ResolvedTarget>();
  const unknown: string[] = [];
  const ambiguous: string[] = [];
  const unsure: string[] = [];
  for (const selector of request.graphs) {
    // A tag-selected graph is known by what GES lists, like a name the config does not write.
    const byConfig = resolved.filter(
      (t) => t.selectedBy !== 'tag' && (t.graph.id === selector || t.graph.name === selector),
    );
    const byGes = resolved.filter((t) => t.live?.id === selector || t.live?.name === selector);
    const matches = [...new Set([...byConfig, ...byGes])];
    const projects = [...new Set(matches.map((t) => t.project.projectId))];
    const graphs = new Set(matches.map((t) => t.live?.id ?? t.graph.id ?? t.graph.name));
    if (matches.length === 0) unknown.push(selector);
    else if (projects.length > 1) ambiguous.push(`"${selector}" (in projects ${projects.join(', ')})`);
    else if (graphs.size > 1)
      ambiguous.push(`"${selector}" (${graphs.size} graphs in project ${projects[0]})`);
    // Known only by the name GES lists: a project that could not be listed may hold one too.
    else if (byConfig.length === 0 && unlisted.length > 0) unsure.push(`"${selector}"`);
    else for (const m of matches) selected.add(m);
  }
  const problems: string[] = [];
  const notListed = unlisted.length > 0 ? ` (project ${unlisted.join(', ')} could not be listed)` : '';
  if (unknown.length > 0) {
    // The first few, each with a suggestion: an error of 20,000 names would not fit in a log event.
    const shown = unknown.slice(0, MAX_SHOWN).map((u) => `"${u}"${didYouMean(closest(u, known))}`);
    const more = unknown.length > MAX_SHOWN ? `, and ${unknown.length - MAX_SHOWN} more` : '';
    problems.push(
      `unknown graph${unknown.length > 1 ? 's' : ''} ${shown.join(', ')}${more}: not in the config${notListed}`,
    );
  }
  if (ambiguous.length > 0) {
    problems.push(
      `name used for several graphs, add "projectId" or use the id: ${firstFew(ambiguous, '; ')}`,
    );
  }
  if (unsure.length > 0) {
    problems.push(
      `${firstFew(unsure, ', ')} may also name a graph in project ${unlisted.join(', ')}, which could not be listed: ` +
        'use the id or the configured name, or add "projectId"',
    );
  }
  if (problems.length > 0) {
    const done = request.action === 'stop' ? 'stopped' : 'started';
    throw new EventError(`nothing was ${done}: ${problems.join('; ')}`);
  }
  return resolved.filter((t) => selected.has(t));
}

/** Names an error lists one by one; the rest are counted. */
const MAX_SHOWN = 10;

function firstFew(items: readonly string[], separator: string): string {
  const more = items.length > MAX_SHOWN ? `${separator}and ${items.length - MAX_SHOWN} more` : '';
  return items.slice(0, MAX_SHOWN).join(separator) + more;
}

function didYouMean(guess: string | undefined): string {
  return guess === undefined ? '' : ` (did you mean "${guess}"?)`;
}
