// Test fixtures shared with other packages' tests: a complete intake that fires no rule, so a test can change one
// answer and see exactly one rule fire. Not used by production code.
import type { IntakeAnswers } from './intake.ts';

/** The `now` the fixture's date of birth is measured against (the patient is 40). */
export const screeningFixtureNow = new Date('2026-01-15T12:00:00Z');

export const fixturePrescriberStates: readonly string[] = ['CA', 'NY', 'TX'];

/** A fresh, complete, likely-eligible intake (a new object each call, safe to mutate). */
export function completeEligibleIntake(): IntakeAnswers {
  return {
    demographics: { dateOfBirth: '1985-06-01', sexAtBirth: 'female', state: 'CA', weightKg: 70 },
    psychiatricHistory: {
      diagnoses: ['major depressive disorder, recurrent'],
      antidepressantTrials: [
        { drug: 'sertraline', adequate: true },
        { drug: 'bupropion', adequate: true },
      ],
      psychoticDisorder: false,
      bipolarManiaOrMixed: false,
      suicideAttempts: { lifetimeCount: 0 },
    },
    medicalHistory: {
      aneurysmalVascularDisease: false,
      arteriovenousMalformation: false,
      intracerebralHaemorrhage: false,
      recentMyocardialInfarction: false,
      recentStroke: false,
      unstableAngina: false,
      arrhythmia: false,
      hypertension: false,
      restingBp: { systolicMmHg: 122, diastolicMmHg: 78 },
      liverImpairment: 'none',
      bladderOrInterstitialCystitis: false,
      seizureDisorder: false,
      sleepApnoea: false,
      respiratoryDisease: false,
      pregnant: false,
      breastfeeding: false,
      raisedIntracranialPressure: false,
    },
    medications: { none: true },
    substanceUse: {
      activeSud: false,
      sudInRemission: false,
      personalHistoryOfSud: false,
      familyHistoryOfSud: false,
    },
    instruments: {
      // Moderately severe depression (16) with item 9 = 0.
      phq9: { q1: 2, q2: 2, q3: 2, q4: 2, q5: 2, q6: 2, q7: 2, q8: 2, q9: 0, q10: 2 },
      gad7: { q1: 1, q2: 1, q3: 1, q4: 1, q5: 1, q6: 1, q7: 1 },
      'cssrs-screen': { q1: false, q2: false, q6: false },
      // AUDIT total 3, zone I.
      audit: { q1: 1, q2: 1, q3: 1, q4: 0, q5: 0, q6: 0, q7: 0, q8: 0, q9: 0, q10: 0 },
      // DAST-10 total 0 ("yes" to item 3, always able to stop, scores 0).
      dast10: { q1: false, q2: false, q3: true, q4: false, q5: false, q6: false, q7: false, q8: false, q9: false, q10: false },
      bladder: { frequency: false, urgency: false, pain_urinating: false, bladder_pain: false, blood_in_urine: false, incontinence: false },
    },
    supportSystem: {
      hasSitter: true,
      sitter: { name: 'Alex Rivera', relationship: 'spouse', isAdult: true, canAttendEverySession: true },
    },
  };
}
