/**
 * Graphs a project manages by their GES tag (`scheduleTag`): a listed graph tagged
 * `<scheduleTag>=<schedule name>` is managed with that schedule, `<scheduleTag>=off` opts it out,
 * and a graph that a `graphs[]` entry refers to is left to that entry. Pure: the listing and what
 * the entries matched are passed in.
 */
import type { Graph } from '../ges/types.js';
import type { GraphConfig, ProjectConfig, Schedule } from '../schedule/config.js';
import { closest } from '../suggest.js';
import type { ResolvedTarget } from './targets.js';

/** The tag value that opts a graph out, whatever schedules exist. */
export const OPT_OUT = 'off';

export const TagCode = {
  /** The tag's value names no schedule of the config. */
  unknownSchedule: 'UNKNOWN_SCHEDULE_TAG',
  /** The graph carries the tag key more than once, with different values. */
  conflicting: 'CONFLICTING_SCHEDULE_TAG',
} as const;

export interface TagScope {
  readonly schedules: Readonly<Record<string, Schedule>>;
  /** Where the project sits in the config, e.g. `projects[0]`, for messages. */
  readonly where: string;
}

/** What one project's tag did, for the log. */
export interface TagCounts {
  /** Graphs managed by their tag: their value names a schedule. */
  readonly selected: number;
  readonly optedOut: number;
  /** Tagged graphs that fail because the value names no schedule (or several). */
  readonly unknownValue: number;
  /** Tagged graphs left to their `graphs[]` entry. */
  readonly overridden: number;
}

export interface TagSelection {
  readonly targets: ResolvedTarget[];
  readonly counts: TagCounts;
}

/**
 * The project's tag-selected targets, next to `entries`, its `graphs[]` entries already matched
 * to `listing`. A graph an entry refers to (by id, or by a name, even an ambiguous one) is the
 * entry's: the tag never selects it too.
 */
export function selectByTag(
  project: ProjectConfig,
  scope: TagScope,
  listing: readonly Graph[],
  entries: readonly ResolvedTarget[],
): TagSelection {
  const key = project.scheduleTag;
  const counts = { selected: 0, optedOut: 0, unknownValue: 0, overridden: 0 };
  if (key === undefined) return { targets: [], counts };
  const claimedIds = new Set(entries.flatMap((t) => (t.live ? [t.live.id] : [])));
  // An entry with an id refers to that graph only; its name is a check, not a reference.
  const claimedNames = new Set(
    entries.flatMap((t) => (t.graph.id === undefined && t.graph.name !== undefined ? [t.graph.name] : [])),
  );
  const seen = new Set<string>();
  const targets: ResolvedTarget[] = [];
  for (const live of listing) {
    const values = [...new Set(live.tags.filter((t) => t.key === key).map((t) => t.value))];
    if (values.length === 0 || seen.has(live.id)) continue;
    seen.add(live.id);
    if (claimedIds.has(live.id) || claimedNames.has(live.name)) {
      counts.overridden++;
      continue;
    }
    if (values.length === 1 && values[0] === OPT_OUT) {
      counts.optedOut++;
      continue;
    }
    const value = values.join(', ');
    const schedule = values.length === 1 ? scheduleNamed(scope.schedules, values[0]!) : undefined;
    const graph: GraphConfig = {
      id: live.id,
      name: live.name,
      schedule: schedule?.name ?? value,
      startGraphs: schedule?.startGraphs ?? false,
      path: `${scope.where} tag ${key}=${value} on graph ${live.name}`,
    };
    if (schedule) counts.selected++;
    else counts.unknownValue++;
    targets.push({
      project,
      graph,
      live,
      selectedBy: 'tag',
      ...(schedule ? {} : { problem: tagProblem(key, values, scope.schedules) }),
    });
  }
  return { targets, counts };
}

function scheduleNamed(schedules: TagScope['schedules'], name: string): Schedule | undefined {
  return Object.hasOwn(schedules, name) ? schedules[name] : undefined;
}

function tagProblem(key: string, values: readonly string[], schedules: TagScope['schedules']) {
  if (values.length > 1) {
    return {
      errorCode: TagCode.conflicting,
      message: `the graph carries tag ${key} ${values.length} times, with values ${values.map((v) => JSON.stringify(v)).join(', ')}: it is left alone; give it one entry under graphs`,
    };
  }
  const value = values[0]!;
  const known = [...Object.keys(schedules), OPT_OUT];
  const guess = closest(value, known);
  return {
    errorCode: TagCode.unknownSchedule,
    message:
      `tag ${key}=${JSON.stringify(value)} names no schedule${guess === undefined ? '' : ` (did you mean "${guess}"?)`}: ` +
      `the graph is left alone; tag values are schedule names (${known.map((k) => JSON.stringify(k)).join(', ')}), matched exactly. ` +
      'Tags cannot be changed after creation: add an entry under graphs to manage it',
  };
}
