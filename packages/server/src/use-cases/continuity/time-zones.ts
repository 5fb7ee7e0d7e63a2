// Wall-clock arithmetic in a staff member's IANA time zone: availability is kept as local hours ("Mondays
// 09:00–17:00 in America/Chicago") and every booking is checked against the UTC instants those hours mean on that
// date, daylight-saving changes included. The pure conversions live in the domain (settings/zoned-time.ts).
import { addDays, isValidTimeZone as isZone, wallClock, zonedTimeToUtc, type WallClock } from '@keel/domain';

export { addDays, wallClock, zonedTimeToUtc };
export type { WallClock };

export function isValidTimeZone(timeZone: string): boolean {
  return isZone(timeZone);
}
export function weekdayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

export function hhmmToMinutes(value: string): number {
  const [h, m] = value.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

export function minutesToHhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** "Tue 2 Jun 2026, 14:00 (America/Chicago)": for notices, in the recipient's zone. */
export function describeLocalTime(instant: Date, timeZone: string): string {
  const text = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(instant);
  return `${text} (${timeZone})`;
}
