/** A week of windows for four graphs, two of them with names that carry markup, and its report. */
import type { Ledger } from '../../lib/ledger/types.js';
import { savingsReport } from '../../lib/report/report.js';
import type { DaySavings, SavingsReport } from '../../lib/report/types.js';
import { configOf, gid, OFFICE, P1, windowOf } from './support.js';

/** Names GES may return: the page must show them as text. */
export const NASTY = ['<script>alert(1)</script>', '"><img src=x onerror=alert(2)>', "a'b&c"];
const NAMES = ['fraud-detection', ...NASTY];

export const FROM = new Date('2026-11-01T00:00:00Z');
export const TO = new Date('2026-11-08T00:00:00Z');
export const NOW = new Date('2026-11-10T00:00:00Z');

export const CONFIG = configOf({
  schedules: { office: OFFICE },
  projects: [
    {
      projectId: P1,
      region: 'cn-north-4',
      // Config names are checked; GES names are not: the nasty ones come from the windows.
      graphs: NAMES.map((name, i) => ({ id: gid(i + 1), ...(i === 0 ? { name } : {}), schedule: 'office' })),
    },
  ],
  pricing: { currency: 'USD', hourly: { '1': 1.25, '4': 12 } },
});

/** Every night of the week, 19:00 to 06:00 UTC, for each graph; size 4 and 1 alternately. */
export const WEEK = NAMES.flatMap((name, i) =>
  Array.from({ length: 7 }, (_, d) =>
    windowOf({
      graph: i + 1,
      graphName: name,
      stoppedAt: `2026-11-0${d + 1}T19:00:00Z`,
      endedAt: d === 6 ? '2026-11-08T06:00:00Z' : `2026-11-0${d + 2}T06:00:00Z`,
      sizeIndex: i % 2 === 0 ? '4' : '1',
    }),
  ),
);

export async function weekReport(windows = WEEK): Promise<SavingsReport & { days: readonly DaySavings[] }> {
  const ledger = { windows: async () => ({ windows, skipped: [] }) } as unknown as Ledger;
  const report = await savingsReport({ config: CONFIG, ledger, from: FROM, to: TO, now: NOW, perDay: true });
  return { ...report, days: report.days ?? [] };
}
