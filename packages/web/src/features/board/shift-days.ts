import { wallClock } from '@keel/domain';

/** Shifts and coverage gaps in words, in a named IANA zone (the shift's own, or the viewer's). */

const formatters = new Map<string, Intl.DateTimeFormat>();

function fmt(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, ...options });
    formatters.set(key, f);
  }
  return f;
}

const dayAndTime: Intl.DateTimeFormatOptions = { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' };
const timeOnly: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: '2-digit' };

/** The viewer's own IANA zone (the browser's). */
export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** The zone's short name at that instant ("EST", "PDT", "GMT+1"). */
export function zoneAbbreviation(iso: string, timeZone: string): string {
  return fmt(timeZone, { timeZoneName: 'short' }).formatToParts(new Date(iso)).find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}

/** "Mon, Dec 7, 8:00 AM – 8:00 PM EST", or with the end's day when it ends on another local day. */
export function rangeInZone(startsAt: string, endsAt: string, timeZone: string): string {
  const start = new Date(startsAt);
  const end = new Date(endsAt);
  const sameDay = wallClock(start, timeZone).date === wallClock(end, timeZone).date;
  const endText = fmt(timeZone, sameDay ? timeOnly : dayAndTime).format(end);
  return `${fmt(timeZone, dayAndTime).format(start)} – ${endText} ${zoneAbbreviation(endsAt, timeZone)}`;
}

/** "Monday, December 7" for a YYYY-MM-DD calendar day. */
export function dayHeading(date: string): string {
  return fmt('UTC', { weekday: 'long', month: 'long', day: 'numeric' }).format(new Date(`${date}T12:00:00Z`));
}

export interface ShiftDay<T> {
  /** YYYY-MM-DD: the day each shift starts on, in its own zone. */
  date: string;
  heading: string;
  shifts: T[];
}

/** Shifts grouped by the local day they start on in their own zone, days and shifts in time order. */
export function groupByStartDay<T extends { startsAt: string; timeZone: string }>(shifts: readonly T[]): ShiftDay<T>[] {
  const days = new Map<string, T[]>();
  for (const shift of [...shifts].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt))) {
    const date = wallClock(new Date(shift.startsAt), shift.timeZone).date;
    days.set(date, [...(days.get(date) ?? []), shift]);
  }
  return [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([date, list]) => ({ date, heading: dayHeading(date), shifts: list }));
}

/** A local wall time "YYYY-MM-DDTHH:mm" (an <input type="datetime-local"> value) for an instant in a zone. */
export function localInputInZone(instantMs: number, timeZone: string): string {
  const w = wallClock(new Date(instantMs), timeZone);
  const hh = String(Math.floor(w.minuteOfDay / 60)).padStart(2, '0');
  const mm = String(w.minuteOfDay % 60).padStart(2, '0');
  return `${w.date}T${hh}:${mm}`;
}
