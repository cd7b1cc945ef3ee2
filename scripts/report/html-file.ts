/**
 * `npm run report -- --html FILE`: the savings report with its per-day series, written as one
 * HTML page. The range is parsed as the `report` event parses it, and the report is the one
 * `report` makes (lib/report/report.ts), asked for its days too.
 */
import { writeFile } from 'node:fs/promises';
import type { Environment } from '../../lib/env.js';
import { EventError } from '../../lib/errors.js';
import type { Ledger } from '../../lib/ledger/types.js';
import { savingsReport } from '../../lib/report/report.js';
import { parseEvent } from '../../lib/run/events.js';
import { loadConfig } from '../../lib/schedule/config.js';
import { reportHtml } from './html.js';
import type { ExitCode, ReportIo } from './main.js';

export async function writeHtml(
  io: ReportIo,
  options: {
    readonly env: Environment;
    readonly ledger: Ledger | undefined;
    readonly now: Date;
    readonly range: { readonly from?: string; readonly to?: string };
    readonly file: string;
  },
): Promise<ExitCode> {
  const { env, ledger, now, file } = options;
  const request = parseEvent({ action: 'report', ...options.range }, now);
  if (request.action !== 'report') throw new Error(`expected a report request, got ${request.action}`);
  if (!ledger)
    throw new EventError(
      '--html charts the stop windows in the ledger, and there is none: LEDGER_TABLE is not set ' +
        '(locally: `npm run sandbox -- --week` prints what to export). `npm run report` alone prints the forecast.',
    );
  const { config, warnings } = await loadConfig(env.configPath, now);
  for (const w of warnings) io.stderr(`warning: ${w.path}: ${w.message}\n`);
  const report = await savingsReport({
    config,
    ledger,
    from: request.from,
    to: request.to,
    now,
    perDay: true,
  });
  const html = reportHtml({ ...report, days: report.days ?? [] });
  try {
    await writeFile(file, html);
  } catch (error) {
    throw new EventError(`cannot write ${file}: ${(error as Error).message}`);
  }
  const { totals, currency } = report;
  io.stdout(
    `wrote ${file} (${(Buffer.byteLength(html) / 1024).toFixed(1)} KB): ${totals.hoursStopped.toFixed(2)} h kept stopped, ` +
      `${totals.saved.toFixed(2)} ${currency} saved from ${report.from} to ${report.to}; open it in a browser\n`,
  );
  return 0;
}
