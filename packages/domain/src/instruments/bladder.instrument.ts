import { sumPoints, yesNoOptions } from './instrument-helpers.ts';
import type { InstrumentDefinition, InstrumentFlag, InstrumentModule } from './instrument.types.ts';

// Keel's bladder symptom check for ketamine uropathy (docs/clinical-basis.md §1 and §5). Program-authored wording, not
// a validated published instrument: any "yes" routes to a clinician; pain or blood is urgent because stopping
// ketamine early is the treatment.
const urgentItems = ['pain_urinating', 'bladder_pain', 'blood_in_urine'] as const;

export const bladderDefinition: InstrumentDefinition = {
  code: 'bladder',
  name: 'Bladder symptom check',
  version: '1.0',
  instructions: 'Since your last check (or in the past 2 weeks if this is your first), have you had any of the following?',
  items: [
    { id: 'frequency', text: 'Needing to pass urine more often than usual', options: yesNoOptions, scored: true },
    { id: 'urgency', text: 'A sudden, strong urge to pass urine that is hard to hold', options: yesNoOptions, scored: true },
    { id: 'pain_urinating', text: 'Pain or burning when passing urine', options: yesNoOptions, scored: true },
    { id: 'bladder_pain', text: 'Pain in your bladder, lower belly or pelvis', options: yesNoOptions, scored: true },
    { id: 'blood_in_urine', text: 'Blood in your urine (pink, red or brown urine)', options: yesNoOptions, scored: true },
    { id: 'incontinence', text: 'Leaking urine when you did not mean to, which is new for you', options: yesNoOptions, scored: true },
  ],
  range: { min: 0, max: 6 },
  bands: [
    { band: 'negative', label: 'No bladder symptoms', min: 0, max: 0 },
    { band: 'positive', label: 'Bladder symptoms: clinician review' },
    { band: 'urgent', label: 'Pain or blood in urine: urgent clinician review' },
  ],
  scoring:
    'One point per "yes", 0–6. Any "yes" is positive (flag BLADDER_POSITIVE); pain on urination, bladder/pelvic pain or blood in urine is urgent (flag BLADDER_URGENT, band "urgent").',
  attribution: 'Keel bladder symptom check (program-authored; not a validated instrument). Symptom list after published descriptions of ketamine-associated uropathy.',
};

export const bladderInstrument: InstrumentModule = {
  definition: bladderDefinition,
  score: ({ answers }) => {
    const total = sumPoints(bladderDefinition, answers);
    const urgent = urgentItems.some((id) => answers[id] === true);
    const flags: InstrumentFlag[] = [];
    if (total > 0) flags.push('BLADDER_POSITIVE');
    if (urgent) flags.push('BLADDER_URGENT');
    return { kind: 'ok', total, band: urgent ? 'urgent' : total > 0 ? 'positive' : 'negative', flags };
  },
};
