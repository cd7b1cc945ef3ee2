/**
 * Loading the schedule config (docs/contracts.md §1): YAML (or JSON) → validated, frozen `Config`, plus
 * warnings for the caller to log. Every problem in the file is reported at once in one
 * ConfigError, each with its path and, where the document allows, line and column.
 */
import { readFile } from 'node:fs/promises';
import * as v from 'valibot';
import { isMap, isScalar, LineCounter, parseDocument, visit } from 'yaml';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { defaultEndpoint } from '../ges/endpoints.js';
import { parseHoliday } from './holidays.js';
import { parseInstant } from './instant.js';
import { formatPath, fromValibot, locate, type PathKey } from './issues.js';
import { type ConfigInput, configSchema, DEFAULT_CURRENCY, DEFAULT_SETTINGS } from './schema.js';
import { checkSkippedKeys, type ScheduleInput } from './skipped-keys.js';
import type { Config, ConfigWarning, GraphConfig, Holiday, ProjectConfig, Schedule } from './types.js';
import { crossCheck, listsForMappings } from './validate.js';
import { configWarnings } from './warnings.js';

export type {
  Config,
  ConfigWarning,
  GraphConfig,
  Holiday,
  Pricing,
  ProjectConfig,
  Schedule,
  Settings,
} from './types.js';

export interface LoadedConfig {
  readonly config: Config;
  readonly warnings: ConfigWarning[];
}

/** Parses and validates config text; `file` is only used in messages. Throws ConfigError. */
export function parseConfig(text: string, file: string, now: Date): LoadedConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter: lines, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e): ConfigIssue => {
        const message =
          e.code === 'MULTIPLE_DOCS'
            ? 'YAML syntax: the file holds several documents (separated by ---): keep one'
            : `YAML syntax: ${e.message.split(' at line ')[0]}`;
        const pos = e.linePos?.[0];
        return pos === undefined
          ? { path: '', message }
          : { path: '', message, line: pos.line, column: pos.col };
      }),
    );
  }
  // YAML 1.1 documents turn unquoted timestamps into Dates; validate what the user wrote instead.
  visit(doc, {
    Scalar(_key, node) {
      if (node.value instanceof Date && node.source !== undefined) node.value = node.source;
    },
  });
  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (error) {
    // e.g. "Excessive alias count": aliases that expand without bound.
    throw new ConfigError(file, [{ path: '', message: `YAML: ${(error as Error).message}` }]);
  }
  if (raw === null || raw === undefined) {
    throw new ConfigError(file, [
      {
        path: '',
        message: 'the file is empty: it needs schedules and projects (see config/schedule.example.yaml)',
      },
    ]);
  }
  const result = v.safeParse(configSchema, raw, { abortEarly: false });
  const skipped = checkSkippedKeys(raw);
  const lists = listsForMappings(raw);
  const under = (path: readonly PathKey[]) =>
    lists.some((l) => l.every((key, i) => String(path[i]) === String(key)));
  const issues = [
    ...unquotedNames(doc),
    ...lists.map((path) => ({ path, message: 'must be a mapping (key: value lines), got a list' })),
    ...[...(result.issues?.map(fromValibot) ?? []), ...skipped.issues].filter((issue) => !under(issue.path)),
    ...crossCheck(raw),
  ];
  if (!result.success || issues.length > 0) throw new ConfigError(file, locate(issues, doc, lines));
  const config = buildConfig(result.output, skipped.schedules);
  const yamlWarnings = doc.warnings.map((w) => ({
    path: '',
    message: `YAML: ${w.message.split(' at line ')[0]}`,
  }));
  return { config, warnings: [...yamlWarnings, ...configWarnings(config, now)] };
}

/**
 * Schedule names YAML reads as something other than text: `0x1F:` becomes 31, `1e3:` 1000, `010:`
 * 10, `true:` true, so the schedule would answer to another name than the one written.
 */
function unquotedNames(doc: ReturnType<typeof parseDocument>): { path: PathKey[]; message: string }[] {
  const schedules = doc.get('schedules', true);
  if (!isMap(schedules)) return [];
  return schedules.items.flatMap((item) => {
    const key = item.key;
    if (!isScalar(key) || typeof key.value === 'string') return [];
    const written = key.source ?? String(key.value);
    return [
      {
        path: ['schedules', String(key.value)],
        message: `the schedule name ${written} reads as a ${key.value === null ? 'null' : typeof key.value} (${String(key.value)}) in YAML: quote it, "${written}":`,
      },
    ];
  });
}

/** Reads and parses a config file. A file that cannot be read is a ConfigError naming it. */
export async function loadConfig(file: string, now: Date): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? 'file not found (set SCHEDULE_CONFIG to the config file, default config/schedule.yaml)'
        : `cannot read the file (${code ?? String(error)})`;
    throw new ConfigError(file, [{ path: '', message }]);
  }
  return parseConfig(text, file, now);
}

function buildConfig(input: ConfigInput, skipped: readonly [string, ScheduleInput][]): Config {
  // Null prototype: a schedule may be named "constructor" or "toString" (see skipped-keys.ts).
  const schedules: Record<string, Schedule> = Object.create(null);
  for (const [name, s] of [...Object.entries(input.schedules), ...skipped]) {
    const holidays = (s.holidays ?? []).map((h) => parseHoliday(h) as Holiday).map((h) => Object.freeze(h));
    schedules[name] = Object.freeze({
      name,
      timezone: s.timezone,
      stop: s.stop.trim(),
      start: s.start.trim(),
      holidays: Object.freeze(holidays),
      startGraphs: s.startGraphs,
    });
  }
  const projects = input.projects.map((p, i): ProjectConfig => {
    const graphs = (p.graphs ?? []).map((g, j): GraphConfig => {
      const skipUntil = g.skipUntil === undefined ? undefined : parseInstant(g.skipUntil);
      return Object.freeze({
        ...(g.id !== undefined && { id: g.id }),
        ...(g.name !== undefined && { name: g.name }),
        schedule: g.schedule,
        ...(skipUntil !== undefined && { skipUntil }),
        // crossCheck has made sure that the schedule exists.
        startGraphs: g.startGraphs ?? schedules[g.schedule]?.startGraphs ?? false,
        ...(g.hourlyPrice !== undefined && { hourlyPrice: g.hourlyPrice }),
        path: formatPath(['projects', i, 'graphs', j]),
      });
    });
    return Object.freeze({
      projectId: p.projectId,
      region: p.region,
      endpoint: new URL(p.endpoint ?? defaultEndpoint(p.region)).origin,
      apiVersion: p.apiVersion,
      ...(p.credentialsSecret !== undefined && { credentialsSecret: p.credentialsSecret }),
      ...(p.scheduleTag !== undefined && { scheduleTag: p.scheduleTag }),
      graphs: Object.freeze(graphs),
    });
  });
  const { maxRequestsPerSecond, ...rest } = input.settings ?? {};
  const settings = {
    ...DEFAULT_SETTINGS,
    ...rest,
    ...(maxRequestsPerSecond !== undefined && { maxRequestsPerSecond }),
  };
  const pricing = Object.freeze({
    currency: input.pricing?.currency ?? DEFAULT_CURRENCY,
    hourly: new Map(Object.entries(input.pricing?.hourly ?? {})),
  });
  return Object.freeze({
    schedules: Object.freeze(schedules),
    projects: Object.freeze(projects),
    settings: Object.freeze(settings),
    pricing,
  });
}
