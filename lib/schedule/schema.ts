/**
 * The config file's shape, in valibot. One schema serves validation (with the messages users
 * see) and the JSON Schema (`npm run schema`); checks that JSON Schema cannot express (cron,
 * zones, real dates) are `rawCheck`s, which the generator leaves out.
 */
import * as v from 'valibot';
import { endpointProblem, REGION_PATTERN } from '../ges/endpoints.js';
import { parseCron } from './cron.js';
import { HOLIDAY_PATTERN, parseHoliday } from './holidays.js';
import { instantProblem } from './instant.js';
import { zoneProblem } from './zone.js';

export const DEFAULT_SETTINGS = { concurrency: 8, requestTimeoutMs: 10_000, verifyJobs: true } as const;
export const LIMITS = { concurrency: [1, 64], requestTimeoutMs: [100, 300_000] } as const;

export const SCHEDULE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const PROJECT_ID_PATTERN = /^[0-9a-f]{32}$/;
export const GRAPH_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
export const GRAPH_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
export const SECRET_PATTERN = /^[A-Za-z0-9/_+=.@:-]{1,2048}$/;

type Problem = (value: string) => string | undefined;

/** A string checked by a function that returns the user-facing problem, if any. */
function checked(problem: Problem, description: string) {
  return v.pipe(
    v.string(),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const message = problem(dataset.value);
      if (message !== undefined) addIssue({ message });
    }),
    v.description(description),
  );
}

/** A string matching a pattern; the message explains the format and quotes the value. */
function patterned(pattern: RegExp, explain: (value: string) => string, description: string) {
  return v.pipe(
    v.string(),
    v.regex(pattern, (issue) => explain(String(issue.input))),
    v.description(description),
  );
}

const q = JSON.stringify;

/** Characters that would make an id change the request's URL path or query. */
function urlHazard(value: string): string {
  const bad = /[/\\?#%]|\.\.|\s/.exec(value);
  return bad === null ? '' : `contains ${q(bad[0])}, which would change the request URL path; `;
}

const cron = (role: string) =>
  checked((value) => {
    const result = parseCron(value);
    return 'problem' in result ? `${result.problem}` : undefined;
  }, `5-field cron (minute hour day-of-month month day-of-week) in the schedule's time zone: ${role}`);

const holiday = v.pipe(
  v.string(),
  v.regex(HOLIDAY_PATTERN, (issue) => {
    const result = parseHoliday(String(issue.input));
    return 'problem' in result ? result.problem : 'invalid holiday';
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed || !HOLIDAY_PATTERN.test(dataset.value)) return;
    const result = parseHoliday(dataset.value);
    if ('problem' in result) addIssue({ message: result.problem });
  }),
  v.description('A whole local day of off-hours: YYYY-MM-DD (one date) or MM-DD (every year; quote it)'),
);

export const scheduleSchema = v.strictObject({
  timezone: checked(zoneProblem, 'IANA time zone, e.g. Europe/Berlin'),
  stop: cron('off-hours begin'),
  start: cron('off-hours end'),
  holidays: v.optional(
    v.nullable(v.pipe(v.array(holiday), v.description('Whole local days that are off-hours; default none'))),
  ),
});

export const graphSchema = v.strictObject({
  id: v.optional(
    patterned(
      GRAPH_ID_PATTERN,
      (value) =>
        `${q(value)} is not a graph id: ${urlHazard(value)}ids are letters, digits and "-" (like 11111111-2222-3333-4444-555555555555)`,
      'Graph id (letters, digits and -); give id, name or both',
    ),
  ),
  name: v.optional(
    patterned(
      GRAPH_NAME_PATTERN,
      (value) =>
        `${q(value)} is not a graph name: ${urlHazard(value)}names start with a letter, then up to 63 letters, digits, "_" or "-"`,
      'Graph name, resolved to its id by listing the project; give id, name or both',
    ),
  ),
  schedule: v.pipe(v.string(), v.description('Name of an entry under schedules')),
  skipUntil: v.optional(
    checked(instantProblem, 'Leave the graph alone until this ISO-8601 instant with a zone (Z or +01:00)'),
  ),
});

export const projectSchema = v.strictObject({
  projectId: patterned(
    PROJECT_ID_PATTERN,
    (value) =>
      `${q(value)} is not a project id: ${urlHazard(value)}expected 32 lowercase hex characters (0-9, a-f), like 0123456789abcdef0123456789abcdef`,
    'Huawei Cloud project id: 32 lowercase hex characters',
  ),
  region: patterned(
    REGION_PATTERN,
    (value) => `${q(value)} is not a region name: expected something like cn-north-4 or eu-west-101`,
    'Huawei Cloud region, e.g. cn-north-4',
  ),
  endpoint: v.optional(
    checked((value) => {
      const problem = endpointProblem(value);
      return problem === undefined ? undefined : `${q(value)} ${problem}`;
    }, 'GES endpoint; default https://ges.{region}.myhuaweicloud.com (.eu for eu-west-101)'),
  ),
  apiVersion: v.optional(
    v.pipe(
      v.picklist(['v1', 'v2'], (issue) => `must be v1 or v2, got ${describe(issue.input)}`),
      v.description('GES API generation of this project'),
    ),
    'v1',
  ),
  credentialsSecret: v.optional(
    patterned(
      SECRET_PATTERN,
      (value) => `${q(value)} is not a Secrets Manager secret name or ARN (letters, digits and /_+=.@:-)`,
      'Secrets Manager secret (name or ARN) with {"ak","sk"}; default: GES_CREDENTIALS_SECRET',
    ),
  ),
  graphs: v.pipe(
    v.array(graphSchema),
    v.minLength(1, 'lists no graphs: add at least one'),
    v.description('Graphs to stop during their schedule’s off-hours'),
  ),
});

function integerIn(key: keyof typeof LIMITS, unit: string, description: string) {
  const [min, max] = LIMITS[key];
  const message = (issue: v.BaseIssue<unknown>) =>
    `must be a whole number from ${min} to ${max}${unit}, got ${describe(issue.input)}`;
  return v.optional(
    v.pipe(
      v.number(),
      v.integer(message),
      v.minValue(min, message),
      v.maxValue(max, message),
      v.description(description),
    ),
    DEFAULT_SETTINGS[key],
  );
}

export const settingsSchema = v.strictObject({
  concurrency: integerIn('concurrency', '', 'Requests in flight per endpoint'),
  requestTimeoutMs: integerIn(
    'requestTimeoutMs',
    ' (milliseconds)',
    'Timeout of one GES request, in milliseconds',
  ),
  verifyJobs: v.optional(
    v.pipe(v.boolean(), v.description('Poll each stop job until it ends or time runs short')),
    DEFAULT_SETTINGS.verifyJobs,
  ),
});

export const configSchema = v.strictObject({
  $schema: v.optional(v.pipe(v.string(), v.description('JSON Schema reference for editors; ignored'))),
  schedules: v.pipe(
    v.record(
      v.pipe(
        v.string(),
        v.regex(
          SCHEDULE_NAME_PATTERN,
          (issue) =>
            `${q(issue.input)} is not a usable schedule name: start with a letter or digit, then letters, digits, "_", "." or "-" (up to 64)`,
        ),
      ),
      scheduleSchema,
    ),
    v.check((record) => Object.keys(record).length > 0, 'defines no schedules: add at least one'),
    v.description('Named schedules that graphs refer to'),
  ),
  projects: v.pipe(
    v.array(projectSchema),
    v.minLength(1, 'lists no projects: add at least one'),
    v.description('Huawei Cloud projects and their graphs'),
  ),
  settings: v.optional(v.nullable(v.pipe(settingsSchema, v.description('Run settings; all optional')))),
});

export type ConfigInput = v.InferOutput<typeof configSchema>;

/** A value as a user would recognise it in a message. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return q(value);
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return value.toISOString();
  return 'a mapping';
}
