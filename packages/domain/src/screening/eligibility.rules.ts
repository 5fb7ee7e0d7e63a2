// The eligibility rules of docs/clinical-basis.md §2 as data: each has a stable id (documented in
// docs/safety/<RULE_ID>.md) and a pure evaluation over the facts read from the intake. Rules never short-circuit:
// the screening reports every one that fired. A rule whose inputs are missing does not fire; the MISSING_ANSWERS
// rule (in screen-intake.ts) covers that case so missing data can never read as eligible.
import type { AuditZone, ScreeningSettings } from './screening-settings.ts';
import type { IntakeFacts } from './intake-facts.ts';
import { interactingMedicationClasses } from './intake.ts';
import type { RuleOutcome, ScreeningReason, ScreeningRuleId } from './screening.types.ts';

export interface RuleContext {
  readonly facts: IntakeFacts;
  readonly settings: ScreeningSettings;
  readonly prescriberStates: readonly string[];
}

export interface EligibilityRule {
  readonly id: ScreeningRuleId;
  readonly evaluate: (ctx: RuleContext) => Omit<ScreeningReason, 'rule'> | null;
}

const fire = (outcome: RuleOutcome, detail: string, answers: Record<string, unknown>): Omit<ScreeningReason, 'rule'> => ({
  outcome,
  detail,
  answers,
});

/** The boolean findings that are true, by their intake path. */
function trueFindings(section: string, values: Record<string, boolean | undefined>): Record<string, true> {
  const out: Record<string, true> = {};
  for (const [key, value] of Object.entries(values)) if (value === true) out[`${section}.${key}`] = true;
  return out;
}

const isEmpty = (o: object): boolean => Object.keys(o).length === 0;

export const eligibilityRules: readonly EligibilityRule[] = [
  {
    id: 'AGE_UNDER_18',
    evaluate: ({ facts, settings }) =>
      facts.ageYears !== undefined && facts.ageYears < settings.minimumAgeYears
        ? fire('exclude', `Age ${facts.ageYears} is below the program minimum of ${settings.minimumAgeYears}.`, {
            'demographics.dateOfBirth': facts.dateOfBirth,
            ageYears: facts.ageYears,
          })
        : null,
  },
  {
    id: 'VASCULAR_ANEURYSM_AVM_ICH',
    evaluate: ({ facts: { medical: m } }) => {
      const found = trueFindings('medicalHistory', {
        aneurysmalVascularDisease: m.aneurysmalVascularDisease,
        arteriovenousMalformation: m.arteriovenousMalformation,
        intracerebralHaemorrhage: m.intracerebralHaemorrhage,
      });
      return isEmpty(found)
        ? null
        : fire('exclude', 'Aneurysmal vascular disease, arteriovenous malformation or intracerebral haemorrhage: contraindicated on the esketamine label.', found);
    },
  },
  {
    id: 'PSYCHOSIS_OR_MANIA',
    evaluate: ({ facts }) => {
      const found = trueFindings('psychiatricHistory', {
        psychoticDisorder: facts.psychoticDisorder,
        bipolarManiaOrMixed: facts.bipolarManiaOrMixed,
      });
      return isEmpty(found) ? null : fire('exclude', 'Psychotic disorder, or bipolar disorder with a manic or mixed episode.', found);
    },
  },
  {
    id: 'PREGNANT_OR_BREASTFEEDING',
    evaluate: ({ facts: { medical: m } }) => {
      const found = trueFindings('medicalHistory', { pregnant: m.pregnant, breastfeeding: m.breastfeeding });
      return isEmpty(found) ? null : fire('exclude', 'Pregnant or breastfeeding.', found);
    },
  },
  {
    id: 'LIVER_SEVERE',
    evaluate: ({ facts: { medical: m } }) =>
      m.liverImpairment === 'severe'
        ? fire('exclude', 'Severe liver impairment.', { 'medicalHistory.liverImpairment': m.liverImpairment })
        : null,
  },
  {
    id: 'LIVER_MODERATE',
    evaluate: ({ facts: { medical: m } }) =>
      m.liverImpairment === 'moderate'
        ? fire('review', 'Moderate liver impairment: ketamine exposure is higher; clinician review.', { 'medicalHistory.liverImpairment': m.liverImpairment })
        : null,
  },
  {
    id: 'CARDIAC_OR_ICP',
    evaluate: ({ facts: { medical: m }, settings }) => {
      const cardiac = trueFindings('medicalHistory', {
        recentMyocardialInfarction: m.recentMyocardialInfarction,
        recentStroke: m.recentStroke,
        unstableAngina: m.unstableAngina,
        arrhythmia: m.arrhythmia,
        hypertensionUncontrolled: m.hypertensionUncontrolled,
      });
      const icp = trueFindings('medicalHistory', { raisedIntracranialPressure: m.raisedIntracranialPressure });
      if (isEmpty(cardiac) && isEmpty(icp)) return null;
      // Ketamine raises blood pressure and intracranial pressure. Cardiology clearance can only bring the cardiac
      // findings to review; it says nothing about raised intracranial pressure.
      const cleared = !isEmpty(cardiac) && m.cardiologyClearance === true;
      const cardiacOutcome = isEmpty(cardiac) ? undefined : cleared ? settings.cardiacClearedOutcome : settings.cardiacOrIcpOutcome;
      const icpOutcome = isEmpty(icp) ? undefined : settings.cardiacOrIcpOutcome;
      const outcome: RuleOutcome = cardiacOutcome === 'exclude' || icpOutcome === 'exclude' ? 'exclude' : 'review';
      const answers: Record<string, unknown> = { ...cardiac, ...icp };
      if (!isEmpty(cardiac)) answers['medicalHistory.cardiologyClearance'] = m.cardiologyClearance ?? null;
      const detail = [
        isEmpty(cardiac) ? '' : `Cardiac finding(s) ${cleared ? 'with documented cardiology clearance' : 'without documented cardiology clearance'}.`,
        isEmpty(icp) ? '' : 'Raised intracranial pressure.',
      ].filter(Boolean).join(' ');
      return fire(outcome, detail, answers);
    },
  },
  {
    id: 'BP_ABOVE_INTAKE_LIMIT',
    evaluate: ({ facts: { medical: m }, settings }) => {
      const bp = m.restingBp;
      const limit = settings.intakeBpReviewAbove;
      if (!bp || (bp.systolicMmHg <= limit.systolicMmHg && bp.diastolicMmHg <= limit.diastolicMmHg)) return null;
      return fire(
        'review',
        `Resting BP ${bp.systolicMmHg}/${bp.diastolicMmHg} mmHg is above ${limit.systolicMmHg}/${limit.diastolicMmHg} mmHg: repeat the reading; hypertension must be controlled.`,
        { 'medicalHistory.restingBp.systolicMmHg': bp.systolicMmHg, 'medicalHistory.restingBp.diastolicMmHg': bp.diastolicMmHg },
      );
    },
  },
  {
    id: 'ACTIVE_SUD',
    evaluate: ({ facts }) =>
      facts.substance.activeSud === true
        ? fire('exclude', 'Active substance use disorder.', { 'substanceUse.activeSud': true })
        : null,
  },
  {
    id: 'AUDIT_ZONE_IV',
    evaluate: ({ facts, settings }) => {
      const audit = facts.scored.audit;
      if (!audit || !settings.auditExcludeZones.includes(audit.band as AuditZone)) return null;
      return fire('exclude', `AUDIT total ${audit.total}, ${audit.band} (after the WHO move-up rule): possible alcohol dependence.`, {
        'instruments.audit.total': audit.total,
        'instruments.audit.band': audit.band,
        'instruments.audit.flags': audit.flags,
      });
    },
  },
  {
    id: 'DAST10_SEVERE',
    evaluate: ({ facts, settings }) => {
      const dast = facts.scored.dast10;
      if (!dast || dast.total === null || dast.total < settings.dast10ExcludeAtOrAbove) return null;
      return fire('exclude', `DAST-10 total ${dast.total} (${dast.band}) is at or above ${settings.dast10ExcludeAtOrAbove}.`, {
        'instruments.dast10.total': dast.total,
        'instruments.dast10.band': dast.band,
      });
    },
  },
  {
    id: 'SUD_REMISSION_RECENT',
    evaluate: ({ facts: { substance: s }, settings }) =>
      s.sudInRemission === true && s.remissionMonths !== undefined && s.remissionMonths < settings.sudRemissionReviewUnderMonths
        ? fire('review', `Substance use disorder in remission for ${s.remissionMonths} months (under ${settings.sudRemissionReviewUnderMonths}).`, {
            'substanceUse.sudInRemission': true,
            'substanceUse.remissionMonths': s.remissionMonths,
          })
        : null,
  },
  // SUBSTANCE_RISK_FACTORS is produced from the dependence-risk factors in screen-intake.ts.
  {
    id: 'CSSRS_HIGH',
    evaluate: ({ facts, settings }) => {
      const c = facts.scored['cssrs-screen'];
      if (!c?.risk || !settings.cssrsExcludeRisks.includes(c.risk)) return null;
      return fire('exclude', `C-SSRS screen risk ${c.risk}: no at-home program until evaluated. Urgent clinician contact; show crisis resources.`, {
        'instruments.cssrs-screen.risk': c.risk,
        'instruments.cssrs-screen.items': c.items,
      });
    },
  },
  {
    id: 'CSSRS_POSITIVE',
    evaluate: ({ facts, settings }) => {
      const c = facts.scored['cssrs-screen'];
      if (!c?.risk || !settings.cssrsReviewRisks.includes(c.risk) || settings.cssrsExcludeRisks.includes(c.risk)) return null;
      return fire('review', `C-SSRS screen risk ${c.risk}: clinician contact and a safety plan before any decision; show crisis resources.`, {
        'instruments.cssrs-screen.risk': c.risk,
        'instruments.cssrs-screen.items': c.items,
      });
    },
  },
  {
    id: 'PHQ9_ITEM9_POSITIVE',
    evaluate: ({ facts }) => {
      const p = facts.scored.phq9;
      if (!p?.flags.includes('PHQ9_ITEM9_POSITIVE')) return null;
      return fire('review', `PHQ-9 item 9 answered ${String(p.items['q9'])}: same-day clinician follow-up and a C-SSRS; show crisis resources.`, {
        'instruments.phq9.q9': p.items['q9'],
        'instruments.phq9.total': p.total,
      });
    },
  },
  {
    id: 'BLADDER_SYMPTOMS_AT_INTAKE',
    evaluate: ({ facts }) => {
      const b = facts.scored.bladder;
      if (!b?.flags.includes('BLADDER_POSITIVE')) return null;
      const yes = Object.fromEntries(Object.entries(b.items).filter(([, v]) => v === true).map(([k]) => [`instruments.bladder.${k}`, true]));
      return fire('review', `Bladder symptoms before treatment (${b.band}): a baseline for ketamine uropathy monitoring; clinician review.`, yes);
    },
  },
  {
    id: 'COMORBIDITY_REVIEW',
    evaluate: ({ facts: { medical: m } }) => {
      const found = trueFindings('medicalHistory', {
        bladderOrInterstitialCystitis: m.bladderOrInterstitialCystitis,
        seizureDisorder: m.seizureDisorder,
        sleepApnoea: m.sleepApnoea,
        respiratoryDisease: m.respiratoryDisease,
      });
      return isEmpty(found) ? null : fire('review', 'Bladder/interstitial cystitis, seizure disorder, sleep apnoea or respiratory disease.', found);
    },
  },
  {
    id: 'INTERACTING_MEDICATION',
    evaluate: ({ facts, settings }) => {
      const interacting = (facts.medications ?? []).filter((med) => interactingMedicationClasses.includes(med.class));
      if (interacting.length === 0) return null;
      const parts = interacting.map((med) => {
        if (med.class !== 'benzodiazepine' || med.diazepamEquivalentMgPerDay === undefined) return `${med.name} (${med.class})`;
        const blunting = med.diazepamEquivalentMgPerDay > settings.benzodiazepineBluntingAboveMgPerDay;
        return `${med.name} (benzodiazepine, ${med.diazepamEquivalentMgPerDay} mg/day diazepam-equivalent${blunting ? `, above ${settings.benzodiazepineBluntingAboveMgPerDay} mg/day: may blunt response` : ''})`;
      });
      const answers = Object.fromEntries(interacting.map((med) => [`medications.list[${med.index}]`, med]));
      return fire('review', `Interacting medication: ${parts.join('; ')}. Shown on every session checklist.`, answers);
    },
  },
  {
    id: 'NO_SITTER',
    evaluate: ({ facts: { sitter: t } }) => {
      if (t.hasSitter === false) return fire('exclude', 'No adult sitter named: not eligible for at-home sessions until one is named.', { 'supportSystem.hasSitter': false });
      const problems = trueFindings('supportSystem.sitter', {
        isAdult: t.isAdult === false,
        canAttendEverySession: t.canAttendEverySession === false,
      });
      if (isEmpty(problems)) return null;
      const answers = Object.fromEntries(Object.keys(problems).map((k) => [k, false]));
      return fire('exclude', 'The named sitter is not an adult or cannot attend every session: not eligible for at-home sessions until an adult who can is named.', answers);
    },
  },
  {
    id: 'TREATMENT_RESISTANCE_NOT_SHOWN',
    evaluate: ({ facts, settings }) =>
      facts.adequateAntidepressantTrials !== undefined && facts.adequateAntidepressantTrials < settings.minimumAdequateAntidepressantTrials
        ? fire('review', `${facts.adequateAntidepressantTrials} adequate antidepressant trial(s) in this episode; treatment resistance needs ${settings.minimumAdequateAntidepressantTrials}.`, {
            adequateAntidepressantTrials: facts.adequateAntidepressantTrials,
          })
        : null,
  },
  {
    id: 'STATE_NOT_LICENSED',
    evaluate: ({ facts, prescriberStates }) => {
      if (facts.state === undefined) return null;
      const licensed = prescriberStates.map((s) => s.trim().toUpperCase());
      return licensed.includes(facts.state)
        ? null
        : fire('exclude', `No program prescriber is licensed in ${facts.state}.`, { 'demographics.state': facts.state, prescriberStates: licensed });
    },
  },
];
