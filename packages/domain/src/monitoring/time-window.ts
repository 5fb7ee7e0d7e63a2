// Window arithmetic shared by the monitoring rules. ISO parsing and unit conversion come from the domain's
// time helpers so every area reads a timestamp the same, strict, way.

import { parseInstant } from '../settings/time-units.ts';

export { parseInstant };

/**
 * Whether a record falls in the window [fromMs, nowMs]. A record whose time cannot be read counts as inside:
 * the warning-sign engine fails closed, so a malformed row still reaches a clinician instead of vanishing.
 * Records dated after `now` are outside: a rule evaluated "as of now" must give the same answer on replay.
 */
export function inWindow(at: string, fromMs: number, nowMs: number): boolean {
  const ms = parseInstant(at);
  if (ms === null) return true;
  return ms >= fromMs && ms <= nowMs;
}

/** The same wall-clock instant `months` calendar months earlier in UTC, clamped to the month's last day. */
export function monthsBefore(ms: number, months: number): number {
  const d = new Date(ms);
  const targetMonthIndex = d.getUTCFullYear() * 12 + d.getUTCMonth() - months;
  const year = Math.floor(targetMonthIndex / 12);
  const month = targetMonthIndex - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(
    year,
    month,
    Math.min(d.getUTCDate(), lastDay),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  );
}

/** Ascending by time; unreadable times sort first so they are never mistaken for the latest record. */
export function byTime<T>(at: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => (parseInstant(at(a)) ?? -Infinity) - (parseInstant(at(b)) ?? -Infinity);
}
