/**
 * Time-zone names that Intl accepts but a schedule should not use: the tz database's legacy
 * names outside the Area/City form (`EST`, `EST5EDT`, `CET`, `GMT`, `US/Eastern`, `Japan`) and its
 * fixed offsets (`Etc/GMT-1`). Several never change for summer time although the place the user
 * means does (`EST` is UTC-05:00 all year; New York is not), and the others are links kept only for
 * old systems. Area/City names are always accepted, with or without summer time (`Asia/Tokyo`).
 * `UTC` and `Etc/UTC` are the two accepted names outside Area/City.
 */

const q = JSON.stringify;

/** The tz database's areas: every current zone outside `Etc/` is named `Area/City`. */
const AREA = /^(?:Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific)\/[A-Za-z]/i;

const UTC_NAMES = new Set(['UTC', 'Etc/UTC']);

const SUMMER = 'never changes for summer time';
const GMT_ADVICE = `is UTC under a legacy name and ${SUMMER}: for UK time (which does) use Europe/London; for UTC write UTC`;
const UTC_ADVICE = 'is UTC under a legacy name: write UTC';
const CENTRAL_EUROPE =
  'is a legacy name for Central European Time: use the zone of the place, e.g. Europe/Berlin, Europe/Paris or Europe/Warsaw';

/** What is wrong with a legacy name and what to write instead, by lower-cased name. */
const LEGACY = new Map<string, string>(
  Object.entries({
    est: `${SUMMER} (UTC-05:00 all year), although US Eastern time does: for US Eastern time use America/New_York (America/Panama if you mean UTC-05:00 all year)`,
    mst: `${SUMMER} (UTC-07:00 all year), although US Mountain time does: for US Mountain time use America/Denver (America/Phoenix for Arizona, which keeps UTC-07:00)`,
    hst: `${SUMMER} (UTC-10:00 all year): for Hawaii use Pacific/Honolulu, for the Aleutian Islands (which change for summer) America/Adak`,
    est5edt: 'is a legacy POSIX-style name: for US Eastern time use America/New_York',
    cst6cdt: 'is a legacy POSIX-style name: for US Central time use America/Chicago',
    mst7mdt: 'is a legacy POSIX-style name: for US Mountain time use America/Denver',
    pst8pdt: 'is a legacy POSIX-style name: for US Pacific time use America/Los_Angeles',
    cet: CENTRAL_EUROPE,
    met: CENTRAL_EUROPE,
    eet: 'is a legacy name for Eastern European Time: use the zone of the place, e.g. Europe/Athens, Europe/Helsinki or Europe/Bucharest',
    wet: 'is a legacy name for Western European Time: use the zone of the place, e.g. Europe/Lisbon or Atlantic/Canary',
    gmt: GMT_ADVICE,
    'etc/gmt': GMT_ADVICE,
    gmt0: GMT_ADVICE,
    'gmt+0': GMT_ADVICE,
    'gmt-0': GMT_ADVICE,
    'etc/gmt0': GMT_ADVICE,
    'etc/gmt+0': GMT_ADVICE,
    'etc/gmt-0': GMT_ADVICE,
    greenwich: GMT_ADVICE,
    'etc/greenwich': GMT_ADVICE,
    uct: UTC_ADVICE,
    'etc/uct': UTC_ADVICE,
    universal: UTC_ADVICE,
    'etc/universal': UTC_ADVICE,
    zulu: UTC_ADVICE,
    'etc/zulu': UTC_ADVICE,
  }),
);

/**
 * Why a zone name Intl knows should not be used in a schedule, or undefined when it is fine.
 * `resolved` is Intl's canonical name for it, used to suggest a replacement for legacy links
 * that the table above does not cover (`US/Eastern` → America/New_York).
 */
export function legacyZoneProblem(name: string, resolved: string): string | undefined {
  if (UTC_NAMES.has(name) || AREA.test(name)) return undefined;
  const lower = name.toLowerCase();
  const known = LEGACY.get(lower);
  if (known !== undefined) return `${q(name)} ${known}`;
  const fixed = /^etc\/gmt([+-])(\d{1,2})$/.exec(lower);
  if (fixed !== null) {
    // POSIX style: Etc/GMT-1 is one hour *ahead* of UTC.
    const hours = (fixed[2] ?? '').padStart(2, '0');
    const offset = `UTC${fixed[1] === '-' ? '+' : '-'}${hours}:00`;
    return `${q(name)} is a fixed offset (${offset} all year; the sign of Etc/GMT names is inverted) and ${SUMMER}: use the zone of the place, such as Europe/Berlin or Asia/Tokyo, which follows its summer time, if any; for UTC write UTC`;
  }
  if (UTC_NAMES.has(resolved) || resolved.toLowerCase() === 'etc/utc') return `${q(name)} ${UTC_ADVICE}`;
  if (AREA.test(resolved)) return `${q(name)} is a legacy time zone name: write ${q(resolved)}`;
  return `${q(name)} is a legacy time zone name: use the Area/City zone of the place, such as Europe/Berlin or America/New_York`;
}
