import { describe, expect, it } from 'vitest';
import { availabilityWindows, localWindows, openSlots, slotStarts, withinAvailability } from '../../src/use-cases/continuity/availability-windows.ts';
import { foldLine, icsText } from '../../src/use-cases/continuity/ics.ts';
import { wallClock, zonedTimeToUtc } from '../../src/use-cases/continuity/time-zones.ts';

const weekdays = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: 9 * 60, endMinute: 17 * 60 }));

describe('time zones (Intl only)', () => {
  it('maps local wall-clock times to UTC on both sides of a daylight-saving change', () => {
    expect(zonedTimeToUtc('2026-03-06', 9 * 60, 'America/New_York').toISOString()).toBe('2026-03-06T14:00:00.000Z');
    expect(zonedTimeToUtc('2026-03-09', 9 * 60, 'America/New_York').toISOString()).toBe('2026-03-09T13:00:00.000Z');
    expect(zonedTimeToUtc('2026-11-02', 9 * 60, 'America/Los_Angeles').toISOString()).toBe('2026-11-02T17:00:00.000Z');
    expect(zonedTimeToUtc('2026-06-01', 1440, 'Europe/Berlin').toISOString()).toBe('2026-06-01T22:00:00.000Z');
    expect(wallClock(new Date('2026-06-01T03:30:00Z'), 'America/Chicago')).toEqual({ date: '2026-05-31', weekday: 0, minuteOfDay: 22 * 60 + 30 });
  });
});

describe('availability windows', () => {
  it('adds extra hours and removes time off on the local date', () => {
    expect(localWindows('2026-06-03', weekdays, [{ date: '2026-06-03', kind: 'unavailable', startMinute: 12 * 60, endMinute: 13 * 60 }])).toEqual([
      { start: 540, end: 720 },
      { start: 780, end: 1020 },
    ]);
    expect(localWindows('2026-06-03', weekdays, [{ date: '2026-06-03', kind: 'unavailable', startMinute: null, endMinute: null }])).toEqual([]);
    expect(localWindows('2026-06-06', weekdays, [{ date: '2026-06-06', kind: 'available', startMinute: 600, endMinute: 660 }])).toEqual([{ start: 600, end: 660 }]);
  });

  it('checks bookings against local hours, across midnight UTC', () => {
    const tz = 'America/Los_Angeles';
    // 16:00–17:00 Los Angeles on a Friday is 23:00–00:00 UTC.
    expect(withinAvailability(Date.parse('2026-06-05T23:00:00Z'), Date.parse('2026-06-06T00:00:00Z'), tz, weekdays, [])).toBe(true);
    expect(withinAvailability(Date.parse('2026-06-05T23:30:00Z'), Date.parse('2026-06-06T00:30:00Z'), tz, weekdays, [])).toBe(false);
    const windows = availabilityWindows({ fromMs: Date.parse('2026-06-05T00:00:00Z'), toMs: Date.parse('2026-06-08T00:00:00Z') }, tz, weekdays, []);
    expect(windows).toEqual([{ start: Date.parse('2026-06-05T16:00:00Z'), end: Date.parse('2026-06-06T00:00:00Z') }]);
  });

  it('cuts appointments into 15-minute slots and lists open starts around taken ones', () => {
    expect(slotStarts(Date.parse('2026-06-02T14:00:00Z'), Date.parse('2026-06-02T14:45:00Z')).map((d) => d.toISOString())).toEqual([
      '2026-06-02T14:00:00.000Z',
      '2026-06-02T14:15:00.000Z',
      '2026-06-02T14:30:00.000Z',
    ]);
    const window = [{ start: Date.parse('2026-06-02T14:00:00Z'), end: Date.parse('2026-06-02T15:30:00Z') }];
    const taken = new Set([Date.parse('2026-06-02T14:30:00Z')]);
    const open = openSlots(window, 30, taken, Date.parse('2026-06-02T13:00:00Z')).map((s) => new Date(s.start).toISOString());
    expect(open).toEqual(['2026-06-02T14:00:00.000Z', '2026-06-02T14:45:00.000Z', '2026-06-02T15:00:00.000Z']);
  });
});

describe('iCalendar text', () => {
  it('escapes TEXT values and folds long lines at 75 octets without splitting a character', () => {
    expect(icsText('a;b,c\\d\ne')).toBe('a\\;b\\,c\\\\d\\ne');
    const line = `DESCRIPTION:${'é'.repeat(60)}`;
    const folded = foldLine(line).split('\r\n');
    for (const part of folded) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(75);
    expect(folded.slice(1).every((p) => p.startsWith(' '))).toBe(true);
    expect(folded.map((p, i) => (i === 0 ? p : p.slice(1))).join('')).toBe(line);
  });
});
