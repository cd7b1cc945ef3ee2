import { ConfigError, type ConfigIssue } from '../../lib/errors.js';
import { type Holiday, parseConfig, type Schedule } from '../../lib/schedule/config.js';

export function schedule(
  timezone: string,
  stop: string,
  start: string,
  holidays: readonly Holiday[] = [],
): Schedule {
  return { name: 'test', timezone, stop, start, holidays, startGraphs: false };
}

export const date = (year: number, month: number, day: number): Holiday => ({
  kind: 'date',
  year,
  month,
  day,
});
export const yearly = (month: number, day: number): Holiday => ({ kind: 'yearly', month, day });

export const iso = (d: Date | undefined) => d?.toISOString();

/** What the loader refuses in `text` (read at 2026-06-01); throws when it accepts it. */
export function issuesOf(text: string, now = new Date('2026-06-01T00:00:00Z')): readonly ConfigIssue[] {
  try {
    parseConfig(text, 'schedule.yaml', now);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('the config was accepted');
}
