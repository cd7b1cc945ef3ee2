/**
 * The ledger as it stood at another instant, for rehearsals (`"at"` with `"dryRun": true`): a
 * window counts as open at `at` when it began at or before `at` and had not ended by then. Reads
 * only: a rehearsal never writes, and this ledger refuses to.
 */
import { graphKey, type Ledger, type LedgerWindow, type OpenWindowsResult } from './types.js';

/** Whether the window was open at `at`: begun at or before it, not ended by it. */
export function isOpenAt(window: Pick<LedgerWindow, 'stoppedAt' | 'endedAt'>, at: Date): boolean {
  return window.stoppedAt <= at && (window.endedAt === undefined || window.endedAt > at);
}

/** The windows of `windows` open at `at`, in their order. */
export function openAt<W extends Pick<LedgerWindow, 'stoppedAt' | 'endedAt'>>(
  windows: readonly W[],
  at: Date,
): W[] {
  return windows.filter((w) => isOpenAt(w, at));
}

/**
 * `ledger` read as at `at`. An instant still to come sees today's open windows (what ends before
 * then is not known yet) that began by then; a past instant is read from the windows overlapping
 * it, closed ones included, with one range read.
 */
export function ledgerAsOf(ledger: Ledger, at: Date, now: Date): Ledger {
  const refuse = (): never => {
    throw new Error('a rehearsal (dry run "at" another instant) never writes to the ledger');
  };
  return {
    table: ledger.table,
    async openWindows(graphs, options) {
      const results = new Map<string, OpenWindowsResult>();
      if (at >= now) {
        for (const [key, result] of await ledger.openWindows(graphs, options))
          results.set(key, result.ok ? { ok: true, windows: openAt(result.windows, at) } : result);
        return results;
      }
      const { windows } = await ledger.windows(at, new Date(at.getTime() + 1), options);
      const wanted = new Set(graphs.map(graphKey));
      for (const key of wanted) results.set(key, { ok: true, windows: [] });
      for (const window of openAt(windows, at)) {
        const key = graphKey(window);
        const found = results.get(key);
        if (found?.ok) results.set(key, { ok: true, windows: [...found.windows, window] });
      }
      return results;
    },
    windows: (from, to, options) => ledger.windows(from, to, options),
    openWindow: refuse,
    closeWindow: refuse,
  };
}
