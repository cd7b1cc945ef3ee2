/**
 * `{"action":"pause","until","reason"}` and `{"action":"resume"}`: set or lift the pause in the
 * ledger table. Neither calls GES.
 */
import { EventError } from '../errors.js';
import type { Log } from '../log.js';
import type { RunRequest } from '../run/types.js';
import { isPausedAt, type PauseView, pauseView } from './state.js';
import type { PauseStore } from './store.js';

/** What a pause or resume event returns (and logs last). */
export interface PauseOutput {
  readonly action: 'pause' | 'resume';
  readonly runId: string;
  readonly at: string;
  /** The pause now in force; absent after a resume. */
  readonly paused?: PauseView;
  /** The pause this event replaced or lifted, when one was in force. */
  readonly previous?: PauseView;
}

/** What a pause or resume event returned, told apart from a summary or a report. */
export function isPauseOutput(output: { readonly action: string }): output is PauseOutput {
  return output.action === 'pause' || output.action === 'resume';
}

export async function pauseAction(
  request: Extract<RunRequest, { action: 'pause' | 'resume' }>,
  options: {
    readonly store: PauseStore | undefined;
    readonly now: Date;
    readonly runId: string;
    readonly log: Log;
    readonly signal?: AbortSignal | undefined;
  },
): Promise<PauseOutput> {
  const { store, now, runId, log, signal } = options;
  if (!store) {
    throw new EventError(
      `"${request.action}" needs the ledger table, where the pause is kept: LEDGER_TABLE is not set`,
    );
  }
  const before = await store.read({ signal });
  const previous = isPausedAt(before, now) ? { previous: pauseView(before) } : {};
  const base = { action: request.action, runId, at: now.toISOString(), ...previous };
  if (request.action === 'resume') {
    await store.clear({ signal });
    log.info(previous.previous ? 'pause lifted: scheduled runs act again' : 'resume: no pause was in force', {
      ...previous,
    });
    return base;
  }
  const pause = { pausedAt: now, until: request.until, reason: request.reason, runId };
  await store.set(pause, { signal });
  const paused = pauseView(pause);
  log.info('paused: scheduled runs stop and start nothing until then', { paused, ...previous });
  return { ...base, paused };
}
