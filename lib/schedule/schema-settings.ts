/**
 * The config's `settings` and `pricing` sections, and the number rules they share with graph
 * entries. Part of the valibot schema in `schema.ts`.
 */
import * as v from 'valibot';

export const DEFAULT_SETTINGS = { concurrency: 8, requestTimeoutMs: 10_000, verifyJobs: true } as const;
export const LIMITS = { concurrency: [1, 64], requestTimeoutMs: [100, 300_000] } as const;
export const DEFAULT_CURRENCY = 'USD';

/** GES graph size indices (graphSizeTypeIndex) are decimal strings: "0"–"6", "401", … */
export const SIZE_INDEX_PATTERN = /^(?:0|[1-9][0-9]{0,5})$/;
export const CURRENCY_PATTERN = /^[A-Z]{3}$/;

const q = JSON.stringify;

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

/** A finite number (YAML's .inf is a number too) checked against a lower bound. */
function finiteFrom(bound: 'positive' | 'non-negative', description: string) {
  const say = (value: unknown) =>
    `must be a ${bound === 'positive' ? 'number greater than 0' : 'number of 0 or more'}, got ${describe(value)}`;
  const message = (issue: v.BaseIssue<unknown>) => say(issue.input);
  return v.pipe(
    v.number(),
    bound === 'positive' ? v.gtValue(0, message) : v.minValue(0, message),
    v.rawCheck(({ dataset, addIssue }) => {
      if (dataset.typed && !Number.isFinite(dataset.value)) addIssue({ message: say(dataset.value) });
    }),
    v.description(description),
  );
}

export const hourlyPrice = (description: string) => finiteFrom('non-negative', description);

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
  maxRequestsPerSecond: v.optional(
    finiteFrom(
      'positive',
      'Cap on requests per second per (endpoint, access key); default: no cap, the pace adapts to throttling',
    ),
  ),
});

const currencies = new Set(Intl.supportedValuesOf('currency'));

export const pricingSchema = v.strictObject({
  currency: v.optional(
    v.pipe(
      v.string(),
      v.regex(CURRENCY_PATTERN, (issue) => {
        const value = String(issue.input);
        const upper = value.toUpperCase();
        const hint = CURRENCY_PATTERN.test(upper) ? `write ${q(upper)}` : 'such as USD, EUR or CNY';
        return `${q(value)} is not a currency code: use the 3-letter ISO 4217 code, ${hint}`;
      }),
      v.rawCheck(({ dataset, addIssue }) => {
        if (!dataset.typed || !CURRENCY_PATTERN.test(dataset.value) || currencies.has(dataset.value)) return;
        addIssue({
          message: `${q(dataset.value)} is not a known ISO 4217 currency code, such as USD, EUR or CNY`,
        });
      }),
      v.description('ISO 4217 code of the prices below; default USD'),
    ),
    DEFAULT_CURRENCY,
  ),
  hourly: v.optional(
    v.pipe(
      v.record(
        v.pipe(
          v.string(),
          v.regex(SIZE_INDEX_PATTERN, (issue) => sizeIndexProblem(String(issue.input))),
        ),
        hourlyPrice('Price per hour of one replica of this graph size'),
      ),
      v.description(
        'Price per hour by GES graph size index (graphSizeTypeIndex: 0, 1, 2, 3, 4, 5, 6, 401), per replica',
      ),
    ),
    {},
  ),
});

export function sizeIndexProblem(key: string): string {
  return `${q(key)} is not a GES graph size index: use the graphSizeTypeIndex number as GES reports it, e.g. "1" (million-edge) or "4" (billion-edge)`;
}
