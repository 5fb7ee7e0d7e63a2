import type { ContinuitySettings } from './continuity-settings.ts';
import { addDays, hhmmToMinutes, isValidTimeZone, wallClock, zonedTimeToUtc } from './time-zones.ts';

/**
 * When the care team's answer to a patient message is due: `replyWithinBusinessHours` counted only inside the
 * program's office hours (e.g. Mon–Fri 09:00–17:00 America/New_York). A message sent on Friday at 16:00 with an
 * 8-hour promise is due on Monday at 16:00. An unreadable office-hours setting counts plain hours, so a due time
 * always exists (the overdue alert must never be silenced by a typo).
 */
export function replyDueAt(since: Date, settings: ContinuitySettings['messaging']): Date {
  let remainingMs = settings.replyWithinBusinessHours * 3_600_000;
  const { timeZone, weekdays, start, end } = settings.officeHours;
  const startMin = safeMinutes(start);
  const endMin = safeMinutes(end);
  if (!isValidTimeZone(timeZone) || startMin === null || endMin === null || endMin <= startMin || weekdays.length === 0) {
    return new Date(since.getTime() + remainingMs);
  }
  let cursor = since;
  // At most a year of days: far beyond any reply promise.
  for (let i = 0; i < 366; i++) {
    const local = wallClock(cursor, timeZone);
    const dayEnd = zonedTimeToUtc(local.date, endMin, timeZone);
    if (weekdays.includes(local.weekday) && cursor < dayEnd) {
      const dayStart = zonedTimeToUtc(local.date, startMin, timeZone);
      const from = cursor > dayStart ? cursor : dayStart;
      const available = dayEnd.getTime() - from.getTime();
      if (remainingMs <= available) return new Date(from.getTime() + remainingMs);
      remainingMs -= available;
    }
    cursor = zonedTimeToUtc(addDays(local.date, 1), 0, timeZone);
  }
  return new Date(since.getTime() + settings.replyWithinBusinessHours * 3_600_000);
}

function safeMinutes(hhmm: string): number | null {
  if (!/^\d{2}:\d{2}$/.test(hhmm)) return null;
  const m = hhmmToMinutes(hhmm);
  return m >= 0 && m <= 1440 ? m : null;
}
