/**
 * Hours kept stopped and money saved in [from, to), from the ledger's windows. Pure: the windows,
 * the config and `now` are passed in. Each window counts from its confirmation (lib/report/counted.ts;
 * pending and failed stops count nothing) and is clipped to the range; an open window counts up to
 * `to` or `now`, whichever is earlier. A stretch two windows of one graph both cover (a
 * hand-edited table) counts once. Each window is priced by what it recorded, so a graph resized
 * between stops is priced per stop; a window of unknown price counts hours only (`unpricedHours`),
 * and the graph's other windows keep their money.
 */

import { graphKey, type LedgerWindow } from '../ledger/types.js';
import { HOUR_MS } from '../schedule/calendar.js';
import type { Config, GraphConfig } from '../schedule/types.js';
import { countedSpan } from './counted.js';
import { priceOf, round2 } from './price.js';
import type { GraphSavings, PriceSource, ProjectTotals, Totals, UnpricedGraph } from './types.js';

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

/** How the report finds a window's config entry: by id, else (projectId, name) of a name-only entry. */
interface EntryIndex {
  readonly byId: ReadonlyMap<string, GraphConfig>;
  /** Entries without an id, keyed `{projectId}/{name}`. */
  readonly byName: ReadonlyMap<string, GraphConfig>;
}

function indexEntries(config: Config): EntryIndex {
  const byId = new Map<string, GraphConfig>();
  const byName = new Map<string, GraphConfig>();
  for (const project of config.projects)
    for (const graph of project.graphs) {
      if (graph.id !== undefined)
        byId.set(graphKey({ projectId: project.projectId, graphId: graph.id }), graph);
      else if (graph.name !== undefined) byName.set(`${project.projectId}/${graph.name}`, graph);
    }
  return { byId, byName };
}

/**
 * The entry of a graph whose windows are `windows` (latest last): by id; else, for an entry that
 * names its graph by name only, by the name GES gave when a window was written (windows written
 * before names were kept have none, and stay unmatched).
 */
function entryOf(index: EntryIndex, windows: readonly LedgerWindow[]): GraphConfig | undefined {
  const first = windows[0];
  if (!first) return undefined;
  const byId = index.byId.get(graphKey(first));
  if (byId) return byId;
  for (let i = windows.length - 1; i >= 0; i--) {
    const name = windows[i]?.graphName;
    const entry = name === undefined ? undefined : index.byName.get(`${first.projectId}/${name}`);
    if (entry) return entry;
  }
  return undefined;
}

interface Sums {
  hours: number;
  saved: number;
  unpricedHours: number;
}

export function computeSavings(input: SavingsInput): Savings {
  const { config } = input;
  const index = indexEntries(config);
  const byGraph = new Map<string, LedgerWindow[]>();
  for (const window of input.windows) {
    const key = graphKey(window);
    const list = byGraph.get(key);
    if (list) list.push(window);
    else byGraph.set(key, [window]);
  }
  const named = [...byGraph].map(([key, windows]) => {
    windows.sort((a, b) => a.stoppedAt.getTime() - b.stoppedAt.getTime());
    const entry = entryOf(index, windows);
    const graphName = entry?.name ?? windows.findLast((w) => w.graphName !== undefined)?.graphName;
    return { key, windows, entry, graphName };
  });
  // By project, then as an operator knows the graph: by name, else by id.
  const label = (g: (typeof named)[number]) => g.graphName ?? g.key;
  named.sort(
    (a, b) =>
      a.windows[0]!.projectId.localeCompare(b.windows[0]!.projectId) || label(a).localeCompare(label(b)),
  );
  const graphs: GraphSavings[] = [];
  const unpriced: UnpricedGraph[] = [];
  const projects = new Map<string, Sums>();
  const all: Sums = { hours: 0, saved: 0, unpricedHours: 0 };
  for (const { windows, entry, graphName } of named) {
    const { projectId, graphId } = windows[0]!;
    const sums: Sums = { hours: 0, saved: 0, unpricedHours: 0 };
    const prices = new Map<number, PriceSource>();
    let covered = input.from.getTime();
    let missing: string | undefined;
    for (const window of windows) {
      const span = countedSpan(window, input.now);
      if (!span) continue;
      const start = Math.max(span.start, covered);
      const end = Math.min(span.end, input.to.getTime());
      if (end <= start) continue;
      covered = end;
      const windowHours = (end - start) / HOUR_MS;
      sums.hours += windowHours;
      // Each window by its own price: one window of unknown size leaves the others priced.
      const price = priceOf(entry, window, config.pricing);
      if (price.known) {
        sums.saved += windowHours * price.hourly;
        prices.set(price.hourly, price.source);
      } else {
        sums.unpricedHours += windowHours;
        missing ??= price.reason;
      }
    }
    const project = projects.get(projectId) ?? { hours: 0, saved: 0, unpricedHours: 0 };
    projects.set(projectId, project);
    for (const s of [project, all]) {
      s.hours += sums.hours;
      s.saved += sums.saved;
      s.unpricedHours += sums.unpricedHours;
    }
    if (missing !== undefined)
      unpriced.push({
        projectId,
        graphId,
        graphName,
        hoursStopped: round2(sums.unpricedHours),
        reason: missing,
      });
    const latest = windows.at(-1)!;
    if (sums.hours === 0) {
      // No hour counted (a window opened after now): show the price the latest window would have.
      const price = priceOf(entry, latest, config.pricing);
      if (price.known) prices.set(price.hourly, price.source);
    }
    // A single price only when it multiplies out: every counted hour priced, at one price.
    const [single] = prices.size === 1 && sums.unpricedHours === 0 ? [...prices] : [];
    graphs.push({
      projectId,
      graphId,
      graphName,
      hoursStopped: round2(sums.hours),
      ...(prices.size > 0 ? { saved: round2(sums.saved) } : {}),
      ...(single ? { hourlyPrice: single[0], priceSource: single[1] } : {}),
      ...(prices.size > 1 ? { mixedPrices: true } : {}),
      unpricedHours: round2(sums.unpricedHours),
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
