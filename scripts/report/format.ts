/**
 * The savings report for a person (tables) or a spreadsheet (CSV). Pure: the report in, text out.
 */
import type { ForecastEntry, GraphSavings, SavingsReport } from '../../lib/report/types.js';
import { renderTable } from '../cli/format.js';

const label = (r: { graphName: string | undefined; graphId: string | undefined }) =>
  r.graphName ?? r.graphId ?? '?';
const hours = (value: number) => value.toFixed(2);
const money = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(2));

function graphRows(graphs: readonly GraphSavings[]): string[][] {
  return graphs.map((g) => [
    g.projectId,
    label(g),
    hours(g.hoursStopped),
    money(g.hourlyPrice),
    money(g.saved),
    [
      g.open ? 'stopped now' : '',
      g.saved === undefined
        ? 'no price'
        : g.unpricedHours > 0
          ? `${hours(g.unpricedHours)} h without price`
          : '',
      g.mixedPrices ? 'prices differ' : '',
    ]
      .filter(Boolean)
      .join(', '),
  ]);
}

export function forecastText(
  forecast: readonly ForecastEntry[],
  currency: string,
  from: string,
  note?: string,
): string {
  const rows = forecast.map((f) => [
    f.projectId,
    label(f),
    f.schedule,
    hours(f.offHoursPerWeek),
    hours(f.offHoursPerMonth),
    money(f.hourlyPrice),
    money(f.savedPerMonth),
    f.skippedUntil === undefined ? '' : `skipped until ${f.skippedUntil}`,
  ]);
  return (
    `Forecast from the schedules alone, for the week and the month (365.25 / 12 days) from ${from} (DST and holidays included):\n` +
    renderTable(
      [
        'project',
        'graph',
        'schedule',
        'off-hours/week',
        'off-hours/month',
        `price/h (${currency})`,
        `saved/month (${currency})`,
        'note',
      ],
      rows,
    ) +
    (note === undefined ? '' : `Note: ${note}.\n`)
  );
}

export function reportText(report: SavingsReport): string {
  const { currency, totals } = report;
  const parts = [
    `Kept stopped from ${report.from} to ${report.to} (made at ${report.at}), prices in ${currency}:\n`,
  ];
  parts.push(
    report.graphs.length === 0
      ? 'No stop windows in this range: the ledger holds only the stops this function made.\n'
      : renderTable(['project', 'graph', 'hours', `price/h`, `saved`, 'note'], graphRows(report.graphs)),
  );
  if (report.projects.length > 1) {
    const rows = report.projects.map((p) => [
      p.projectId,
      hours(p.hoursStopped),
      money(p.saved),
      hours(p.unpricedHours),
    ]);
    parts.push(`\nPer project:\n${renderTable(['project', 'hours', 'saved', 'hours without price'], rows)}`);
  }
  const unpriced =
    totals.unpricedHours > 0
      ? ` (${hours(totals.unpricedHours)} h of graphs without a known price not counted)`
      : '';
  parts.push(
    `\nOverall: ${hours(totals.hoursStopped)} h kept stopped, ${money(totals.saved)} ${currency} saved${unpriced}\n`,
  );
  if (report.unpriced.length > 0) {
    parts.push('\nWithout a known price (hours only):\n');
    for (const u of report.unpriced) parts.push(`  ${u.projectId} ${label(u)}: ${u.reason}\n`);
  }
  if (report.skipped.length > 0) {
    parts.push('\nLedger items that are not stop windows (not counted):\n');
    for (const s of report.skipped) parts.push(`  ${s}\n`);
  }
  parts.push(`\n${forecastText(report.forecast, currency, report.forecastFrom, report.forecastNote)}`);
  return parts.join('');
}

const CSV_HEADER = [
  'section',
  'projectId',
  'graphId',
  'graphName',
  'schedule',
  'hoursStopped',
  'hourlyPrice',
  'saved',
  'unpricedHours',
  'open',
  'offHoursPerWeek',
  'offHoursPerMonth',
  'savedPerMonth',
  'currency',
  'note',
] as const;
type CsvRow = Partial<Record<(typeof CSV_HEADER)[number], string | number | undefined>>;

/** One table for spreadsheets: a row per graph, project, the overall total and forecast entry. */
export function reportCsv(report: SavingsReport): string {
  const { currency } = report;
  const rows: CsvRow[] = [
    ...report.graphs.map((g) => ({
      section: 'graph',
      ...g,
      open: String(g.open),
      currency,
      note: report.unpriced.find((u) => u.projectId === g.projectId && u.graphId === g.graphId)?.reason,
    })),
    ...report.projects.map((p) => ({ section: 'project', ...p, currency })),
    { section: 'total', ...report.totals, currency, note: `${report.from} to ${report.to}` },
    ...report.forecast.map((f) => ({
      section: 'forecast',
      ...f,
      currency,
      note: [
        `week and month from ${report.forecastFrom}`,
        f.skippedUntil === undefined ? '' : `skipped until ${f.skippedUntil}`,
        report.forecastNote ?? '',
      ]
        .filter(Boolean)
        .join('; '),
    })),
  ];
  return [CSV_HEADER.join(','), ...rows.map((row) => CSV_HEADER.map((key) => csvCell(row[key])).join(','))]
    .map((line) => `${line}\r\n`)
    .join('');
}

/** RFC 4180 quoting; text a spreadsheet would run as a formula (=, +, -, @) is kept as text. */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
