/**
 * Inline SVG charts for the savings page: stacked bars per day, horizontal bars per graph. Pure
 * string building; every text that comes from outside goes through `esc`.
 */

/** Escapes text for HTML and SVG content and attribute values alike. */
export function esc(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** A series of the chart: one graph (or "other graphs"), its colour and label. */
export interface Series {
  readonly key: string;
  readonly label: string;
  readonly color: string;
}

export interface StackedBarsInput {
  /** The chart's accessible name. */
  readonly title: string;
  readonly unit: string;
  /** x labels, one per bar. */
  readonly labels: readonly string[];
  readonly series: readonly Series[];
  /** The value of series `key` in bar `index` (0 when none). */
  readonly value: (index: number, key: string) => number;
}

const WIDTH = 960;
const HEIGHT = 280;
const M = { left: 64, right: 12, top: 26, bottom: 30 } as const;

/** 1, 2, 2.5 or 5 times a power of ten: about `count` ticks up to `max`. */
export function niceStep(max: number, count = 5): number {
  if (!(max > 0)) return 1;
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10;
  return step * power;
}

const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0$/, ''));

export function stackedBars(input: StackedBarsInput): string {
  const { labels, series } = input;
  const totals = labels.map((_, i) => series.reduce((sum, s) => sum + input.value(i, s.key), 0));
  const peak = Math.max(0, ...totals);
  const step = niceStep(peak);
  const top = peak > 0 ? Math.ceil(peak / step) * step : 1;
  const plotW = WIDTH - M.left - M.right;
  const plotH = HEIGHT - M.top - M.bottom;
  const band = plotW / Math.max(1, labels.length);
  const barW = Math.max(1, band * 0.72);
  const y = (v: number) => M.top + plotH - (v / top) * plotH;
  const parts: string[] = [];
  for (let t = 0; t <= top + step / 1e6; t += step) {
    parts.push(
      `<line class="grid" x1="${M.left}" x2="${WIDTH - M.right}" y1="${y(t)}" y2="${y(t)}"/>`,
      `<text class="tick" x="${M.left - 6}" y="${y(t) + 4}" text-anchor="end">${esc(num(t))}</text>`,
    );
  }
  const every = Math.ceil(labels.length / 16);
  labels.forEach((label, i) => {
    const x = M.left + i * band + (band - barW) / 2;
    let base = 0;
    for (const s of series) {
      const v = input.value(i, s.key);
      if (!(v > 0)) continue;
      const h = y(base) - y(base + v);
      parts.push(
        `<rect class="bar" x="${x.toFixed(1)}" y="${y(base + v).toFixed(1)}" width="${barW.toFixed(1)}" ` +
          `height="${Math.max(0.5, h).toFixed(1)}" fill="${s.color}"><title>${esc(`${label} · ${s.label}: ${v.toFixed(2)} ${input.unit}`)}</title></rect>`,
      );
      base += v;
    }
    if (i % every === 0)
      parts.push(
        `<text class="xlabel" x="${(M.left + i * band + band / 2).toFixed(1)}" y="${HEIGHT - M.bottom + 16}" text-anchor="middle">${esc(label)}</text>`,
      );
  });
  if (peak === 0)
    parts.push(
      `<text class="empty" x="${WIDTH / 2}" y="${M.top + plotH / 2}" text-anchor="middle">nothing kept stopped in this range</text>`,
    );
  parts.push(`<text class="unit" x="${M.left - 6}" y="12" text-anchor="end">${esc(input.unit)}</text>`);
  return svg(input.title, HEIGHT, parts);
}

export interface HBar {
  readonly label: string;
  readonly value: number;
  /** Shown after the bar. */
  readonly text: string;
  readonly color: string;
}

/** One horizontal bar per row, longest first as given. */
export function horizontalBars(title: string, rows: readonly HBar[]): string {
  const rowH = 24;
  const labelW = 290;
  const height = Math.max(1, rows.length) * rowH + 8;
  const peak = Math.max(0, ...rows.map((r) => r.value));
  const room = WIDTH - labelW - 240;
  const parts = rows.map((r, i) => {
    const w = peak > 0 ? Math.max(1, (r.value / peak) * room) : 1;
    const top = 4 + i * rowH;
    const label = r.label.length > 36 ? `${r.label.slice(0, 35)}…` : r.label;
    return (
      `<text class="hlabel" x="${labelW - 8}" y="${top + 16}" text-anchor="end">${esc(label)}<title>${esc(r.label)}</title></text>` +
      `<rect class="hbar" x="${labelW}" y="${top + 3}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${r.color}"/>` +
      `<text class="hvalue" x="${(labelW + w + 6).toFixed(1)}" y="${top + 16}">${esc(r.text)}</text>`
    );
  });
  return svg(title, height, parts);
}

function svg(title: string, height: number, parts: readonly string[]): string {
  return (
    `<svg class="chart" role="img" aria-label="${esc(title)}" viewBox="0 0 ${WIDTH} ${height}" ` +
    `width="${WIDTH}" height="${height}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`
  );
}
