/**
 * Scheduled runs under a pause: the pause is read from the ledger table first; while it holds, every
 * configured graph is `skipped` (reason `paused`) without a single GES call, so a freeze stays
 * quiet even when credentials or endpoints are having a bad day. A pause that cannot be read never
 * stops a run (stops never depend on the ledger): the run goes on and fails loudly afterwards.
 */
import { timerMs } from '../clock.js';
import { isGesOffhoursError } from '../errors.js';
import type { Log } from '../log.js';
import { isPausedAt, type PauseView, pauseLine, pauseView } from '../pause/state.js';
import type { PauseStore } from '../pause/store.js';
import type { Config } from '../schedule/config.js';
import { configuredTargets } from './targets.js';
import { type GraphResult, Outcome, SkipReason } from './types.js';
import { ScheduleWindows } from './windows.js';

export interface PauseRead {
  /** The pause that holds at the instant asked about. */
  readonly paused?: PauseView | undefined;
  /** Why the pause could not be read. */
  readonly problem?: string | undefined;
}

/** The pause holding at `at`; a read bounded by `timeoutMs`. Without a store there is none. */
export async function pauseAt(
  store: PauseStore | undefined,
  at: Date,
  options: { readonly log: Log; readonly timeoutMs: number },
): Promise<PauseRead> {
  if (!store) return {};
  try {
    const pause = await store.read({ signal: AbortSignal.timeout(timerMs(options.timeoutMs)) });
    return isPausedAt(pause, at) ? { paused: pauseView(pause) } : {};
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    options.log.error('ledger read failed', {
      errorCode: isGesOffhoursError(error) ? error.code : 'INTERNAL',
      error: `the pause could not be read, so the run goes on as if there were none: ${message}`,
    });
    return { problem: `the pause could not be read: ${message}` };
  }
}

/** A paused scheduled run's results: every configured graph skipped, and what the run did not see. */
export function pausedRun(
  config: Config,
  paused: PauseView,
  at: Date,
): { results: GraphResult[]; graphsInOffHours: number; note?: string } {
  const message = `${pauseLine(paused)}: scheduled runs stop and start nothing`;
  const windows = new ScheduleWindows(config, at);
  const targets = configuredTargets(config);
  const results = targets.map(
    ({ project, graph }): GraphResult => ({
      projectId: project.projectId,
      graphId: graph.id,
      graphName: graph.name,
      outcome: Outcome.skipped,
      reason: SkipReason.paused,
      message,
    }),
  );
  const graphsInOffHours = targets.filter((t) => windows.windowOf(t.graph.schedule).offHours).length;
  const tagged = config.projects.filter((p) => p.scheduleTag !== undefined).map((p) => p.projectId);
  const note =
    tagged.length === 0
      ? undefined
      : `paused: no graph was listed, so graphs that project${tagged.length > 1 ? 's' : ''} ${tagged.join(', ')} ` +
        'select by their scheduleTag are not shown';
  return { results, graphsInOffHours, ...(note === undefined ? {} : { note }) };
}
