/**
 * Checks that span several entries (references, duplicates), run on the raw parsed YAML next to
 * the schema so that one pass reports every problem. Entries of the wrong shape are skipped here:
 * the schema reports them.
 */

import { closest } from '../suggest.js';
import { parseCron } from './cron.js';
import { cronCovers, cronEquivalent } from './cron-compare.js';
import { formatPath, type PathKey, type RawIssue } from './issues.js';

type Entries = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Entries {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

const q = JSON.stringify;

export function crossCheck(raw: unknown): RawIssue[] {
  if (!isRecord(raw)) return [];
  const issues: RawIssue[] = [];
  const schedules = isRecord(raw.schedules) ? raw.schedules : undefined;
  if (schedules !== undefined) issues.push(...checkSchedules(schedules));
  if (!Array.isArray(raw.projects)) return issues;
  issues.push(...checkGraphLists(raw.projects));
  const projectAt = new Map<string, number>();
  const graphIdAt = new Map<string, string>();
  for (const [i, project] of raw.projects.entries()) {
    if (!isRecord(project)) continue;
    const projectId = project.projectId;
    if (typeof projectId === 'string') {
      const first = projectAt.get(projectId);
      if (first === undefined) projectAt.set(projectId, i);
      else {
        issues.push({
          path: ['projects', i, 'projectId'],
          message: `project ${projectId} is listed twice (also projects[${first}]): list all its graphs under one entry`,
        });
      }
    }
    if (!Array.isArray(project.graphs)) continue;
    const nameAt = new Map<string, string>();
    for (const [j, graph] of project.graphs.entries()) {
      if (!isRecord(graph)) continue;
      const at: PathKey[] = ['projects', i, 'graphs', j];
      if (graph.id === undefined && graph.name === undefined) {
        issues.push({
          path: at,
          message: 'needs an id or a name (or both; the run then checks that they match)',
        });
      }
      if (
        typeof graph.schedule === 'string' &&
        schedules !== undefined &&
        !Object.hasOwn(schedules, graph.schedule)
      ) {
        issues.push({
          path: [...at, 'schedule'],
          message: unknownSchedule(graph.schedule, Object.keys(schedules)),
        });
      }
      if (typeof graph.id === 'string') {
        const key = graph.id.toLowerCase();
        const first = graphIdAt.get(key);
        if (first === undefined) graphIdAt.set(key, formatPath(at));
        else
          issues.push({
            path: [...at, 'id'],
            message: `graph id ${graph.id} is listed twice (also ${first})`,
          });
      }
      if (typeof graph.name === 'string') {
        const first = nameAt.get(graph.name);
        if (first === undefined) nameAt.set(graph.name, formatPath(at));
        else {
          issues.push({
            path: [...at, 'name'],
            message: `graph name ${q(graph.name)} is listed twice in this project (also ${first})`,
          });
        }
      }
    }
  }
  return issues;
}

/**
 * Lists where the config needs a mapping. valibot's object schemas accept arrays (as objects
 * with keys "0", "1", …), so these are found here, and the schema's issues beneath them dropped.
 */
export function listsForMappings(raw: unknown): PathKey[][] {
  const found: PathKey[][] = [];
  const check = (value: unknown, path: PathKey[]) => {
    if (Array.isArray(value)) found.push(path);
    return isRecord(value);
  };
  if (!check(raw, []) || !isRecord(raw)) return found;
  check(raw.settings, ['settings']);
  if (check(raw.schedules, ['schedules']) && isRecord(raw.schedules)) {
    for (const [name, schedule] of Object.entries(raw.schedules)) check(schedule, ['schedules', name]);
  }
  if (!Array.isArray(raw.projects)) return found;
  for (const [i, project] of raw.projects.entries()) {
    if (!check(project, ['projects', i]) || !isRecord(project) || !Array.isArray(project.graphs)) continue;
    for (const [j, graph] of project.graphs.entries()) check(graph, ['projects', i, 'graphs', j]);
  }
  return found;
}

function checkSchedules(schedules: Entries): RawIssue[] {
  const issues: RawIssue[] = [];
  // Here and not in the schema: valibot's record leaves some names out (see skipped-keys.ts).
  if (Object.keys(schedules).length === 0) {
    issues.push({ path: ['schedules'], message: 'defines no schedules: add at least one' });
  }
  for (const [name, schedule] of Object.entries(schedules)) {
    if (!isRecord(schedule) || typeof schedule.stop !== 'string' || typeof schedule.start !== 'string')
      continue;
    const stop = parseCron(schedule.stop);
    const start = parseCron(schedule.start);
    if (!('spec' in stop) || !('spec' in start) || !cronCovers(start.spec, stop.spec)) continue;
    const same = cronEquivalent(start.spec, stop.spec)
      ? `means the same instants as stop (${q(schedule.stop)})`
      : `fires at every instant stop (${q(schedule.stop)}) does`;
    issues.push({
      path: ['schedules', name, 'start'],
      message: `${q(schedule.start)} ${same}: a start at the same instant as a stop cancels it, so the graph would never be in off-hours; set start to when off-hours end, e.g. "0 7 * * 1-5" after a stop of "0 20 * * 1-5"`,
    });
  }
  return issues;
}

/** A project lists at least one graph, unless it selects graphs by their tag. */
function checkGraphLists(projects: readonly unknown[]): RawIssue[] {
  const issues: RawIssue[] = [];
  for (const [i, project] of projects.entries()) {
    if (!isRecord(project) || project.scheduleTag !== undefined) continue;
    const path = ['projects', i, 'graphs'];
    if (project.graphs === undefined) {
      issues.push({
        path,
        message:
          'is required: the list of graphs to stop in this project (or set scheduleTag to select graphs by their tag)',
      });
    } else if (project.graphs === null || (Array.isArray(project.graphs) && project.graphs.length === 0)) {
      issues.push({
        path,
        message: 'lists no graphs: add at least one, or set scheduleTag to select graphs by their tag',
      });
    }
  }
  return issues;
}

function unknownSchedule(name: string, defined: readonly string[]): string {
  const guess = closest(name, defined);
  if (guess !== undefined) return `unknown schedule ${q(name)}: did you mean ${q(guess)}?`;
  if (defined.length === 0) return `unknown schedule ${q(name)}: no schedules are defined`;
  return `unknown schedule ${q(name)}: defined are ${defined.map((d) => q(d)).join(', ')}`;
}
