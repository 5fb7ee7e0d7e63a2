import { afterEach, describe, expect, it } from 'vitest';
import { auditDefinition, auditInstrument } from './audit.instrument.ts';
import { defaultInstrumentSettings } from './instrument-settings.ts';
import type { InstrumentSettings } from './instrument-settings.ts';
import type { InstrumentBand } from './instrument.types.ts';
import { scoreInstrument } from './score-instrument.ts';

// AUDIT as published by the WHO (Babor, Higgins-Biddle, Saunders & Monteiro, AUDIT: guidelines for use in primary
// care, 2nd ed. 2001; docs/clinical-basis.md §1): Q1–Q8 score 0–4, Q9–Q10 score 0, 2 or 4; total 0–40; zones 0–7 I,
// 8–15 II, 16–19 III, 20–40 IV; the next zone up (never beyond IV) when Q4, Q5 or Q6 is 2 or more, or Q9 or Q10 is 4.
// Every expected value below is written out by hand from that scoring.

const howOften = [
  { value: 0, label: 'Never', points: 0 },
  { value: 1, label: 'Less than monthly', points: 1 },
  { value: 2, label: 'Monthly', points: 2 },
  { value: 3, label: 'Weekly', points: 3 },
  { value: 4, label: 'Daily or almost daily', points: 4 },
];
const harm = [
  { value: 0, label: 'No', points: 0 },
  { value: 2, label: 'Yes, but not in the last year', points: 2 },
  { value: 4, label: 'Yes, during the last year', points: 4 },
];

const published = {
  code: 'audit',
  name: 'Alcohol Use Disorders Identification Test (AUDIT)',
  version: '1.0',
  instructions:
    'Because alcohol use can affect your health and can interfere with certain medications and treatments, it is important that we ask some questions about your use of alcohol. Your answers will remain confidential so please be honest. Choose the answer that best describes your answer to each question.',
  items: [
    {
      id: 'q1',
      text: 'How often do you have a drink containing alcohol?',
      options: [
        { value: 0, label: 'Never', points: 0 },
        { value: 1, label: 'Monthly or less', points: 1 },
        { value: 2, label: '2 to 4 times a month', points: 2 },
        { value: 3, label: '2 to 3 times a week', points: 3 },
        { value: 4, label: '4 or more times a week', points: 4 },
      ],
      scored: true,
    },
    {
      id: 'q2',
      text: 'How many drinks containing alcohol do you have on a typical day when you are drinking?',
      options: [
        { value: 0, label: '1 or 2', points: 0 },
        { value: 1, label: '3 or 4', points: 1 },
        { value: 2, label: '5 or 6', points: 2 },
        { value: 3, label: '7, 8 or 9', points: 3 },
        { value: 4, label: '10 or more', points: 4 },
      ],
      scored: true,
    },
    { id: 'q3', text: 'How often do you have six or more drinks on one occasion?', options: howOften, scored: true },
    {
      id: 'q4',
      text: 'How often during the last year have you found that you were not able to stop drinking once you had started?',
      options: howOften,
      scored: true,
    },
    {
      id: 'q5',
      text: 'How often during the last year have you failed to do what was normally expected from you because of drinking?',
      options: howOften,
      scored: true,
    },
    {
      id: 'q6',
      text: 'How often during the last year have you needed a first drink in the morning to get yourself going after a heavy drinking session?',
      options: howOften,
      scored: true,
    },
    { id: 'q7', text: 'How often during the last year have you had a feeling of guilt or remorse after drinking?', options: howOften, scored: true },
    {
      id: 'q8',
      text: 'How often during the last year have you been unable to remember what happened the night before because you had been drinking?',
      options: howOften,
      scored: true,
    },
    { id: 'q9', text: 'Have you or someone else been injured as a result of your drinking?', options: harm, scored: true },
    {
      id: 'q10',
      text: 'Has a relative or friend or a doctor or another health worker been concerned about your drinking or suggested you cut down?',
      options: harm,
      scored: true,
    },
  ],
  range: { min: 0, max: 40 },
  bands: [
    { band: 'zone_i', label: 'Zone I: low-risk drinking', min: 0, max: 7 },
    { band: 'zone_ii', label: 'Zone II: hazardous drinking', min: 8, max: 15 },
    { band: 'zone_iii', label: 'Zone III: harmful drinking', min: 16, max: 19 },
    { band: 'zone_iv', label: 'Zone IV: possible dependence', min: 20, max: 40 },
  ],
  scoring:
    'Q1–Q8 score 0–4, Q9–Q10 score 0, 2 or 4; total 0–40. WHO zones: 0–7 I, 8–15 II, 16–19 III, 20–40 IV. Move one zone up (never beyond IV) when Q4, Q5 or Q6 is 2 or more, or Q9 or Q10 is 4.',
  attribution:
    'AUDIT: The Alcohol Use Disorders Identification Test. Guidelines for Use in Primary Care, 2nd edition. Babor TF, Higgins-Biddle JC, Saunders JB, Monteiro MG. Geneva: World Health Organization; 2001 (WHO/MSD/MSB/01.6a).',
};

/** Answers q1..q10 in order. */
function answers(values: readonly number[]): Record<string, number> {
  return Object.fromEntries(values.map((v, i) => [`q${i + 1}`, v]));
}

describe('AUDIT definition', () => {
  it('is the WHO questionnaire, word for word, with its four zones', () => {
    expect(auditDefinition).toStrictEqual(published);
  });
});

describe('AUDIT scoring table', () => {
  // q:                                            1  2  3  4  5  6  7  8  9  10
  it.each<[string, number[], number, string, string[]]>([
    ['nothing', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 0, 'zone_i', []],
    ['7, top of zone I', [4, 3, 0, 0, 0, 0, 0, 0, 0, 0], 7, 'zone_i', []],
    ['8, bottom of zone II', [4, 4, 0, 0, 0, 0, 0, 0, 0, 0], 8, 'zone_ii', ['AUDIT_ZONE_II']],
    ['an answer of each size, 14, no move', [0, 1, 2, 1, 0, 1, 3, 4, 2, 0], 14, 'zone_ii', ['AUDIT_ZONE_II']],
    ['15, top of zone II', [4, 4, 4, 0, 0, 0, 3, 0, 0, 0], 15, 'zone_ii', ['AUDIT_ZONE_II']],
    ['16, bottom of zone III', [4, 4, 4, 0, 0, 0, 4, 0, 0, 0], 16, 'zone_iii', ['AUDIT_ZONE_III']],
    ['19, top of zone III', [4, 4, 4, 0, 0, 0, 4, 3, 0, 0], 19, 'zone_iii', ['AUDIT_ZONE_III']],
    ['20, bottom of zone IV', [4, 4, 4, 0, 0, 0, 4, 4, 0, 0], 20, 'zone_iv', ['AUDIT_ZONE_IV']],
    ['27 without a move-up answer', [4, 4, 4, 1, 1, 1, 4, 4, 2, 2], 27, 'zone_iv', ['AUDIT_ZONE_IV']],
    ['40, every answer at its maximum', [4, 4, 4, 4, 4, 4, 4, 4, 4, 4], 40, 'zone_iv', ['AUDIT_ZONE_IV']],
    // The move-up rule.
    ['Q4 = 2 moves zone I to II', [0, 0, 0, 2, 0, 0, 0, 0, 0, 0], 2, 'zone_ii', ['AUDIT_ZONE_II', 'AUDIT_ZONE_MOVED_UP']],
    ['Q4 = 3 moves zone I to II', [0, 0, 0, 3, 0, 0, 0, 0, 0, 0], 3, 'zone_ii', ['AUDIT_ZONE_II', 'AUDIT_ZONE_MOVED_UP']],
    ['Q5 = 2 moves zone I to II', [0, 0, 0, 0, 2, 0, 0, 0, 0, 0], 2, 'zone_ii', ['AUDIT_ZONE_II', 'AUDIT_ZONE_MOVED_UP']],
    ['Q6 = 2 moves zone I to II', [0, 0, 0, 0, 0, 2, 0, 0, 0, 0], 2, 'zone_ii', ['AUDIT_ZONE_II', 'AUDIT_ZONE_MOVED_UP']],
    ['Q6 = 4 moves zone I to II', [0, 0, 0, 0, 0, 4, 0, 0, 0, 0], 4, 'zone_ii', ['AUDIT_ZONE_II', 'AUDIT_ZONE_MOVED_UP']],
    ['Q9 = 4 moves zone I to II', [0, 0, 0, 0, 0, 0, 0, 0, 4, 0], 4, 'zone_ii', ['AUDIT_ZONE_II', 'AUDIT_ZONE_MOVED_UP']],
    ['Q10 = 4 moves zone I to II', [0, 0, 0, 0, 0, 0, 0, 0, 0, 4], 4, 'zone_ii', ['AUDIT_ZONE_II', 'AUDIT_ZONE_MOVED_UP']],
    ['Q4–Q6 at 1 each do not move', [0, 0, 0, 1, 1, 1, 0, 0, 0, 0], 3, 'zone_i', []],
    ['Q9 and Q10 at 2 do not move', [0, 0, 0, 0, 0, 0, 0, 0, 2, 2], 4, 'zone_i', []],
    ['Q5 = 2 at 10 moves zone II to III', [4, 4, 0, 0, 2, 0, 0, 0, 0, 0], 10, 'zone_iii', ['AUDIT_ZONE_III', 'AUDIT_ZONE_MOVED_UP']],
    ['Q10 = 4 at 16 moves zone III to IV', [4, 4, 4, 0, 0, 0, 0, 0, 0, 4], 16, 'zone_iv', ['AUDIT_ZONE_IV', 'AUDIT_ZONE_MOVED_UP']],
    ['Q4 = 4 at 20 stays zone IV, not moved', [4, 4, 4, 4, 0, 0, 4, 0, 0, 0], 20, 'zone_iv', ['AUDIT_ZONE_IV']],
  ])('%s → %i, %s, flags %j', (_name, values, total, band, flags) => {
    expect(scoreInstrument('audit', answers(values))).toStrictEqual({
      kind: 'scored',
      code: 'audit',
      version: '1.0',
      total,
      band,
      flags,
      items: answers(values),
    });
    expect(auditInstrument.score({ answers: answers(values), sexAtBirth: undefined, settings: defaultInstrumentSettings })).toStrictEqual({
      kind: 'ok',
      total,
      band,
      flags,
    });
  });

  it('the harm threshold is a setting: at "2 or more", Q9 or Q10 at 2 moves the zone up', () => {
    const settings: InstrumentSettings = { ...defaultInstrumentSettings, auditMoveUp: { dependenceItemsAtOrAbove: 2, harmItemsAtOrAbove: 2 } };
    for (const given of [answers([0, 0, 0, 0, 0, 0, 0, 0, 2, 0]), answers([0, 0, 0, 0, 0, 0, 0, 0, 0, 2])]) {
      expect(scoreInstrument('audit', given, { settings })).toMatchObject({
        total: 2,
        band: 'zone_ii',
        flags: ['AUDIT_ZONE_II', 'AUDIT_ZONE_MOVED_UP'],
      });
    }
  });
});

describe('AUDIT zones with a gap (a definition edited wrongly)', () => {
  const bands = auditDefinition.bands as InstrumentBand[];
  const original = [...bands];
  afterEach(() => {
    bands.splice(0, bands.length, ...original);
  });

  it('a total outside every zone is refused, never given a zone', () => {
    bands.splice(1, 1); // drop zone II, 8–15
    const given = answers([4, 4, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(scoreInstrument('audit', given)).toStrictEqual({
      kind: 'invalid',
      code: 'audit',
      errors: [{ item: '*', message: 'total 8 is outside every zone' }],
    });
    expect(auditInstrument.score({ answers: given, sexAtBirth: undefined, settings: defaultInstrumentSettings })).toStrictEqual({
      kind: 'invalid',
      errors: [{ item: '*', message: 'total 8 is outside every zone' }],
    });
  });
});
