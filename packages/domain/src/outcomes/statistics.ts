// The few statistics a program report needs, written out so each can be checked against a published worked
// example (docs/outcomes-report.md): the Wilson score interval for a proportion, the Kaplan–Meier estimator with
// right-censoring, quantiles, and rates per exposure.

/** z for a two-sided 95 % interval: the 0.975 quantile of the standard normal distribution. */
export const Z_95 = 1.959963984540054;

export interface Proportion {
  readonly numerator: number;
  readonly denominator: number;
  /** numerator / denominator; null when nobody was measured (a rate of nobody is not 0 %). */
  readonly estimate: number | null;
  /** The Wilson score interval (Wilson 1927; Newcombe 1998, method 3), without continuity correction. */
  readonly lower: number | null;
  readonly upper: number | null;
}

/**
 * x of n with its Wilson score interval. Unlike the textbook p ± z·√(p(1−p)/n) it stays inside [0, 1] and does
 * not collapse to a zero-width interval at 0 of n or n of n, which is what small program cohorts produce.
 */
export function wilsonInterval(successes: number, n: number, z: number = Z_95): Proportion {
  if (!Number.isInteger(successes) || !Number.isInteger(n) || n < 0 || successes < 0 || successes > n) {
    throw new RangeError(`wilsonInterval: ${successes} of ${n} is not a proportion`);
  }
  if (n === 0) return { numerator: 0, denominator: 0, estimate: null, lower: null, upper: null };
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0 and n the bound is exactly 0 or 1; floating point would leave a residue of 1e-17.
  const lower = successes === 0 ? 0 : Math.max(0, centre - half);
  const upper = successes === n ? 1 : Math.min(1, centre + half);
  return { numerator: successes, denominator: n, estimate: p, lower, upper };
}

export interface TimeToEvent {
  /** Time from the origin (days since the first dose, say) to the event or to the last observation. */
  readonly time: number;
  /** true: the event happened at `time`; false: censored (last seen at `time` without it). */
  readonly event: boolean;
}

export interface KaplanMeierStep {
  readonly time: number;
  /** Still under observation just before `time`. */
  readonly atRisk: number;
  readonly events: number;
  readonly censored: number;
  /** The probability of not yet having had the event after `time`. */
  readonly survival: number;
  /** Greenwood's standard error of `survival`; null once survival reaches 0 or nobody is left at risk. */
  readonly standardError: number | null;
}

/**
 * The Kaplan–Meier product-limit estimate (Kaplan & Meier 1958). One step per distinct time at which something
 * happened; at a time with both, events are counted before censorings (the usual convention: someone censored at
 * t was still at risk at t). Returns no steps for no observations.
 */
export function kaplanMeier(observations: readonly TimeToEvent[]): KaplanMeierStep[] {
  for (const o of observations) {
    if (!Number.isFinite(o.time) || o.time < 0) throw new RangeError(`kaplanMeier: time ${o.time} is not a duration`);
  }
  // One pass over the observations in time order (n log n: a program's cohort can be a hundred thousand). Event
  // and censoring times are sorted apart as numbers (a typed array sorts without a comparator) and walked together.
  const eventTimes = Float64Array.from(observations.filter((o) => o.event).map((o) => o.time)).sort();
  const censorTimes = Float64Array.from(observations.filter((o) => !o.event).map((o) => o.time)).sort();
  const steps: KaplanMeierStep[] = [];
  let atRisk = observations.length;
  let survival = 1;
  let greenwoodSum = 0;
  for (let i = 0, j = 0; i < eventTimes.length || j < censorTimes.length; ) {
    const time = Math.min(eventTimes[i] ?? Number.POSITIVE_INFINITY, censorTimes[j] ?? Number.POSITIVE_INFINITY);
    let events = 0;
    let censored = 0;
    for (; i < eventTimes.length && eventTimes[i] === time; i++) events += 1;
    for (; j < censorTimes.length && censorTimes[j] === time; j++) censored += 1;
    if (events > 0) {
      survival *= 1 - events / atRisk;
      greenwoodSum += atRisk > events ? events / (atRisk * (atRisk - events)) : Number.POSITIVE_INFINITY;
    }
    const standardError = survival > 0 && Number.isFinite(greenwoodSum) ? survival * Math.sqrt(greenwoodSum) : null;
    steps.push({ time, atRisk, events, censored, survival, standardError });
    atRisk -= events + censored;
  }
  return steps;
}

/** The estimate at `time`: the survival of the last step at or before it (1 before the first event). */
export function survivalAt(steps: readonly KaplanMeierStep[], time: number): number {
  let survival = 1;
  for (const step of steps) {
    if (step.time > time) break;
    survival = step.survival;
  }
  return survival;
}

/**
 * The first time at which survival falls to 0.5 or below (the median time to event); null when it never does,
 * which with heavy censoring is the honest answer.
 *
 * Survival is a product of fractions, and in floating point one that is exactly a half can come out a hair above it
 * (24 patients, one response a day: 12/24 after day 12 computes as 0.5000000000000001), which would put the median
 * a step late. So a step whose computed survival is within 10⁻⁹ of a half is decided exactly: the product of
 * (at risk − events) / at risk up to it, in integers, against a half.
 */
export function kaplanMeierMedian(steps: readonly KaplanMeierStep[]): number | null {
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] as KaplanMeierStep;
    const atOrBelowHalf = Math.abs(step.survival - 0.5) <= 1e-9 ? survivalAtMostHalfExactly(steps, i) : step.survival < 0.5;
    if (atOrBelowHalf) return step.time;
  }
  return null;
}

function survivalAtMostHalfExactly(steps: readonly KaplanMeierStep[], last: number): boolean {
  let remaining = 1n;
  let atRisk = 1n;
  for (let i = 0; i <= last; i++) {
    const step = steps[i] as KaplanMeierStep;
    if (step.events === 0) continue;
    remaining *= BigInt(step.atRisk - step.events);
    atRisk *= BigInt(step.atRisk);
  }
  return 2n * remaining <= atRisk;
}

/**
 * The q-quantile by linear interpolation between order statistics (Hyndman & Fan 1996, definition 7 — R's and
 * NumPy's default): position (n − 1)·q. null for no values.
 */
export function quantile(values: readonly number[], q: number): number | null {
  return quantiles(values, [q])[0] ?? null;
}

/** Several quantiles of one set of values (definition 7, as `quantile`), sorting it once. */
export function quantiles(values: ArrayLike<number>, qs: readonly number[]): (number | null)[] {
  for (const q of qs) if (q < 0 || q > 1 || Number.isNaN(q)) throw new RangeError(`quantile: ${q} is not in [0, 1]`);
  if (values.length === 0) return qs.map(() => null);
  const at = orderStatistic(values);
  return qs.map((q) => {
    const position = (values.length - 1) * q;
    const below = Math.floor(position);
    const low = at(below);
    const high = at(Math.ceil(position));
    return low + (high - low) * (position - below);
  });
}

/** Integers spanning at most this many values are counted rather than sorted. */
const COUNTED_SPAN = 4096;

/**
 * The value of rank k (0-based) in `values` sorted ascending. Questionnaire scores and their changes are small
 * integers, which one counting pass orders (a program's cohort is a hundred thousand of them); anything else is
 * sorted as a typed array (numerically, without a comparator).
 */
function orderStatistic(values: ArrayLike<number>): (rank: number) => number {
  let min = Infinity;
  let max = -Infinity;
  let counted = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isInteger(v)) {
      counted = false;
      break;
    }
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (counted && max - min < COUNTED_SPAN) {
    const counts = new Uint32Array(max - min + 1);
    for (let i = 0; i < values.length; i++) {
      const k = (values[i] as number) - min;
      counts[k] = (counts[k] as number) + 1;
    }
    return (rank) => {
      let seen = 0;
      for (let k = 0; k < counts.length; k++) {
        seen += counts[k] as number;
        if (seen > rank) return min + k;
      }
      return max;
    };
  }
  const sorted = Float64Array.from(values).sort();
  return (rank) => sorted[rank] as number;
}

export const median = (values: readonly number[]): number | null => quantile(values, 0.5);

export function mean(values: ArrayLike<number>): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum / values.length;
}

/** Events per `per` units of exposure (per 100 sessions, per 100 patient-months); null without exposure. */
export function ratePer(events: number, exposure: number, per: number): number | null {
  if (!(exposure > 0)) return null;
  return (events / exposure) * per;
}
