import { describe, expect, it } from 'vitest';
import { cssrsRisk, cssrsScreenDefinition, cssrsScreenInstrument } from './cssrs-screen.instrument.ts';
import { defaultInstrumentSettings } from './instrument-settings.ts';
import { scoreInstrument } from './score-instrument.ts';

// C-SSRS Screen Version with its triage (Columbia Lighthouse Project; docs/clinical-basis.md §1): Q3–Q5 asked only
// after Q2 "yes"; Q6 always, its "within the past 3 months?" only after Q6 "yes". Risk is the most severe answer:
// low = yes to Q1 and/or Q2 only; moderate = yes to Q3, or Q6 yes more than 3 months ago; high = yes to Q4 or Q5, or
// Q6 yes within the past 3 months. Every expected value below is written out by hand from that triage.

const yesNo = [
  { value: false, label: 'No', points: 0 },
  { value: true, label: 'Yes', points: 1 },
];
const afterQ2Yes = { item: 'q2', in: [true] };

const published = {
  code: 'cssrs-screen',
  name: 'Columbia-Suicide Severity Rating Scale (C-SSRS) Screener',
  version: '1.0',
  instructions:
    'Ask questions 1 and 2. If the answer to question 2 is "yes", ask questions 3, 4 and 5; if it is "no", go to question 6. Questions 1–5 are about the past month. Always ask question 6.',
  items: [
    {
      id: 'q1',
      text: 'In the past month: Have you wished you were dead or wished you could go to sleep and not wake up?',
      help: 'Wish to be dead',
      options: yesNo,
      scored: true,
    },
    {
      id: 'q2',
      text: 'In the past month: Have you actually had any thoughts of killing yourself?',
      help: 'Non-specific active suicidal thoughts',
      options: yesNo,
      scored: true,
    },
    {
      id: 'q3',
      text: 'In the past month: Have you been thinking about how you might do this?',
      help: 'Active suicidal ideation with any methods (not plan) without intent to act',
      options: yesNo,
      showIf: afterQ2Yes,
      scored: true,
    },
    {
      id: 'q4',
      text: 'In the past month: Have you had these thoughts and had some intention of acting on them?',
      help: 'Active suicidal ideation with some intent to act, without specific plan',
      options: yesNo,
      showIf: afterQ2Yes,
      scored: true,
    },
    {
      id: 'q5',
      text: 'In the past month: Have you started to work out or worked out the details of how to kill yourself? Do you intend to carry out this plan?',
      help: 'Active suicidal ideation with specific plan and intent',
      options: yesNo,
      showIf: afterQ2Yes,
      scored: true,
    },
    {
      id: 'q6',
      text: 'Have you ever done anything, started to do anything, or prepared to do anything to end your life?',
      help: "Examples: collected pills, obtained a gun, gave away valuables, wrote a will or suicide note, took out pills but didn't swallow any, held a gun but changed your mind or it was grabbed from your hand, went to the roof but didn't jump; or actually took pills, tried to shoot yourself, cut yourself, tried to hang yourself, etc.",
      options: yesNo,
      scored: true,
    },
    {
      id: 'q6_recent',
      text: 'Was this within the past 3 months?',
      options: yesNo,
      showIf: { item: 'q6', in: [true] },
      scored: true,
    },
  ],
  range: null,
  bands: [
    { band: 'none', label: 'No risk identified' },
    { band: 'low', label: 'Low risk' },
    { band: 'moderate', label: 'Moderate risk' },
    { band: 'high', label: 'High risk' },
  ],
  scoring:
    'No total. Risk is the most severe answer: low = yes to Q1 and/or Q2 only; moderate = yes to Q3, or Q6 yes more than 3 months ago; high = yes to Q4 or Q5, or Q6 yes within the past 3 months.',
  attribution:
    'Columbia-Suicide Severity Rating Scale (C-SSRS) Screen Version. © The Research Foundation for Mental Hygiene, Inc. Posner K, Brent D, Lucas C, Gould M, Stanley B, Brown G, Fisher P, Zelazny J, Burke A, Oquendo M, Mann J. Used with attribution to The Columbia Lighthouse Project, Columbia University; free for clinical use.',
};

describe('C-SSRS screener definition', () => {
  it('is the published screener, word for word, with its skip logic and risk levels', () => {
    expect(cssrsScreenDefinition).toStrictEqual(published);
  });
});

type Risk = 'none' | 'low' | 'moderate' | 'high';

// Complete answer sets as the screener asks them (Q3–Q5 only after Q2 yes, the follow-up only after Q6 yes).
const rows: Array<[string, Record<string, boolean>, Risk, string[]]> = [
  ['all no', { q1: false, q2: false, q6: false }, 'none', []],
  ['Q2 yes, Q3–Q5 no', { q1: false, q2: true, q3: false, q4: false, q5: false, q6: false }, 'low', ['CSSRS_LOW']],
  ['Q1 yes only', { q1: true, q2: false, q6: false }, 'low', ['CSSRS_LOW']],
  ['Q3 yes (method)', { q1: true, q2: true, q3: true, q4: false, q5: false, q6: false }, 'moderate', ['CSSRS_MODERATE']],
  ['Q4 yes (intent)', { q1: false, q2: true, q3: false, q4: true, q5: false, q6: false }, 'high', ['CSSRS_HIGH']],
  ['Q5 yes (plan and intent)', { q1: false, q2: true, q3: false, q4: false, q5: true, q6: false }, 'high', ['CSSRS_HIGH']],
  ['Q6 yes, more than 3 months ago', { q1: false, q2: false, q6: true, q6_recent: false }, 'moderate', ['CSSRS_MODERATE']],
  ['Q6 yes, within 3 months', { q1: false, q2: false, q6: true, q6_recent: true }, 'high', ['CSSRS_HIGH']],
  // The most severe answer wins whatever the order the screener asks in: a high answer before a moderate one.
  ['Q4 yes and Q6 more than 3 months ago', { q1: false, q2: true, q3: false, q4: true, q5: false, q6: true, q6_recent: false }, 'high', ['CSSRS_HIGH']],
  ['Q5 yes and Q6 more than 3 months ago', { q1: true, q2: true, q3: true, q4: false, q5: true, q6: true, q6_recent: false }, 'high', ['CSSRS_HIGH']],
  ['Q3 yes and Q6 within 3 months', { q1: false, q2: true, q3: true, q4: false, q5: false, q6: true, q6_recent: true }, 'high', ['CSSRS_HIGH']],
  ['Q1 yes and Q6 more than 3 months ago', { q1: true, q2: false, q6: true, q6_recent: false }, 'moderate', ['CSSRS_MODERATE']],
  ['every question yes', { q1: true, q2: true, q3: true, q4: true, q5: true, q6: true, q6_recent: true }, 'high', ['CSSRS_HIGH']],
];

describe('C-SSRS screener triage table', () => {
  it.each(rows)('%s → %s', (_name, answers, risk, flags) => {
    expect(scoreInstrument('cssrs-screen', answers)).toStrictEqual({
      kind: 'scored',
      code: 'cssrs-screen',
      version: '1.0',
      total: null,
      band: risk,
      flags,
      risk,
      items: { ...answers },
    });
    expect(cssrsScreenInstrument.score({ answers, sexAtBirth: undefined, settings: defaultInstrumentSettings })).toStrictEqual({
      kind: 'ok',
      total: null,
      band: risk,
      flags,
      risk,
    });
    expect(cssrsRisk(answers)).toBe(risk);
  });

  it('cssrsRisk reads only "yes" (true) as yes: no answers at all is no risk', () => {
    expect(cssrsRisk({})).toBe('none');
    expect(cssrsRisk({ q1: 'yes', q4: 1 })).toBe('none');
  });
});
