import { bandForTotal, frequencyOptions, sumPoints } from './instrument-helpers.ts';
import type { InstrumentDefinition, InstrumentFlag, InstrumentModule } from './instrument.types.ts';

// Generalized Anxiety Disorder-7, official wording (Spitzer, Kroenke, Williams & Löwe 2006). Public domain.
const items = [
  'Feeling nervous, anxious, or on edge',
  'Not being able to stop or control worrying',
  'Worrying too much about different things',
  'Trouble relaxing',
  'Being so restless that it is hard to sit still',
  'Becoming easily annoyed or irritable',
  'Feeling afraid, as if something awful might happen',
] as const;

export const gad7Definition: InstrumentDefinition = {
  code: 'gad7',
  name: 'Generalized Anxiety Disorder-7 (GAD-7)',
  version: '1.0',
  instructions: 'Over the last 2 weeks, how often have you been bothered by the following problems?',
  items: items.map((text, i) => ({ id: `q${i + 1}`, text, options: frequencyOptions, scored: true })),
  range: { min: 0, max: 21 },
  bands: [
    { band: 'minimal', label: 'Minimal anxiety', min: 0, max: 4 },
    { band: 'mild', label: 'Mild anxiety', min: 5, max: 9 },
    { band: 'moderate', label: 'Moderate anxiety', min: 10, max: 14 },
    { band: 'severe', label: 'Severe anxiety', min: 15, max: 21 },
  ],
  scoring: 'Sum of items 1–7 (0–3 each), 0–21. A total of 10 or more warrants further evaluation.',
  attribution:
    'GAD-7 developed by Drs. Robert L. Spitzer, Kurt Kroenke, Janet B.W. Williams, Bernd Löwe and colleagues, with an educational grant from Pfizer Inc. No permission required to reproduce, translate, display or distribute.',
};

export const gad7Instrument: InstrumentModule = {
  definition: gad7Definition,
  score: ({ answers, settings }) => {
    const total = sumPoints(gad7Definition, answers);
    const flags: InstrumentFlag[] = [];
    if (total >= settings.gad7EvaluateAtOrAbove) flags.push('GAD7_EVALUATE');
    const band = bandForTotal(gad7Definition.bands, total);
    if (!band) return { kind: 'invalid', errors: [{ item: '*', message: `total ${total} is outside every band` }] };
    return { kind: 'ok', total, band: band.band, flags };
  },
};
