// Test data for other engineers' tests: a plan version that passes validation under the default settings.
import type { TreatmentPlanTerms } from './plan-terms.ts';

export function samplePlanTerms(overrides: Partial<TreatmentPlanTerms> = {}): TreatmentPlanTerms {
  return {
    phase: 'induction',
    route: 'sublingual',
    startingDoseMg: 300,
    currentDoseMg: 300,
    maximumDoseMg: 450,
    titrationStepMg: 50,
    sessionsPlanned: 6,
    minHoursBetweenSessions: 72,
    maxSessionsPer7Days: 2,
    fastingHours: 4,
    vitalsHold: { systolicMmHg: 160, diastolicMmHg: 100, heartRateBpm: 110 },
    followUp: { afterFirstSession: true, everySessions: 6 },
    goals: ['PHQ-9 below 10 by the end of induction'],
    administration: { route: 'sublingual', holdMinutes: 15, afterDissolve: 'spit' },
    ...overrides,
  };
}
