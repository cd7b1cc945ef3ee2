import type { Holiday, Schedule } from '../../lib/schedule/config.js';

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
