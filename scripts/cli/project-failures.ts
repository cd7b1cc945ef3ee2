/**
 * Results of projects that failed as a whole (credentials, a listing that could not be read): one
 * entry per project, or per problem when several projects failed the same way, and the row that
 * stands for a failed project's tag-selected graphs never counted as a graph. Pure.
 */
import type { GraphResult, Summary } from '../../lib/run/types.js';

/**
 * The row that stands for the graphs a project's `scheduleTag` selects when the project could not
 * be read: not a graph, so never counted as one.
 */
export function isTagPlaceholder(r: GraphResult): boolean {
  return r.selectedBy === 'tag' && r.graphId === undefined;
}

/** The graphs of the results: tag placeholders left out. */
export function graphCount(results: readonly GraphResult[]): number {
  return results.filter((r) => !isTagPlaceholder(r)).length;
}

/** A project that failed as a whole (credentials, listing): all its results carry its message. */
export function projectFailure(rs: readonly GraphResult[]): boolean {
  const first = rs[0];
  return (
    first !== undefined &&
    first.outcome === 'failed' &&
    rs.every((r) => r.outcome === 'failed' && r.message?.endsWith(projectMessage(first) ?? '\0') === true) &&
    projectMessage(first) !== undefined
  );
}

/** `project {id}: …` as a project's failure reads, without what a tag placeholder adds before it. */
export function projectMessage(r: GraphResult): string | undefined {
  const at = r.message?.indexOf(`project ${r.projectId}: `) ?? -1;
  return at < 0 ? undefined : r.message!.slice(at);
}

/** The results grouped by project, in their order. */
export function byProject(results: readonly GraphResult[]): GraphResult[][] {
  const groups = new Map<string, GraphResult[]>();
  for (const r of results) groups.set(r.projectId, [...(groups.get(r.projectId) ?? []), r]);
  return [...groups.values()];
}

/** `12 graphs and the graphs its tag offhours selects`. */
export function projectGraphs(rs: readonly GraphResult[]): string {
  const n = graphCount(rs);
  const tag = rs.some(isTagPlaceholder) ? ' and the graphs its scheduleTag selects' : '';
  return `all ${n} graph${n === 1 ? '' : 's'}${tag}`;
}

/**
 * The failure of a run in which no project could be read (no credentials): one line per project,
 * since one problem explains them all.
 */
export function projectFailures(summary: Summary): string {
  const failed = summary.results.filter((r): r is GraphResult => 'outcome' in r && r.outcome === 'failed');
  const projects = byProject(failed);
  // Projects that failed the same way (the same missing credentials) share one entry.
  const same = new Map<string, { code: string; why: string; who: string[] }>();
  for (const rs of projects) {
    const first = rs[0]!;
    const prefix = `project ${first.projectId}: `;
    const whole = projectFailure(rs) ? projectMessage(first)! : (first.message ?? '');
    const why = whole.startsWith(prefix) ? whole.slice(prefix.length) : whole;
    const code = first.errorCode ?? 'unknown error';
    const key = `${code}\n${why}`;
    const entry = same.get(key) ?? { code, why, who: [] };
    entry.who.push(
      `${first.projectId} (${projectFailure(rs) ? projectGraphs(rs) : `${graphCount(rs)} graphs`})`,
    );
    same.set(key, entry);
  }
  const lines = [...same.values()].map(
    ({ code, why, who }) =>
      `  - ${code}: ${why}\n      project${who.length === 1 ? '' : 's'} ${who.join(', ')}`,
  );
  const n = projects.length;
  return `no project could be read (${n} project${n === 1 ? '' : 's'}):\n${lines.join('\n')}\n`;
}
