/**
 * Problems in a config file, in words a user understands: valibot's issues are rewritten here,
 * paths are printed as `projects[0].graphs[2].schedule`, and each problem is located in the YAML
 * (line and column) when the document has a node for it.
 */
import type * as v from 'valibot';
import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter } from 'yaml';
import type { ConfigIssue } from '../errors.js';
import { closest } from '../suggest.js';
import {
  configSchema,
  describe,
  graphSchema,
  pricingSchema,
  projectSchema,
  scheduleSchema,
  settingsSchema,
} from './schema.js';

export type PathKey = string | number;

/** A problem before it is located: `at: 'key'` points at the key itself (unknown keys). */
export interface RawIssue {
  readonly path: readonly PathKey[];
  readonly message: string;
  readonly at?: 'key';
}

export function formatPath(path: readonly PathKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

const REQUIRED: Readonly<Record<string, string>> = {
  schedules: 'the named schedules that graphs refer to',
  projects: 'the list of projects and their graphs',
  timezone: 'the IANA time zone the schedule is read in, e.g. Europe/Berlin',
  stop: 'the 5-field cron at which off-hours begin, e.g. "0 20 * * 1-5"',
  start: 'the 5-field cron at which off-hours end, e.g. "0 7 * * 1-5"',
  projectId: 'the 32-character project id',
  region: 'the region, e.g. cn-north-4',
  graphs: 'the list of graphs to stop in this project',
  schedule: 'the name of an entry under schedules',
};

const ALIASES: Readonly<Record<string, string>> = {
  tz: 'timezone',
  zone: 'timezone',
  project: 'projectId',
  graph: 'graphs',
  secret: 'credentialsSecret',
  url: 'endpoint',
  cron: 'stop',
};

export function fromValibot(issue: v.BaseIssue<unknown>): RawIssue {
  const items = issue.path ?? [];
  const path = items.map((item) => item.key as PathKey);
  const key = path.at(-1);
  if (issue.kind === 'schema' && issue.type === 'strict_object') {
    if (issue.expected === 'never') return { path, message: unknownKeyMessage(path), at: 'key' };
    if (issue.input === undefined && typeof key === 'string') {
      const hint = Object.hasOwn(REQUIRED, key) ? REQUIRED[key] : undefined;
      return { path, message: hint === undefined ? 'is required' : `is required: ${hint}` };
    }
  }
  const last = items.at(-1);
  if (last !== undefined && 'origin' in last && last.origin === 'key') {
    // A record's key (a schedule name): the schema's message already says what is wrong.
    return { path, message: issue.message, at: 'key' };
  }
  if (issue.kind !== 'schema' || issue.type === 'picklist') return { path, message: issue.message };
  return { path, message: typeMessage(issue.type, issue.input) ?? issue.message };
}

function typeMessage(type: string, input: unknown): string | undefined {
  const got = describe(input);
  switch (type) {
    case 'string': {
      const quote =
        typeof input === 'number' || typeof input === 'boolean'
          ? ' (YAML reads unquoted numbers and true/false as such: put the value in quotes)'
          : '';
      return `must be text, got ${got}${quote}`;
    }
    case 'number':
      return `must be a number, got ${got}`;
    case 'boolean':
      return `must be true or false, got ${got}`;
    case 'array':
      return `must be a list (items starting with "- "), got ${got}`;
    case 'strict_object':
    case 'object':
    case 'record':
      return `must be a mapping (key: value lines), got ${got}`;
    default:
      return undefined;
  }
}

function allowedKeys(parent: readonly PathKey[]): readonly string[] {
  const shape = parent.map((k) => (typeof k === 'number' ? '[]' : k));
  const at = shape.join('.');
  if (at === '') return Object.keys(configSchema.entries);
  if (at === 'settings') return Object.keys(settingsSchema.entries);
  if (at === 'pricing') return Object.keys(pricingSchema.entries);
  if (shape[0] === 'schedules' && shape.length === 2) return Object.keys(scheduleSchema.entries);
  if (at === 'projects.[]') return Object.keys(projectSchema.entries);
  if (at === 'projects.[].graphs.[]') return Object.keys(graphSchema.entries);
  return [];
}

function unknownKeyMessage(path: readonly PathKey[]): string {
  const key = String(path.at(-1));
  const allowed = allowedKeys(path.slice(0, -1)).filter((k) => k !== '$schema');
  const guess = closest(key, allowed, ALIASES);
  const hint =
    guess === undefined ? `allowed: ${allowed.join(', ')}` : `did you mean ${JSON.stringify(guess)}?`;
  return `unknown key ${JSON.stringify(key)}: ${hint}`;
}

/** Character offset of the node a problem is about: the value, the key, or the nearest parent. */
function offsetOf(doc: Document, issue: RawIssue): number | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined;
  for (const [i, key] of issue.path.entries()) {
    if (isAlias(node)) node = node.resolve(doc);
    offset = rangeStart(node) ?? offset;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      if (pair === undefined) return offset;
      const keyStart = rangeStart(pair.key);
      if (i === issue.path.length - 1 && issue.at === 'key') return keyStart ?? offset;
      node = pair.value;
      offset = keyStart ?? offset;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
    } else {
      return offset;
    }
  }
  if (isAlias(node)) node = node.resolve(doc);
  return rangeStart(node) ?? offset;
}

function rangeStart(node: unknown): number | undefined {
  if (typeof node !== 'object' || node === null || !('range' in node)) return undefined;
  const range = (node as { range?: readonly number[] | null }).range;
  return range?.[0];
}

export function locate(issues: readonly RawIssue[], doc: Document, lines: LineCounter): ConfigIssue[] {
  const seen = new Set<string>();
  const located: ConfigIssue[] = [];
  for (const issue of issues) {
    const path = formatPath(issue.path);
    const id = `${path}\n${issue.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const offset = offsetOf(doc, issue);
    const pos = offset === undefined ? undefined : lines.linePos(offset);
    located.push(
      pos === undefined
        ? { path, message: issue.message }
        : { path, message: issue.message, line: pos.line, column: pos.col },
    );
  }
  // Stable: in file order, problems without a position last.
  return located
    .map((issue, index) => ({ issue, index }))
    .sort(
      (a, b) =>
        (a.issue.line ?? Infinity) - (b.issue.line ?? Infinity) ||
        (a.issue.column ?? 0) - (b.issue.column ?? 0) ||
        a.index - b.index,
    )
    .map(({ issue }) => issue);
}
