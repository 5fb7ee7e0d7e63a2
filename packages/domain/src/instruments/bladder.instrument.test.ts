import { describe, expect, it } from 'vitest';
import { bladderDefinition, bladderInstrument } from './bladder.instrument.ts';
import { defaultInstrumentSettings } from './instrument-settings.ts';
import { scoreInstrument } from './score-instrument.ts';

// Keel's bladder symptom check for ketamine uropathy (program-authored, docs/clinical-basis.md §1 and §5): one point
// per "yes", 0–6; any "yes" is positive (BLADDER_POSITIVE); pain on urination, bladder or pelvic pain, or blood in the
// urine is urgent (BLADDER_URGENT, band "urgent"). Expected values are written out by hand.

const yesNo = [
  { value: false, label: 'No', points: 0 },
  { value: true, label: 'Yes', points: 1 },
];

const published = {
  code: 'bladder',
  name: 'Bladder symptom check',
  version: '1.0',
  instructions: 'Since your last check (or in the past 2 weeks if this is your first), have you had any of the following?',
  items: [
    { id: 'frequency', text: 'Needing to pass urine more often than usual', options: yesNo, scored: true },
    { id: 'urgency', text: 'A sudden, strong urge to pass urine that is hard to hold', options: yesNo, scored: true },
    { id: 'pain_urinating', text: 'Pain or burning when passing urine', options: yesNo, scored: true },
    { id: 'bladder_pain', text: 'Pain in your bladder, lower belly or pelvis', options: yesNo, scored: true },
    { id: 'blood_in_urine', text: 'Blood in your urine (pink, red or brown urine)', options: yesNo, scored: true },
    { id: 'incontinence', text: 'Leaking urine when you did not mean to, which is new for you', options: yesNo, scored: true },
  ],
  range: { min: 0, max: 6 },
  bands: [
    { band: 'negative', label: 'No bladder symptoms', min: 0, max: 0 },
    { band: 'positive', label: 'Bladder symptoms: clinician review' },
    { band: 'urgent', label: 'Pain or blood in urine: urgent clinician review' },
  ],
  scoring:
    'One point per "yes", 0–6. Any "yes" is positive (flag BLADDER_POSITIVE); pain on urination, bladder/pelvic pain or blood in urine is urgent (flag BLADDER_URGENT, band "urgent").',
  attribution:
    'Keel bladder symptom check (program-authored; not a validated instrument). Symptom list after published descriptions of ketamine-associated uropathy.',
};

const ids = ['frequency', 'urgency', 'pain_urinating', 'bladder_pain', 'blood_in_urine', 'incontinence'] as const;

/** The six answers in item order from a string of six letters, y = yes and n = no. */
function answers(yn: string): Record<string, boolean> {
  return Object.fromEntries(ids.map((id, i) => [id, yn[i] === 'y']));
}

describe('Bladder symptom check definition', () => {
  it('is the program-authored check, word for word', () => {
    expect(bladderDefinition).toStrictEqual(published);
  });
});

describe('Bladder symptom check scoring table', () => {
  // answers in the order: frequency, urgency, pain_urinating, bladder_pain, blood_in_urine, incontinence
  it.each<[string, number, string, string[]]>([
    ['nnnnnn', 0, 'negative', []],
    ['ynnnnn', 1, 'positive', ['BLADDER_POSITIVE']],
    ['nynnnn', 1, 'positive', ['BLADDER_POSITIVE']],
    ['nnnnny', 1, 'positive', ['BLADDER_POSITIVE']],
    ['yynnny', 3, 'positive', ['BLADDER_POSITIVE']],
    ['nnynnn', 1, 'urgent', ['BLADDER_POSITIVE', 'BLADDER_URGENT']],
    ['nnnynn', 1, 'urgent', ['BLADDER_POSITIVE', 'BLADDER_URGENT']],
    ['nnnnyn', 1, 'urgent', ['BLADDER_POSITIVE', 'BLADDER_URGENT']],
    ['ynnnyn', 2, 'urgent', ['BLADDER_POSITIVE', 'BLADDER_URGENT']],
    ['nnyyyn', 3, 'urgent', ['BLADDER_POSITIVE', 'BLADDER_URGENT']],
    ['yyyyyy', 6, 'urgent', ['BLADDER_POSITIVE', 'BLADDER_URGENT']],
  ])('%s → %i, %s, flags %j', (yn, total, band, flags) => {
    expect(scoreInstrument('bladder', answers(yn))).toStrictEqual({
      kind: 'scored',
      code: 'bladder',
      version: '1.0',
      total,
      band,
      flags,
      items: answers(yn),
    });
    expect(bladderInstrument.score({ answers: answers(yn), sexAtBirth: undefined, settings: defaultInstrumentSettings })).toStrictEqual({
      kind: 'ok',
      total,
      band,
      flags,
    });
  });
});
