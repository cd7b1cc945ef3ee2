/**
 * Turns whatever Lambda hands the function into a RunRequest (docs/contracts.md §3), or an EventError that
 * says what is wrong. Runs before any API call.
 */
import { EventError } from '../errors.js';
import { closest } from '../suggest.js';
import type { RunRequest } from './types.js';

const KEYS: Readonly<Record<string, readonly string[]>> = {
  reconcile: ['action', 'dryRun'],
  stop: ['action', 'dryRun', 'graphs', 'projectId'],
  start: ['action', 'dryRun', 'graphs', 'projectId'],
  plan: ['action', 'dryRun', 'at'],
  report: ['action', 'from', 'to'],
  history: ['action', 'graphs', 'from', 'to'],
};

/** A report without `from` covers this long before `to`. */
const DEFAULT_REPORT_DAYS = 30;
/** A history without `from`: one graph's week. */
const DEFAULT_HISTORY_DAYS = 7;

const ACTIONS = Object.keys(KEYS);
const ALL_KEYS = [...new Set(Object.values(KEYS).flat())];
/** Words people reach for that are no simple typo of the key they mean. */
const KEY_ALIASES: Readonly<Record<string, string>> = {
  project: 'projectId',
  names: 'graphs',
  ids: 'graphs',
};

const EXAMPLES =
  'expected a scheduled event, {}, {"action":"reconcile"}, {"action":"stop"|"start","graphs":["name-or-id"]|"all"}, ' +
  '{"action":"plan","at":"2026-03-29T01:30:00Z"}, each optionally with "dryRun": true, ' +
  '{"action": "report", "from": "2026-11-01T00:00:00Z", "to": "2026-12-01T00:00:00Z"}, ' +
  'or {"action": "history", "graphs": ["name-or-id"], "from": "2026-11-24T00:00:00Z"}';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `now` is only the default end of a report's range. */
export function parseEvent(event: unknown, now: Date = new Date()): RunRequest {
  if (event === undefined || event === null) return { action: 'reconcile', dryRun: false };
  if (!isRecord(event))
    throw new EventError(`event must be a JSON object, got ${JSON.stringify(event)}; ${EXAMPLES}`);
  // EventBridge scheduled events carry fields of their own; only their detail-type matters. One
  // that also says `action` or `dryRun` was edited by hand: refuse it rather than guess which
  // half was meant (a dropped "dryRun": true would stop graphs for real).
  if (event['detail-type'] === 'Scheduled Event' || event.source === 'aws.events') {
    if ('action' in event || 'dryRun' in event) {
      throw new EventError(
        `a scheduled event with "action" or "dryRun" is ambiguous: send {"dryRun": true} or {"action": ...} alone; ${EXAMPLES}`,
      );
    }
    return { action: 'reconcile', dryRun: false };
  }
  const action = event.action ?? 'reconcile';
  if (typeof action !== 'string' || !Object.hasOwn(KEYS, action)) {
    const guess = typeof action === 'string' ? closest(action, ACTIONS) : undefined;
    const hint =
      guess === undefined
        ? `actions are ${ACTIONS.map((a) => `"${a}"`).join(', ')}`
        : `did you mean "${guess}"?`;
    throw new EventError(`unknown action ${JSON.stringify(action)}: ${hint}; ${EXAMPLES}`);
  }
  const unknown = Object.keys(event).filter((k) => !KEYS[action]!.includes(k));
  if (unknown.length > 0) {
    const fields = unknown.map((k) => `"${k}"${keyHint(k, action)}`).join(', ');
    throw new EventError(
      `unknown field${unknown.length > 1 ? 's' : ''} ${fields} for action "${action}"; ${EXAMPLES}`,
    );
  }
  const dryRun = event.dryRun ?? false;
  if (typeof dryRun !== 'boolean')
    throw new EventError(`"dryRun" must be true or false, got ${JSON.stringify(dryRun)}`);

  switch (action) {
    case 'reconcile':
      return { action, dryRun };
    case 'plan':
      return { action, dryRun, at: parseAt(event.at) };
    case 'report':
      return { action, dryRun, ...parseRange(event, now, DEFAULT_REPORT_DAYS) };
    case 'history':
      return {
        action,
        dryRun,
        ...(event.graphs === undefined || event.graphs === 'all'
          ? {}
          : { graphs: parseGraphs(event.graphs) as readonly string[] }),
        ...parseRange(event, now, DEFAULT_HISTORY_DAYS),
      };
    default:
      return {
        action: action === 'start' ? 'start' : 'stop',
        dryRun,
        graphs: parseGraphs(event.graphs),
        projectId: parseProjectId(event.projectId),
      };
  }
}

/** `from` and `to` of a ledger read: `to` defaults to now, `from` to `days` before `to`. */
function parseRange(event: Record<string, unknown>, now: Date, days: number): { from: Date; to: Date } {
  const to = parseAt(event.to, 'to') ?? now;
  const from = parseAt(event.from, 'from') ?? new Date(to.getTime() - days * 86_400_000);
  if (from >= to)
    throw new EventError(`"from" (${from.toISOString()}) must be before "to" (${to.toISOString()})`);
  return { from, to };
}

/** ` (did you mean "graphs"?)`, or which action takes a key that is right for another one. */
function keyHint(key: string, action: string): string {
  const guess = closest(key, ALL_KEYS, KEY_ALIASES);
  if (guess === undefined) return '';
  const mean = guess === key ? '' : `did you mean "${guess}"`;
  if (KEYS[action]!.includes(guess)) return ` (${mean}?)`;
  const takers = ACTIONS.filter((a) => KEYS[a]!.includes(guess)).map((a) => `"action": "${a}"`);
  return ` (${mean === '' ? '' : `${mean}, `}only with ${takers.join(' or ')})`;
}

/** `YYYY-MM-DDThh:mm[:ss[.fff]]` and a zone: a four-digit year, so instants sort as strings do. */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

function parseAt(at: unknown, field = 'at'): Date | undefined {
  if (at === undefined) return undefined;
  const parts = typeof at === 'string' ? INSTANT.exec(at) : null;
  if (typeof at !== 'string' || !parts || Number.isNaN(Date.parse(at))) {
    throw new EventError(
      `"${field}" must be an ISO-8601 instant with a zone, like "2026-03-29T01:30:00Z"; got ${JSON.stringify(at)}`,
    );
  }
  // Date.parse rolls an impossible date over (2026-02-30 becomes 2 March): the written date and
  // time must come back unchanged.
  const written = parts.slice(1, 7).map((p) => Number(p ?? 0));
  const [year, month, day, hour, minute, second] = written as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const wall = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  wall.setUTCFullYear(year); // Date.UTC would read years 0-99 as 1900-1999
  const back = [
    wall.getUTCFullYear(),
    wall.getUTCMonth() + 1,
    wall.getUTCDate(),
    wall.getUTCHours(),
    wall.getUTCMinutes(),
    wall.getUTCSeconds(),
  ];
  if (back.join() !== written.join()) {
    throw new EventError(`"${field}" is not a date and time that exists; got ${JSON.stringify(at)}`);
  }
  const instant = new Date(at);
  // The ledger stores instants as ISO strings and the report compares them as strings: beyond
  // 9999 (+010000-…) they would sort before every real one.
  const utcYear = instant.getUTCFullYear();
  if (utcYear < 0 || utcYear > 9999) {
    throw new EventError(`"${field}" must fall in the years 0000 to 9999 (UTC); got ${JSON.stringify(at)}`);
  }
  return instant;
}

function parseGraphs(graphs: unknown): 'all' | readonly string[] {
  if (graphs === 'all') return 'all';
  if (!Array.isArray(graphs) || graphs.length === 0) {
    throw new EventError(
      `"graphs" must be "all" or a non-empty list of graph names or ids; got ${JSON.stringify(graphs)}`,
    );
  }
  const bad = graphs.filter((g) => typeof g !== 'string' || g.trim() === '');
  if (bad.length > 0)
    throw new EventError(`"graphs" entries must be non-empty strings; got ${JSON.stringify(bad[0])}`);
  return [...new Set((graphs as string[]).map((g) => g.trim()))];
}

function parseProjectId(projectId: unknown): string | undefined {
  if (projectId === undefined) return undefined;
  if (typeof projectId !== 'string' || !/^[0-9a-f]{32}$/i.test(projectId)) {
    throw new EventError(`"projectId" must be 32 hex characters; got ${JSON.stringify(projectId)}`);
  }
  return projectId;
}
