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

// Each error in full (field, code, message), written out by hand against the default settings: 450 mg sublingual and
// 600 mg oral, 72 h, 2 sessions in 7 days, 4 h fasting, holds 160/100/110, human range from 50/20/20, a follow-up
// after the first session and at least every 6.
describe('validatePlanTerms: each error in full', () => {
  const errors = (t: unknown) => validatePlanTerms(t as TreatmentPlanTerms, d);
  const table: [string, () => unknown, unknown[]][] = [
    ['not an object', () => null, [{ field: '', code: 'NOT_AN_OBJECT', message: 'The plan terms must be an object.' }]],
    ['a list', () => 'plan', [{ field: '', code: 'NOT_AN_OBJECT', message: 'The plan terms must be an object.' }]],
    ['an unknown phase', () => samplePlanTerms({ phase: 'rescue' as never }), [{ field: 'phase', code: 'INVALID_CHOICE', message: 'phase must be one of induction, maintenance, taper.' }]],
    ['a phase that is not text', () => samplePlanTerms({ phase: 1 as never }), [{ field: 'phase', code: 'INVALID_CHOICE', message: 'phase must be one of induction, maintenance, taper.' }]],
    [
      'an unknown route',
      () => samplePlanTerms({ route: 'nasal' as never, administration: { route: 'nasal' } as never }),
      [{ field: 'route', code: 'INVALID_CHOICE', message: 'route must be one of sublingual, oral.' }],
    ],
    [
      'doses and interval that are not positive',
      () => samplePlanTerms({ startingDoseMg: 0, currentDoseMg: -1, maximumDoseMg: Number.POSITIVE_INFINITY, minHoursBetweenSessions: '72' as never }),
      [
        { field: 'startingDoseMg', code: 'NOT_POSITIVE', message: 'startingDoseMg must be a positive number.' },
        { field: 'currentDoseMg', code: 'NOT_POSITIVE', message: 'currentDoseMg must be a positive number.' },
        { field: 'maximumDoseMg', code: 'NOT_POSITIVE', message: 'maximumDoseMg must be a positive number.' },
        { field: 'minHoursBetweenSessions', code: 'NOT_POSITIVE', message: 'minHoursBetweenSessions must be a positive number.' },
      ],
    ],
    [
      'a negative step and fast',
      () => samplePlanTerms({ titrationStepMg: -50, fastingHours: Number.NaN }),
      [
        { field: 'titrationStepMg', code: 'NEGATIVE', message: 'titrationStepMg must be zero or more.' },
        { field: 'fastingHours', code: 'NEGATIVE', message: 'fastingHours must be zero or more.' },
      ],
    ],
    ['a zero step is allowed', () => samplePlanTerms({ titrationStepMg: 0 }), []],
    [
      'counts that are not whole numbers of at least 1',
      () => samplePlanTerms({ sessionsPlanned: 1.5, maxSessionsPer7Days: 0 }),
      [
        { field: 'sessionsPlanned', code: 'NOT_POSITIVE_INTEGER', message: 'sessionsPlanned must be a whole number of at least 1.' },
        { field: 'maxSessionsPer7Days', code: 'NOT_POSITIVE_INTEGER', message: 'maxSessionsPer7Days must be a whole number of at least 1.' },
      ],
    ],
    [
      'holds that are not positive',
      () => samplePlanTerms({ vitalsHold: { systolicMmHg: 0, diastolicMmHg: -1, heartRateBpm: 'x' } as never }),
      [
        { field: 'vitalsHold.systolicMmHg', code: 'NOT_POSITIVE', message: 'vitalsHold.systolicMmHg must be a positive number.' },
        { field: 'vitalsHold.diastolicMmHg', code: 'NOT_POSITIVE', message: 'vitalsHold.diastolicMmHg must be a positive number.' },
        { field: 'vitalsHold.heartRateBpm', code: 'NOT_POSITIVE', message: 'vitalsHold.heartRateBpm must be a positive number.' },
        // The program comparison sees the two numbers too: below any human reading.
        { field: 'vitalsHold.systolicMmHg', code: 'OUTSIDE_HUMAN_RANGE', message: 'The systolic blood pressure hold (0) is below the human range (50).' },
        { field: 'vitalsHold.diastolicMmHg', code: 'OUTSIDE_HUMAN_RANGE', message: 'The diastolic blood pressure hold (-1) is below the human range (20).' },
      ],
    ],
    [
      'no holds at all',
      () => samplePlanTerms({ vitalsHold: null as never }),
      [
        { field: 'vitalsHold.systolicMmHg', code: 'NOT_POSITIVE', message: 'vitalsHold.systolicMmHg must be a positive number.' },
        { field: 'vitalsHold.diastolicMmHg', code: 'NOT_POSITIVE', message: 'vitalsHold.diastolicMmHg must be a positive number.' },
        { field: 'vitalsHold.heartRateBpm', code: 'NOT_POSITIVE', message: 'vitalsHold.heartRateBpm must be a positive number.' },
      ],
    ],
    [
      'holds left out',
      () => samplePlanTerms({ vitalsHold: undefined as never }),
      [
        { field: 'vitalsHold.systolicMmHg', code: 'NOT_POSITIVE', message: 'vitalsHold.systolicMmHg must be a positive number.' },
        { field: 'vitalsHold.diastolicMmHg', code: 'NOT_POSITIVE', message: 'vitalsHold.diastolicMmHg must be a positive number.' },
        { field: 'vitalsHold.heartRateBpm', code: 'NOT_POSITIVE', message: 'vitalsHold.heartRateBpm must be a positive number.' },
      ],
    ],
    [
      'infinite holds are unreadable, not looser or below the human range',
      () => samplePlanTerms({ vitalsHold: hold(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 110) }),
      [
        { field: 'vitalsHold.systolicMmHg', code: 'NOT_POSITIVE', message: 'vitalsHold.systolicMmHg must be a positive number.' },
        { field: 'vitalsHold.diastolicMmHg', code: 'NOT_POSITIVE', message: 'vitalsHold.diastolicMmHg must be a positive number.' },
      ],
    ],
    [
      'an unreadable follow-up cadence',
      () => samplePlanTerms({ followUp: { afterFirstSession: 'yes', everySessions: 0 } as never }),
      [
        { field: 'followUp.afterFirstSession', code: 'NOT_A_BOOLEAN', message: 'followUp.afterFirstSession must be true or false.' },
        { field: 'followUp.everySessions', code: 'NOT_POSITIVE_INTEGER', message: 'followUp.everySessions must be a whole number of at least 1.' },
      ],
    ],
    ['goals that are not a list', () => samplePlanTerms({ goals: 'feel better' as never }), [{ field: 'goals', code: 'REQUIRED', message: 'A plan states at least one goal.' }]],
    [
      'a goal that is not text, and an empty one',
      () => samplePlanTerms({ goals: ['ok', 3, ''] as never }),
      [
        { field: 'goals.1', code: 'REQUIRED', message: 'A goal cannot be empty.' },
        { field: 'goals.2', code: 'REQUIRED', message: 'A goal cannot be empty.' },
      ],
    ],
    [
      'administration for another route',
      () => samplePlanTerms({ administration: { route: 'oral' } }),
      [{ field: 'administration.route', code: 'ROUTE_MISMATCH', message: 'The administration instructions must be for the plan route.' }],
    ],
    [
      'sublingual administration without its instructions',
      () => samplePlanTerms({ administration: { route: 'sublingual', holdMinutes: Number.NaN, afterDissolve: 'keep' } as never }),
      [
        { field: 'administration.holdMinutes', code: 'NOT_POSITIVE', message: 'Say how many minutes to hold the tablet under the tongue.' },
        { field: 'administration.afterDissolve', code: 'INVALID_CHOICE', message: 'administration.afterDissolve must be one of spit, swallow.' },
      ],
    ],
    [
      'sublingual administration with an after-dissolve that is not text',
      () => samplePlanTerms({ administration: { route: 'sublingual', holdMinutes: 15, afterDissolve: 1 } as never }),
      [{ field: 'administration.afterDissolve', code: 'INVALID_CHOICE', message: 'administration.afterDissolve must be one of spit, swallow.' }],
    ],
    ['oral administration needs no hold time', () => samplePlanTerms({ route: 'oral', administration: { route: 'oral' } }), []],
    ['administration notes as text', () => samplePlanTerms({ administration: { route: 'sublingual', holdMinutes: 15, afterDissolve: 'swallow', notes: 'with water' } }), []],
    [
      'administration notes that are not text',
      () => samplePlanTerms({ administration: { route: 'sublingual', holdMinutes: 15, afterDissolve: 'spit', notes: 5 } as never }),
      [{ field: 'administration.notes', code: 'NOT_A_STRING', message: 'administration.notes must be text.' }],
    ],
    [
      'doses above the plan maximum',
      () => samplePlanTerms({ startingDoseMg: 460, currentDoseMg: 455, titrationStepMg: 451 }),
      [
        { field: 'startingDoseMg', code: 'ABOVE_PLAN_MAXIMUM', message: 'startingDoseMg (460 mg) is above the plan maximum (450 mg).' },
        { field: 'currentDoseMg', code: 'ABOVE_PLAN_MAXIMUM', message: 'currentDoseMg (455 mg) is above the plan maximum (450 mg).' },
        { field: 'titrationStepMg', code: 'ABOVE_PLAN_MAXIMUM', message: 'titrationStepMg (451 mg) is above the plan maximum (450 mg).' },
      ],
    ],
    [
      'a maximum above the oral limit',
      () => samplePlanTerms({ route: 'oral', maximumDoseMg: 650, administration: { route: 'oral' } }),
      [{ field: 'maximumDoseMg', code: 'ABOVE_PROGRAM_LIMIT', message: 'The maximum dose (650 mg) is above the program limit for oral (600 mg).' }],
    ],
    [
      'every pacing limit looser than the program',
      () => samplePlanTerms({ minHoursBetweenSessions: 48, maxSessionsPer7Days: 3, fastingHours: 2 }),
      [
        { field: 'minHoursBetweenSessions', code: 'LOOSER_THAN_PROGRAM', message: 'Sessions must be at least 72 hours apart under the program.' },
        { field: 'maxSessionsPer7Days', code: 'LOOSER_THAN_PROGRAM', message: 'The program allows at most 2 sessions in 7 days.' },
        { field: 'fastingHours', code: 'LOOSER_THAN_PROGRAM', message: 'The program requires at least 4 hours of fasting.' },
      ],
    ],
    [
      'holds above the program',
      () => samplePlanTerms({ vitalsHold: hold(161, 101, 111) }),
      [
        { field: 'vitalsHold.systolicMmHg', code: 'LOOSER_THAN_PROGRAM', message: "The systolic blood pressure hold (161) cannot be above the program's (160)." },
        { field: 'vitalsHold.diastolicMmHg', code: 'LOOSER_THAN_PROGRAM', message: "The diastolic blood pressure hold (101) cannot be above the program's (100)." },
        { field: 'vitalsHold.heartRateBpm', code: 'LOOSER_THAN_PROGRAM', message: "The heart rate hold (111) cannot be above the program's (110)." },
      ],
    ],
    [
      'holds below the human range',
      () => samplePlanTerms({ vitalsHold: hold(49, 19, 19) }),
      [
        { field: 'vitalsHold.systolicMmHg', code: 'OUTSIDE_HUMAN_RANGE', message: 'The systolic blood pressure hold (49) is below the human range (50).' },
        { field: 'vitalsHold.diastolicMmHg', code: 'OUTSIDE_HUMAN_RANGE', message: 'The diastolic blood pressure hold (19) is below the human range (20).' },
        { field: 'vitalsHold.heartRateBpm', code: 'OUTSIDE_HUMAN_RANGE', message: 'The heart rate hold (19) is below the human range (20).' },
      ],
    ],
    ['holds exactly at the bottom of the human range', () => samplePlanTerms({ vitalsHold: hold(50, 20, 20) }), []],
    [
      'a follow-up cadence looser than the program',
      () => samplePlanTerms({ followUp: { afterFirstSession: false, everySessions: 7 } }),
      [
        { field: 'followUp.afterFirstSession', code: 'LOOSER_THAN_PROGRAM', message: 'The program requires a follow-up visit after the first session.' },
        { field: 'followUp.everySessions', code: 'LOOSER_THAN_PROGRAM', message: 'The program requires a follow-up at least every 6 sessions.' },
      ],
    ],
  ];
  it.each(table)('%s', (_name, build, expected) => {
    expect(errors(build())).toStrictEqual(expected);
  });

  it('a program that does not ask for a follow-up after the first session lets a plan skip it', () => {
    const settings = { ...d, followUp: { afterFirstSession: false, everySessions: 6 } };
    expect(validatePlanTerms(samplePlanTerms({ followUp: { afterFirstSession: false, everySessions: 6 } }), settings)).toStrictEqual([]);
  });
});

describe('effectiveLimits: in full', () => {
  it('without a plan: the program limits and no dose', () => {
    expect(effectiveLimits(null, d)).toStrictEqual({
      maximumDoseMg: null,
      minHoursBetweenSessions: 72,
      maxSessionsPer7Days: 2,
      rollingWindowDays: 7,
      fastingHours: 4,
      vitalsHold: hold(160, 100, 110),
      followUp: { afterFirstSession: true, everySessions: 6 },
    });
  });
  it('a plan whose every value is unreadable narrows nothing and allows no dose', () => {
    const plan = samplePlanTerms({
      route: 'nasal' as never,
      maximumDoseMg: 300,
      minHoursBetweenSessions: 'x' as never,
      maxSessionsPer7Days: 1.5,
      fastingHours: Number.NaN,
      vitalsHold: null as never,
      followUp: { afterFirstSession: 'yes', everySessions: -2 } as never,
    });
    expect(effectiveLimits(plan, { ...d, followUp: { afterFirstSession: false, everySessions: 6 } })).toStrictEqual({
      maximumDoseMg: 0,
      minHoursBetweenSessions: 72,
      maxSessionsPer7Days: 2,
      rollingWindowDays: 7,
      fastingHours: 4,
      vitalsHold: hold(160, 100, 110),
      followUp: { afterFirstSession: false, everySessions: 6 },
    });
  });
  it('a plan stricter on everything keeps its own values', () => {
    const plan = samplePlanTerms({
      route: 'oral',
      maximumDoseMg: 500,
      minHoursBetweenSessions: 96,
      maxSessionsPer7Days: 1,
      fastingHours: 8,
      vitalsHold: hold(150, 95, 100),
      followUp: { afterFirstSession: true, everySessions: 3 },
      administration: { route: 'oral' },
    });
    expect(effectiveLimits(plan, { ...d, followUp: { afterFirstSession: false, everySessions: 6 } })).toStrictEqual({
      maximumDoseMg: 500,
      minHoursBetweenSessions: 96,
      maxSessionsPer7Days: 1,
      rollingWindowDays: 7,
      fastingHours: 8,
      vitalsHold: hold(150, 95, 100),
      followUp: { afterFirstSession: true, everySessions: 3 },
    });
  });
  it('terms that are not an object count as no plan', () => {
    expect(effectiveLimits('plan' as unknown as TreatmentPlanTerms, d).maximumDoseMg).toBeNull();
  });
  it('a zero or negative maximum allows no dose', () => {
    expect(effectiveLimits(samplePlanTerms({ maximumDoseMg: 0 }), d).maximumDoseMg).toBe(0);
    expect(effectiveLimits(samplePlanTerms({ maximumDoseMg: -300 }), d).maximumDoseMg).toBe(0);
  });
});

describe('followUpDueAfterSession: edges', () => {
  it.each([
    ['not a whole session count', 1.5, { afterFirstSession: true, everySessions: 6 }, false],
    ['the first session when the cadence does not ask for it', 1, { afterFirstSession: false, everySessions: 6 }, false],
    ['every session under a cadence of 1', 3, { afterFirstSession: false, everySessions: 1 }, true],
    ['an unreadable cadence after the first session', 1, { afterFirstSession: false, everySessions: Number.NaN }, true],
  ] as const)('%s', (_name, n, cadence, due) => expect(followUpDueAfterSession(n, cadence)).toBe(due));
});
