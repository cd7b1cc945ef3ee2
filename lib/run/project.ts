/**
 * Reading one project: its credentials, a client, its listing, and a direct read of every
 * configured id the listing did not show (a listing paged while graphs are created or deleted can
 * miss one), all matched to the config, plus the graphs its `scheduleTag` selects. Any failure
 * fails that project's configured graphs only (what its tag would select is unknown then).
 */
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
    const listing = await client.listGraphs(project.projectId, { deadline: reader.deadline });
    const missing = missingIds(targets, listing);
    const found = await Promise.all(
      missing.map((id) => readIfExists(client!, project.projectId, id, reader)),
    );
    const resolved = resolveProject(
      project,
      [...listing, ...found.filter((g) => g !== undefined)],
      tagScope(project, reader),
    );
    if (resolved.byTag) {
      reader.log.info('graphs selected by tag', {
        projectId: project.projectId,
        scheduleTag: project.scheduleTag,
        ...resolved.byTag,
      });
    }
    return { client, targets: resolved.targets };
  } catch (error) {
    const { errorCode, message } = errorFields(error);
    reader.log.error('project failed', { projectId: project.projectId, errorCode, error: message });
    const problem = { errorCode, message: `project ${project.projectId}: ${message}` };
    return {
      client,
      targets: targets.map((target) => ({
        ...target,
        live: undefined,
        problem,
        unlisted: true,
        selectedBy: 'entry' as const,
      })),
    };
  }
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

function missingIds(targets: readonly Target[], listing: readonly Graph[]): string[] {
  const listed = new Set(listing.map((g) => g.id));
  const ids = targets
    .map((t) => t.graph.id)
    .filter((id): id is string => id !== undefined && !listed.has(id));
  return [...new Set(ids)];
}

/** The graph, or undefined when GES says it does not exist; any other failure fails the project. */
async function readIfExists(
  client: GesClient,
  projectId: string,
  graphId: string,
  reader: ProjectReader,
): Promise<Graph | undefined> {
  try {
    return await client.getGraph(projectId, graphId, { deadline: reader.deadline });
  } catch (error) {
    if (error instanceof GesHttpError && (error.status === 404 || GONE_CODES.has(error.gesCode ?? '')))
      return undefined;
    throw error;
  }
}

/** Settles as `work` does, or rejects with DeadlineExceededError when the deadline comes first. */
async function beforeDeadline<T>(
  work: Promise<T>,
  reader: Pick<ProjectReader, 'deadline' | 'now'>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    const left = Math.max(0, Math.ceil(reader.deadline - reader.now()));
    timer = setTimeout(() => reject(new DeadlineExceededError(undefined)), left);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
