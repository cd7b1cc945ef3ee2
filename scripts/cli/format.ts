/**
 * A run's summary in words and tables for a person at a terminal (`npm run invoke`, `npm start`).
 * Pure: strings in, strings out.
 */
import type { LogEntry } from '../../lib/log.js';
import type { PauseOutput } from '../../lib/pause/action.js';
import { pauseLine } from '../../lib/pause/state.js';
import type { Counts, GraphResult, PlanResult, Summary } from '../../lib/run/types.js';
import { byProject, graphCount, projectFailure, projectGraphs, projectMessage } from './project-failures.js';

/** Columns padded to their widest cell; the last column is not padded, so lines end in text. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `${cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()}\n`;
  return line(header) + line(widths.map((w) => '-'.repeat(w))) + rows.map(line).join('');
}

const MESSAGE_WIDTH = 72;

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function isGraphResult(result: GraphResult | PlanResult): result is GraphResult {
  return 'outcome' in result;
}

/** A graph as an operator knows it: by name, else by id. */
function graphLabel(r: { graphName: string | undefined; graphId: string | undefined }): string {
  return r.graphName ?? r.graphId ?? '?';
}

/** The results of a run (or the plan's desired states) as a table. */
export function resultTable(summary: Summary): string {
  const results = summary.results;
  if (results.length === 0) return '(no configured graphs)\n';
  const graphs = results.filter(isGraphResult);
  if (graphs.length === 0) {
    const note = summary.note === undefined ? '' : `note: ${summary.note}\n`;
    return planTable(results as readonly PlanResult[]) + note;
  }
  // A project that failed as a whole is one row, not one per graph with the same message.
  const rows = byProject(graphs).flatMap((rs) =>
    projectFailure(rs)
      ? [
          [
            projectGraphs(rs),
            rs[0]!.projectId.slice(0, 8),
            'failed',
            rs[0]!.errorCode ?? '',
            '',
            projectMessage(rs[0]!)!,
          ],
        ]
      : rs.map((r) => [
          graphLabel(r),
          r.projectId.slice(0, 8),
          r.outcome,
          r.reason ?? r.jobId ?? r.errorCode ?? '',
          r.jobStatus ?? '',
          r.message ?? '',
        ]),
  );
  const note = summary.note === undefined ? '' : `note: ${summary.note}\n`;
  return (
    renderTable(
      ['graph', 'project', 'outcome', 'reason / job id', 'job', 'message'],
      rows.map((row) => row.map((cell, i) => (i === 5 ? cut(cell, MESSAGE_WIDTH) : cell))),
    ) + note
  );
}

function planTable(results: readonly PlanResult[]): string {
  const state = (r: PlanResult) =>
    `${r.offHours ? 'off-hours' : 'on-hours'}${r.holiday ? ' (holiday)' : ''}${r.skipUntil ? ` skip until ${r.skipUntil}` : ''}`;
  return renderTable(
    ['graph', 'project', 'schedule', 'at that time', 'next stop', 'next start'],
    results.map((r) => [
      graphLabel(r),
      r.projectId.slice(0, 8),
      r.schedule,
      state(r),
      r.nextStop ?? '',
      r.nextStart ?? '',
    ]),
  );
}

/** How each counter reads; every counter the run reports must have a label here. */
const COUNT_LABELS: Readonly<Record<keyof Counts, string>> = {
  stopped: 'stopped',
  wouldStop: 'would stop',
  alreadyStopped: 'already stopped',
  started: 'started',
  wouldStart: 'would start',
  alreadyRunning: 'already running',
  skipped: 'skipped',
  failed: 'failed',
};

/** One line: what the run did, e.g. `reconcile: 2 stopped, 1 skipped, 0 failed (run 1234abcd…)`. */
export function verdict(summary: Summary): string {
  const run = `run ${summary.runId.slice(0, 8)}…`;
  const c = summary.counts;
  if (summary.action === 'plan') {
    const off = summary.results.filter((r) => 'offHours' in r && r.offHours).length;
    return (
      `plan at ${summary.at}: ${off} of ${summary.results.length} graphs in off-hours, ` +
      `${c.wouldStop} of them not under skipUntil (states not read: a dry run says what would be stopped) (${run})` +
      (summary.paused
        ? `\n${pauseLine(summary.paused)}: scheduled runs stop and start nothing until then`
        : '')
    );
  }
  if (summary.paused) {
    return `${summary.action}${dryRunOf(summary)}: ${pauseLine(summary.paused)}: nothing stopped or started, ${c.skipped} skipped (${run})`;
  }
  const main: keyof Counts =
    summary.action === 'start'
      ? summary.dryRun
        ? 'wouldStart'
        : 'started'
      : summary.dryRun
        ? 'wouldStop'
        : 'stopped';
  const always = new Set<keyof Counts>([main, 'failed']);
  const parts = (Object.keys(COUNT_LABELS) as (keyof Counts)[])
    .filter((k) => always.has(k) || c[k] > 0)
    .map((k) => `${c[k]} ${COUNT_LABELS[k]}`);
  return `${summary.action}${dryRunOf(summary)}: ${parts.join(', ')} (${run})`;
}

function dryRunOf(summary: Summary): string {
  return summary.dryRun ? ' (dry run)' : '';
}

/** Said under the verdict of a rehearsal (a dry run with `at`). */
export function rehearsalLine(summary: Summary): string {
  return `rehearsed as at ${summary.at}: schedules, skipUntil, the pause and the ledger as they stand then, against today's graph states; nothing was changed\n`;
}

export function failedResults(summary: Summary): GraphResult[] {
  return summary.results.filter((r): r is GraphResult => isGraphResult(r) && r.outcome === 'failed');
}

/**
 * The failed graphs with their error codes and whole messages; graphs that failed the same way (a
 * project that could not be listed fails all its graphs) share one entry. Empty when none failed.
 */
export function failureReport(summary: Summary): string {
  const failed = failedResults(summary);
  if (failed.length === 0) return '';
  const groups = new Map<string, GraphResult[]>();
  for (const r of failed) {
    const key = `${r.errorCode ?? ''}\n${r.message ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const entries = [...groups.values()].map((rs) => {
    const first = rs[0]!;
    const names = rs.slice(0, MAX_NAMES).map((r) => `${graphLabel(r)} (project ${r.projectId.slice(0, 8)})`);
    const more = rs.length > MAX_NAMES ? `, and ${rs.length - MAX_NAMES} more` : '';
    return `  - ${first.errorCode ?? 'unknown error'}: ${names.join(', ')}${more}\n      ${first.message ?? ''}`;
  });
  const total = graphCount(summary.results.filter(isGraphResult));
  const count = graphCount(failed);
  return `${count} of ${total} graph${total === 1 ? '' : 's'} failed:\n${entries.join('\n')}\n`;
}

const MAX_NAMES = 10;

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : '';
}

/**
 * A warning from the run in one short line (config warnings, retries, lost answers), or nothing
 * for entries a person need not see while the run goes on.
 */
export function shortLogLine(entry: LogEntry): string | undefined {
  if (entry.level !== 'warn') return undefined;
  const f = entry.fields;
  if (entry.message === 'config warning') return `warning: config ${text(f.path)}: ${text(f.warning)}`;
  if (entry.message === 'retrying request' && typeof f.retry === 'object' && f.retry !== null) {
    const r = f.retry as Readonly<Record<string, unknown>>;
    const ms = typeof r.delayMs === 'number' ? r.delayMs : undefined;
    const delay =
      ms === undefined ? '' : ms < 1000 ? ` in ${Math.round(ms)} ms` : ` in ${(ms / 1000).toFixed(1)} s`;
    return `retrying ${text(r.method)} ${text(r.origin)}${text(r.url)} after ${text(r.reason)} (attempt ${text(r.attempt)})${delay}`;
  }
  const details = Object.entries(f)
    .filter(([, v]) => text(v) !== '')
    .map(([k, v]) => `${k}=${text(v)}`);
  return `warning: ${entry.message}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
}

/** What a pause or resume did, in one or two lines. */
export function pauseText(output: PauseOutput): string {
  const before = output.previous ? `(replaces: ${pauseLine(output.previous)})\n` : '';
  if (output.action === 'pause' && output.paused) {
    return `${pauseLine(output.paused)}: scheduled runs stop and start nothing until then; ad-hoc stop and start still work\n${before}`;
  }
  return output.previous
    ? `resumed: scheduled runs act again (lifted: ${pauseLine(output.previous)})\n`
    : 'resumed: no pause was in force\n';
}
