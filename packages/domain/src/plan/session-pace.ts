// The fastest pace the limits allow. The gate and the refill projection share this arithmetic so that "when may the
// next session happen" has one answer everywhere.
//
// Window semantics (used by the gate too): a session at time s counts against the rolling window at time t when
// t - window < s, i.e. a session exactly `rollingWindowDays` ago has left the window. A session exactly
// `minHoursBetweenSessions` after the previous one is allowed.
import { daysToMs, hoursToMs } from '../settings/time-units.ts';

export interface PaceLimits {
  readonly minHoursBetweenSessions: number;
  readonly maxSessionsPer7Days: number;
  readonly rollingWindowDays: number;
}

/** Earliest instant at or after `fromMs` when a session is allowed, given the earlier session instants. */
export function earliestNextSessionMs(previousMs: readonly number[], fromMs: number, limits: PaceLimits): number {
  const desc = [...previousMs].sort((a, b) => b - a);
  let t = fromMs;
  const latest = desc[0];
  if (latest !== undefined) t = Math.max(t, latest + hoursToMs(limits.minHoursBetweenSessions));
  // The max-th most recent session must have left the window before another one fits.
  const kth = desc[limits.maxSessionsPer7Days - 1];
  if (kth !== undefined) t = Math.max(t, kth + daysToMs(limits.rollingWindowDays));
  return t;
}

/**
 * The instants of the next `count` sessions if each is taken as early as allowed (a greedy schedule, which is also
 * the earliest possible k-th session: taking any session later can never let a later one happen sooner).
 */
export function projectSessionTimes(
  previousMs: readonly number[],
  fromMs: number,
  count: number,
  limits: PaceLimits,
): number[] {
  const history = [...previousMs];
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = earliestNextSessionMs(history, fromMs, limits);
    out.push(t);
    history.push(t);
  }
  return out;
}
