import { describe, expect, it } from 'vitest';
import { addDays, endOfLocalDate, wallClock, zonedTimeToUtc } from './zoned-time.ts';

// Worked by hand from the zones' published rules: New York is UTC−5 until 2 a.m. local on 8 March 2026 (then
// UTC−4); Tokyo is UTC+9 all year.
describe('wall-clock time in a zone, asked again and again', () => {
  const instant = new Date('2026-03-08T06:30:00Z');
  const newYork = { date: '2026-03-08', weekday: 0, minuteOfDay: 90 };
  const tokyo = { date: '2026-03-08', weekday: 0, minuteOfDay: 930 };

  it('answers for the zone asked, whichever zone was asked about the same instant before', () => {
    expect(wallClock(instant, 'America/New_York')).toEqual(newYork);
    expect(wallClock(instant, 'Asia/Tokyo')).toEqual(tokyo);
    expect(wallClock(instant, 'America/New_York')).toEqual(newYork);
    expect(wallClock(new Date(instant.getTime()), 'Asia/Tokyo')).toEqual(tokyo);
  });

  it('answers the same after many other instants have been asked about', () => {
    for (let minute = 0; minute < 1500; minute++) wallClock(new Date(Date.UTC(2026, 0, 1, 0, minute)), 'America/New_York');
    expect(wallClock(new Date(Date.UTC(2026, 0, 1, 0, 1439)), 'America/New_York')).toEqual({ date: '2026-01-01', weekday: 4, minuteOfDay: 1139 });
    expect(wallClock(instant, 'America/New_York')).toEqual(newYork);
    // Local midnight after the change is 04:00 UTC; before it, 05:00 UTC.
    expect(zonedTimeToUtc('2026-03-09', 0, 'America/New_York').toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(zonedTimeToUtc('2026-03-08', 0, 'America/New_York').toISOString()).toBe('2026-03-08T05:00:00.000Z');
  });
});

describe('the end of a local date, asked again and again', () => {
  it('answers for the zone and date asked, and a caller changing its answer changes nothing for the next', () => {
    // 7 March 2026 ends at New York's midnight before the change (05:00 UTC); 8 March after it (04:00 UTC).
    expect(endOfLocalDate('2026-03-07', 'America/New_York').toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(endOfLocalDate('2026-03-08', 'America/New_York').toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(endOfLocalDate('2026-03-07', 'Asia/Tokyo').toISOString()).toBe('2026-03-07T15:00:00.000Z');
    const first = endOfLocalDate('2026-03-07', 'America/New_York');
    first.setTime(0);
    expect(endOfLocalDate('2026-03-07', 'America/New_York').toISOString()).toBe('2026-03-08T05:00:00.000Z');
    // More dates than are remembered.
    for (let day = 0; day < 600; day++) endOfLocalDate(addDays('2027-01-01', day), 'America/New_York');
    expect(endOfLocalDate('2026-03-08', 'America/New_York').toISOString()).toBe('2026-03-09T04:00:00.000Z');
  });
});

describe('a local time the clocks skip', () => {
  // Worked from the zones' published rules: Santiago goes from 00:00 (UTC−4) to 01:00 (UTC−3) on 6 September 2026,
  // Havana from 00:00 (UTC−5) to 01:00 (UTC−4) on 8 March 2026, New York from 02:00 (UTC−5) to 03:00 (UTC−4) on 8
  // March 2026.
  it('is taken forward by the length of the skip', () => {
    expect(zonedTimeToUtc('2026-09-06', 0, 'America/Santiago').toISOString()).toBe('2026-09-06T04:00:00.000Z');
    expect(endOfLocalDate('2026-09-05', 'America/Santiago').toISOString()).toBe('2026-09-06T04:00:00.000Z');
    expect(endOfLocalDate('2026-03-07', 'America/Havana').toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(zonedTimeToUtc('2026-03-08', 150, 'America/New_York').toISOString()).toBe('2026-03-08T07:30:00.000Z');
    // On either side of the skip, as before.
    expect(zonedTimeToUtc('2026-03-08', 119, 'America/New_York').toISOString()).toBe('2026-03-08T06:59:00.000Z');
    expect(zonedTimeToUtc('2026-03-08', 180, 'America/New_York').toISOString()).toBe('2026-03-08T07:00:00.000Z');
    expect(zonedTimeToUtc('2026-09-05', 1439, 'America/Santiago').toISOString()).toBe('2026-09-06T03:59:00.000Z');
  });
});
