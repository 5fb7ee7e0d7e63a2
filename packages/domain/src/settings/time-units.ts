// Time helpers shared by the plan, ledger and gate rules. Records carry ISO 8601 instants with an offset (the API
// contract); functions receive `now: Date`. Durations in settings are expressed in the unit a clinician uses
// (hours, minutes, days) and converted here, so no rule file multiplies by 3_600_000 on its own.

export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 60 * MS_PER_MINUTE;
export const MS_PER_DAY = 24 * MS_PER_HOUR;

export const minutesToMs = (minutes: number): number => minutes * MS_PER_MINUTE;
export const hoursToMs = (hours: number): number => hours * MS_PER_HOUR;
export const daysToMs = (days: number): number => days * MS_PER_DAY;

// Strict on purpose: `Date.parse` accepts "2024", "March 7" and rolls 2024-02-30 over to 1 March. A gate that
// reads a timestamp it cannot trust must block, so anything that is not a real ISO 8601 instant with an explicit
// offset is treated as unreadable (null).
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2}))$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

// The warning-sign engine reads a few hundred instants per check-in, most of them several times (each rule, each
// sort comparison), so this is on the hot path (docs/perf.md): the parse is computed from the fields, and
// remembered for the last few thousand distinct strings (a pure function of its input, so a cache is safe).
const parsedInstants = new Map<string, number | null>();
const PARSED_INSTANTS_KEPT = 8192;

/**
 * Epoch ms of an ISO 8601 instant with offset, or null when it is missing, malformed or not a real time. Fractions
 * below a millisecond are truncated (as Date.parse does).
 */
export function parseInstant(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const known = parsedInstants.get(value);
  if (known !== undefined) return known;
  const ms = parseInstantStrictly(value);
  if (parsedInstants.size >= PARSED_INSTANTS_KEPT) parsedInstants.clear();
  parsedInstants.set(value, ms);
  return ms;
}

/**
 * An instant given either as ISO 8601 text (read as `parseInstant` reads it) or as epoch milliseconds, the form a
 * bulk loader hands over so that nothing is parsed twice; null for anything else, a non-finite number included.
 */
export function instantMs(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  return parseInstant(value);
}

function parseInstantStrictly(value: string): number | null {
  const m = ISO_INSTANT.exec(value);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  if (month < 1 || month > 12) return null;
  if (day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const offsetHours = Number(m[10]);
    const offsetMins = Number(m[11]);
    if (offsetHours > 23 || offsetMins > 59) return null;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  // Date.UTC reads years 0–99 as 1900–1999; such instants are not ours, but are read exactly all the same.
  const utc = year < 100 ? Date.parse(value) : Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * MS_PER_MINUTE;
  return Number.isFinite(utc) ? utc : null;
}

/** Epoch ms of a `now` parameter, or null when it is not a valid Date (callers fail closed on null). */
export function instantOf(now: unknown): number | null {
  if (!(now instanceof Date)) return null;
  const ms = now.getTime();
  return Number.isFinite(ms) ? ms : null;
}

export const toIso = (ms: number): string => new Date(ms).toISOString();
