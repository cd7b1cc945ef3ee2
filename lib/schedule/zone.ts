/**
 * Time-zone math on top of `Intl.DateTimeFormat` (the zone data that ships with Node's ICU).
 *
 * Wall-clock times that do not map to exactly one instant follow one rule, everywhere:
 * - in a gap (spring forward: 02:30 does not exist), a wall time maps to the first instant after
 *   the gap, the moment the clock jumps (03:00 local in Europe/Berlin);
 * - in an overlap (fall back: 02:30 happens twice), a wall time maps to its first occurrence.
 * Both make the mapping from wall time to instant monotonic (never decreasing), which is what
 * the occurrence search in `occurrences.ts` relies on. It assumes a zone changes its offset at
 * most once within any two days, which holds for every zone in the tz database.
 */
import { DAY_MS, HOUR_MS, type LocalDate, type WallTime, wallLabel } from './calendar.js';
import { legacyZoneProblem } from './zone-names.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function fieldsAt(ms: number, zone: string): Fields {
  const f = formatter(zone);
  // `format` is several times faster than `formatToParts`; en-US gives "3/29/2026, 02:30:00".
  const n = f.format(ms).match(/\d+/g);
  if (n?.length === 6) {
    const [month = 0, day = 0, year = 0, hour = 0, minute = 0, second = 0] = n.map(Number);
    return { year, month, day, hour, minute, second };
  }
  const parts = Object.fromEntries(f.formatToParts(ms).map((p) => [p.type, Number(p.value)]));
  return {
    year: parts.year ?? Number.NaN,
    month: parts.month ?? Number.NaN,
    day: parts.day ?? Number.NaN,
    hour: parts.hour ?? Number.NaN,
    minute: parts.minute ?? Number.NaN,
    second: parts.second ?? Number.NaN,
  };
}

/** The local wall-clock time at an instant (seconds dropped). */
export function wallClock(ms: number, zone: string): WallTime {
  const { year, month, day, hour, minute } = fieldsAt(ms, zone);
  return { year, month, day, hour, minute };
}

export function localDate(ms: number, zone: string): LocalDate {
  const { year, month, day } = fieldsAt(ms, zone);
  return { year, month, day };
}

/** The zone's UTC offset at an instant, in milliseconds (east of Greenwich is positive). */
export function offsetAt(ms: number, zone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const f = fieldsAt(whole, zone);
  return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) - whole;
}

/**
 * The instant of a local wall-clock time, with the gap and overlap rules above: in a gap the
 * instant the clock jumps, in an overlap the first of the two instants.
 */
export function instantOfWall(wall: WallTime, zone: string): number {
  const label = wallLabel(wall);
  const before = offsetAt(label - DAY_MS, zone);
  if (before === offsetAt(label + DAY_MS, zone) && offsetAt(label - before, zone) === before) {
    return label - before; // the common case: no offset change nearby
  }
  const offsets = new Set([before, offsetAt(label, zone), offsetAt(label + DAY_MS, zone)]);
  let best: number | undefined;
  for (const offset of offsets) {
    const instant = label - offset;
    if (offsetAt(instant, zone) === offset && (best === undefined || instant < best)) best = instant;
  }
  if (best !== undefined) return best;
  // In a gap: the clock jumped from a smaller offset to a larger one somewhere in between.
  const lo = label - Math.max(...offsets);
  const hi = label - Math.min(...offsets);
  return firstChangeAfter(lo, hi, zone);
}

/**
 * The first instant in (lo, hi] whose offset differs from the offset at lo (whole seconds; zones
 * change offsets on whole seconds). The offset at hi must differ from the offset at lo.
 */
function firstChangeAfter(lo: number, hi: number, zone: string): number {
  const before = offsetAt(lo, zone);
  let a = Math.floor(lo / 1000);
  let b = Math.ceil(hi / 1000);
  while (b - a > 1) {
    const mid = Math.floor((a + b) / 2);
    if (offsetAt(mid * 1000, zone) === before) a = mid;
    else b = mid;
  }
  return b * 1000;
}

export interface Transition {
  /** The first instant with the new offset. */
  readonly at: number;
  readonly offsetBefore: number;
  readonly offsetAfter: number;
}

/**
 * Offset changes in [from, to), found by sampling every 12 hours (two changes closer together
 * than that would be missed; the tz database has none).
 */
export function transitions(zone: string, from: number, to: number): Transition[] {
  const found: Transition[] = [];
  const step = 12 * HOUR_MS;
  let t = from;
  let offset = offsetAt(t, zone);
  while (t < to) {
    const next = Math.min(t + step, to);
    const nextOffset = offsetAt(next, zone);
    if (nextOffset !== offset) {
      const at = firstChangeAfter(t, next, zone);
      if (at < to) found.push({ at, offsetBefore: offset, offsetAfter: nextOffset });
    }
    t = next;
    offset = nextOffset;
  }
  return found;
}

/** IANA-style names only: `Europe/Berlin`, `UTC`, `Etc/GMT-1`; not `+01:00` or `CET+1`. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

/**
 * Why a zone name is unusable, or undefined when Intl knows it as an IANA zone in Area/City form
 * (or UTC). Legacy names and fixed offsets are refused with the zone to write instead.
 */
export function zoneProblem(name: string): string | undefined {
  if (/^(?:UTC|GMT)?\s*[+-]\d/.test(name)) {
    return `${JSON.stringify(name)} is a UTC offset, not a time zone: use an IANA zone name such as Europe/Berlin (offsets change with daylight saving time, zone names follow it)`;
  }
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    resolved = '';
  }
  if (!ZONE_NAME.test(name) || resolved === '') {
    return `${JSON.stringify(name)} is not a known IANA time zone: use a name such as Europe/Berlin, America/New_York or Asia/Shanghai (see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones)`;
  }
  if (resolved !== name && resolved.toLowerCase() === name.toLowerCase()) {
    return `${JSON.stringify(name)}: time zone names are case-sensitive, write ${JSON.stringify(resolved)}`;
  }
  return legacyZoneProblem(name, resolved);
}
