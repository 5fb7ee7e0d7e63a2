import { bandForTotal, sumPoints } from './instrument-helpers.ts';
import type { InstrumentBand, InstrumentDefinition, InstrumentFlag, InstrumentItem, InstrumentModule, InstrumentOption } from './instrument.types.ts';

// Alcohol Use Disorders Identification Test, self-report wording of the WHO manual (Babor, Higgins-Biddle,
// Saunders & Monteiro, 2nd ed., WHO 2001). Option values equal their points so a stored answer reads as its score.
const opts = (...labels: string[]): InstrumentOption[] => labels.map((label, i) => ({ value: i, label, points: i }));
const howOften = opts('Never', 'Less than monthly', 'Monthly', 'Weekly', 'Daily or almost daily');
const harm: InstrumentOption[] = [
  { value: 0, label: 'No', points: 0 },
  { value: 2, label: 'Yes, but not in the last year', points: 2 },
  { value: 4, label: 'Yes, during the last year', points: 4 },
];

/** Q1–Q3 are shared with AUDIT-C, which must use the identical wording. */
export const auditConsumptionItems: readonly InstrumentItem[] = [
  {
    id: 'q1',
    text: 'How often do you have a drink containing alcohol?',
    options: opts('Never', 'Monthly or less', '2 to 4 times a month', '2 to 3 times a week', '4 or more times a week'),
    scored: true,
  },
  {
    id: 'q2',
    text: 'How many drinks containing alcohol do you have on a typical day when you are drinking?',
    options: opts('1 or 2', '3 or 4', '5 or 6', '7, 8 or 9', '10 or more'),
    scored: true,
  },
  { id: 'q3', text: 'How often do you have six or more drinks on one occasion?', options: howOften, scored: true },
];

export const auditInstructions =
  'Because alcohol use can affect your health and can interfere with certain medications and treatments, it is important that we ask some questions about your use of alcohol. Your answers will remain confidential so please be honest. Choose the answer that best describes your answer to each question.';

const zones: readonly InstrumentBand[] = [
  { band: 'zone_i', label: 'Zone I: low-risk drinking', min: 0, max: 7 },
  { band: 'zone_ii', label: 'Zone II: hazardous drinking', min: 8, max: 15 },
  { band: 'zone_iii', label: 'Zone III: harmful drinking', min: 16, max: 19 },
  { band: 'zone_iv', label: 'Zone IV: possible dependence', min: 20, max: 40 },
];

export const auditDefinition: InstrumentDefinition = {
  code: 'audit',
  name: 'Alcohol Use Disorders Identification Test (AUDIT)',
  version: '1.0',
  instructions: auditInstructions,
  items: [
    ...auditConsumptionItems,
    { id: 'q4', text: 'How often during the last year have you found that you were not able to stop drinking once you had started?', options: howOften, scored: true },
    { id: 'q5', text: 'How often during the last year have you failed to do what was normally expected from you because of drinking?', options: howOften, scored: true },
    { id: 'q6', text: 'How often during the last year have you needed a first drink in the morning to get yourself going after a heavy drinking session?', options: howOften, scored: true },
    { id: 'q7', text: 'How often during the last year have you had a feeling of guilt or remorse after drinking?', options: howOften, scored: true },
    { id: 'q8', text: 'How often during the last year have you been unable to remember what happened the night before because you had been drinking?', options: howOften, scored: true },
    { id: 'q9', text: 'Have you or someone else been injured as a result of your drinking?', options: harm, scored: true },
    { id: 'q10', text: 'Has a relative or friend or a doctor or another health worker been concerned about your drinking or suggested you cut down?', options: harm, scored: true },
  ],
  range: { min: 0, max: 40 },
  bands: zones,
  scoring:
    'Q1–Q8 score 0–4, Q9–Q10 score 0, 2 or 4; total 0–40. WHO zones: 0–7 I, 8–15 II, 16–19 III, 20–40 IV. Move one zone up (never beyond IV) when Q4, Q5 or Q6 is 2 or more, or Q9 or Q10 is 4.',
  attribution:
    'AUDIT: The Alcohol Use Disorders Identification Test. Guidelines for Use in Primary Care, 2nd edition. Babor TF, Higgins-Biddle JC, Saunders JB, Monteiro MG. Geneva: World Health Organization; 2001 (WHO/MSD/MSB/01.6a).',
};

const zoneFlag: Record<string, InstrumentFlag | undefined> = {
  zone_ii: 'AUDIT_ZONE_II',
  zone_iii: 'AUDIT_ZONE_III',
  zone_iv: 'AUDIT_ZONE_IV',
};

export const auditInstrument: InstrumentModule = {
  definition: auditDefinition,
  score: ({ answers, settings }) => {
    const total = sumPoints(auditDefinition, answers);
    const base = bandForTotal(zones, total);
    if (!base) return { kind: 'invalid', errors: [{ item: '*', message: `total ${total} is outside every zone` }] };
    const n = (id: string): number => {
      const v = answers[id];
      return typeof v === 'number' ? v : 0;
    };
    // WHO manual: dependence symptoms (Q4–Q6) or recent alcohol-related harm (Q9–Q10) justify the next zone
    // whatever the total.
    const moveUp =
      ['q4', 'q5', 'q6'].some((id) => n(id) >= settings.auditMoveUp.dependenceItemsAtOrAbove) ||
      ['q9', 'q10'].some((id) => n(id) >= settings.auditMoveUp.harmItemsAtOrAbove);
    const index = zones.indexOf(base);
    const zone = moveUp ? (zones[Math.min(index + 1, zones.length - 1)] ?? base) : base;
    const flags: InstrumentFlag[] = [];
    const flag = zoneFlag[zone.band];
    if (flag) flags.push(flag);
    if (zone !== base) flags.push('AUDIT_ZONE_MOVED_UP');
    return { kind: 'ok', total, band: zone.band, flags };
  },
};
