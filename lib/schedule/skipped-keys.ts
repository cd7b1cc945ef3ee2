/**
 * valibot's `record` leaves out keys named `__proto__`, `prototype` and `constructor` (its guard
 * against prototype pollution), silently. Unchecked, a schedule named "constructor" would vanish
 * unvalidated and a graph using it would crash the run, and a price under such a key would be
 * ignored. Those keys are checked here instead: schedules named "constructor" or "prototype" work
 * like any other, `__proto__` is refused by name (schedule names start with a letter or digit), and
 * under `pricing.hourly` all three are refused as not being size indices.
 */
import * as v from 'valibot';
import { fromValibot, type RawIssue } from './issues.js';
import { scheduleNameSchema, scheduleSchema } from './schema.js';
import { sizeIndexProblem } from './schema-settings.js';

const SKIPPED = ['__proto__', 'prototype', 'constructor'] as const;

export type ScheduleInput = v.InferOutput<typeof scheduleSchema>;

export interface SkippedKeys {
  readonly issues: RawIssue[];
  /** Valid schedules the schema's output leaves out, by name. */
  readonly schedules: [name: string, schedule: ScheduleInput][];
}

type Mapping = Readonly<Record<string, unknown>>;

function mapping(value: unknown): Mapping | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Mapping)
    : undefined;
}

/** The skipped keys that `value` has as its own. */
function skippedIn(value: Mapping | undefined): (typeof SKIPPED)[number][] {
  return value === undefined ? [] : SKIPPED.filter((key) => Object.hasOwn(value, key));
}

/** A valibot issue of a nested parse, moved to where the value sits in the file. */
function under(prefix: readonly string[], issue: v.BaseIssue<unknown>): RawIssue {
  const items = prefix.map(
    (key): v.IssuePathItem => ({ type: 'object', origin: 'value', input: {}, key, value: undefined }),
  );
  return fromValibot({ ...issue, path: [...items, ...(issue.path ?? [])] as typeof issue.path });
}

export function checkSkippedKeys(raw: unknown): SkippedKeys {
  const issues: RawIssue[] = [];
  const schedules: [string, ScheduleInput][] = [];
  const root = mapping(raw);
  const defined = mapping(root?.schedules);
  for (const name of skippedIn(defined)) {
    const at = ['schedules', name];
    const named = v.safeParse(scheduleNameSchema, name);
    if (!named.success)
      issues.push(...named.issues.map((i) => ({ path: at, message: i.message, at: 'key' as const })));
    const parsed = v.safeParse(scheduleSchema, defined?.[name], { abortEarly: false });
    if (!parsed.success) issues.push(...parsed.issues.map((i) => under(at, i)));
    if (named.success && parsed.success) schedules.push([name, parsed.output]);
  }
  const hourly = mapping(mapping(root?.pricing)?.hourly);
  for (const key of skippedIn(hourly)) {
    issues.push({ path: ['pricing', 'hourly', key], message: sizeIndexProblem(key), at: 'key' });
  }
  return { issues, schedules };
}
