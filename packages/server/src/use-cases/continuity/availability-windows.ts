// Staff availability as intervals: weekly hours plus dated exceptions, all in the staff member's time zone,
// turned into UTC windows for a range of instants. Pure: the rows and the range are parameters.
import { addDays, wallClock, weekdayOf, zonedTimeToUtc } from './time-zones.ts';

/** Appointments and their database slots sit on this grid (see migration 0006). */
export const SLOT_MINUTES = 15;
export const SLOT_MS = SLOT_MINUTES * 60_000;

export interface WeeklyRule {
  weekday: number;
  startMinute: number;
  endMinute: number;
}

export interface ExceptionRule {
  date: string;
  kind: 'available' | 'unavailable';
  /** null on an `unavailable` exception: the whole day. */
  startMinute: number | null;
  endMinute: number | null;
}

export interface Interval {
  start: number;
  end: number;
}

function merge(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ ...i });
  }
  return out;
}

function subtract(intervals: Interval[], cut: Interval): Interval[] {
  const out: Interval[] = [];
  for (const i of intervals) {
    if (cut.end <= i.start || cut.start >= i.end) {
      out.push(i);
      continue;
    }
    if (cut.start > i.start) out.push({ start: i.start, end: cut.start });
    if (cut.end < i.end) out.push({ start: cut.end, end: i.end });
  }
  return out;
}

/** Local minute intervals of one date: weekly hours, plus extra hours, minus time off. */
export function localWindows(date: string, weekly: readonly WeeklyRule[], exceptions: readonly ExceptionRule[]): Interval[] {
  const weekday = weekdayOf(date);
  let windows = merge([
    ...weekly.filter((w) => w.weekday === weekday).map((w) => ({ start: w.startMinute, end: w.endMinute })),
    ...exceptions
      .filter((e) => e.date === date && e.kind === 'available' && e.startMinute !== null && e.endMinute !== null)
      .map((e) => ({ start: e.startMinute ?? 0, end: e.endMinute ?? 0 })),
  ]);
  for (const e of exceptions) {
    if (e.date !== date || e.kind !== 'unavailable') continue;
    windows = subtract(windows, { start: e.startMinute ?? 0, end: e.endMinute ?? 1440 });
  }
  return windows;
}

/** UTC windows (epoch ms) overlapping [fromMs, toMs), merged, clipped to the range. */
export function availabilityWindows(
  range: { fromMs: number; toMs: number },
  timeZone: string,
  weekly: readonly WeeklyRule[],
  exceptions: readonly ExceptionRule[],
): Interval[] {
  const firstDate = addDays(wallClock(new Date(range.fromMs), timeZone).date, -1);
  const lastDate = addDays(wallClock(new Date(range.toMs), timeZone).date, 1);
  const out: Interval[] = [];
  for (let date = firstDate; date <= lastDate; date = addDays(date, 1)) {
    for (const w of localWindows(date, weekly, exceptions)) {
      out.push({ start: zonedTimeToUtc(date, w.start, timeZone).getTime(), end: zonedTimeToUtc(date, w.end, timeZone).getTime() });
    }
  }
  return merge(out)
    .map((i) => ({ start: Math.max(i.start, range.fromMs), end: Math.min(i.end, range.toMs) }))
    .filter((i) => i.end > i.start);
}

/** True when [startMs, endMs) lies inside one availability window. */
export function withinAvailability(
  startMs: number,
  endMs: number,
  timeZone: string,
  weekly: readonly WeeklyRule[],
  exceptions: readonly ExceptionRule[],
): boolean {
  return availabilityWindows({ fromMs: startMs, toMs: endMs }, timeZone, weekly, exceptions).some(
    (w) => w.start <= startMs && endMs <= w.end,
  );
}

/** The 15-minute blocks [startMs, endMs) occupies: one database row each. */
export function slotStarts(startMs: number, endMs: number): Date[] {
  const out: Date[] = [];
  for (let t = startMs; t < endMs; t += SLOT_MS) out.push(new Date(t));
  return out;
}

/** Bookable starts of `durationMinutes` inside the windows, after `notBeforeMs`, avoiding taken blocks. */
export function openSlots(windows: readonly Interval[], durationMinutes: number, taken: ReadonlySet<number>, notBeforeMs: number, limit = 200): Interval[] {
  const duration = durationMinutes * 60_000;
  const out: Interval[] = [];
  for (const w of windows) {
    const first = Math.ceil(Math.max(w.start, notBeforeMs) / SLOT_MS) * SLOT_MS;
    for (let t = first; t + duration <= w.end; t += SLOT_MS) {
      if (slotStarts(t, t + duration).some((s) => taken.has(s.getTime()))) continue;
      out.push({ start: t, end: t + duration });
      if (out.length >= limit) return out;
    }
  }
  return out;
}
