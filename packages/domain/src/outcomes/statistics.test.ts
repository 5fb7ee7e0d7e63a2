import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kaplanMeier, kaplanMeierMedian, mean, median, quantile, quantiles, ratePer, survivalAt, wilsonInterval } from './statistics.ts';

describe('the Wilson score interval', () => {
  // Newcombe RG. Two-sided confidence intervals for the single proportion: comparison of seven methods.
  // Statistics in Medicine 1998;17:857–872, Table II, method 3 (score method without continuity correction).
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i of %i is %f to %f (Newcombe 1998)', (x, n, lower, upper) => {
    const interval = wilsonInterval(x, n);
    expect(interval.estimate).toBeCloseTo(x / n, 12);
    expect(interval.lower).toBeCloseTo(lower, 4);
    expect(interval.upper).toBeCloseTo(upper, 4);
  });

  it('is exactly 0 below 0 of n and exactly 1 above n of n', () => {
    expect(wilsonInterval(0, 20).lower).toBe(0);
    const all = wilsonInterval(29, 29);
    expect(all.upper).toBe(1);
    expect(all.lower).toBeCloseTo(0.883, 3); // 1 − 0.1170 by symmetry with 0 of 29
  });

  it('claims nothing for nobody measured', () => {
    expect(wilsonInterval(0, 0)).toEqual({ numerator: 0, denominator: 0, estimate: null, lower: null, upper: null });
  });

  it.each([
    [3, 2],
    [-1, 5],
    [1.5, 4],
    [1, -1],
  ])('refuses %s of %s', (x, n) => {
    expect(() => wilsonInterval(x, n)).toThrow(RangeError);
  });

  it('always contains the estimate and stays within [0, 1]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, share) => {
        const x = Math.round(share * n);
        const { estimate, lower, upper } = wilsonInterval(x, n);
        expect(lower).not.toBeNull();
        expect(lower as number).toBeGreaterThanOrEqual(0);
        expect(upper as number).toBeLessThanOrEqual(1);
        expect(lower as number).toBeLessThanOrEqual((estimate as number) + 1e-12);
        expect(upper as number).toBeGreaterThanOrEqual((estimate as number) - 1e-12);
      }),
    );
  });
});

describe('the Kaplan–Meier estimator', () => {
  // The 6-mercaptopurine arm of the remission-duration trial of Freireich et al. (Blood 1963), weeks; + = censored.
  // Expected values as published in Klein & Moeschberger, Survival Analysis (2nd ed., 2003), Table 4.1A.
  const sixMp = [6, 6, 6, -6, 7, -9, 10, -10, -11, 13, 16, -17, -19, -20, 22, 23, -25, -32, -32, -34, -35].map((t) => ({
    time: Math.abs(t),
    event: t > 0,
  }));

  it('reproduces the published 6-MP table: survival and Greenwood standard error at each event time', () => {
    const steps = kaplanMeier(sixMp).filter((s) => s.events > 0);
    expect(steps.map((s) => [s.time, s.atRisk, s.events])).toEqual([
      [6, 21, 3],
      [7, 17, 1],
      [10, 15, 1],
      [13, 12, 1],
      [16, 11, 1],
      [22, 7, 1],
      [23, 6, 1],
    ]);
    const published = [
      [0.857, 0.0764],
      [0.807, 0.0869],
      [0.753, 0.0963],
      [0.69, 0.1068],
      [0.627, 0.1141],
      [0.538, 0.1282],
      [0.448, 0.1346],
    ];
    steps.forEach((step, i) => {
      const [survival, se] = published[i] as [number, number];
      expect(step.survival).toBeCloseTo(survival, 3);
      expect(step.standardError).toBeCloseTo(se, 3);
    });
    expect(kaplanMeierMedian(kaplanMeier(sixMp))).toBe(23);
  });

  it('counts a censoring at an event time as still at risk at that time', () => {
    // Six patients: response at 2; censored at 3; two responses at 4; censored at 5; response at 6.
    const steps = kaplanMeier([
      { time: 2, event: true },
      { time: 3, event: false },
      { time: 4, event: true },
      { time: 4, event: true },
      { time: 5, event: false },
      { time: 6, event: true },
    ]);
    expect(steps.map((s) => ({ time: s.time, atRisk: s.atRisk, events: s.events, censored: s.censored }))).toEqual([
      { time: 2, atRisk: 6, events: 1, censored: 0 },
      { time: 3, atRisk: 5, events: 0, censored: 1 },
      { time: 4, atRisk: 4, events: 2, censored: 0 },
      { time: 5, atRisk: 2, events: 0, censored: 1 },
      { time: 6, atRisk: 1, events: 1, censored: 0 },
    ]);
    // 5/6, then × 2/4 = 5/12, then × 0/1 = 0.
    expect(steps.map((s) => s.survival)).toEqual([5 / 6, 5 / 6, 5 / 12, 5 / 12, 0]);
    expect(steps[4]?.standardError).toBeNull();
    expect(survivalAt(steps, 1)).toBe(1);
    expect(survivalAt(steps, 3.5)).toBe(5 / 6);
    expect(survivalAt(steps, 4)).toBe(5 / 12);
    expect(kaplanMeierMedian(steps)).toBe(4);
  });

  it('puts the median where survival reaches exactly a half, however the product rounds', () => {
    // 24 patients, one responding on each of days 1…24: after day 12, 12 of 24 have responded, survival 12/24 = 1/2,
    // so the median is day 12 (the first time survival is at or below a half). Multiplied out in floating point,
    // (23/24)(22/23)…(12/13) is 0.5000000000000001.
    const steps = kaplanMeier(Array.from({ length: 24 }, (_, i) => ({ time: i + 1, event: true })));
    expect(kaplanMeierMedian(steps)).toBe(12);
    // Just above a half is not a half: 11 of 21 responding leaves 10/21.
    const eleven = kaplanMeier(Array.from({ length: 21 }, (_, i) => ({ time: i + 1, event: true })));
    expect(kaplanMeierMedian(eleven)).toBe(11);
    // Nor is a survival 2.5 × 10⁻¹⁰ above it: 999,999,999 of 1,999,999,999 at risk responding on day 1 leaves
    // 1,000,000,000 / 1,999,999,999, more than a half; the next day's response takes it below.
    const near = [
      { time: 1, atRisk: 1_999_999_999, events: 999_999_999, censored: 0, survival: 1_000_000_000 / 1_999_999_999, standardError: null },
      { time: 2, atRisk: 1_000_000_000, events: 1, censored: 0, survival: (1_000_000_000 / 1_999_999_999) * (999_999_999 / 1_000_000_000), standardError: null },
    ];
    expect(kaplanMeierMedian(near)).toBe(2);
  });

  it('with everyone censored stays at 1 and has no median', () => {
    const steps = kaplanMeier([
      { time: 10, event: false },
      { time: 20, event: false },
    ]);
    expect(steps.map((s) => s.survival)).toEqual([1, 1]);
    expect(kaplanMeierMedian(steps)).toBeNull();
    expect(kaplanMeier([])).toEqual([]);
  });

  it('refuses a negative or unreadable time', () => {
    expect(() => kaplanMeier([{ time: -1, event: true }])).toThrow(RangeError);
    expect(() => kaplanMeier([{ time: Number.NaN, event: true }])).toThrow(RangeError);
  });

  it('never rises, and without censoring equals the share still without the event', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 40 }), (times) => {
        const steps = kaplanMeier(times.map((time) => ({ time, event: true })));
        let previous = 1;
        for (const step of steps) {
          expect(step.survival).toBeLessThanOrEqual(previous + 1e-12);
          previous = step.survival;
          const left = times.filter((t) => t > step.time).length;
          expect(step.survival).toBeCloseTo(left / times.length, 10);
        }
      }),
    );
  });
});

describe('quantiles, means and rates', () => {
  it('interpolates between order statistics (Hyndman & Fan definition 7)', () => {
    expect(quantile([10, 1, 4, 3, 2], 0.9)).toBeCloseTo(7.6, 12); // position 3.6: 4 + 0.6 × (10 − 4)
    expect(quantile([10, 1, 4, 3, 2], 0)).toBe(1);
    expect(quantile([10, 1, 4, 3, 2], 1)).toBe(10);
    expect(median([7, 1, 3, 5])).toBe(4);
    expect(median([42])).toBe(42);
    expect(median([])).toBeNull();
    expect(() => quantile([1], 1.5)).toThrow(RangeError);
  });

  it('orders small integers by counting and anything else by sorting, with the same answers', () => {
    // Changes in score, repeated and negative: sorted −9 −4 −4 −4 0 0 2 7; position 1.75 → −4, 5.25 → 0 + 0.25 × 2.
    const changes = [0, -4, 7, -4, 2, -9, 0, -4];
    expect(quantiles(changes, [0, 0.25, 0.5, 0.75, 1])).toEqual([-9, -4, -2, 0.5, 7]);
    expect(quantiles(Int16Array.from(changes), [0.5])).toEqual([-2]);
    // Integers too far apart to count (span 10,000), and fractions: sorted as numbers.
    expect(quantiles([10_000, 0, 5_000, 1], [0.5])).toEqual([2_500.5]);
    expect(quantiles([0.5, 0.25, 10, 2], [0.5])).toEqual([1.25]);
  });

  it('means and rates per exposure', () => {
    expect(mean([1, 2, 6])).toBe(3);
    expect(mean([])).toBeNull();
    expect(ratePer(3, 150, 100)).toBe(2);
    expect(ratePer(1, 0, 100)).toBeNull();
  });
});
