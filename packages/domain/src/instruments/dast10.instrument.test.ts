import { afterEach, describe, expect, it } from 'vitest';
import { dast10Definition, dast10Instrument } from './dast10.instrument.ts';
import { defaultInstrumentSettings } from './instrument-settings.ts';
import type { InstrumentBand } from './instrument.types.ts';
import { scoreInstrument } from './score-instrument.ts';

// DAST-10 as published (Skinner, Addict Behav 1982;7:363; Yudko et al., J Subst Abuse Treat 2007;
// docs/clinical-basis.md §1): one point per "yes" except item 3 ("always able to stop"), where "no" scores 1; total
// 0–10; 0 none, 1–2 low, 3–5 moderate, 6–8 substantial, 9–10 severe; 3 or more is a positive screen. Every expected
// value below is written out by hand from that scoring key.

const yesNo = [
  { value: false, label: 'No', points: 0 },
  { value: true, label: 'Yes', points: 1 },
];
const item3 = [
  { value: false, label: 'No', points: 1 },
  { value: true, label: 'Yes', points: 0 },
];

const published = {
  code: 'dast10',
  name: 'Drug Abuse Screening Test (DAST-10)',
  version: '1.0',
  instructions:
    'The following questions concern information about your possible involvement with drugs not including alcoholic beverages during the past 12 months. "Drug abuse" refers to (1) the use of prescribed or over-the-counter drugs in excess of the directions, and (2) any nonmedical use of drugs. The various classes of drugs may include cannabis (e.g., marijuana, hash), solvents, tranquilizers (e.g., Valium), barbiturates, cocaine, stimulants (e.g., speed), hallucinogens (e.g., LSD) or narcotics (e.g., heroin). Remember that the questions do not include alcoholic beverages. Please answer every question. If you have difficulty with a statement, then choose the response that is mostly right. In the past 12 months:',
  items: [
    { id: 'q1', text: 'Have you used drugs other than those required for medical reasons?', options: yesNo, scored: true },
    { id: 'q2', text: 'Do you abuse more than one drug at a time?', options: yesNo, scored: true },
    { id: 'q3', text: 'Are you always able to stop using drugs when you want to?', options: item3, scored: true },
    { id: 'q4', text: 'Have you had "blackouts" or "flashbacks" as a result of drug use?', options: yesNo, scored: true },
    { id: 'q5', text: 'Do you ever feel bad or guilty about your drug use?', options: yesNo, scored: true },
    { id: 'q6', text: 'Does your spouse (or parents) ever complain about your involvement with drugs?', options: yesNo, scored: true },
    { id: 'q7', text: 'Have you neglected your family because of your use of drugs?', options: yesNo, scored: true },
    { id: 'q8', text: 'Have you engaged in illegal activities in order to obtain drugs?', options: yesNo, scored: true },
    {
      id: 'q9',
      text: 'Have you ever experienced withdrawal symptoms (felt sick) when you stopped taking drugs?',
      options: yesNo,
      scored: true,
    },
    {
      id: 'q10',
      text: 'Have you had medical problems as a result of your drug use (e.g., memory loss, hepatitis, convulsions, bleeding, etc.)?',
      options: yesNo,
      scored: true,
    },
  ],
  range: { min: 0, max: 10 },
  bands: [
    { band: 'none', label: 'No problems reported', min: 0, max: 0 },
    { band: 'low', label: 'Low level', min: 1, max: 2 },
    { band: 'moderate', label: 'Moderate level', min: 3, max: 5 },
    { band: 'substantial', label: 'Substantial level', min: 6, max: 8 },
    { band: 'severe', label: 'Severe level', min: 9, max: 10 },
  ],
  scoring:
    'One point per "yes", except item 3 ("always able to stop"), where "no" scores 1; total 0–10. 0 none, 1–2 low, 3–5 moderate, 6–8 substantial, 9–10 severe; 3 or more is a positive screen.',
  attribution:
    'DAST-10 © 1982 by the Addiction Research Foundation. Author: Harvey A. Skinner, PhD. Skinner HA. The Drug Abuse Screening Test. Addictive Behaviors 1982;7(4):363-371. Used with attribution.',
};

/** q1..q10 from a string of ten letters, y = yes and n = no, in item order. */
function answers(yn: string): Record<string, boolean> {
  return Object.fromEntries([...yn].map((c, i) => [`q${i + 1}`, c === 'y']));
}

describe('DAST-10 definition', () => {
  it('is the published questionnaire, word for word, with item 3 reverse scored and its five levels', () => {
    expect(dast10Definition).toStrictEqual(published);
  });
});

describe('DAST-10 scoring table', () => {
  //            q: 1234567890
  it.each<[string, number, string, boolean]>([
    ['nnynnnnnnn', 0, 'none', false],
    ['nnnnnnnnnn', 1, 'low', false],
    ['ynynnnnnnn', 1, 'low', false],
    ['yyynnnnnnn', 2, 'low', false],
    ['yynnnnnnnn', 3, 'moderate', true],
    ['nnyyyynnnn', 3, 'moderate', true],
    ['nnynnnyyyy', 4, 'moderate', true],
    ['yyyyyynnnn', 5, 'moderate', true],
    ['yynyyynnnn', 6, 'substantial', true],
    ['nnyyyyyyyy', 7, 'substantial', true],
    ['yyyyyyyyyn', 8, 'substantial', true],
    ['yyyyyyyyyy', 9, 'severe', true],
    ['yynyyyyyyy', 10, 'severe', true],
  ])('%s → %i, %s, positive %s', (yn, total, band, positive) => {
    const flags = positive ? ['DAST10_POSITIVE'] : [];
    expect(scoreInstrument('dast10', answers(yn))).toStrictEqual({
      kind: 'scored',
      code: 'dast10',
      version: '1.0',
      total,
      band,
      flags,
      items: answers(yn),
    });
    expect(dast10Instrument.score({ answers: answers(yn), sexAtBirth: undefined, settings: defaultInstrumentSettings })).toStrictEqual({
      kind: 'ok',
      total,
      band,
      flags,
    });
  });
});

describe('DAST-10 bands with a gap (a definition edited wrongly)', () => {
  const bands = dast10Definition.bands as InstrumentBand[];
  const original = [...bands];
  afterEach(() => {
    bands.splice(0, bands.length, ...original);
  });

  it('a total outside every band is refused, never given a band', () => {
    bands.splice(2, 1); // drop moderate, 3–5
    const given = answers('yynnnnnnnn');
    expect(scoreInstrument('dast10', given)).toStrictEqual({
      kind: 'invalid',
      code: 'dast10',
      errors: [{ item: '*', message: 'total 3 is outside every band' }],
    });
    expect(dast10Instrument.score({ answers: given, sexAtBirth: undefined, settings: defaultInstrumentSettings })).toStrictEqual({
      kind: 'invalid',
      errors: [{ item: '*', message: 'total 3 is outside every band' }],
    });
  });
});
