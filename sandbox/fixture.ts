/**
 * Sandbox fixtures: `{ accounts, graphs, jobDurationMs?, latencyMs?, maxPageSize?, seed?, faults?,
 * rateLimit?, listMutations? }` in YAML or JSON (JSON is YAML). Graph statuses may be written as
 * numbers (`status: 200`).
 */
import { readFile } from 'node:fs/promises';
import * as v from 'valibot';
import { parse } from 'yaml';
import type { SandboxOptions } from './types.js';

const RequestKindSchema = v.picklist(['list', 'get', 'stop', 'start', 'job']);
const Status = v.pipe(
  v.union([v.string(), v.number()]),
  v.transform((s) => String(s)),
  v.regex(/^\d{3}$/, 'a status is a three-digit GES code such as "200"'),
);
const Millis = v.pipe(v.number(), v.minValue(0));

const EffectSchema = v.variant('type', [
  v.object({
    type: v.literal('status'),
    status: v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(599)),
    gesCode: v.optional(v.string()),
    message: v.optional(v.string()),
    retryAfter: v.optional(v.pipe(v.union([v.string(), v.number()]), v.transform(String))),
  }),
  v.object({ type: v.literal('reset') }),
  v.object({ type: v.literal('hang') }),
  v.object({ type: v.literal('lose-answer') }),
  v.object({ type: v.literal('malformed') }),
  v.object({ type: v.literal('latency'), ms: Millis }),
]);

const GraphSchema = v.strictObject({
  projectId: v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/, 'a project id is 32 lower-case hex characters')),
  id: v.pipe(v.string(), v.minLength(1)),
  name: v.pipe(v.string(), v.minLength(1)),
  status: Status,
  stopJob: v.optional(v.picklist(['success', 'failed', 'never'])),
  failReason: v.optional(v.string()),
  tags: v.optional(v.array(v.strictObject({ key: v.pipe(v.string(), v.minLength(1)), value: v.string() }))),
  sizeIndex: v.optional(
    v.pipe(
      v.union([v.string(), v.number()]),
      v.transform((s) => String(s)),
      v.regex(/^\d+$/, 'a size index is a GES graphSizeTypeIndex such as "1" or "401"'),
    ),
  ),
  replication: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
});

const RateLimitSchema = v.strictObject({
  requestsPerSecond: v.pipe(v.number(), v.gtValue(0)),
  burst: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  retryAfter: v.optional(
    v.union([v.picklist(['none', 'seconds']), v.pipe(v.number(), v.integer(), v.minValue(0))]),
  ),
});

const ListMutationSchema = v.strictObject({
  projectId: v.string(),
  afterPages: v.pipe(v.number(), v.integer(), v.minValue(1)),
  remove: v.optional(v.array(v.string())),
  add: v.optional(v.array(GraphSchema)),
  addAt: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});

const FixtureSchema = v.strictObject({
  accounts: v.pipe(
    v.array(
      v.strictObject({
        ak: v.pipe(v.string(), v.minLength(1)),
        sk: v.pipe(v.string(), v.minLength(1)),
        projectIds: v.optional(v.array(v.string())),
      }),
    ),
    v.minLength(1, 'at least one account is needed to sign requests'),
  ),
  graphs: v.array(GraphSchema),
  jobDurationMs: v.optional(Millis),
  latencyMs: v.optional(Millis),
  maxPageSize: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  seed: v.optional(v.pipe(v.number(), v.integer())),
  rateLimit: v.optional(RateLimitSchema),
  listMutations: v.optional(v.array(ListMutationSchema)),
  faults: v.optional(
    v.array(
      v.strictObject({
        kinds: v.optional(v.array(RequestKindSchema)),
        projectIds: v.optional(v.array(v.string())),
        graphIds: v.optional(v.array(v.string())),
        rate: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
        firstAttemptOnly: v.optional(v.boolean()),
        times: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
        effect: EffectSchema,
      }),
    ),
  ),
});

/** What a fixture file holds: the sandbox options without the clocks, the hook and the listening address. */
export type SandboxFixture = Omit<
  SandboxOptions,
  'now' | 'monotonicMs' | 'jobClock' | 'onSettled' | 'host' | 'port'
>;

/** Parses and checks a fixture's text; `source` names it in error messages. */
export function parseFixture(text: string, source: string): SandboxFixture {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new Error(`${source}: not valid YAML or JSON: ${(error as Error).message}`, { cause: error });
  }
  const result = v.safeParse(FixtureSchema, raw);
  if (!result.success) {
    const problems = result.issues.map((issue) => `  - ${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`);
    throw new Error(`${source}: not a sandbox fixture\n${problems.join('\n')}`);
  }
  return stripUndefined(result.output) as SandboxFixture;
}

export async function loadFixture(path: string): Promise<SandboxFixture> {
  return parseFixture(await readFile(path, 'utf8'), path);
}

/** exactOptionalPropertyTypes: valibot's optional keys come out as `key?: T | undefined`. */
function stripUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripUndefined);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .map(([k, item]) => [k, stripUndefined(item)]),
  );
}
