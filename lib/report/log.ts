/** The savings report as the handler logs it: one CloudWatch Logs event holds at most 256 KB. */
import type { SavingsReport } from './types.js';

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
