/**
 * The savings report day by day (UTC days), for the chart: each day is the report itself over
 * that day (computeSavings with the day as its range), so the days add up to the report's totals
 * up to rounding, and a rule changed in the report changes the chart with it.
 */
import { EventError } from '../errors.js';
import { DAY_MS } from '../schedule/calendar.js';
import { computeSavings, type SavingsInput } from './savings.js';
import type { DaySavings } from './types.js';

/** A chart of more days than this would be unreadable: the range is refused before any work. */
export const MAX_DAYS = 400;

export function dailySavings(input: SavingsInput): DaySavings[] {
  const { from, to } = input;
  const first = Math.floor(from.getTime() / DAY_MS) * DAY_MS;
  const count = Math.ceil((to.getTime() - first) / DAY_MS);
  if (count > MAX_DAYS)
    throw new EventError(
      `a chart covers at most ${MAX_DAYS} days; from ${from.toISOString()} to ${to.toISOString()} is ${count}`,
    );
  const days: DaySavings[] = [];
  for (let start = first; start < to.getTime(); start += DAY_MS) {
    const dayFrom = new Date(Math.max(start, from.getTime()));
    const dayTo = new Date(Math.min(start + DAY_MS, to.getTime()));
    const { graphs, totals } = computeSavings({ ...input, from: dayFrom, to: dayTo });
    days.push({
      day: new Date(start).toISOString().slice(0, 10),
      from: dayFrom.toISOString(),
      to: dayTo.toISOString(),
      graphs: graphs
        .filter((g) => g.hoursStopped > 0)
        .map((g) => ({
          projectId: g.projectId,
          graphId: g.graphId,
          graphName: g.graphName,
          hoursStopped: g.hoursStopped,
          ...(g.saved === undefined ? {} : { saved: g.saved }),
        })),
      totals,
    });
  }
  return days;
}
