/**
 * Turns whatever Lambda hands the function into a RunRequest (docs/contracts.md §3), or an EventError that
 * says what is wrong. Runs before any API call.
 */
import { EventError } from '../errors.js';
import { MAX_PAUSE_DAYS, MAX_REASON_LENGTH, pauseUntilProblem } from '../pause/state.js';
import { closest } from '../suggest.js';
import type { RunRequest } from './types.js';

const KEYS: Readonly<Record<string, readonly string[]>> = {
  reconcile: ['action', 'dryRun', 'at'],
  stop: ['action', 'dryRun', 'graphs', 'projectId', 'at'],
  start: ['action', 'dryRun', 'graphs', 'projectId', 'at'],
  plan: ['action', 'dryRun', 'at'],
  report: ['action', 'from', 'to'],
  pause: ['action', 'until', 'reason'],
  resume: ['action'],
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
  '{"dryRun":true,"at":"2026-12-07T07:05:00Z"} (rehearse), ' +
  '{"action": "report", "from": "2026-11-01T00:00:00Z", "to": "2026-12-01T00:00:00Z"}, ' +
  '{"action": "history", "graphs": ["name-or-id"], "from": "2026-11-24T00:00:00Z"}; ' +
  '{"action":"pause","until":"2026-12-28T08:00:00Z","reason":"..."} and {"action":"resume"}';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `now` is only the default end of a report's range. */
export function parseEvent(event: unknown, now: Date = new Date()): RunRequest {
  if (event === undefined || event === null) return { action: 'reconcile', dryRun: false };
  if (!isRecord(event))
    throw new EventError(`event must be a JSON object, got ${short(JSON.stringify(event))}; ${EXAMPLES}`);
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
    throw new EventError(`unknown action ${short(JSON.stringify(action))}: ${hint}; ${EXAMPLES}`);
  }
  const unknown = Object.keys(event).filter((k) => !KEYS[action]!.includes(k));
  if (unknown.length > 0) {
    const fields =
      unknown
        .slice(0, 5)
        .map((k) => `${short(JSON.stringify(k))}${keyHint(k, action)}`)
        .join(', ') + (unknown.length > 5 ? `, and ${unknown.length - 5} more` : '');
    throw new EventError(
      `unknown field${unknown.length > 1 ? 's' : ''} ${fields} for action "${action}"; ${EXAMPLES}`,
    );
  }
  const dryRun = event.dryRun ?? false;
  if (typeof dryRun !== 'boolean')
    throw new EventError(`"dryRun" must be true or false, got ${short(JSON.stringify(dryRun))}`);

  switch (action) {
    case 'reconcile':
      return { action, dryRun, at: rehearsal(event.at, dryRun) };
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
    case 'pause':
      return parsePause(event, now);
    case 'resume':
      return { action, dryRun: false };
    default:
      return {
        action: action === 'start' ? 'start' : 'stop',
        dryRun,
        graphs: parseGraphs(event.graphs),
        projectId: parseProjectId(event.projectId),
        at: rehearsal(event.at, dryRun),
      };
  }
}

/**
 * `at` on reconcile, stop and start rehearses a dry run at another instant. A real run acts now:
 * a stop sent "as at" another time would act on a decision nobody asked for.
 */
function rehearsal(at: unknown, dryRun: boolean): Date | undefined {
  const instant = parseAt(at);
  if (instant !== undefined && !dryRun) {
    throw new EventError(
      '"at" rehearses a dry run: add "dryRun": true (a real run always acts now, never as at another instant)',
    );
  }
  return instant;
}

/** A pause must end by itself: `until` is required, in the future, and at most MAX_PAUSE_DAYS away. */
function parsePause(event: Record<string, unknown>, now: Date): RunRequest {
  if (event.until === undefined) {
    throw new EventError(
      `a pause needs "until" (it ends by itself then; at most ${MAX_PAUSE_DAYS} days): ` +
        '{"action":"pause","until":"2026-12-28T08:00:00Z","reason":"holiday freeze"}',
    );
  }
  const until = parseAt(event.until, 'until')!;
  const problem = pauseUntilProblem(until, now);
  if (problem !== undefined) throw new EventError(problem);
  const reason = event.reason;
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > MAX_REASON_LENGTH) {
    throw new EventError(
      `a pause needs a "reason" (a non-empty text of at most ${MAX_REASON_LENGTH} characters, shown by plan, check and the logs); got ${short(JSON.stringify(reason))}`,
    );
  }
  return { action: 'pause', dryRun: false, until, reason: reason.trim() };
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
      `"${field}" must be an ISO-8601 instant with a zone, like "2026-03-29T01:30:00Z"; got ${short(JSON.stringify(at))}`,
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
    throw new EventError(`"${field}" is not a date and time that exists; got ${short(JSON.stringify(at))}`);
  }
  const instant = new Date(at);
  // The ledger stores instants as ISO strings and the report compares them as strings: beyond
  // 9999 (+010000-…) they would sort before every real one.
  const utcYear = instant.getUTCFullYear();
  if (utcYear < 0 || utcYear > 9999) {
    throw new EventError(
      `"${field}" must fall in the years 0000 to 9999 (UTC); got ${short(JSON.stringify(at))}`,
    );
  }
  return instant;
}

function parseGraphs(graphs: unknown): 'all' | readonly string[] {
  if (graphs === 'all') return 'all';
  if (!Array.isArray(graphs) || graphs.length === 0) {
    throw new EventError(
      `"graphs" must be "all" or a non-empty list of graph names or ids; got ${short(JSON.stringify(graphs))}`,
    );
  }
  if (graphs.length > MAX_GRAPHS) {
    throw new EventError(
      `"graphs" names ${graphs.length} graphs; at most ${MAX_GRAPHS} per event: split the list, or use "all"`,
    );
  }
  const bad = graphs.filter((g) => typeof g !== 'string' || g.trim() === '');
  if (bad.length > 0)
    throw new EventError(`"graphs" entries must be non-empty strings; got ${short(JSON.stringify(bad[0]))}`);
  const names = [...new Set((graphs as string[]).map((g) => g.trim()))];
  const long = names.filter((g) => g.length > MAX_NAME_LENGTH);
  if (long.length > 0) {
    const shown = long.slice(0, 3).map((g) => `${short(JSON.stringify(g))} (${g.length} characters)`);
    const more = long.length > 3 ? `, and ${long.length - 3} more` : '';
    throw new EventError(
      `"graphs" entries must be at most ${MAX_NAME_LENGTH} characters (GES names and ids are at most 64): ` +
        `${shown.join(', ')}${more}`,
    );
  }
  return names;
}

/** Graphs one ad-hoc event may name, and how long each name may be: errors stay one short log line. */
export const MAX_GRAPHS = 1000;
export const MAX_NAME_LENGTH = 128;

/** A value quoted in an error, cut so that the error stays short whatever was sent. */
function short(text: string | undefined, width = 40): string {
  if (text === undefined) return 'undefined';
  return text.length <= width ? text : `${text.slice(0, width)}…`;
}

function parseProjectId(projectId: unknown): string | undefined {
  if (projectId === undefined) return undefined;
  if (typeof projectId !== 'string' || !/^[0-9a-f]{32}$/i.test(projectId)) {
    throw new EventError(`"projectId" must be 32 hex characters; got ${short(JSON.stringify(projectId))}`);
  }
  return projectId;
}
