/**
 * Reading one project: its credentials, a client, its listing, and a direct read of every
 * configured id the listing did not show (a listing paged while graphs are created or deleted can
 * miss one), all matched to the config, plus the graphs its `scheduleTag` selects. Any failure
 * fails that project's configured graphs only (what its tag would select is unknown then).
 */
import { timerMs } from '../clock.js';
import type { CredentialResolver } from '../credentials.js';
import { DeadlineExceededError, GesHttpError } from '../errors.js';
import type { GesClient } from '../ges/client.js';
import type { Graph } from '../ges/types.js';
import type { Log } from '../log.js';
import type { Config, ProjectConfig } from '../schedule/config.js';
import { errorFields } from './report.js';
import type { TagScope } from './tags.js';
import { type ResolvedTarget, resolveProject, type Target } from './targets.js';

export interface ProjectReader {
  readonly credentials: CredentialResolver;
  readonly log: Log;
  readonly now: () => number;
  readonly deadline: number;
  /** The config the project belongs to: the schedules a `scheduleTag` value may name. */
  readonly config: Pick<Config, 'schedules' | 'projects'>;
  readonly newClient: (
    project: ProjectConfig,
    credentials: Awaited<ReturnType<CredentialResolver['resolve']>>,
  ) => GesClient;
}

export interface ReadProject {
  readonly client: GesClient | undefined;
  readonly targets: ResolvedTarget[];
  /** How many graphs the project lists (undefined when it could not be listed). */
  readonly listed?: number | undefined;
  /** Every graph id GES holds, listed or read directly (undefined when it could not be listed). */
  readonly liveIds?: ReadonlySet<string> | undefined;
}

/** GES's answers for a graph that does not exist (any more). */
const GONE_CODES = new Set(['GES.7000', 'GES.0016']);

export async function readProject(project: ProjectConfig, reader: ProjectReader): Promise<ReadProject> {
  const targets: Target[] = project.graphs.map((graph) => ({ project, graph }));
  let client: GesClient | undefined;
  try {
    if (reader.now() >= reader.deadline) throw new DeadlineExceededError(undefined);
    // The resolver aborts its reads at the deadline; this also bounds a source that ignores that.
    const credentials = await beforeDeadline(reader.credentials.resolve(project.credentialsSecret), reader);
    client = reader.newClient(project, credentials);
    const listing = await listConfirmingNames(client, project, targets, reader);
    const missing = missingIds(targets, listing);
    const found = await Promise.all(
      missing.map((id) => readIfExists(client!, project.projectId, id, reader)),
    );
    const graphs = [...listing, ...found.filter((g): g is Graph => g !== undefined && !('failed' in g))];
    const resolved = resolveProject(project, graphs, tagScope(project, reader));
    const unread = new Map(
      missing.flatMap((id, i) => (found[i] && 'failed' in found[i] ? [[id, found[i].failed]] : [])),
    );
    if (resolved.byTag) {
      reader.log.info('graphs selected by tag', {
        projectId: project.projectId,
        scheduleTag: project.scheduleTag,
        ...resolved.byTag,
      });
    }
    // A configured id whose read failed may still exist: no window is closed while that is unknown.
    const liveIds = unread.size > 0 ? undefined : new Set(graphs.map((g) => g.id));
    return {
      client,
      targets: resolved.targets.map((t) => withUnread(t, unread)),
      listed: listing.length,
      liveIds,
    };
  } catch (error) {
    const { errorCode, message } = errorFields(error);
    reader.log.error('project failed', { projectId: project.projectId, errorCode, error: message });
    const problem = { errorCode, message: `project ${project.projectId}: ${message}` };
    const failed: ResolvedTarget[] = targets.map((target) => ({
      ...target,
      live: undefined,
      problem,
      unlisted: true,
      selectedBy: 'entry' as const,
    }));
    return { client, targets: [...failed, ...taggedUnknown(project, reader, problem)] };
  }
}

/**
 * A project that selects graphs by tag and could not be read: which graphs its tag selects is
 * unknown, so one failed result stands for them all. Without it a tag-only project that cannot
 * be read would report nothing, and the run would not fail.
 */
function taggedUnknown(
  project: ProjectConfig,
  reader: ProjectReader,
  problem: { readonly errorCode: string; readonly message: string },
): ResolvedTarget[] {
  if (project.scheduleTag === undefined) return [];
  const { where } = tagScope(project, reader);
  return [
    {
      project,
      graph: {
        name: `graphs tagged ${project.scheduleTag}`,
        schedule: '',
        path: `${where}.scheduleTag`,
        startGraphs: false,
      },
      live: undefined,
      problem: {
        ...problem,
        message: `graphs selected by the ${project.scheduleTag} tag are unknown: ${problem.message}`,
      },
      unlisted: true,
      selectedBy: 'tag',
    },
  ];
}

function tagScope(project: ProjectConfig, reader: ProjectReader): TagScope {
  if (project.scheduleTag === undefined) return { schedules: {}, where: '' };
  const { config } = reader;
  const index = config.projects.indexOf(project);
  return {
    schedules: config.schedules,
    where: index >= 0 ? `projects[${index}]` : `project ${project.projectId}`,
  };
}

/**
 * The listing, taken twice when a configured name is not in it: a graph created and another
 * deleted between two pages keep the count the same but shift the pages, which can hide a graph.
 * Ids are read directly instead (below); a name can only be listed.
 */
async function listConfirmingNames(
  client: GesClient,
  project: ProjectConfig,
  targets: readonly Target[],
  reader: ProjectReader,
): Promise<Graph[]> {
  const first = await client.listGraphs(project.projectId, { deadline: reader.deadline });
  const names = new Set(first.map((g) => g.name));
  const unseen = targets.some(
    (t) => t.graph.id === undefined && t.graph.name !== undefined && !names.has(t.graph.name),
  );
  if (!unseen) return first;
  // The newer listing alone: a graph only the first showed was deleted in between.
  return client.listGraphs(project.projectId, { deadline: reader.deadline });
}

/** A configured id whose direct read failed: that graph fails with the read's error, not the project. */
function withUnread(target: ResolvedTarget, unread: ReadonlyMap<string, unknown>): ResolvedTarget {
  const id = target.graph.id;
  if (id === undefined || target.live !== undefined || !unread.has(id)) return target;
  const { errorCode, message } = errorFields(unread.get(id));
  return {
    ...target,
    problem: { errorCode, message: `graph ${id} is not listed and could not be read: ${message}` },
  };
}

function missingIds(targets: readonly Target[], listing: readonly Graph[]): string[] {
  const listed = new Set(listing.map((g) => g.id));
  const ids = targets
    .map((t) => t.graph.id)
    .filter((id): id is string => id !== undefined && !listed.has(id));
  return [...new Set(ids)];
}

/** The graph; undefined when GES says it does not exist; the error when the read failed otherwise. */
async function readIfExists(
  client: GesClient,
  projectId: string,
  graphId: string,
  reader: ProjectReader,
): Promise<Graph | { readonly failed: unknown } | undefined> {
  try {
    return await client.getGraph(projectId, graphId, { deadline: reader.deadline });
  } catch (error) {
    if (error instanceof GesHttpError && (error.status === 404 || GONE_CODES.has(error.gesCode ?? '')))
      return undefined;
    return { failed: error };
  }
}

/** Settles as `work` does, or rejects with DeadlineExceededError when the deadline comes first. */
async function beforeDeadline<T>(
  work: Promise<T>,
  reader: Pick<ProjectReader, 'deadline' | 'now'>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DeadlineExceededError(undefined)),
      timerMs(reader.deadline - reader.now()),
    );
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
