/**
 * An independent reference for the property tests: Intl.DateTimeFormat for the wall clock, a
 * tiny cron matcher of its own, and the plainest possible firing rule — a wall-clock time fires
 * at the first instant at which the local clock reaches it. (So a time skipped by a forward jump
 * fires at the jump, and a time shown twice after a backward jump fires only the first time.)
 * The walk advances in whole hours and drops to minute steps wherever the clock did not advance
 * by exactly one hour.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The local wall clock at an instant, as a UTC "label" in ms (minutes precision). */
export function wallAt(ms: number, zone: string): number {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('sv-SE', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(ms)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0);
}

function field(text: string, min: number, max: number): Set<number> {
  const names: Record<string, number> = { SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6 };
  const num = (s: string) => names[s.toUpperCase()] ?? Number(s);
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    const [a, b] =
      range === '*' ? [min, max] : range.includes('-') ? range.split('-').map(num) : [num(range), num(range)];
    const hi = stepText !== undefined && !range.includes('-') && range !== '*' ? max : (b ?? a ?? min);
    for (let v = a ?? min; v <= hi; v += step) out.add(v);
  }
  return out;
}

/** A matcher on wall labels for the cron subset the generators produce. */
export function cronMatcher(expr: string): (wall: number) => boolean {
  const [mi = '', h = '', dom = '', mon = '', dow = ''] = expr.trim().split(/\s+/);
  const minutes = field(mi, 0, 59);
  const hours = field(h, 0, 23);
  const days = field(dom, 1, 31);
  const months = field(mon, 1, 12);
  const weekdays = new Set([...field(dow, 0, 7)].map((d) => d % 7));
  const either = dom !== '*' && dow !== '*';
  return (wall) => {
    const totalMinutes = Math.floor(wall / MINUTE);
    if (!minutes.has(totalMinutes % 60) || !hours.has(Math.floor(totalMinutes / 60) % 24)) return false;
    const d = new Date(wall);
    if (!months.has(d.getUTCMonth() + 1)) return false;
    const a = days.has(d.getUTCDate());
    const b = weekdays.has(d.getUTCDay());
    return either ? a || b : a && b;
  };
}

/** For each expression, every instant in (from, to] at which it fires, ascending. */
export function firings(exprs: readonly string[], zone: string, from: number, to: number): number[][] {
  const matchers = exprs.map(cronMatcher);
  const out: number[][] = exprs.map(() => []);
  // Warm up 6 hours early, so that `reached` knows the walls an overlap shows a second time.
  let x = Math.floor(from / MINUTE) * MINUTE - 6 * HOUR;
  let wall = wallAt(x, zone);
  let reached = wall; // the latest wall-clock time shown so far
  const fire = (at: number, w: number) => {
    if (at <= from || at > to) return;
    for (const [i, matches] of matchers.entries()) if (matches(w)) out[i]?.push(at);
  };
  /** The clock showed w0 at x0 and w1 at x1. */
  const advance = (x0: number, w0: number, x1: number, w1: number): void => {
    if (w1 - w0 === x1 - x0) {
      // Regular: each wall w not reached before is reached at x0 + (w - w0).
      for (let w = reached + MINUTE; w <= w1; w += MINUTE) fire(x0 + (w - w0), w);
    } else if (x1 - x0 > MINUTE) {
      // The clock changed somewhere in here: look minute by minute.
      for (let y = x0; y < x1; y += MINUTE) advance(y, wallAt(y, zone), y + MINUTE, wallAt(y + MINUTE, zone));
      return;
    } else {
      // Within one minute the clock jumped: every wall it passed is reached now.
      for (let w = reached + MINUTE; w <= w1; w += MINUTE) fire(x1, w);
    }
    reached = Math.max(reached, w1);
  };
  while (x < to) {
    const next = x + HOUR;
    const nextWall = wallAt(next, zone);
    advance(x, wall, next, nextWall);
    x = next;
    wall = nextWall;
  }
  return out;
}

export interface ReferenceWindow {
  /** undefined: could not be decided within the window looked at. */
  readonly offHours: boolean | undefined;
  readonly prevStop: number | undefined;
  readonly prevStart: number | undefined;
  readonly nextStop: number | undefined;
  readonly nextStart: number | undefined;
}

export interface HolidayDay {
  readonly year?: number;
  readonly month: number;
  readonly day: number;
}

export function reference(
  s: { stop: string; start: string; timezone: string; holidays: readonly HolidayDay[] },
  t: number,
  window: number,
): ReferenceWindow {
  const [stops = [], starts = []] = firings([s.stop, s.start], s.timezone, t - window, t + window);
  const prevStop = stops.filter((x) => x <= t).at(-1);
  const prevStart = starts.filter((x) => x <= t).at(-1);
  const nextStop = stops.find((x) => x > t);
  const nextStart = starts.find((x) => x > t);
  const local = new Date(wallAt(t, s.timezone));
  const holiday = s.holidays.some(
    (h) =>
      h.month === local.getUTCMonth() + 1 &&
      h.day === local.getUTCDate() &&
      (h.year === undefined || h.year === local.getUTCFullYear()),
  );
  // A firing not found within the window happened before the window began.
  let offHours: boolean | undefined;
  if (holiday) offHours = true;
  else if (prevStop === undefined) offHours = prevStart === undefined ? undefined : false;
  else offHours = prevStart === undefined || prevStop > prevStart;
  return { offHours, prevStop, prevStart, nextStop, nextStart };
}
