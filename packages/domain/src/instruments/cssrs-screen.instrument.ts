import { yesNoOptions } from './instrument-helpers.ts';
import type { CssrsRisk, InstrumentDefinition, InstrumentFlag, InstrumentModule } from './instrument.types.ts';

// Columbia-Suicide Severity Rating Scale, Screen Version (past month), official wording. Free for clinical use
// with attribution to Columbia (The Columbia Lighthouse Project). Skip logic of the screener: Q3–Q5 are asked
// only when Q2 is "yes"; Q6 is always asked; its "within the past 3 months?" follow-up only when Q6 is "yes".
const q2Yes = { item: 'q2', in: [true] } as const;

export const cssrsScreenDefinition: InstrumentDefinition = {
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
      options: yesNoOptions,
      scored: true,
    },
    {
      id: 'q2',
      text: 'In the past month: Have you actually had any thoughts of killing yourself?',
      help: 'Non-specific active suicidal thoughts',
      options: yesNoOptions,
      scored: true,
    },
    {
      id: 'q3',
      text: 'In the past month: Have you been thinking about how you might do this?',
      help: 'Active suicidal ideation with any methods (not plan) without intent to act',
      options: yesNoOptions,
      showIf: q2Yes,
      scored: true,
    },
    {
      id: 'q4',
      text: 'In the past month: Have you had these thoughts and had some intention of acting on them?',
      help: 'Active suicidal ideation with some intent to act, without specific plan',
      options: yesNoOptions,
      showIf: q2Yes,
      scored: true,
    },
    {
      id: 'q5',
      text: 'In the past month: Have you started to work out or worked out the details of how to kill yourself? Do you intend to carry out this plan?',
      help: 'Active suicidal ideation with specific plan and intent',
      options: yesNoOptions,
      showIf: q2Yes,
      scored: true,
    },
    {
      id: 'q6',
      text: 'Have you ever done anything, started to do anything, or prepared to do anything to end your life?',
      help: "Examples: collected pills, obtained a gun, gave away valuables, wrote a will or suicide note, took out pills but didn't swallow any, held a gun but changed your mind or it was grabbed from your hand, went to the roof but didn't jump; or actually took pills, tried to shoot yourself, cut yourself, tried to hang yourself, etc.",
      options: yesNoOptions,
      scored: true,
    },
    {
      id: 'q6_recent',
      text: 'Was this within the past 3 months?',
      options: yesNoOptions,
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

const riskOrder: readonly CssrsRisk[] = ['none', 'low', 'moderate', 'high'];
const riskFlag: Record<Exclude<CssrsRisk, 'none'>, InstrumentFlag> = {
  low: 'CSSRS_LOW',
  moderate: 'CSSRS_MODERATE',
  high: 'CSSRS_HIGH',
};

/** Risk = the most severe answer (docs/clinical-basis.md §1). Exported for the tests and for follow-up versions. */
export function cssrsRisk(answers: Readonly<Record<string, unknown>>): CssrsRisk {
  const yes = (id: string): boolean => answers[id] === true;
  const levels: CssrsRisk[] = ['none'];
  if (yes('q1') || yes('q2')) levels.push('low');
  if (yes('q3')) levels.push('moderate');
  if (yes('q4') || yes('q5')) levels.push('high');
  if (yes('q6')) levels.push(yes('q6_recent') ? 'high' : 'moderate');
  return levels.reduce((worst, l) => (riskOrder.indexOf(l) > riskOrder.indexOf(worst) ? l : worst), 'none');
}

export const cssrsScreenInstrument: InstrumentModule = {
  definition: cssrsScreenDefinition,
  score: ({ answers }) => {
    const risk = cssrsRisk(answers);
    const flags: InstrumentFlag[] = risk === 'none' ? [] : [riskFlag[risk]];
    return { kind: 'ok', total: null, band: risk, flags, risk };
  },
};
