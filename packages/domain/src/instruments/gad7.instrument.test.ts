import { afterEach, describe, expect, it } from 'vitest';
import { gad7Definition, gad7Instrument } from './gad7.instrument.ts';
import { defaultInstrumentSettings } from './instrument-settings.ts';
import type { InstrumentBand } from './instrument.types.ts';
import { scoreInstrument } from './score-instrument.ts';

// GAD-7 as published (Spitzer, Kroenke, Williams & Löwe, Arch Intern Med 2006;166:1092; docs/clinical-basis.md §1):
// seven items scored 0–3, total 0–21; 0–4 minimal, 5–9 mild, 10–14 moderate, 15–21 severe; 10 or more warrants
// further evaluation. Every expected value below is written out by hand from that scoring.

const frequency = [
  { value: 0, label: 'Not at all', points: 0 },
  { value: 1, label: 'Several days', points: 1 },
  { value: 2, label: 'More than half the days', points: 2 },
  { value: 3, label: 'Nearly every day', points: 3 },
];

const published = {
  code: 'gad7',
  name: 'Generalized Anxiety Disorder-7 (GAD-7)',
  version: '1.0',
  instructions: 'Over the last 2 weeks, how often have you been bothered by the following problems?',
  items: [
    { id: 'q1', text: 'Feeling nervous, anxious, or on edge', options: frequency, scored: true },
    { id: 'q2', text: 'Not being able to stop or control worrying', options: frequency, scored: true },
    { id: 'q3', text: 'Worrying too much about different things', options: frequency, scored: true },
    { id: 'q4', text: 'Trouble relaxing', options: frequency, scored: true },
    { id: 'q5', text: 'Being so restless that it is hard to sit still', options: frequency, scored: true },
    { id: 'q6', text: 'Becoming easily annoyed or irritable', options: frequency, scored: true },
    { id: 'q7', text: 'Feeling afraid, as if something awful might happen', options: frequency, scored: true },
  ],
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

/** Answers q1..q7 in order. */
function answers(values: readonly number[]): Record<string, number> {
  return Object.fromEntries(values.map((v, i) => [`q${i + 1}`, v]));
}

describe('GAD-7 definition', () => {
  it('is the published questionnaire, word for word, with its bands', () => {
    expect(gad7Definition).toStrictEqual(published);
  });
});

describe('GAD-7 scoring table', () => {
  it.each<[string, number[], number, string, string[]]>([
    ['all "not at all"', [0, 0, 0, 0, 0, 0, 0], 0, 'minimal', []],
    ['4, top of minimal', [1, 1, 1, 1, 0, 0, 0], 4, 'minimal', []],
    ['5, bottom of mild', [1, 1, 1, 1, 1, 0, 0], 5, 'mild', []],
    ['every value once per item, 9', [0, 1, 2, 3, 0, 1, 2], 9, 'mild', []],
    ['9, top of mild', [3, 3, 3, 0, 0, 0, 0], 9, 'mild', []],
    ['10, bottom of moderate, evaluate', [3, 3, 3, 1, 0, 0, 0], 10, 'moderate', ['GAD7_EVALUATE']],
    ['items 4–7 alone, 12', [0, 0, 0, 3, 3, 3, 3], 12, 'moderate', ['GAD7_EVALUATE']],
    ['14, top of moderate', [2, 2, 2, 2, 2, 2, 2], 14, 'moderate', ['GAD7_EVALUATE']],
    ['15, bottom of severe', [3, 3, 3, 3, 3, 0, 0], 15, 'severe', ['GAD7_EVALUATE']],
    ['21, every item "nearly every day"', [3, 3, 3, 3, 3, 3, 3], 21, 'severe', ['GAD7_EVALUATE']],
  ])('%s → %i, %s, flags %j', (_name, values, total, band, flags) => {
    expect(scoreInstrument('gad7', answers(values))).toStrictEqual({
      kind: 'scored',
      code: 'gad7',
      version: '1.0',
      total,
      band,
      flags,
      items: answers(values),
    });
    expect(gad7Instrument.score({ answers: answers(values), sexAtBirth: undefined, settings: defaultInstrumentSettings })).toStrictEqual({
      kind: 'ok',
      total,
      band,
      flags,
    });
  });
});

describe('GAD-7 bands with a gap (a definition edited wrongly)', () => {
  const bands = gad7Definition.bands as InstrumentBand[];
  const original = [...bands];
  afterEach(() => {
    bands.splice(0, bands.length, ...original);
  });

  it('a total outside every band is refused, never given a band', () => {
    bands.splice(1, 1); // drop mild, 5–9
    const given = answers([3, 3, 1, 0, 0, 0, 0]);
    expect(scoreInstrument('gad7', given)).toStrictEqual({
      kind: 'invalid',
      code: 'gad7',
      errors: [{ item: '*', message: 'total 7 is outside every band' }],
    });
    expect(gad7Instrument.score({ answers: given, sexAtBirth: undefined, settings: defaultInstrumentSettings })).toStrictEqual({
      kind: 'invalid',
      errors: [{ item: '*', message: 'total 7 is outside every band' }],
    });
  });
});
