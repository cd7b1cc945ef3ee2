/** The history for a person: one table of windows per graph. Pure: the history in, text out. */
import type { GraphHistory, HistoryReport, HistoryWindow } from '../../lib/report/types.js';
import { renderTable } from '../cli/format.js';

/** `2026-11-28T11:00:00.373Z` → `2026-11-28 11:00:00Z`: a column a person can read. */
const instant = (iso: string | undefined) =>
  iso === undefined ? '' : iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

/** A start of ours: done once the window ended by it, still unconfirmed while the window is open. */
function startNote(w: HistoryWindow): string {
  if (w.startJobId === undefined) return '';
  const sent = w.startedAt ? ` sent ${instant(w.startedAt)}` : '';
  if (w.endedBy === 'start') return `started by job ${w.startJobId}${sent}`;
  return `start ${w.startJobId}${sent}${w.open ? ', not seen to finish yet' : ''}`;
}

/** The note column: what a window's fields mean, in words. */
export function historyNote(w: HistoryWindow): string {
  return [
    w.pending ? 'pending: the stop is not confirmed yet, no hours' : '',
    w.endedBy === 'stop-failed' ? 'the stop job failed: no hours' : '',
    w.open && !w.pending ? 'stopped now' : '',
    startNote(w),
    w.startAttempts === undefined || (!w.open && w.startAttempts <= 1)
      ? ''
      : `start attempts: ${w.startAttempts}`,
  ]
    .filter(Boolean)
    .join('; ');
}

function graphTitle(g: GraphHistory, currency: string): string {
  const name = g.graphName ?? g.graphId ?? '?';
  const id = g.graphName !== undefined && g.graphId !== undefined ? ` (${g.graphId})` : '';
  const money = g.saved === undefined ? '' : `, ${g.saved.toFixed(2)} ${currency} saved`;
  return `${g.projectId} ${name}${id}: ${g.hoursStopped.toFixed(2)} h kept stopped in the range${money}`;
}

export function historyText(history: HistoryReport): string {
  const parts = [`Stop windows from ${history.from} to ${history.to} (made at ${history.at}):\n`];
  if (history.graphs.length === 0)
    parts.push('\nNo stop windows in this range: the ledger holds only the stops this function made.\n');
  for (const g of history.graphs) {
    parts.push(`\n${graphTitle(g, history.currency)}\n`);
    if (g.windows.length === 0) {
      parts.push('  no stop window in this range\n');
      continue;
    }
    const rows = g.windows.map((w) => [
      instant(w.stoppedAt),
      instant(w.confirmedAt),
      instant(w.endedAt),
      w.endedBy ?? '',
      w.hours.toFixed(2),
      w.jobId ?? '',
      historyNote(w),
    ]);
    const table = renderTable(
      ['stopped at', 'confirmed at', 'ended at', 'ended by', 'hours', 'stop job', 'note'],
      rows,
    );
    parts.push(`${table.trimEnd().replace(/^/gm, '  ')}\n`);
  }
  if (history.skipped.length > 0) {
    parts.push('\nLedger items that are not stop windows (not shown):\n');
    for (const s of history.skipped) parts.push(`  ${s}\n`);
  }
  parts.push(
    "\nHours count from the confirmation (older windows: from the stop) to the end, or now while open; a window's hours are whole, the graph's are those inside the range.\n",
  );
  return parts.join('');
}
