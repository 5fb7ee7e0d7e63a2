// Booking a dosing session: a time inside the minimum interval of another dose, or one that would put more sessions
// into a rolling week than the plan allows, is refused when it is booked — with the earliest time that would be
// accepted — rather than on the day, when the patient and sitter have already set the afternoon aside.
//
// Semantics are the gate's (plan/session-pace.ts): two sessions exactly `minHoursBetweenSessions` apart are
// allowed, and a session exactly `rollingWindowDays` old has left the window. A booking is checked against the
// doses already taken, any open authorization, and the patient's other upcoming bookings — in both directions,
// since a booking placed before an existing one can crowd it just as well.
import type { PaceLimits } from '../plan/session-pace.ts';
import { daysToMs, hoursToMs, parseInstant, toIso } from '../settings/time-units.ts';

export const BOOKING_REASON_CODES = ['BOOKING_INSIDE_INTERVAL', 'BOOKING_WEEKLY_MAXIMUM', 'BOOKING_INPUT_INVALID'] as const;
export type BookingReasonCode = (typeof BOOKING_REASON_CODES)[number];

export interface BookingReason {
  readonly code: BookingReasonCode;
  readonly message: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface BookingInput {
  readonly requestedAt: string;
  /** Doses taken and open authorizations (session/session-lifecycle.ts `doseTimesForPacing`). */
  readonly doseTimes: readonly string[];
  /** The patient's other upcoming bookings (scheduled, not yet taken). */
  readonly bookedTimes: readonly string[];
}

export type BookingDecision =
  | { readonly kind: 'ok' }
  | { readonly kind: 'refused'; readonly reasons: readonly BookingReason[]; readonly earliestAllowedAt: string | null };

interface Violations {
  interval: number[];
  weekly: boolean;
}

function violations(t: number, others: readonly number[], limits: PaceLimits): Violations {
  const minMs = hoursToMs(limits.minHoursBetweenSessions);
  const windowMs = daysToMs(limits.rollingWindowDays);
  const interval = others.filter((c) => Math.abs(t - c) < minMs);
  // With t added, no `max + 1` consecutive sessions may fall inside one window: e[i + max] − e[i] ≥ window.
  const all = [...others, t].sort((a, b) => a - b);
  const max = limits.maxSessionsPer7Days;
  let weekly = false;
  for (let i = 0; i + max < all.length; i += 1) {
    const first = all[i] ?? 0;
    const last = all[i + max] ?? 0;
    if (first <= t && t <= last && last - first < windowMs) weekly = true;
  }
  return { interval, weekly };
}

/**
 * Whether a session may be booked at `requestedAt`. When it may not, every reason and the earliest time at or after
 * the requested one that would be accepted. The forbidden times are open intervals ending at a session plus the
 * minimum interval or plus the window, so the earliest allowed time is the requested one or one of those ends.
 */
export function checkBooking(input: BookingInput, limits: PaceLimits): BookingDecision {
  const t = parseInstant(input.requestedAt);
  const others = [...input.doseTimes, ...input.bookedTimes].map((x) => parseInstant(x));
  if (t === null || others.some((x) => x === null)) {
    return {
      kind: 'refused',
      reasons: [{ code: 'BOOKING_INPUT_INVALID', message: 'The session history could not be read, so the booking cannot be checked. Contact your care team.' }],
      earliestAllowedAt: null,
    };
  }
  const times = others as number[];
  const found = violations(t, times, limits);
  if (found.interval.length === 0 && !found.weekly) return { kind: 'ok' };

  const candidates = [
    ...times.map((c) => c + hoursToMs(limits.minHoursBetweenSessions)),
    ...times.map((c) => c + daysToMs(limits.rollingWindowDays)),
  ]
    .filter((c) => c > t)
    .sort((a, b) => a - b);
  const earliest = candidates.find((c) => {
    const v = violations(c, times, limits);
    return v.interval.length === 0 && !v.weekly;
  });
  const earliestAllowedAt = earliest === undefined ? null : toIso(earliest);
  const reasons: BookingReason[] = [];
  if (found.interval.length > 0) {
    reasons.push({
      code: 'BOOKING_INSIDE_INTERVAL',
      message: `Sessions must be at least ${limits.minHoursBetweenSessions} hours apart, and this time is closer than that to another session.`,
      detail: { conflictsWith: found.interval.map(toIso), minHoursBetweenSessions: limits.minHoursBetweenSessions, earliestAllowedAt },
    });
  }
  if (found.weekly) {
    reasons.push({
      code: 'BOOKING_WEEKLY_MAXIMUM',
      message: `At most ${limits.maxSessionsPer7Days} sessions fit in any ${limits.rollingWindowDays} days, and this time would make one more.`,
      detail: { maxSessions: limits.maxSessionsPer7Days, windowDays: limits.rollingWindowDays, earliestAllowedAt },
    });
  }
  return { kind: 'refused', reasons, earliestAllowedAt };
}
