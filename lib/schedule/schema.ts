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
import { describe, hourlyPrice, pricingSchema, settingsSchema } from './schema-settings.js';
import { zoneProblem } from './zone.js';

export {
  DEFAULT_CURRENCY,
  DEFAULT_SETTINGS,
  describe,
  LIMITS,
  pricingSchema,
  settingsSchema,
} from './schema-settings.js';

export const SCHEDULE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const PROJECT_ID_PATTERN = /^[0-9a-f]{32}$/;
export const GRAPH_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
export const GRAPH_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
export const SECRET_PATTERN = /^[A-Za-z0-9/_+=.@:-]{1,2048}$/;
/**
 * Huawei Cloud tag keys (TMS rules, which GES tags follow): 1–128 characters of letters (any
 * script), digits, spaces and _ . : = + - @; no space at either end; `_sys_` is reserved.
 */
export const TAG_KEY_PATTERN =
  /^(?!_sys_)[\p{L}\p{N}_.:=+@-](?:[\p{L}\p{N} _.:=+@-]{0,126}[\p{L}\p{N}_.:=+@-])?$/u;

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
  startGraphs: v.optional(
    v.pipe(
      v.boolean(),
      v.description(
        'When off-hours end, start again the graphs this function stopped in them; default false',
      ),
    ),
    false,
  ),
});

/** Schedule names: also keys of `Config.schedules` and values of the schedule tag. */
export const scheduleNameSchema = v.pipe(
  v.string(),
  v.regex(
    SCHEDULE_NAME_PATTERN,
    (issue) =>
      `${q(issue.input)} is not a usable schedule name: start with a letter or digit, then letters, digits, "_", "." or "-" (up to 64)`,
  ),
);

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
  startGraphs: v.optional(
    v.pipe(v.boolean(), v.description("Overrides the schedule's startGraphs for this graph")),
  ),
  hourlyPrice: v.optional(hourlyPrice('Price per hour of this graph; overrides pricing.hourly')),
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
  scheduleTag: v.optional(
    checked(
      tagKeyProblem,
      'Tag key whose value names the schedule of a graph not listed under graphs ("off" opts out); 1-128 letters, digits, spaces and _.:=+-@',
    ),
  ),
  // At least one graph unless scheduleTag is set: checked in validate.ts (and by if/then in the
  // JSON Schema, added by scripts/gen-schema.ts).
  graphs: v.optional(
    v.nullable(
      v.pipe(
        v.array(graphSchema),
        v.description('Graphs to stop during their schedule’s off-hours; may be empty with scheduleTag'),
      ),
    ),
  ),
});

function tagKeyProblem(value: string): string | undefined {
  if (TAG_KEY_PATTERN.test(value)) return undefined;
  const why = value.startsWith('_sys_')
    ? 'keys starting with _sys_ are reserved for the system'
    : value.trim() !== value
      ? 'a tag key cannot start or end with a space'
      : 'tag keys are 1-128 letters, digits, spaces and _ . : = + - @';
  return `${q(value)} is not a tag key: ${why}, e.g. offhours`;
}

export const configSchema = v.strictObject({
  $schema: v.optional(v.pipe(v.string(), v.description('JSON Schema reference for editors; ignored'))),
  schedules: v.pipe(
    // At least one, and names valibot's record skips (constructor, …): see skipped-keys.ts.
    v.record(scheduleNameSchema, scheduleSchema),
    v.description('Named schedules that graphs refer to'),
  ),
  projects: v.pipe(
    v.array(projectSchema),
    v.minLength(1, 'lists no projects: add at least one'),
    v.description('Huawei Cloud projects and their graphs'),
  ),
  settings: v.optional(v.nullable(v.pipe(settingsSchema, v.description('Run settings; all optional')))),
  pricing: v.optional(
    v.nullable(
      v.pipe(
        pricingSchema,
        v.description('Prices for the savings report; graphs without a price report hours only'),
      ),
    ),
  ),
});

export type ConfigInput = v.InferOutput<typeof configSchema>;
