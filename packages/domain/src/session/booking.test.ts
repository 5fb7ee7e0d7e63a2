import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkBooking } from './booking.ts';
import { propertyRuns } from '../../test/property-runs.ts';

const H = 3_600_000;
const T0 = Date.UTC(2026, 2, 10, 12); // a Tuesday, 12:00 UTC
const iso = (hours: number): string => new Date(T0 + hours * H).toISOString();
const limits = { minHoursBetweenSessions: 72, maxSessionsPer7Days: 2, rollingWindowDays: 7 };

describe('checkBooking', () => {
  // [name, requested (hours from T0), doses taken, other bookings, expected codes, earliest allowed (hours from T0)]
  const table: [string, number, number[], number[], string[], number | null][] = [
    ['no history: any time', 0, [], [], [], null],
    ['24 h after the last dose: refused, earliest 72 h after it', 24, [0], [], ['BOOKING_INSIDE_INTERVAL'], 72],
    ['exactly 72 h after the last dose is allowed', 72, [0], [], [], null],
    ['71 h after the last dose is refused', 71, [0], [], ['BOOKING_INSIDE_INTERVAL'], 72],
    ['before an upcoming booking, too close to it', 100, [], [120], ['BOOKING_INSIDE_INTERVAL'], 192],
    ['72 h before an upcoming booking is allowed', 48, [], [120], [], null],
    // Doses at 0 and 72 h: a third inside 7 days of the first is over the weekly maximum even 72 h after the second.
    ['third session inside 7 days', 144, [0, 72], [], ['BOOKING_WEEKLY_MAXIMUM'], 168],
    ['third session exactly 7 days after the first', 168, [0, 72], [], [], null],
    ['both rules at once', 100, [0, 72], [], ['BOOKING_INSIDE_INTERVAL', 'BOOKING_WEEKLY_MAXIMUM'], 168],
    ['between a dose and a booking that leave no room: after the booking', 100, [0], [150], ['BOOKING_INSIDE_INTERVAL', 'BOOKING_WEEKLY_MAXIMUM'], 222],
  ];
  it.each(table)('%s', (_name, requested, doses, booked, codes, earliest) => {
    const d = checkBooking({ requestedAt: iso(requested), doseTimes: doses.map(iso), bookedTimes: booked.map(iso) }, limits);
    expect(d.kind === 'refused' ? d.reasons.map((r) => r.code) : []).toEqual(codes);
    expect(d.kind === 'refused' ? d.earliestAllowedAt : null).toBe(earliest === null ? null : iso(earliest));
  });

  it('refuses when the history cannot be read', () => {
    const d = checkBooking({ requestedAt: iso(0), doseTimes: ['yesterday'], bookedTimes: [] }, limits);
    expect(d.kind === 'refused' && d.reasons.map((r) => r.code)).toEqual(['BOOKING_INPUT_INVALID']);
  });

  it('property: the earliest allowed time is allowed, and no whole hour between the request and it is', () => {
    // Brute force over whole hours with small limits: the independent check of "earliest".
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -48, max: 96 }), { maxLength: 4 }),
        fc.integer({ min: -24, max: 96 }),
        fc.record({ minHoursBetweenSessions: fc.integer({ min: 1, max: 30 }), maxSessionsPer7Days: fc.integer({ min: 1, max: 3 }), rollingWindowDays: fc.constant(2) }),
        (events, requested, lim) => {
          const allowed = (h: number): boolean => {
            const all = [...events, h].sort((a, b) => a - b);
            if (events.some((e) => Math.abs(e - h) < lim.minHoursBetweenSessions)) return false;
            for (let i = 0; i + lim.maxSessionsPer7Days < all.length; i += 1) {
              const first = all[i] ?? 0;
              const last = all[i + lim.maxSessionsPer7Days] ?? 0;
              if (first <= h && h <= last && last - first < lim.rollingWindowDays * 24) return false;
            }
            return true;
          };
          const d = checkBooking({ requestedAt: iso(requested), doseTimes: events.map(iso), bookedTimes: [] }, lim);
          expect(d.kind === 'ok').toBe(allowed(requested));
          if (d.kind === 'refused' && d.earliestAllowedAt !== null) {
            const earliest = (Date.parse(d.earliestAllowedAt) - T0) / H;
            expect(allowed(earliest)).toBe(true);
            for (let h = requested; h < earliest; h += 1) expect(allowed(h)).toBe(false);
          }
        },
      ),
      { numRuns: propertyRuns(500) },
    );
  });
});
