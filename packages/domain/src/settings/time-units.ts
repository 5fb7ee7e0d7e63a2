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
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Epoch ms of an ISO 8601 instant with offset, or null when it is missing, malformed or not a real time. */
export function parseInstant(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = ISO_INSTANT.exec(value);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12) return null;
  if (day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  if (m[8] !== undefined && (Number(m[8]) > 23 || Number(m[9]) > 59)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/** Epoch ms of a `now` parameter, or null when it is not a valid Date (callers fail closed on null). */
export function instantOf(now: unknown): number | null {
  if (!(now instanceof Date)) return null;
  const ms = now.getTime();
  return Number.isFinite(ms) ? ms : null;
}

export const toIso = (ms: number): string => new Date(ms).toISOString();
