import { describe, expect, it } from 'vitest';
import { auditCDefinition, auditCInstrument } from './audit-c.instrument.ts';
import { defaultInstrumentSettings } from './instrument-settings.ts';
import type { SexAtBirth } from './instrument.types.ts';
import { scoreInstrument } from './score-instrument.ts';

// AUDIT-C: questions 1–3 of the WHO AUDIT (Babor et al., WHO 2001; Bush et al., Arch Intern Med 1998;158:1789), each
// 0–4, total 0–12; positive at 4 or more for men and 3 or more for women (Bradley et al., Alcohol Clin Exp Res
// 2007;31:1208; docs/clinical-basis.md §1). Every expected value below is written out by hand from that scoring.

const published = {
  code: 'audit-c',
  name: 'AUDIT-C (alcohol consumption questions of the AUDIT)',
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
    {
      id: 'q3',
      text: 'How often do you have six or more drinks on one occasion?',
      options: [
        { value: 0, label: 'Never', points: 0 },
        { value: 1, label: 'Less than monthly', points: 1 },
        { value: 2, label: 'Monthly', points: 2 },
        { value: 3, label: 'Weekly', points: 3 },
        { value: 4, label: 'Daily or almost daily', points: 4 },
      ],
      scored: true,
    },
  ],
  range: { min: 0, max: 12 },
  bands: [
    { band: 'negative', label: 'Below the positive cut-off' },
    { band: 'positive', label: 'Positive screen' },
  ],
  scoring:
    'Sum of AUDIT Q1–Q3, 0–12. Positive at 4 or more for men and 3 or more for women (sex at birth as recorded; both cut-offs configurable). Scoring needs the sex at birth.',
  attribution:
    'AUDIT-C: questions 1–3 of the AUDIT (Babor TF et al., World Health Organization, 2001); Bush K, Kivlahan DR, McDonell MB, Fihn SD, Bradley KA. Arch Intern Med. 1998;158:1789-1795.',
};

describe('AUDIT-C definition', () => {
  it('is the three consumption questions of the AUDIT, word for word', () => {
    expect(auditCDefinition).toStrictEqual(published);
  });
});

describe('AUDIT-C scoring table', () => {
  it.each<[SexAtBirth, [number, number, number], number, 'negative' | 'positive']>([
    ['male', [0, 0, 0], 0, 'negative'],
    ['male', [1, 1, 1], 3, 'negative'],
    ['male', [2, 1, 1], 4, 'positive'],
    ['male', [0, 0, 4], 4, 'positive'],
    ['male', [0, 4, 0], 4, 'positive'],
    ['male', [4, 4, 4], 12, 'positive'],
    ['female', [0, 0, 0], 0, 'negative'],
    ['female', [1, 1, 0], 2, 'negative'],
    ['female', [1, 1, 1], 3, 'positive'],
    ['female', [3, 0, 0], 3, 'positive'],
    ['female', [4, 4, 4], 12, 'positive'],
  ])('%s, answers %j → %i, %s', (sexAtBirth, [q1, q2, q3], total, band) => {
    const flags = band === 'positive' ? ['AUDITC_POSITIVE'] : [];
    expect(scoreInstrument('audit-c', { q1, q2, q3 }, { sexAtBirth })).toStrictEqual({
      kind: 'scored',
      code: 'audit-c',
      version: '1.0',
      total,
      band,
      flags,
      items: { q1, q2, q3 },
    });
    expect(auditCInstrument.score({ answers: { q1, q2, q3 }, sexAtBirth, settings: defaultInstrumentSettings })).toStrictEqual({
      kind: 'ok',
      total,
      band,
      flags,
    });
  });

  it.each<[string, SexAtBirth | undefined]>([
    ['no sex at birth', undefined],
    ['a sex at birth that is neither "female" nor "male"', 'unknown' as SexAtBirth],
  ])('%s: refused, naming the context field, never scored with a guessed cut-off', (_name, sexAtBirth) => {
    const message = 'is required to score AUDIT-C ("female" or "male")';
    expect(scoreInstrument('audit-c', { q1: 1, q2: 1, q3: 1 }, { sexAtBirth })).toStrictEqual({
      kind: 'invalid',
      code: 'audit-c',
      errors: [{ item: 'context.sexAtBirth', message }],
    });
    expect(auditCInstrument.score({ answers: { q1: 1, q2: 1, q3: 1 }, sexAtBirth, settings: defaultInstrumentSettings })).toStrictEqual({
      kind: 'invalid',
      errors: [{ item: 'context.sexAtBirth', message }],
    });
  });
});
