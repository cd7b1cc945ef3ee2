/**
 * The savings report: hours each graph was kept stopped in a range and the money that saved,
 * from the ledger of stop windows, and a forecast from the schedules alone. Hours and money are
 * rounded to two decimals for output; totals are summed before rounding.
 */

/** Where a graph's hourly price came from. */
export type PriceSource = 'entry' | 'pricing';

export interface GraphSavings {
  readonly projectId: string;
  readonly graphId: string;
  /**
   * From the graph's config entry (matched by id, else by the name GES gave when it was stopped),
   * else the name its latest window recorded; undefined when neither knows one.
   */
  readonly graphName: string | undefined;
  readonly hoursStopped: number;
  /**
   * Present only when it multiplies out: every hour priced, at one price. Absent when some hours
   * have no known price (see `unpriced`) or the windows had different prices (`mixedPrices`).
   */
  readonly hourlyPrice?: number;
  readonly priceSource?: PriceSource;
  /** Money of the priced windows; absent when no window had a known price. */
  readonly saved?: number;
  /** The windows were priced differently (the graph was resized between stops). */
  readonly mixedPrices?: true;
  /** Hours of windows without a known price: in `hoursStopped`, not in `saved`. */
  readonly unpricedHours: number;
  /** GES's size index and replicas as the latest window in the range recorded them. */
  readonly sizeIndex?: string;
  readonly replication?: number;
  /** Stop windows of this graph that overlap the range. */
  readonly windows: number;
  /** A window is still open (the graph is stopped now): its hours count up to `to` or now. */
  readonly open: boolean;
}

export interface UnpricedGraph {
  readonly projectId: string;
  readonly graphId: string;
  readonly graphName: string | undefined;
  /** Its hours without a known price (the graph's other windows may be priced). */
  readonly hoursStopped: number;
  readonly reason: string;
}

export interface Totals {
  readonly hoursStopped: number;
  /** Money saved by the priced graphs. */
  readonly saved: number;
  /** Hours of windows without a known price, included in `hoursStopped` but not in `saved`. */
  readonly unpricedHours: number;
}

export interface ProjectTotals extends Totals {
  readonly projectId: string;
}

export interface ForecastEntry {
  readonly projectId: string;
  /** As configured: an entry may name its graph by id, by name or both. */
  readonly graphId: string | undefined;
  readonly graphName: string | undefined;
  readonly schedule: string;
  /**
   * Off-hours in the seven local days (in the schedule's zone) from `forecastFrom`: DST changes and
   * holidays in that week included.
   */
  readonly offHoursPerWeek: number;
  /**
   * Off-hours in the average month (365.25 / 12 days) from `forecastFrom`, counted directly: the
   * holidays and DST changes of that month, not one week's multiplied out.
   */
  readonly offHoursPerMonth: number;
  /**
   * The entry's `skipUntil`, when it falls after `forecastFrom`: the graph is left alone until
   * then, and the off-hours before it are not counted.
   */
  readonly skippedUntil?: string;
  readonly hourlyPrice?: number;
  /** offHoursPerMonth × hourlyPrice. */
  readonly savedPerMonth?: number;
}

export interface SavingsReport {
  readonly action: 'report';
  /** ISO-8601 UTC: the range [from, to). */
  readonly from: string;
  readonly to: string;
  /** When the report was made: open windows count up to the earlier of this and `to`. */
  readonly at: string;
  readonly currency: string;
  /** Graphs with windows overlapping the range, by project then graph id. */
  readonly graphs: readonly GraphSavings[];
  readonly projects: readonly ProjectTotals[];
  readonly totals: Totals;
  /** Graphs whose hours are counted but whose price is unknown, and why. */
  readonly unpriced: readonly UnpricedGraph[];
  /** Where the forecast week begins: seven local days from here, in each schedule's zone. */
  readonly forecastFrom: string;
  readonly forecast: readonly ForecastEntry[];
  /** What the forecast leaves out (graphs selected by tag), when anything. */
  readonly forecastNote?: string;
  /** Ledger items that are not windows (hand-edited?), described by key: never guessed at. */
  readonly skipped: readonly string[];
  /** Day by day (UTC), when asked for (the chart of `npm run report -- --html`). */
  readonly days?: readonly DaySavings[];
}

/** One UTC day of the range (the first and last may be partial): the report over that day. */
export interface DaySavings {
  /** YYYY-MM-DD, UTC. */
  readonly day: string;
  readonly from: string;
  readonly to: string;
  /** Graphs with hours that day, in the report's order. */
  readonly graphs: readonly Pick<
    GraphSavings,
    'projectId' | 'graphId' | 'graphName' | 'hoursStopped' | 'saved'
  >[];
  readonly totals: Totals;
}

/** What an invocation returns: a run's summary, or a savings report. */
export function isSavingsReport<T extends { readonly action: string }>(
  result: T | SavingsReport,
): result is SavingsReport {
  return result.action === 'report' && 'forecast' in result;
}

/** One stop window as `history` shows it; instants ISO-8601 UTC, absent fields were not recorded. */
export interface HistoryWindow {
  /** When the stop was accepted (the window's key). */
  readonly stoppedAt: string;
  /** When the graph was seen stopped; hours count from here (older windows: from stoppedAt). */
  readonly confirmedAt?: string;
  /** Written before the stop left and not confirmed yet: no hours. */
  readonly pending?: true;
  readonly endedAt?: string;
  /** `start`, `seen-running`, `deleted`, `stop-failed` (no hours). */
  readonly endedBy?: string;
  readonly open: boolean;
  /** The whole window's counted hours (up to now while open), not clipped to the range. */
  readonly hours: number;
  readonly schedule?: string;
  readonly runId?: string;
  /** The stop's job. */
  readonly jobId?: string;
  /**
   * The start this function sent and when: not yet seen to finish while the window is open, the
   * start that ended it when `endedBy` is `start`.
   */
  readonly startJobId?: string;
  readonly startedAt?: string;
  /** Starts tried in a row without the graph running. */
  readonly startAttempts?: number;
  /** When the off-hours the stop belonged to end. */
  readonly offUntil?: string;
  /** The graph's name in GES when the window was written. */
  readonly graphName?: string;
  readonly sizeIndex?: string;
  readonly replication?: number;
}

export interface GraphHistory {
  readonly projectId: string;
  /** Absent only for a configured graph named by name alone that has no window in the range. */
  readonly graphId?: string;
  readonly graphName?: string;
  /** Hours in [from, to), counted as `report` counts them. */
  readonly hoursStopped: number;
  /** Money those hours saved, when a price is known (as in `report`). */
  readonly saved?: number;
  /** Windows overlapping the range, earliest first. */
  readonly windows: readonly HistoryWindow[];
}

export interface HistoryReport {
  readonly action: 'history';
  readonly from: string;
  readonly to: string;
  /** When it was made: open windows count up to here. */
  readonly at: string;
  readonly currency: string;
  /** By project, then name (else id); graphs named in the request without windows last. */
  readonly graphs: readonly GraphHistory[];
  /** Ledger items that are not windows, described by key. */
  readonly skipped: readonly string[];
}

export function isHistoryReport<T extends { readonly action: string }>(
  result: T | HistoryReport,
): result is HistoryReport {
  return result.action === 'history' && 'graphs' in result && !('counts' in result);
}
