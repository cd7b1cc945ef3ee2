/**
 * The human summary `npm run check` prints for a valid config: per schedule its zone, whether it
 * is in off-hours at `at`, its next stop and start (local and UTC), its graphs and its warnings.
 */
import { dayOfWeek, formatWall } from '../lib/schedule/calendar.js';
import type { LoadedConfig } from '../lib/schedule/config.js';
import { evaluateSchedule, isSkipped } from '../lib/schedule/offhours.js';
import type { ConfigWarning, GraphConfig, Holiday, Schedule } from '../lib/schedule/types.js';
import { wallClock } from '../lib/schedule/zone.js';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** `Mon 2026-11-23 20:00` in `zone`. */
function local(instant: Date, zone: string): string {
  const wall = wallClock(instant.getTime(), zone);
  return `${WEEKDAYS[dayOfWeek(wall)]} ${formatWall(wall)}`;
}

function boundary(label: string, instant: Date | undefined, zone: string): string {
  const head = `  ${label.padEnd(12)}`;
  if (instant === undefined) return `${head}none within the next 9 years`;
  const utc = zone === 'UTC' ? '' : `   (${local(instant, 'UTC')} UTC)`;
  return `${head}${local(instant, zone)} ${zone}${utc}`;
}

function holiday(day: Holiday): string {
  const md = `${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}`;
  return day.kind === 'date' ? `${day.year}-${md}` : `${md} every year`;
}

function graphLine(projectId: string, graph: GraphConfig, at: Date): string {
  const who =
    graph.id !== undefined && graph.name !== undefined
      ? `${graph.name} (${graph.id})`
      : (graph.name ?? graph.id ?? graph.path);
  const skip =
    graph.skipUntil !== undefined && isSkipped(graph, at)
      ? `, left alone until ${graph.skipUntil.toISOString()}`
      : '';
  return `    ${projectId} / ${who}${skip}`;
}

/** The schedule a warning path is about (longest name first: `a` must not claim `a.b`'s). */
function scheduleOf(warning: ConfigWarning, names: readonly string[]): string | undefined {
  return names.find(
    (name) => warning.path === `schedules.${name}` || warning.path.startsWith(`schedules.${name}.`),
  );
}

/** The warning, its path shortened to what follows `schedules.<name>` inside that schedule's block. */
function warningLine(warning: ConfigWarning, schedule?: string): string {
  const own = schedule === undefined ? undefined : `schedules.${schedule}`;
  const path =
    own === undefined ? warning.path : warning.path === own ? '' : warning.path.slice(own.length + 1);
  return `${path === '' ? '' : `${path}: `}${warning.message}`;
}

function scheduleBlock(
  schedule: Schedule,
  graphs: readonly string[],
  warnings: readonly ConfigWarning[],
  at: Date,
): string[] {
  const window = evaluateSchedule(schedule, at);
  const state = window.offHours ? `off-hours${window.holiday ? ' (a holiday)' : ''}` : 'on-hours';
  return [
    `${schedule.name} (${schedule.timezone}): ${state} at ${local(at, schedule.timezone)}`,
    boundary('next stop', window.nextStop, schedule.timezone),
    boundary('next start', window.nextStart, schedule.timezone),
    ...(schedule.holidays.length > 0 ? [`  holidays    ${schedule.holidays.map(holiday).join(', ')}`] : []),
    graphs.length === 0 ? '  graphs      none' : '  graphs',
    ...graphs,
    ...warnings.map((w) => `  warning     ${warningLine(w, schedule.name)}`),
  ];
}

export function summarize(file: string, loaded: LoadedConfig, at: Date): string {
  const { config, warnings } = loaded;
  const schedules = Object.values(config.schedules);
  const names = schedules.map((s) => s.name).sort((a, b) => b.length - a.length);
  const lines = [`${file} at ${at.toISOString()}`, ''];
  for (const schedule of schedules) {
    const graphs = config.projects.flatMap((p) =>
      p.graphs.filter((g) => g.schedule === schedule.name).map((g) => graphLine(p.projectId, g, at)),
    );
    const own = warnings.filter((w) => scheduleOf(w, names) === schedule.name);
    lines.push(...scheduleBlock(schedule, graphs, own, at), '');
  }
  const other = warnings.filter((w) => scheduleOf(w, names) === undefined);
  if (other.length > 0) lines.push('warnings', ...other.map((w) => `  ${warningLine(w)}`), '');
  const graphCount = config.projects.reduce((n, p) => n + p.graphs.length, 0);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push(
    `valid: ${file} (${plural(schedules.length, 'schedule')}, ${plural(graphCount, 'graph')} in ` +
      `${plural(config.projects.length, 'project')}, ${plural(warnings.length, 'warning')})`,
  );
  return `${lines.join('\n')}\n`;
}
