/**
 * The ledger as it stood at another instant, for rehearsals (`"at"` with `"dryRun": true`): a
 * window counts as open at `at` when it began at or before `at` and had not ended by then. Reads
 * only: a rehearsal never writes, and this ledger refuses to.
 */
import {
  type CallOptions,
  graphKey,
  type Ledger,
  type LedgerWindow,
  type OpenWindowsResult,
} from './types.js';

/** Whether the window was open at `at`: begun at or before it, not ended by it. */
export function isOpenAt(window: Pick<LedgerWindow, 'stoppedAt' | 'endedAt'>, at: Date): boolean {
  return window.stoppedAt <= at && (window.endedAt === undefined || window.endedAt > at);
}

/**
 * The windows of `windows` open at `at`, in their order, as they stood then: what was recorded
 * later (its end, its confirmation, a start sent after `at`) is not known yet at `at`.
 */
export function openAt(windows: readonly LedgerWindow[], at: Date): LedgerWindow[] {
  return windows.filter((w) => isOpenAt(w, at)).map((w) => asItStood(w, at));
}

function asItStood(window: LedgerWindow, at: Date): LedgerWindow {
  const { endedAt, endedBy, confirmedAt, startedAt, startJobId, startAttempts, ...rest } = window;
  return {
    ...rest,
    ...(confirmedAt === undefined || confirmedAt <= at ? { confirmedAt } : { pending: true }),
    ...(startedAt === undefined || startedAt > at ? {} : { startedAt, startJobId, startAttempts }),
  };
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
  /** Past instants: every window open then, from one range read. */
  const openThen = async (options: CallOptions | undefined) =>
    openAt((await ledger.windows(at, new Date(at.getTime() + 1), options)).windows, at);
  return {
    table: ledger.table,
    async openWindowsOf(projectId, options) {
      if (at >= now) return openAt(await ledger.openWindowsOf(projectId, options), at);
      return (await openThen(options)).filter((w) => w.projectId === projectId);
    },
    async openWindows(graphs, options) {
      const results = new Map<string, OpenWindowsResult>();
      if (at >= now) {
        for (const [key, result] of await ledger.openWindows(graphs, options))
          results.set(key, result.ok ? { ok: true, windows: openAt(result.windows, at) } : result);
        return results;
      }
      const windows = await openThen(options);
      const wanted = new Set(graphs.map(graphKey));
      for (const key of wanted) results.set(key, { ok: true, windows: [] });
      for (const window of windows) {
        const key = graphKey(window);
        const found = results.get(key);
        if (found?.ok) results.set(key, { ok: true, windows: [...found.windows, window] });
      }
      return results;
    },
    windows: (from, to, options) => ledger.windows(from, to, options),
    openWindow: refuse,
    closeWindow: refuse,
    updateWindow: refuse,
    discardPending: refuse,
  };
}
