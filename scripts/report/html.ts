/**
 * The savings report as one self-contained HTML page: inline CSS and inline SVG, no script, and a
 * Content-Security-Policy that lets the page load nothing at all, so it shows the same offline
 * and a graph name that holds markup stays text. Pure: the report (with `days`) in, HTML out.
 */
import type { DaySavings, GraphSavings, SavingsReport } from '../../lib/report/types.js';
import { esc, horizontalBars, type Series, stackedBars } from './svg.js';

/** Graphs drawn as their own series; the rest are summed as "other graphs". */
export const MAX_SERIES = 8;
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#9c755f'];
const OTHER = { key: 'other', color: '#bab0ac' } as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const keyOf = (g: { projectId: string; graphId?: string | undefined }) => `${g.projectId}/${g.graphId ?? ''}`;
const hours = (v: number) => `${v.toFixed(2)} h`;
const money = (v: number | undefined, currency: string) =>
  v === undefined ? '-' : `${v.toFixed(2)} ${currency}`;

type Named = { projectId: string; graphName?: string | undefined; graphId?: string | undefined };

/**
 * How an operator knows a graph: its name (a forecast entry configured by id borrows the name its
 * windows recorded), with the project's start when the name is in several projects.
 */
function labeller(graphs: readonly Named[]) {
  const nameOf = new Map<string, string>();
  const projects = new Map<string, Set<string>>();
  for (const g of graphs) {
    if (g.graphName === undefined) continue;
    if (g.graphId !== undefined) nameOf.set(keyOf(g), g.graphName);
    projects.set(g.graphName, (projects.get(g.graphName) ?? new Set()).add(g.projectId));
  }
  return (g: Named) => {
    const name = g.graphName ?? nameOf.get(keyOf(g)) ?? g.graphId ?? '?';
    return (projects.get(name)?.size ?? 0) > 1 ? `${name} (${g.projectId.slice(0, 8)})` : name;
  };
}

/** `2026-11-01T00:00:00.000Z` → `2026-11-01 00:00 UTC`. */
const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

function seriesOf(graphs: readonly GraphSavings[], label: (g: GraphSavings) => string): Series[] {
  const ranked = [...graphs].sort((a, b) => b.hoursStopped - a.hoursStopped);
  const own = ranked.length > MAX_SERIES ? ranked.slice(0, MAX_SERIES - 1) : ranked;
  const series: Series[] = own.map((g, i) => ({ key: keyOf(g), label: label(g), color: PALETTE[i]! }));
  const rest = ranked.length - own.length;
  if (rest > 0) series.push({ ...OTHER, label: `${rest} other graphs` });
  return series;
}

function dayLabel(day: string): string {
  return `${MONTHS[Number(day.slice(5, 7)) - 1]} ${Number(day.slice(8, 10))}`;
}

function dayValue(days: readonly DaySavings[], series: readonly Series[], pick: 'hoursStopped' | 'saved') {
  const own = new Set(series.map((s) => s.key));
  return (index: number, key: string) =>
    (days[index]?.graphs ?? [])
      .filter((g) => (key === OTHER.key ? !own.has(keyOf(g)) : keyOf(g) === key))
      .reduce((sum, g) => sum + (g[pick] ?? 0), 0);
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2933;margin:24px auto;max-width:1000px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}.sub{color:#52606d;margin:0 0 16px}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #d9e2ec;border-radius:8px;padding:10px 14px;min-width:180px}
.card b{display:block;font-size:22px}.card span{color:#52606d}
.legend{display:flex;flex-wrap:wrap;gap:6px 18px;margin:6px 0 0;padding:0;list-style:none}
.legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;vertical-align:-1px}
.chart{max-width:100%;height:auto}.grid{stroke:#e4e7eb}.tick,.xlabel,.unit,.hvalue{font-size:11px;fill:#52606d}
.hlabel{font-size:12px;fill:#1f2933}.empty{font-size:14px;fill:#7b8794}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e4e7eb;white-space:nowrap}
.scroll{overflow-x:auto}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.note{color:#52606d;font-size:12px}`;

function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: ReadonlySet<number>,
): string {
  const cell = (tag: string, text: string, i: number) =>
    `<${tag}${numeric.has(i) ? ' class="n"' : ''}>${esc(text)}</${tag}>`;
  return (
    `<div class="scroll"><table><thead><tr>${header.map((h, i) => cell('th', h, i)).join('')}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((c, i) => cell('td', c, i)).join('')}</tr>`).join('') +
    '</tbody></table></div>'
  );
}

export function reportHtml(report: SavingsReport & { readonly days: readonly DaySavings[] }): string {
  const { currency, totals } = report;
  // A range that begins before the first stop window (the default 30 days of a new ledger) would
  // draw mostly empty days: the chart begins at the first day with hours.
  const first = report.days.findIndex((d) => d.totals.hoursStopped > 0);
  const days = first > 0 ? report.days.slice(first) : report.days;
  const leftOut =
    first > 0
      ? `<p class="note">${esc(`Nothing was kept stopped before ${dayLabel(days[0]!.day)}: the charts begin there.`)}</p>`
      : '';
  const label = labeller([...report.graphs, ...report.forecast]);
  const series = seriesOf(report.graphs, label);
  const labels = days.map((d) => dayLabel(d.day));
  // A forecast bar has its graph's colour in the charts above, found by id or, for an entry that
  // names its graph by name only, by project and name.
  const colorOf = new Map<string, string>();
  for (const s of series) colorOf.set(s.key, s.color);
  for (const g of report.graphs) {
    const color = colorOf.get(keyOf(g));
    if (color && g.graphName !== undefined) colorOf.set(`${g.projectId}#${g.graphName}`, color);
  }
  const monthly = report.forecast.reduce((sum, f) => sum + (f.savedPerMonth ?? 0), 0);
  const priced = report.forecast.some((f) => f.savedPerMonth !== undefined);
  const legend = series.map((s) => `<li><i style="background:${s.color}"></i>${esc(s.label)}</li>`).join('');
  const forecastBars = horizontalBars(
    priced ? `Forecast: saved per month (${currency})` : 'Forecast: off-hours per week',
    [...report.forecast]
      .sort(
        (a, b) => (b.savedPerMonth ?? 0) - (a.savedPerMonth ?? 0) || b.offHoursPerWeek - a.offHoursPerWeek,
      )
      .slice(0, 30)
      .map((f) => ({
        label: label(f),
        value: priced ? (f.savedPerMonth ?? 0) : f.offHoursPerWeek,
        text:
          f.savedPerMonth === undefined
            ? `${hours(f.offHoursPerWeek)}/week, no price known`
            : `${money(f.savedPerMonth, currency)}/month · ${hours(f.offHoursPerWeek)}/week`,
        color: colorOf.get(keyOf(f)) ?? colorOf.get(`${f.projectId}#${f.graphName ?? ''}`) ?? OTHER.color,
      })),
  );
  const graphRows = report.graphs.map((g) => [
    g.projectId.slice(0, 8),
    label(g),
    g.hoursStopped.toFixed(2),
    g.hourlyPrice === undefined ? '-' : g.hourlyPrice.toFixed(2),
    g.saved === undefined ? '-' : g.saved.toFixed(2),
    [
      g.open ? 'stopped now' : '',
      g.saved === undefined ? 'no price' : '',
      g.mixedPrices ? 'prices differ' : '',
    ]
      .filter(Boolean)
      .join(', '),
  ]);
  const forecastRows = report.forecast.map((f) => [
    f.projectId.slice(0, 8),
    label(f),
    f.schedule,
    f.offHoursPerWeek.toFixed(2),
    f.offHoursPerMonth.toFixed(2),
    f.hourlyPrice === undefined ? '-' : f.hourlyPrice.toFixed(2),
    f.savedPerMonth === undefined ? '-' : f.savedPerMonth.toFixed(2),
  ]);
  const unpriced =
    totals.unpricedHours > 0
      ? `<p class="note">${esc(`${hours(totals.unpricedHours)} of graphs without a known price are counted in hours, not in money.`)}</p>`
      : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>GES off-hours savings</title><style>${STYLE}</style></head><body>
<h1>GES off-hours savings</h1>
<p class="sub">${esc(`From ${when(report.from)} to ${when(report.to)}, by UTC day; made ${when(report.at)}; prices in ${currency}.`)}</p>
<div class="cards">
<div class="card"><b>${esc(hours(totals.hoursStopped))}</b><span>kept stopped</span></div>
<div class="card"><b>${esc(money(totals.saved, currency))}</b><span>saved</span></div>
<div class="card"><b>${esc(priced ? money(monthly, currency) : '-')}</b><span>forecast per month</span></div>
</div>
<h2>Hours kept stopped per day</h2>
${leftOut}
${stackedBars({ title: 'Hours kept stopped per day', unit: 'h', labels, series, value: dayValue(days, series, 'hoursStopped') })}
<ul class="legend">${legend}</ul>
<h2>Money saved per day (${esc(currency)})</h2>
${stackedBars({ title: `Money saved per day (${currency})`, unit: currency, labels, series, value: dayValue(days, series, 'saved') })}
<ul class="legend">${legend}</ul>
${unpriced}
<h2>Per graph</h2>
${graphRows.length === 0 ? '<p class="note">No stop windows in this range: the ledger holds only the stops this function made.</p>' : table(['project', 'graph', 'hours', `price/h (${currency})`, `saved (${currency})`, 'note'], graphRows, new Set([2, 3, 4]))}
<h2>Forecast from the schedules alone</h2>
<p class="sub">${esc(`Expected off-hours in the week and the month (365.25 / 12 days) from ${when(report.forecastFrom)}, DST and holidays included.`)}</p>
${forecastBars}
${table(['project', 'graph', 'schedule', 'off-hours/week', 'off-hours/month', `price/h (${currency})`, `saved/month (${currency})`], forecastRows, new Set([3, 4, 5, 6]))}
${report.forecastNote === undefined ? '' : `<p class="note">${esc(`Note: ${report.forecastNote}.`)}</p>`}
</body></html>
`;
}
