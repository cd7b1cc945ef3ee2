/**
 * The `report` action: savings over [from, to) from the ledger, and the schedules' forecast. One
 * read of the ledger, no GES call. It counts only the windows this function recorded: graphs
 * stopped by hand, or before the ledger existed, are not in it.
 */
import { EventError } from '../errors.js';
import type { Ledger } from '../ledger/types.js';
import type { Config } from '../schedule/types.js';
import { dailySavings } from './daily.js';
import { forecast, forecastNote } from './forecast.js';
import { computeSavings } from './savings.js';
import type { SavingsReport } from './types.js';

export interface ReportOptions {
  readonly config: Config;
  /** Without one there is nothing to count: the report is refused, saying so. */
  readonly ledger: Ledger | undefined;
  readonly from: Date;
  readonly to: Date;
  /** Open windows count up to the earlier of `now` and `to`; the forecast starts here. */
  readonly now: Date;
  /** Aborts the ledger read (the invocation's deadline). */
  readonly signal?: AbortSignal | undefined;
  /** Add the report day by day (`days`), for a chart. */
  readonly perDay?: boolean | undefined;
}

export const NO_LEDGER =
  '"action": "report" counts the stop windows in the ledger, and this function has none: LEDGER_TABLE is not set ' +
  '(the deployed stack sets it; locally, set it and AWS_ENDPOINT_URL_DYNAMODB for an emulator). ' +
  '`npm run report` without a ledger prints the forecast alone.';

export async function savingsReport(options: ReportOptions): Promise<SavingsReport> {
  const { config, ledger, from, to, now } = options;
  if (!ledger) throw new EventError(NO_LEDGER);
  const { windows, skipped } = await ledger.windows(from, to, { signal: options.signal });
  const note = forecastNote(config);
  return {
    action: 'report',
    from: from.toISOString(),
    to: to.toISOString(),
    at: now.toISOString(),
    currency: config.pricing.currency,
    ...computeSavings({ config, windows, from, to, now }),
    ...(options.perDay ? { days: dailySavings({ config, windows, from, to, now }) } : {}),
    forecastFrom: now.toISOString(),
    forecast: forecast(config, now, windows),
    ...(note === undefined ? {} : { forecastNote: note }),
    skipped,
  };
}
