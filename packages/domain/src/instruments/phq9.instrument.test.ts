import { afterEach, describe, expect, it } from 'vitest';
import { defaultInstrumentSettings } from './instrument-settings.ts';
import type { InstrumentBand } from './instrument.types.ts';
import { phq9Definition, phq9Instrument } from './phq9.instrument.ts';
import { scoreInstrument } from './score-instrument.ts';

// PHQ-9 as published (Kroenke, Spitzer & Williams, J Gen Intern Med 2001;16:606; docs/clinical-basis.md §1): items
// 1–9 scored 0–3, total 0–27; 0–4 minimal, 5–9 mild, 10–14 moderate, 15–19 moderately severe, 20–27 severe; item 9
// above 0 is a safety flag whatever the total; item 10 (difficulty) recorded, never scored. Every expected value
// below is written out by hand from that scoring.

const frequency = [
  { value: 0, label: 'Not at all', points: 0 },
  { value: 1, label: 'Several days', points: 1 },
  { value: 2, label: 'More than half the days', points: 2 },
  { value: 3, label: 'Nearly every day', points: 3 },
];

const published = {
  code: 'phq9',
  name: 'Patient Health Questionnaire-9 (PHQ-9)',
  version: '1.0',
  instructions: 'Over the last 2 weeks, how often have you been bothered by any of the following problems?',
  items: [
    { id: 'q1', text: 'Little interest or pleasure in doing things', options: frequency, scored: true },
    { id: 'q2', text: 'Feeling down, depressed, or hopeless', options: frequency, scored: true },
    { id: 'q3', text: 'Trouble falling or staying asleep, or sleeping too much', options: frequency, scored: true },
    { id: 'q4', text: 'Feeling tired or having little energy', options: frequency, scored: true },
    { id: 'q5', text: 'Poor appetite or overeating', options: frequency, scored: true },
    {
      id: 'q6',
      text: 'Feeling bad about yourself — or that you are a failure or have let yourself or your family down',
      options: frequency,
      scored: true,
    },
    {
      id: 'q7',
      text: 'Trouble concentrating on things, such as reading the newspaper or watching television',
      options: frequency,
      scored: true,
    },
    {
      id: 'q8',
      text: 'Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual',
      options: frequency,
      scored: true,
    },
    { id: 'q9', text: 'Thoughts that you would be better off dead or of hurting yourself in some way', options: frequency, scored: true },
    {
      id: 'q10',
      text: 'If you checked off any problems, how difficult have these problems made it for you to do your work, take care of things at home, or get along with other people?',
      options: [
        { value: 0, label: 'Not difficult at all', points: 0 },
        { value: 1, label: 'Somewhat difficult', points: 0 },
        { value: 2, label: 'Very difficult', points: 0 },
        { value: 3, label: 'Extremely difficult', points: 0 },
      ],
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

/** Answers q1..q9 in order. */
function answers(values: readonly number[]): Record<string, number> {
  return Object.fromEntries(values.map((v, i) => [`q${i + 1}`, v]));
}

describe('PHQ-9 definition', () => {
  it('is the published questionnaire, word for word, with its bands (what GET /api/v1/instruments serves)', () => {
    expect(phq9Definition).toStrictEqual(published);
  });
});

describe('PHQ-9 scoring table', () => {
  it.each<[string, number[], number, string, string[]]>([
    ['all "not at all"', [0, 0, 0, 0, 0, 0, 0, 0, 0], 0, 'minimal', []],
    ['4, top of minimal', [1, 1, 1, 1, 0, 0, 0, 0, 0], 4, 'minimal', []],
    ['5, bottom of mild', [1, 1, 1, 1, 1, 0, 0, 0, 0], 5, 'mild', []],
    ['9, top of mild', [3, 3, 3, 0, 0, 0, 0, 0, 0], 9, 'mild', []],
    ['10, bottom of moderate', [3, 3, 3, 1, 0, 0, 0, 0, 0], 10, 'moderate', []],
    ['every value once per item, 12', [0, 1, 2, 3, 0, 1, 2, 3, 0], 12, 'moderate', []],
    ['14, top of moderate', [2, 2, 2, 2, 2, 2, 2, 0, 0], 14, 'moderate', []],
    ['15, bottom of moderately severe', [3, 3, 3, 3, 3, 0, 0, 0, 0], 15, 'moderately_severe', []],
    ['16 with item 9 at 0', [2, 2, 2, 2, 2, 2, 2, 2, 0], 16, 'moderately_severe', []],
    ['19, top of moderately severe', [3, 3, 3, 3, 3, 2, 2, 0, 0], 19, 'moderately_severe', []],
    ['20, bottom of severe', [3, 3, 3, 3, 3, 3, 2, 0, 0], 20, 'severe', []],
    ['items 5–8 alone, 12', [0, 0, 0, 0, 3, 3, 3, 3, 0], 12, 'moderate', []],
    ['27, every item "nearly every day"', [3, 3, 3, 3, 3, 3, 3, 3, 3], 27, 'severe', ['PHQ9_ITEM9_POSITIVE']],
    ['item 9 "several days" alone: minimal but flagged', [0, 0, 0, 0, 0, 0, 0, 0, 1], 1, 'minimal', ['PHQ9_ITEM9_POSITIVE']],
    ['item 9 "nearly every day" alone', [0, 0, 0, 0, 0, 0, 0, 0, 3], 3, 'minimal', ['PHQ9_ITEM9_POSITIVE']],
    ['item 9 at 2 in a mild total', [1, 1, 1, 0, 0, 0, 0, 0, 2], 5, 'mild', ['PHQ9_ITEM9_POSITIVE']],
  ])('%s → %i, %s, flags %j', (_name, values, total, band, flags) => {
    expect(scoreInstrument('phq9', answers(values))).toStrictEqual({
      kind: 'scored',
      code: 'phq9',
      version: '1.0',
      total,
      band,
      flags,
      items: answers(values),
    });
    expect(phq9Instrument.score({ answers: answers(values), sexAtBirth: undefined, settings: defaultInstrumentSettings })).toStrictEqual({
      kind: 'ok',
      total,
      band,
      flags,
    });
  });

  it('item 10 ("extremely difficult") is stored and adds nothing', () => {
    const given = { ...answers([1, 0, 0, 0, 0, 0, 0, 0, 0]), q10: 3 };
    expect(scoreInstrument('phq9', given)).toStrictEqual({
      kind: 'scored',
      code: 'phq9',
      version: '1.0',
      total: 1,
      band: 'minimal',
      flags: [],
      items: { q1: 1, q2: 0, q3: 0, q4: 0, q5: 0, q6: 0, q7: 0, q8: 0, q9: 0, q10: 3 },
    });
  });

  it('the item 9 threshold is a setting: with "above 1", 1 is not flagged and 2 is', () => {
    const settings = { ...defaultInstrumentSettings, phq9Item9FlagAbove: 1 };
    expect(scoreInstrument('phq9', answers([0, 0, 0, 0, 0, 0, 0, 0, 1]), { settings })).toMatchObject({ total: 1, flags: [] });
    expect(scoreInstrument('phq9', answers([0, 0, 0, 0, 0, 0, 0, 0, 2]), { settings })).toMatchObject({
      total: 2,
      flags: ['PHQ9_ITEM9_POSITIVE'],
    });
  });
});

describe('PHQ-9 bands with a gap (a definition edited wrongly)', () => {
  const bands = phq9Definition.bands as InstrumentBand[];
  const original = [...bands];
  afterEach(() => {
    bands.splice(0, bands.length, ...original);
  });

  it('a total outside every band is refused, never given a band', () => {
    bands.splice(2, 1); // drop moderate, 10–14
    const given = answers([3, 3, 3, 3, 0, 0, 0, 0, 0]);
    expect(scoreInstrument('phq9', given)).toStrictEqual({
      kind: 'invalid',
      code: 'phq9',
      errors: [{ item: '*', message: 'total 12 is outside every band' }],
    });
    expect(phq9Instrument.score({ answers: given, sexAtBirth: undefined, settings: defaultInstrumentSettings })).toStrictEqual({
      kind: 'invalid',
      errors: [{ item: '*', message: 'total 12 is outside every band' }],
    });
  });
});
