/**
 * Hours kept stopped and money saved in [from, to), from the ledger's windows. Pure: the windows,
 * the config and `now` are passed in. Each window is clipped to the range; an open window counts
 * up to `to` or `now`, whichever is earlier. A stretch two windows of one graph both cover (a
 * hand-edited table) counts once. Each window is priced by what it recorded, so a graph resized
 * between stops is priced per stop; a graph with any window of unknown price counts hours only.
 */

import { graphKey, type LedgerWindow } from '../ledger/types.js';
import { HOUR_MS } from '../schedule/calendar.js';
import type { Config, GraphConfig } from '../schedule/types.js';
import { priceOf, round2 } from './price.js';
import type { GraphSavings, ProjectTotals, Totals, UnpricedGraph } from './types.js';

export interface SavingsInput {
  readonly config: Config;
  /** Every window overlapping [from, to), any order. */
  readonly windows: readonly LedgerWindow[];
  readonly from: Date;
  readonly to: Date;
  readonly now: Date;
}

export interface Savings {
  readonly graphs: readonly GraphSavings[];
  readonly projects: readonly ProjectTotals[];
  readonly totals: Totals;
  readonly unpriced: readonly UnpricedGraph[];
}

/** Config entries that name their graph by id, keyed `{projectId}/{graphId}`. */
export function entriesById(config: Config): ReadonlyMap<string, GraphConfig> {
  const entries = new Map<string, GraphConfig>();
  for (const project of config.projects)
    for (const graph of project.graphs)
      if (graph.id !== undefined)
        entries.set(graphKey({ projectId: project.projectId, graphId: graph.id }), graph);
  return entries;
}

interface Sums {
  hours: number;
  saved: number;
  unpricedHours: number;
}

export function computeSavings(input: SavingsInput): Savings {
  const { config } = input;
  const entries = entriesById(config);
  const byGraph = new Map<string, LedgerWindow[]>();
  for (const window of input.windows) {
    const key = graphKey(window);
    byGraph.set(key, [...(byGraph.get(key) ?? []), window]);
  }
  const graphs: GraphSavings[] = [];
  const unpriced: UnpricedGraph[] = [];
  const projects = new Map<string, Sums>();
  const all: Sums = { hours: 0, saved: 0, unpricedHours: 0 };
  // By project, then as an operator knows the graph: by name, else by id.
  const label = (key: string) => [key.slice(0, key.indexOf('/')), entries.get(key)?.name ?? key] as const;
  const order = [...byGraph.keys()].sort((a, b) => {
    const [pa, na] = label(a);
    const [pb, nb] = label(b);
    return pa.localeCompare(pb) || na.localeCompare(nb);
  });
  for (const key of order) {
    const windows = byGraph.get(key)!.sort((a, b) => a.stoppedAt.getTime() - b.stoppedAt.getTime());
    const { projectId, graphId } = windows[0]!;
    const entry = entries.get(key);
    const graphName = entry?.name;
    let hours = 0;
    let saved = 0;
    let covered = input.from.getTime();
    let missing: string | undefined;
    for (const window of windows) {
      const start = Math.max(window.stoppedAt.getTime(), covered);
      const end = Math.min(window.endedAt?.getTime() ?? input.now.getTime(), input.to.getTime());
      if (end <= start) continue;
      covered = end;
      const windowHours = (end - start) / HOUR_MS;
      hours += windowHours;
      const price = priceOf(entry, window, config.pricing);
      if (price.known) saved += windowHours * price.hourly;
      else missing ??= price.reason;
    }
    const latest = windows.at(-1)!;
    const price = priceOf(entry, latest, config.pricing);
    const sums = projects.get(projectId) ?? { hours: 0, saved: 0, unpricedHours: 0 };
    projects.set(projectId, sums);
    for (const s of [sums, all]) {
      s.hours += hours;
      if (missing === undefined) s.saved += saved;
      else s.unpricedHours += hours;
    }
    if (missing !== undefined)
      unpriced.push({ projectId, graphId, graphName, hoursStopped: round2(hours), reason: missing });
    graphs.push({
      projectId,
      graphId,
      graphName,
      hoursStopped: round2(hours),
      ...(missing === undefined && price.known
        ? { hourlyPrice: price.hourly, saved: round2(saved), priceSource: price.source }
        : {}),
      ...(latest.sizeIndex === undefined ? {} : { sizeIndex: latest.sizeIndex }),
      ...(latest.replication === undefined ? {} : { replication: latest.replication }),
      windows: windows.length,
      open: windows.some((w) => w.endedAt === undefined),
    });
  }
  return {
    graphs,
    projects: [...projects].map(([projectId, s]) => ({ projectId, ...totalsOf(s) })),
    totals: totalsOf(all),
    unpriced,
  };
}

function totalsOf(sums: Sums): Totals {
  return {
    hoursStopped: round2(sums.hours),
    saved: round2(sums.saved),
    unpricedHours: round2(sums.unpricedHours),
  };
}
