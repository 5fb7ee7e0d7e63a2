import { describe, expect, it } from 'vitest';
import { defaultDosingSettings as d } from '../settings/program-settings.ts';
import { MS_PER_DAY, MS_PER_HOUR } from '../settings/time-units.ts';
import { samplePlanTerms } from './fixtures.ts';
import { effectiveLimits, followUpDueAfterSession, validatePlanTerms } from './plan-rules.ts';
import type { TreatmentPlanTerms } from './plan-terms.ts';
import { earliestNextSessionMs, projectSessionTimes } from './session-pace.ts';

const fields = (t: TreatmentPlanTerms): string[] => validatePlanTerms(t, d).map((e) => e.field);
const hold = (s: number, di: number, hr: number) => ({ systolicMmHg: s, diastolicMmHg: di, heartRateBpm: hr });

describe('validatePlanTerms', () => {
  const table: [string, Partial<TreatmentPlanTerms>, string[]][] = [
    ['the sample plan', {}, []],
    ['current dose equal to the maximum', { currentDoseMg: 450 }, []],
    ['current dose above the maximum', { currentDoseMg: 451 }, ['currentDoseMg']],
    ['starting dose above the maximum', { startingDoseMg: 460 }, ['startingDoseMg']],
    ['maximum exactly the sublingual outer limit', { maximumDoseMg: 450 }, []],
    ['maximum above the sublingual outer limit', { maximumDoseMg: 451 }, ['maximumDoseMg']],
    [
      'oral route allows up to the oral limit',
      { route: 'oral', maximumDoseMg: 600, administration: { route: 'oral' } },
      [],
    ],
    ['oral above its limit', { route: 'oral', maximumDoseMg: 601, administration: { route: 'oral' } }, ['maximumDoseMg']],
    ['interval exactly the program minimum', { minHoursBetweenSessions: 72 }, []],
    ['interval shorter than the program', { minHoursBetweenSessions: 71.99 }, ['minHoursBetweenSessions']],
    ['interval longer (tighter)', { minHoursBetweenSessions: 168 }, []],
    ['weekly maximum above the program', { maxSessionsPer7Days: 3 }, ['maxSessionsPer7Days']],
    ['weekly maximum 1 (tighter)', { maxSessionsPer7Days: 1 }, []],
    ['fasting shorter than the program', { fastingHours: 3.5 }, ['fastingHours']],
    ['fasting longer', { fastingHours: 6 }, []],
    ['holds equal to the program', { vitalsHold: hold(160, 100, 110) }, []],
    ['holds tighter (160/90, HR 100)', { vitalsHold: hold(160, 90, 100) }, []],
    ['systolic hold looser', { vitalsHold: hold(161, 100, 110) }, ['vitalsHold.systolicMmHg']],
    ['all holds looser', { vitalsHold: hold(161, 101, 111) }, ['vitalsHold.systolicMmHg', 'vitalsHold.diastolicMmHg', 'vitalsHold.heartRateBpm']],
    ['hold below human range', { vitalsHold: hold(40, 100, 110) }, ['vitalsHold.systolicMmHg']],
    ['follow-up less often than the program', { followUp: { afterFirstSession: true, everySessions: 7 } }, ['followUp.everySessions']],
    ['no follow-up after the first session', { followUp: { afterFirstSession: false, everySessions: 6 } }, ['followUp.afterFirstSession']],
    ['follow-up more often', { followUp: { afterFirstSession: true, everySessions: 3 } }, []],
    ['no goals', { goals: [] }, ['goals']],
    ['a blank goal', { goals: ['ok', ' '] }, ['goals.1']],
    ['administration for the wrong route', { route: 'oral', maximumDoseMg: 450, administration: { route: 'sublingual', holdMinutes: 15, afterDissolve: 'spit' } }, ['administration.route']],
    ['sublingual without a hold time', { administration: { route: 'sublingual', holdMinutes: 0, afterDissolve: 'spit' } }, ['administration.holdMinutes']],
    ['negative current dose', { currentDoseMg: -5 }, ['currentDoseMg']],
    ['NaN maximum', { maximumDoseMg: Number.NaN }, ['maximumDoseMg']],
    ['unknown route', { route: 'intranasal' as never }, ['route', 'administration.route']],
    ['unknown phase', { phase: 'rescue' as never }, ['phase']],
    ['zero sessions planned', { sessionsPlanned: 0 }, ['sessionsPlanned']],
  ];
  it.each(table)('%s', (_name, overrides, expected) => {
    expect(fields(samplePlanTerms(overrides))).toEqual(expected);
  });
});

describe('effectiveLimits', () => {
  it('takes the stricter of plan and program for every limit', () => {
    const plan = samplePlanTerms({
      maximumDoseMg: 500,
      minHoursBetweenSessions: 48,
      maxSessionsPer7Days: 1,
      fastingHours: 6,
      vitalsHold: hold(170, 90, 120),
      followUp: { afterFirstSession: false, everySessions: 4 },
    });
    expect(effectiveLimits(plan, d)).toEqual({
      maximumDoseMg: 450,
      minHoursBetweenSessions: 72,
      maxSessionsPer7Days: 1,
      rollingWindowDays: 7,
      fastingHours: 6,
      vitalsHold: hold(160, 90, 110),
      followUp: { afterFirstSession: true, everySessions: 4 },
    });
  });
  it('falls back to the program, and to no dose, for a malformed plan', () => {
    const plan = samplePlanTerms({ minHoursBetweenSessions: Number.NaN, maximumDoseMg: Number.NaN, maxSessionsPer7Days: 0 });
    const l = effectiveLimits(plan, d);
    expect(l.minHoursBetweenSessions).toBe(72);
    expect(l.maxSessionsPer7Days).toBe(2);
    expect(l.maximumDoseMg).toBe(0);
  });
  it('uses program limits and no dose without a plan', () => {
    expect(effectiveLimits(null, d).maximumDoseMg).toBeNull();
    expect(effectiveLimits(null, d).minHoursBetweenSessions).toBe(72);
  });
});

describe('followUpDueAfterSession', () => {
  const cadence = { afterFirstSession: true, everySessions: 6 };
  it.each([
    [1, true],
    [2, false],
    [5, false],
    [6, true],
    [7, false],
    [12, true],
    [0, false],
  ])('after session %i → %s', (n, due) => expect(followUpDueAfterSession(n, cadence)).toBe(due));
  it('asks for a visit when the cadence is unreadable', () =>
    expect(followUpDueAfterSession(2, { afterFirstSession: false, everySessions: 0 })).toBe(true));
});

describe('session pace', () => {
  const limits = { minHoursBetweenSessions: 72, maxSessionsPer7Days: 2, rollingWindowDays: 7 };
  const t0 = Date.UTC(2025, 0, 6, 9);
  it('allows now with no history', () => expect(earliestNextSessionMs([], t0, limits)).toBe(t0));
  it('waits out the interval', () => expect(earliestNextSessionMs([t0 - MS_PER_DAY], t0, limits)).toBe(t0 + 2 * MS_PER_DAY));
  it('waits out the window', () =>
    expect(earliestNextSessionMs([t0 - 4 * MS_PER_DAY, t0 - 6 * MS_PER_DAY], t0, limits)).toBe(t0 + MS_PER_DAY));
  it('projects at most 2 sessions in any 7 days, 72h apart', () => {
    const times = projectSessionTimes([], t0, 4, limits);
    expect(times.map((t) => (t - t0) / MS_PER_HOUR)).toEqual([0, 72, 168, 240]);
  });
});
