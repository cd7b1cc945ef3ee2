/**
 * The `plan` action: each configured graph's desired state at `at`, from the configuration alone
 * (no GES call), and the pause that holds then (read from the ledger table when there is one).
 */

import type { Config } from '../schedule/config.js';
import { isSkipped } from '../schedule/offhours.js';
import { pauseAt } from './paused.js';
import type { RunDependencies } from './run.js';
import { configuredTargets } from './targets.js';
import type { PlanResult } from './types.js';
import { ScheduleWindows } from './windows.js';

/** The plan, and the pause that holds at `at` (read from the ledger table: no GES call). */
export async function planAction(deps: RunDependencies, at: Date) {
  const { paused, problem } = await pauseAt(deps.pauses, at, {
    log: deps.log,
    timeoutMs: deps.deadline - deps.clock.now(),
  });
  const notes = [planNote(deps.config), problem].filter((n) => n !== undefined);
  return {
    results: planAll(deps.config, at),
    paused,
    note: notes.length === 0 ? undefined : notes.join('; '),
  };
}

/** The `plan` action: configuration and `at` only, no API call. */
export function planAll(config: Config, at: Date): PlanResult[] {
  const windows = new ScheduleWindows(config, at);
  return configuredTargets(config).map(({ project, graph }) => {
    const window = windows.windowOf(graph.schedule);
    return {
      projectId: project.projectId,
      graphId: graph.id,
      graphName: graph.name,
      schedule: graph.schedule,
      offHours: window.offHours,
      holiday: window.holiday,
      ...(graph.skipUntil && isSkipped(graph, at) ? { skipUntil: graph.skipUntil.toISOString() } : {}),
      ...iso('prevStop', window.prevStop),
      ...iso('prevStart', window.prevStart),
      ...iso('nextStop', window.nextStop),
      ...iso('nextStart', window.nextStart),
    };
  });
}

/** A plan reads the config only: it cannot see the graphs a `scheduleTag` selects, and says so. */
function planNote(config: Config): string | undefined {
  const tagged = config.projects.filter((p) => p.scheduleTag !== undefined).map((p) => p.projectId);
  if (tagged.length === 0) return undefined;
  return (
    `plan reads the configuration only: graphs that project${tagged.length > 1 ? 's' : ''} ${tagged.join(', ')} ` +
    'select by their scheduleTag are not shown; a dry run ({"dryRun": true}) lists them'
  );
}

function iso<K extends string>(key: K, date: Date | undefined): Partial<Record<K, string>> {
  return date ? ({ [key]: date.toISOString() } as Record<K, string>) : {};
}
