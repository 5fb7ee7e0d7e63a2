import { describe, expect, it } from 'vitest';
import { completeEligibleIntake, fixturePrescriberStates, screeningFixtureNow } from './fixtures.ts';
import type { IntakeAnswers } from './intake.ts';
import { intakeProgress, screenIntake } from './screen-intake.ts';
import { defaultScreeningSettings } from './screening-settings.ts';
import type { ScreeningSettings } from './screening-settings.ts';
import type { ScreeningResult, ScreeningRuleId } from './screening.types.ts';

const options = { now: screeningFixtureNow, settings: defaultScreeningSettings, prescriberStates: fixturePrescriberStates };

function screen(edit: (i: IntakeAnswers) => void = () => {}, opts: Partial<typeof options> & { settings?: ScreeningSettings } = {}): ScreeningResult {
  const intake = completeEligibleIntake();
  edit(intake);
  return screenIntake(intake, { ...options, ...opts });
}

const rules = (r: ScreeningResult): ScreeningRuleId[] => r.reasons.map((x) => x.rule);
const reason = (r: ScreeningResult, rule: ScreeningRuleId) => r.reasons.find((x) => x.rule === rule);

// Setters used by several tables. `!` is safe: the fixture always has every section.
const med = (i: IntakeAnswers) => i.medicalHistory!;
const sub = (i: IntakeAnswers) => i.substanceUse!;
const inst = (i: IntakeAnswers) => i.instruments!;
const auditTotal = (total: number, extra: Record<string, number> = {}) => {
  // Q1, Q2, Q3, Q7, Q8 up to 4 each (no move-up), then Q4–Q6 at 1.
  const order: [string, number][] = [['q1', 4], ['q2', 4], ['q3', 4], ['q7', 4], ['q8', 4], ['q4', 1], ['q5', 1], ['q6', 1]];
  const a: Record<string, number> = { q1: 0, q2: 0, q3: 0, q4: 0, q5: 0, q6: 0, q7: 0, q8: 0, q9: 0, q10: 0 };
  let left = total;
  for (const [id, max] of order) {
    a[id] = Math.min(max, left);
    left -= a[id];
  }
  return { ...a, ...extra };
};
const dastTotal = (total: number) => {
  const a: Record<string, boolean> = { q3: true };
  ['q1', 'q2', 'q4', 'q5', 'q6', 'q7', 'q8', 'q9', 'q10'].forEach((id, i) => (a[id] = i < total));
  return a;
};

describe('completeEligibleIntake fixture', () => {
  it('is likely eligible with no reason, nothing missing, low dependence risk', () => {
    const r = screen();
    expect(r).toMatchObject({ eligibility: 'likely_eligible', reasons: [], missing: [], missingSections: [], showCrisisResources: false });
    expect(r.dependenceRisk).toEqual({ tier: 'low', factors: [] });
    expect(r.instrumentResults.phq9).toMatchObject({ kind: 'scored', total: 16, band: 'moderately_severe' });
    expect(r.instrumentResults['audit-c']).toMatchObject({ kind: 'scored', total: 3, band: 'positive' });
  });

  it('returns a fresh object each call', () => {
    const a = completeEligibleIntake();
    a.demographics!.state = 'ZZ';
    expect(completeEligibleIntake().demographics!.state).toBe('CA');
  });
});

type Case = [ScreeningRuleId, 'exclude' | 'review', (i: IntakeAnswers) => void, ScreeningRuleId[]?];

// Each rule fires alone from the eligible fixture; the optional last column lists rules that must fire with it
// because the same answer means both (documented in docs/safety).
const eachRuleAlone: Case[] = [
  ['AGE_UNDER_18', 'exclude', (i) => (i.demographics!.dateOfBirth = '2010-01-01')],
  ['VASCULAR_ANEURYSM_AVM_ICH', 'exclude', (i) => (med(i).aneurysmalVascularDisease = true)],
  ['VASCULAR_ANEURYSM_AVM_ICH', 'exclude', (i) => (med(i).arteriovenousMalformation = true)],
  ['VASCULAR_ANEURYSM_AVM_ICH', 'exclude', (i) => (med(i).intracerebralHaemorrhage = true)],
  ['PSYCHOSIS_OR_MANIA', 'exclude', (i) => (i.psychiatricHistory!.psychoticDisorder = true)],
  ['PSYCHOSIS_OR_MANIA', 'exclude', (i) => (i.psychiatricHistory!.bipolarManiaOrMixed = true)],
  ['PREGNANT_OR_BREASTFEEDING', 'exclude', (i) => (med(i).pregnant = true)],
  ['PREGNANT_OR_BREASTFEEDING', 'exclude', (i) => (med(i).breastfeeding = true)],
  ['LIVER_SEVERE', 'exclude', (i) => (med(i).liverImpairment = 'severe')],
  ['LIVER_MODERATE', 'review', (i) => (med(i).liverImpairment = 'moderate')],
  ['CARDIAC_OR_ICP', 'exclude', (i) => (med(i).raisedIntracranialPressure = true)],
  ['CARDIAC_OR_ICP', 'exclude', (i) => Object.assign(med(i), { recentMyocardialInfarction: true, cardiologyClearance: false })],
  ['CARDIAC_OR_ICP', 'review', (i) => Object.assign(med(i), { arrhythmia: true, cardiologyClearance: true })],
  ['CARDIAC_OR_ICP', 'exclude', (i) => Object.assign(med(i), { unstableAngina: true, cardiologyClearance: false })],
  ['CARDIAC_OR_ICP', 'exclude', (i) => Object.assign(med(i), { recentStroke: true, cardiologyClearance: false })],
  ['CARDIAC_OR_ICP', 'exclude', (i) => Object.assign(med(i), { hypertension: true, hypertensionUncontrolled: true, cardiologyClearance: false })],
  ['BP_ABOVE_INTAKE_LIMIT', 'review', (i) => (med(i).restingBp = { systolicMmHg: 150, diastolicMmHg: 85 })],
  ['ACTIVE_SUD', 'exclude', (i) => (sub(i).activeSud = true)],
  ['AUDIT_ZONE_IV', 'exclude', (i) => (inst(i).audit = auditTotal(20))],
  ['DAST10_SEVERE', 'exclude', (i) => (inst(i).dast10 = dastTotal(6))],
  ['SUD_REMISSION_RECENT', 'review', (i) => Object.assign(sub(i), { sudInRemission: true, remissionMonths: 6 }), ['SUBSTANCE_RISK_FACTORS']],
  ['SUBSTANCE_RISK_FACTORS', 'review', (i) => (sub(i).familyHistoryOfSud = true)],
  ['SUBSTANCE_RISK_FACTORS', 'review', (i) => (sub(i).personalHistoryOfSud = true)],
  ['SUBSTANCE_RISK_FACTORS', 'review', (i) => (sub(i).cageAidScore = 2)],
  ['SUBSTANCE_RISK_FACTORS', 'review', (i) => (inst(i).audit = auditTotal(8))],
  ['SUBSTANCE_RISK_FACTORS', 'review', (i) => (inst(i).dast10 = dastTotal(3))],
  ['CSSRS_HIGH', 'exclude', (i) => (inst(i)['cssrs-screen'] = { q1: true, q2: true, q3: true, q4: true, q5: false, q6: false })],
  ['CSSRS_HIGH', 'exclude', (i) => (inst(i)['cssrs-screen'] = { q1: false, q2: false, q6: true, q6_recent: true })],
  ['CSSRS_POSITIVE', 'review', (i) => (inst(i)['cssrs-screen'] = { q1: true, q2: false, q6: false })],
  ['CSSRS_POSITIVE', 'review', (i) => (inst(i)['cssrs-screen'] = { q1: false, q2: false, q6: true, q6_recent: false })],
  ['PHQ9_ITEM9_POSITIVE', 'review', (i) => (inst(i).phq9 = { ...inst(i).phq9, q9: 1 })],
  ['BLADDER_SYMPTOMS_AT_INTAKE', 'review', (i) => (inst(i).bladder = { ...inst(i).bladder, frequency: true })],
  ['COMORBIDITY_REVIEW', 'review', (i) => (med(i).bladderOrInterstitialCystitis = true)],
  ['COMORBIDITY_REVIEW', 'review', (i) => (med(i).seizureDisorder = true)],
  ['COMORBIDITY_REVIEW', 'review', (i) => (med(i).sleepApnoea = true)],
  ['COMORBIDITY_REVIEW', 'review', (i) => (med(i).respiratoryDisease = true)],
  ...(['lamotrigine', 'maoi', 'stimulant', 'opioid', 'other_sedative'] as const).map(
    (cls): Case => ['INTERACTING_MEDICATION', 'review', (i) => (i.medications = { none: false, list: [{ name: `a ${cls}`, class: cls }] })],
  ),
  ['INTERACTING_MEDICATION', 'review', (i) => (i.medications = { none: false, list: [{ name: 'clonazepam', class: 'benzodiazepine', diazepamEquivalentMgPerDay: 10 }] })],
  ['NO_SITTER', 'exclude', (i) => (i.supportSystem = { hasSitter: false })],
  ['NO_SITTER', 'exclude', (i) => (i.supportSystem!.sitter!.isAdult = false)],
  ['NO_SITTER', 'exclude', (i) => (i.supportSystem!.sitter!.canAttendEverySession = false)],
  ['TREATMENT_RESISTANCE_NOT_SHOWN', 'review', (i) => (i.psychiatricHistory!.antidepressantTrials = [{ drug: 'sertraline', adequate: true }, { drug: 'citalopram', adequate: false }])],
  ['TREATMENT_RESISTANCE_NOT_SHOWN', 'review', (i) => {
    delete i.psychiatricHistory!.antidepressantTrials;
    i.psychiatricHistory!.adequateAntidepressantTrialsThisEpisode = 1;
  }],
  ['STATE_NOT_LICENSED', 'exclude', (i) => (i.demographics!.state = 'FL')],
  ['MISSING_ANSWERS', 'review', (i) => delete i.demographics!.weightKg],
];

describe('each rule fires alone from an otherwise eligible intake', () => {
  it.each(eachRuleAlone.map((c, n) => [`${c[0]} #${n}`, ...c] as const))('%s', (_name, rule, outcome, edit, alsoFires = []) => {
    const r = screen(edit);
    expect(rules(r).sort()).toEqual([rule, ...alsoFires].sort());
    expect(reason(r, rule)?.outcome).toBe(outcome);
    expect(r.eligibility).toBe(outcome === 'exclude' ? 'not_eligible' : 'needs_review');
    expect(Object.keys(reason(r, rule)?.answers ?? {}).length).toBeGreaterThan(0);
    expect(reason(r, rule)?.detail.length).toBeGreaterThan(0);
  });

  it('covers every rule id', async () => {
    const { screeningRuleIds } = await import('./screening.types.ts');
    expect(new Set(eachRuleAlone.map((c) => c[0]))).toEqual(new Set(screeningRuleIds));
  });
});

describe('named scenarios', () => {
  it('aneurysm → not_eligible naming VASCULAR_ANEURYSM_AVM_ICH and the answer behind it', () => {
    const r = screen((i) => (med(i).aneurysmalVascularDisease = true));
    expect(r.eligibility).toBe('not_eligible');
    expect(reason(r, 'VASCULAR_ANEURYSM_AVM_ICH')).toMatchObject({ outcome: 'exclude', answers: { 'medicalHistory.aneurysmalVascularDisease': true } });
  });

  it('missing medication section → needs_review with MISSING_ANSWERS naming it', () => {
    const r = screen((i) => delete i.medications);
    expect(r.eligibility).toBe('needs_review');
    expect(rules(r)).toEqual(['MISSING_ANSWERS']);
    expect(r.missing).toEqual(['medications.none']);
    expect(r.missingSections).toEqual(['medications']);
    expect(reason(r, 'MISSING_ANSWERS')?.answers).toMatchObject({ sections: ['medications'] });
  });

  it('an empty intake is needs_review, never likely eligible, listing every section', () => {
    const r = screenIntake({}, options);
    expect(r.eligibility).toBe('needs_review');
    expect(rules(r)).toEqual(['MISSING_ANSWERS']);
    expect(r.missingSections.sort()).toEqual(['demographics', 'instruments', 'medicalHistory', 'medications', 'psychiatricHistory', 'substanceUse', 'supportSystem']);
  });

  it('missing answers do not hide an exclusion', () => {
    const r = screen((i) => {
      delete i.medications;
      med(i).pregnant = true;
    });
    expect(r.eligibility).toBe('not_eligible');
    expect(rules(r).sort()).toEqual(['MISSING_ANSWERS', 'PREGNANT_OR_BREASTFEEDING']);
  });

  it('family history of substance use raises the dependence tier from low to elevated', () => {
    expect(screen().dependenceRisk.tier).toBe('low');
    const r = screen((i) => (sub(i).familyHistoryOfSud = true));
    expect(r.dependenceRisk).toEqual({ tier: 'elevated', factors: [{ code: 'FAMILY_HISTORY_SUD', detail: expect.any(String) }] });
  });

  it('two factors make the tier high', () => {
    const r = screen((i) => Object.assign(sub(i), { familyHistoryOfSud: true, cageAidScore: 3 }));
    expect(r.dependenceRisk.tier).toBe('high');
    expect(r.dependenceRisk.factors.map((f) => f.code).sort()).toEqual(['CAGE_AID_POSITIVE', 'FAMILY_HISTORY_SUD']);
  });

  it('a strong factor alone makes the tier high', () => {
    expect(screen((i) => (sub(i).activeSud = true)).dependenceRisk).toMatchObject({ tier: 'high', factors: [{ code: 'ACTIVE_SUD' }] });
    expect(screen((i) => (inst(i).dast10 = dastTotal(7))).dependenceRisk).toMatchObject({ tier: 'high', factors: [{ code: 'DAST10_SUBSTANTIAL_OR_SEVERE' }] });
  });

  it('the tier roll-up thresholds are settings', () => {
    const settings: ScreeningSettings = {
      ...defaultScreeningSettings,
      dependenceRisk: { elevatedAtFactorCount: 2, highAtFactorCount: 3, strongFactors: ['FAMILY_HISTORY_SUD'] },
    };
    expect(screen((i) => (sub(i).cageAidScore = 2), { settings }).dependenceRisk.tier).toBe('low');
    expect(screen((i) => (sub(i).familyHistoryOfSud = true), { settings }).dependenceRisk.tier).toBe('high');
  });

  it('SUD in remission counts as a personal history of SUD', () => {
    const r = screen((i) => Object.assign(sub(i), { sudInRemission: true, remissionMonths: 24 }));
    expect(rules(r)).toEqual(['SUBSTANCE_RISK_FACTORS']);
    expect(r.dependenceRisk.factors.map((f) => f.code)).toEqual(['PERSONAL_HISTORY_SUD']);
  });

  it('reports every rule that fired, not the first', () => {
    const r = screen((i) => {
      i.demographics!.dateOfBirth = '2009-06-01';
      i.demographics!.state = 'WA';
      med(i).aneurysmalVascularDisease = true;
      med(i).liverImpairment = 'moderate';
      med(i).restingBp = { systolicMmHg: 150, diastolicMmHg: 95 };
      sub(i).familyHistoryOfSud = true;
      i.supportSystem = { hasSitter: false };
      inst(i).phq9 = { ...inst(i).phq9, q9: 2 };
    });
    expect(r.eligibility).toBe('not_eligible');
    expect(rules(r).sort()).toEqual(
      ['AGE_UNDER_18', 'BP_ABOVE_INTAKE_LIMIT', 'LIVER_MODERATE', 'NO_SITTER', 'PHQ9_ITEM9_POSITIVE', 'STATE_NOT_LICENSED', 'SUBSTANCE_RISK_FACTORS', 'VASCULAR_ANEURYSM_AVM_ICH'].sort(),
    );
    expect(r.showCrisisResources).toBe(true);
  });

  it('C-SSRS high is an exclusion, shows crisis resources, and is not also reported as CSSRS_POSITIVE', () => {
    const r = screen((i) => (inst(i)['cssrs-screen'] = { q1: true, q2: true, q3: false, q4: false, q5: true, q6: false }));
    expect(rules(r)).toEqual(['CSSRS_HIGH']);
    expect(r.showCrisisResources).toBe(true);
    expect(r.instrumentResults['cssrs-screen']).toMatchObject({ kind: 'scored', risk: 'high' });
  });

  it('an invalid questionnaire is reported by item and blocks likely_eligible', () => {
    const r = screen((i) => (inst(i).gad7 = { ...inst(i).gad7, q3: 7 }));
    expect(r.eligibility).toBe('needs_review');
    expect(r.missing).toEqual(['instruments.gad7.q3']);
    expect(r.instrumentResults.gad7).toMatchObject({ kind: 'invalid', errors: [{ item: 'q3' }] });
  });

  it('a benzodiazepine without its diazepam-equivalent dose is missing, and still reported as interacting', () => {
    const r = screen((i) => (i.medications = { none: false, list: [{ name: 'lorazepam', class: 'benzodiazepine' }] }));
    expect(r.missing).toEqual(['medications.list[0].diazepamEquivalentMgPerDay']);
    expect(rules(r).sort()).toEqual(['INTERACTING_MEDICATION', 'MISSING_ANSWERS']);
  });

  it('benzodiazepine above the blunting dose says so; at the dose it does not', () => {
    const detail = (mg: number) =>
      reason(screen((i) => (i.medications = { none: false, list: [{ name: 'diazepam', class: 'benzodiazepine', diazepamEquivalentMgPerDay: mg }] })), 'INTERACTING_MEDICATION')?.detail;
    expect(detail(8)).not.toContain('blunt');
    expect(detail(9)).toContain('blunt');
  });

  it('a non-interacting medication fires nothing', () => {
    expect(screen((i) => (i.medications = { none: false, list: [{ name: 'levothyroxine', class: 'other' }] })).eligibility).toBe('likely_eligible');
  });

  it('"none" with a medication list is a contradiction, not an answer', () => {
    const r = screen((i) => (i.medications = { none: true, list: [{ name: 'sertraline', class: 'other' }] }));
    expect(r.missing).toEqual(['medications']);
  });

  it('pregnancy questions are not required when sex at birth is male', () => {
    const r = screen((i) => {
      i.demographics!.sexAtBirth = 'male';
      delete med(i).pregnant;
      delete med(i).breastfeeding;
    });
    expect(r.eligibility).toBe('likely_eligible');
  });

  it('cardiac findings require an answer about cardiology clearance', () => {
    const r = screen((i) => (med(i).arrhythmia = true));
    expect(r.missing).toEqual(['medicalHistory.cardiologyClearance']);
    expect(reason(r, 'CARDIAC_OR_ICP')?.outcome).toBe('exclude');
  });

  it('cardiology clearance does not clear raised intracranial pressure', () => {
    const r = screen((i) => Object.assign(med(i), { arrhythmia: true, raisedIntracranialPressure: true, cardiologyClearance: true }));
    expect(reason(r, 'CARDIAC_OR_ICP')?.outcome).toBe('exclude');
  });

  it('controlled hypertension alone fires nothing', () => {
    expect(screen((i) => Object.assign(med(i), { hypertension: true, hypertensionUncontrolled: false })).eligibility).toBe('likely_eligible');
  });

  it('a state is matched case-insensitively on both sides', () => {
    expect(screen((i) => (i.demographics!.state = 'ny'), { prescriberStates: ['ca', 'ny'] }).eligibility).toBe('likely_eligible');
    expect(screen((i) => (i.demographics!.state = 'XX')).missing).toEqual(['demographics.state']);
  });

  it('no prescriber states at all excludes everyone (fail closed)', () => {
    expect(rules(screen(() => {}, { prescriberStates: [] }))).toEqual(['STATE_NOT_LICENSED']);
  });

  it('derives an AUDIT-C baseline from AUDIT Q1–Q3 by sex at birth', () => {
    const male = screen((i) => (i.demographics!.sexAtBirth = 'male'));
    expect(male.instrumentResults['audit-c']).toMatchObject({ kind: 'scored', total: 3, band: 'negative' });
  });
});

describe('boundaries', () => {
  it.each([
    ['2008-01-15', 18, false],
    ['2008-01-16', 17, true],
    ['2008-01-14', 18, false],
    ['2007-01-16', 18, false],
  ])('born %s, on 2026-01-15 aged %i → AGE_UNDER_18 %s', (dateOfBirth, age, fires) => {
    const r = screen((i) => (i.demographics!.dateOfBirth = dateOfBirth));
    expect(rules(r).includes('AGE_UNDER_18')).toBe(fires);
    if (fires) expect(reason(r, 'AGE_UNDER_18')?.answers).toMatchObject({ ageYears: age });
  });

  it('a 29 February birthday is reached on 1 March in a common year', () => {
    const born = (now: string) => screen((i) => (i.demographics!.dateOfBirth = '2008-02-29'), { now: new Date(now) });
    expect(rules(born('2026-02-28T12:00:00Z'))).toEqual(['AGE_UNDER_18']);
    expect(rules(born('2026-03-01T00:00:00Z'))).toEqual([]);
  });

  it.each(['2026-02-30', '15/01/1990', '1990-1-5', '2030-01-01', '1800-01-01'])('date of birth %s is invalid, so missing', (dob) => {
    const r = screen((i) => (i.demographics!.dateOfBirth = dob));
    expect(r.missing).toEqual(['demographics.dateOfBirth']);
    expect(r.eligibility).toBe('needs_review');
  });

  it.each([
    [140, 90, false],
    [141, 91, true],
    [141, 90, true],
    [140, 91, true],
    [139, 89, false],
  ])('resting BP %i/%i → BP_ABOVE_INTAKE_LIMIT %s', (systolicMmHg, diastolicMmHg, fires) => {
    expect(rules(screen((i) => (med(i).restingBp = { systolicMmHg, diastolicMmHg }))).includes('BP_ABOVE_INTAKE_LIMIT')).toBe(fires);
  });

  it('the intake BP limit is a setting', () => {
    const settings: ScreeningSettings = { ...defaultScreeningSettings, intakeBpReviewAbove: { systolicMmHg: 130, diastolicMmHg: 80 } };
    expect(rules(screen((i) => (med(i).restingBp = { systolicMmHg: 131, diastolicMmHg: 78 }), { settings }))).toEqual(['BP_ABOVE_INTAKE_LIMIT']);
  });

  it.each([
    [{ systolicMmHg: 320, diastolicMmHg: 80 }, 'medicalHistory.restingBp.systolicMmHg'],
    [{ systolicMmHg: 40, diastolicMmHg: 30 }, 'medicalHistory.restingBp.systolicMmHg'],
    [{ systolicMmHg: 120, diastolicMmHg: 130 }, 'medicalHistory.restingBp'],
    [{ systolicMmHg: 120 }, 'medicalHistory.restingBp.diastolicMmHg'],
  ])('implausible BP %j is an input error at %s, not a reading', (bp, path) => {
    const r = screen((i) => (med(i).restingBp = bp));
    expect(r.missing).toEqual([path]);
    expect(rules(r)).toEqual(['MISSING_ANSWERS']);
  });

  it.each([
    [0, []],
    [2, []],
    [3, ['SUBSTANCE_RISK_FACTORS']],
    [5, ['SUBSTANCE_RISK_FACTORS']],
    [6, ['DAST10_SEVERE']],
    [9, ['DAST10_SEVERE']],
  ] as const)('DAST-10 total %i → %j', (total, expected) => {
    const r = screen((i) => (inst(i).dast10 = dastTotal(total)));
    expect(r.instrumentResults.dast10).toMatchObject({ kind: 'scored', total });
    expect(rules(r)).toEqual(expected);
  });

  it.each([
    ['zone I (7)', auditTotal(7), []],
    ['zone II (8)', auditTotal(8), ['SUBSTANCE_RISK_FACTORS']],
    ['zone II (15)', auditTotal(15), ['SUBSTANCE_RISK_FACTORS']],
    ['zone III (16)', auditTotal(16), ['SUBSTANCE_RISK_FACTORS']],
    ['zone III (19)', auditTotal(19), ['SUBSTANCE_RISK_FACTORS']],
    ['zone IV (20)', auditTotal(20), ['AUDIT_ZONE_IV']],
    ['zone III moved up to IV (Q4 = 2, total 18)', auditTotal(16, { q4: 2 }), ['AUDIT_ZONE_IV']],
    ['zone I moved up to II (Q9 = 4)', auditTotal(0, { q9: 4 }), ['SUBSTANCE_RISK_FACTORS']],
  ])('AUDIT %s → %j', (_name, audit, expected) => {
    expect(rules(screen((i) => (inst(i).audit = audit)))).toEqual(expected);
  });

  it.each([
    [11, true],
    [12, false],
  ])('SUD in remission %i months → SUD_REMISSION_RECENT %s', (remissionMonths, fires) => {
    const r = screen((i) => Object.assign(sub(i), { sudInRemission: true, remissionMonths }));
    expect(rules(r).includes('SUD_REMISSION_RECENT')).toBe(fires);
  });

  it.each([
    [1, false],
    [2, true],
  ])('CAGE-AID %i → risk factor %s', (cageAidScore, factor) => {
    const r = screen((i) => (sub(i).cageAidScore = cageAidScore));
    expect(r.dependenceRisk.factors.some((f) => f.code === 'CAGE_AID_POSITIVE')).toBe(factor);
  });

  it.each([
    [1, true],
    [2, false],
    [3, false],
  ])('%i adequate antidepressant trials → TREATMENT_RESISTANCE_NOT_SHOWN %s', (n, fires) => {
    const r = screen((i) => {
      delete i.psychiatricHistory!.antidepressantTrials;
      i.psychiatricHistory!.adequateAntidepressantTrialsThisEpisode = n;
    });
    expect(rules(r).includes('TREATMENT_RESISTANCE_NOT_SHOWN')).toBe(fires);
  });

  it('when the trial list and the count disagree, the smaller is used', () => {
    const r = screen((i) => (i.psychiatricHistory!.adequateAntidepressantTrialsThisEpisode = 1));
    expect(rules(r)).toEqual(['TREATMENT_RESISTANCE_NOT_SHOWN']);
  });

  it('the minimum age is a setting', () => {
    const settings: ScreeningSettings = { ...defaultScreeningSettings, minimumAgeYears: 21 };
    expect(rules(screen((i) => (i.demographics!.dateOfBirth = '2006-01-01'), { settings }))).toEqual(['AGE_UNDER_18']);
  });

  it('the DAST-10 exclusion threshold is a setting', () => {
    const settings: ScreeningSettings = { ...defaultScreeningSettings, dast10ExcludeAtOrAbove: 7 };
    expect(rules(screen((i) => (inst(i).dast10 = dastTotal(6)), { settings }))).toEqual(['SUBSTANCE_RISK_FACTORS']);
  });
});

describe('intake progress', () => {
  it('is complete for the fixture and names what a draft lacks', () => {
    const opts = { now: screeningFixtureNow, settings: defaultScreeningSettings };
    expect(intakeProgress(completeEligibleIntake(), opts).every((s) => s.complete)).toBe(true);
    const draft = completeEligibleIntake();
    delete draft.supportSystem;
    delete draft.demographics!.state;
    const progress = intakeProgress(draft, opts);
    expect(progress.filter((s) => !s.complete)).toEqual([
      { section: 'demographics', complete: false, missing: ['demographics.state'] },
      { section: 'supportSystem', complete: false, missing: ['supportSystem.hasSitter'] },
    ]);
  });

  it('tolerates malformed drafts without throwing', () => {
    const junk = { demographics: 'x', medicalHistory: [], instruments: { phq9: 'nope' } } as unknown as IntakeAnswers;
    const r = screenIntake(junk, options);
    expect(r.eligibility).toBe('needs_review');
    expect(r.missing).toContain('demographics');
    expect(r.missing).toContain('instruments.phq9.*');
  });
});
