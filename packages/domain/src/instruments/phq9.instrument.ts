import { bandForTotal, frequencyOptions, sumPoints } from './instrument-helpers.ts';
import type { InstrumentDefinition, InstrumentFlag, InstrumentModule } from './instrument.types.ts';

// Patient Health Questionnaire-9, official wording (Kroenke, Spitzer & Williams 2001). Public domain:
// "No permission required to reproduce, translate, display or distribute."
const items = [
  'Little interest or pleasure in doing things',
  'Feeling down, depressed, or hopeless',
  'Trouble falling or staying asleep, or sleeping too much',
  'Feeling tired or having little energy',
  'Poor appetite or overeating',
  'Feeling bad about yourself — or that you are a failure or have let yourself or your family down',
  'Trouble concentrating on things, such as reading the newspaper or watching television',
  'Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual',
  'Thoughts that you would be better off dead or of hurting yourself in some way',
] as const;

export const phq9Definition: InstrumentDefinition = {
  code: 'phq9',
  name: 'Patient Health Questionnaire-9 (PHQ-9)',
  version: '1.0',
  instructions: 'Over the last 2 weeks, how often have you been bothered by any of the following problems?',
  items: [
    ...items.map((text, i) => ({ id: `q${i + 1}`, text, options: frequencyOptions, scored: true })),
    {
      id: 'q10',
      text: 'If you checked off any problems, how difficult have these problems made it for you to do your work, take care of things at home, or get along with other people?',
      options: [
        { value: 0, label: 'Not difficult at all', points: 0 },
        { value: 1, label: 'Somewhat difficult', points: 0 },
        { value: 2, label: 'Very difficult', points: 0 },
        { value: 3, label: 'Extremely difficult', points: 0 },
      ],
      // Functional-impairment item: recorded, never added to the total (PHQ-9 scoring instructions).
      scored: false,
      optional: true,
    },
  ],
  range: { min: 0, max: 27 },
  bands: [
    { band: 'minimal', label: 'Minimal depression', min: 0, max: 4 },
    { band: 'mild', label: 'Mild depression', min: 5, max: 9 },
    { band: 'moderate', label: 'Moderate depression', min: 10, max: 14 },
    { band: 'moderately_severe', label: 'Moderately severe depression', min: 15, max: 19 },
    { band: 'severe', label: 'Severe depression', min: 20, max: 27 },
  ],
  scoring:
    'Sum of items 1–9 (0–3 each), 0–27. Item 10 is recorded but not scored. Item 9 above 0 is a safety flag whatever the total.',
  attribution:
    'PHQ-9 developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an educational grant from Pfizer Inc. No permission required to reproduce, translate, display or distribute.',
};

export const phq9Instrument: InstrumentModule = {
  definition: phq9Definition,
  score: ({ answers, settings }) => {
    const total = sumPoints(phq9Definition, answers);
    const flags: InstrumentFlag[] = [];
    // docs/clinical-basis.md §1: item 9 > 0 needs same-day clinician follow-up and a C-SSRS, whatever the total.
    const item9 = answers['q9'];
    if (typeof item9 === 'number' && item9 > settings.phq9Item9FlagAbove) flags.push('PHQ9_ITEM9_POSITIVE');
    const band = bandForTotal(phq9Definition.bands, total);
    if (!band) return { kind: 'invalid', errors: [{ item: '*', message: `total ${total} is outside every band` }] };
    return { kind: 'ok', total, band: band.band, flags };
  },
};
