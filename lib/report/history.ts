/**
 * The `history` action: each graph's stop windows over [from, to) as the ledger recorded them
 * (stopped, confirmed, ended, by what, hours, job ids). One read of the ledger, no GES call. Graphs
 * are named as in ad-hoc actions (id or name); a name is matched against the config and the names
 * windows recorded, since no GES listing is read.
 */
import { EventError } from '../errors.js';
import type { Ledger, LedgerWindow } from '../ledger/types.js';
import { graphKey } from '../ledger/types.js';
import { HOUR_MS } from '../schedule/calendar.js';
import type { Config } from '../schedule/types.js';
import { closest } from '../suggest.js';
import { countedSpan } from './counted.js';
import { round2 } from './price.js';
import { computeSavings } from './savings.js';
import type { GraphHistory, HistoryReport, HistoryWindow } from './types.js';

export interface HistoryOptions {
  readonly config: Config;
  readonly ledger: Ledger | undefined;
  /** Names or ids; undefined: every graph with a window in the range. */
  readonly graphs: readonly string[] | undefined;
  readonly from: Date;
  readonly to: Date;
  /** Open windows count up to `now`. */
  readonly now: Date;
  readonly signal?: AbortSignal | undefined;
}

export const NO_LEDGER_HISTORY =
  '"action": "history" reads the stop windows in the ledger, and this function has none: LEDGER_TABLE is not set ' +
  '(the deployed stack sets it; locally, set it and AWS_ENDPOINT_URL_DYNAMODB for an emulator, as `npm run sandbox` prints).';

/** Unknown names listed in an error, at most. */
const MAX_UNKNOWN_SHOWN = 5;

export async function historyReport(options: HistoryOptions): Promise<HistoryReport> {
  if (!options.ledger) throw new EventError(NO_LEDGER_HISTORY);
  const { windows, skipped } = await options.ledger.windows(options.from, options.to, {
    signal: options.signal,
  });
  return buildHistory({ ...options, windows, skipped });
}

/** Pure: the windows read from the ledger in, the history out. */
export function buildHistory(
  input: Omit<HistoryOptions, 'ledger' | 'signal'> & {
    readonly windows: readonly LedgerWindow[];
    readonly skipped: readonly string[];
  },
): HistoryReport {
  const { config, from, to, now } = input;
  // The report's own grouping, names and clipped hours: history and report never disagree.
  const savings = computeSavings({ config, windows: input.windows, from, to, now });
  const byGraph = new Map<string, LedgerWindow[]>();
  for (const w of input.windows) byGraph.set(graphKey(w), [...(byGraph.get(graphKey(w)) ?? []), w]);
  const rows: GraphHistory[] = savings.graphs.map((g) => ({
    projectId: g.projectId,
    graphId: g.graphId,
    ...(g.graphName === undefined ? {} : { graphName: g.graphName }),
    hoursStopped: g.hoursStopped,
    ...(g.saved === undefined ? {} : { saved: g.saved }),
    windows: (byGraph.get(graphKey(g)) ?? []).map((w) => historyWindow(w, now)),
  }));
  return {
    action: 'history',
    from: from.toISOString(),
    to: to.toISOString(),
    at: now.toISOString(),
    currency: config.pricing.currency,
    graphs: input.graphs === undefined ? rows : select(rows, input.graphs, config, input),
    skipped: input.skipped,
  };
}

/** The rows a request names, in the report's order; configured graphs without windows as empty rows. */
function select(
  rows: readonly GraphHistory[],
  names: readonly string[],
  config: Config,
  range: { readonly from: Date; readonly to: Date },
): GraphHistory[] {
  const chosen = new Set<GraphHistory>();
  const empty: GraphHistory[] = [];
  const unknown: string[] = [];
  for (const name of names) {
    const hits = rows.filter(
      (r) => r.graphId === name || r.graphName === name || r.windows.some((w) => w.graphName === name),
    );
    for (const hit of hits) chosen.add(hit);
    if (hits.length > 0) continue;
    const entries = config.projects.flatMap((p) =>
      p.graphs.filter((g) => g.id === name || g.name === name).map((g) => ({ p, g })),
    );
    if (entries.length === 0) unknown.push(name);
    for (const { p, g } of entries)
      empty.push({
        projectId: p.projectId,
        ...(g.id === undefined ? {} : { graphId: g.id }),
        ...(g.name === undefined ? {} : { graphName: g.name }),
        hoursStopped: 0,
        windows: [],
      });
  }
  if (unknown.length > 0) throw new EventError(unknownMessage(unknown, rows, config, range));
  return [...rows.filter((r) => chosen.has(r)), ...empty];
}

function unknownMessage(
  unknown: readonly string[],
  rows: readonly GraphHistory[],
  config: Config,
  range: { readonly from: Date; readonly to: Date },
): string {
  const known = [
    ...new Set([
      ...config.projects.flatMap((p) => p.graphs.flatMap((g) => [g.name, g.id])),
      ...rows.flatMap((r) => [r.graphName, r.graphId]),
    ]),
  ].filter((n): n is string => n !== undefined);
  const shown = unknown.slice(0, MAX_UNKNOWN_SHOWN).map((name) => {
    const guess = closest(name.slice(0, 200), known);
    const text = JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);
    return guess === undefined ? text : `${text} (did you mean "${guess}"?)`;
  });
  const more = unknown.length > MAX_UNKNOWN_SHOWN ? ` and ${unknown.length - MAX_UNKNOWN_SHOWN} more` : '';
  return (
    `unknown graph${unknown.length > 1 ? 's' : ''} ${shown.join(', ')}${more}: no configured graph and no ` +
    `stop window from ${range.from.toISOString()} to ${range.to.toISOString()} has this name or id`
  );
}

function historyWindow(window: LedgerWindow, now: Date): HistoryWindow {
  const w = window;
  const span = countedSpan(w, now);
  const at = (key: string, d: Date | undefined) => (d === undefined ? {} : { [key]: d.toISOString() });
  const text = (key: string, s: string | undefined) => (s === undefined || s === '' ? {} : { [key]: s });
  return {
    stoppedAt: window.key.stoppedAt,
    ...at('confirmedAt', w.confirmedAt),
    ...(w.pending === true ? { pending: true } : {}),
    ...at('endedAt', w.endedAt),
    ...text('endedBy', w.endedBy),
    open: w.endedAt === undefined,
    hours: span ? round2((span.end - span.start) / HOUR_MS) : 0,
    ...text('schedule', w.schedule),
    ...text('runId', w.runId),
    ...text('jobId', w.jobId),
    ...text('startJobId', w.startJobId),
    ...at('startedAt', w.startedAt),
    ...(w.startAttempts === undefined ? {} : { startAttempts: w.startAttempts }),
    ...at('offUntil', w.offUntil),
    ...text('graphName', w.graphName),
    ...text('sizeIndex', w.sizeIndex),
    ...(w.replication === undefined ? {} : { replication: w.replication }),
  };
}
