/** The savings report as the handler logs it: one CloudWatch Logs event holds at most 256 KB. */
import type { HistoryReport, SavingsReport } from './types.js';

export const MAX_REPORT_LOG_BYTES = 200_000;

/** Listed parts, dropped in this order (least needed first) until the line fits. */
const DROPPABLE = ['forecast', 'skipped', 'unpriced', 'graphs'] as const;
type Droppable = (typeof DROPPABLE)[number];

/**
 * Whole when it fits. Otherwise the forecast goes, then the skipped items, the unpriced list and
 * the per-graph rows, until it does; `omitted` counts what each part lost. Totals per project and
 * overall always stay. The handler still returns the whole report.
 */
export function reportForLog(
  report: SavingsReport,
  maxBytes = MAX_REPORT_LOG_BYTES,
): SavingsReport & { omitted?: Partial<Record<Droppable, number>> } {
  const fits = (value: unknown) => Buffer.byteLength(JSON.stringify(value)) <= maxBytes;
  if (fits(report)) return report;
  let trimmed: SavingsReport = report;
  const omitted: Partial<Record<Droppable, number>> = {};
  for (const part of DROPPABLE) {
    if (report[part].length > 0) omitted[part] = report[part].length;
    trimmed = { ...trimmed, [part]: [] };
    if (fits({ ...trimmed, omitted })) break;
  }
  return { ...trimmed, omitted };
}

/**
 * The history as logged: whole when it fits; otherwise each graph keeps only its latest windows
 * (as many as let the line fit, the same number for every graph), then graphs are cut.
 * `omittedWindows` / `omittedGraphs` say how much is not on the line.
 */
export function historyForLog(
  history: HistoryReport,
  maxBytes = MAX_REPORT_LOG_BYTES,
): HistoryReport & { omittedWindows?: number; omittedGraphs?: number } {
  const fits = (value: unknown) => Buffer.byteLength(JSON.stringify(value)) <= maxBytes;
  if (fits(history)) return history;
  const total = history.graphs.reduce((n, g) => n + g.windows.length, 0);
  const latest = (keep: number) => {
    const graphs = history.graphs.map((g) => ({ ...g, windows: keep === 0 ? [] : g.windows.slice(-keep) }));
    const kept = graphs.reduce((n, g) => n + g.windows.length, 0);
    return { ...history, graphs, omittedWindows: total - kept };
  };
  let keep = Math.max(0, ...history.graphs.map((g) => g.windows.length));
  while (keep > 0 && !fits(latest(keep))) keep = Math.floor(keep / 2);
  const trimmed = latest(keep);
  if (fits(trimmed)) return trimmed;
  let graphs = trimmed.graphs;
  while (graphs.length > 0 && !fits({ ...trimmed, graphs, omittedGraphs: history.graphs.length })) {
    graphs = graphs.slice(0, Math.floor(graphs.length / 2));
  }
  return { ...trimmed, graphs, omittedGraphs: history.graphs.length - graphs.length };
}
