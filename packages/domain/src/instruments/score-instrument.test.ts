import { describe, expect, it } from 'vitest';
import { defaultInstrumentSettings } from './instrument-settings.ts';
import type { InstrumentSettings } from './instrument-settings.ts';
import type { ScoredInstrument, ScoreResult } from './instrument.types.ts';
import { scoreInstrument } from './score-instrument.ts';

type Answers = Record<string, unknown>;

function scored(result: ScoreResult): ScoredInstrument {
  if (result.kind !== 'scored') throw new Error(`expected scored, got ${JSON.stringify(result)}`);
  return result;
}

/** Spreads `total` over the items greedily, each capped at its own maximum, in the order given. */
function spread(order: ReadonlyArray<readonly [string, number]>, total: number, zero: Answers = {}): Answers {
  const answers: Answers = { ...zero };
  let left = total;
  for (const [id, max] of order) {
    const v = Math.min(max, left);
    answers[id] = v;
    left -= v;
  }
  if (left > 0) throw new Error(`cannot reach ${total}`);
  return answers;
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `q${i + 1}`);
const phq9 = (total: number) => spread(ids(9).map((id) => [id, 3] as const), total);
const gad7 = (total: number) => spread(ids(7).map((id) => [id, 3] as const), total);

describe('PHQ-9 bands (both sides of every boundary)', () => {
  it.each([
    [0, 'minimal'],
    [4, 'minimal'],
    [5, 'mild'],
    [9, 'mild'],
    [10, 'moderate'],
    [14, 'moderate'],
    [15, 'moderately_severe'],
    [19, 'moderately_severe'],
    [20, 'severe'],
    [27, 'severe'],
  ])('total %i is %s', (total, band) => {
    const r = scored(scoreInstrument('phq9', phq9(total)));
    expect(r).toMatchObject({ code: 'phq9', version: '1.0', total, band });
  });

  it.each([
    [0, false],
    [1, true],
    [3, true],
  ])('item 9 = %i flags PHQ9_ITEM9_POSITIVE: %s, whatever the total', (item9, flagged) => {
    const answers = { ...phq9(0), q9: item9 };
    const r = scored(scoreInstrument('phq9', answers));
    expect(r.band).toBe('minimal');
    expect(r.flags.includes('PHQ9_ITEM9_POSITIVE')).toBe(flagged);
  });

  it('item 10 is optional and never scored', () => {
    const without = scored(scoreInstrument('phq9', phq9(12)));
    const withQ10 = scored(scoreInstrument('phq9', { ...phq9(12), q10: 3 }));
    expect(without.total).toBe(12);
    expect(withQ10.total).toBe(12);
    expect(withQ10.items['q10']).toBe(3);
    expect(without.items).not.toHaveProperty('q10');
  });

  it('keeps every item answer, not only the total', () => {
    const r = scored(scoreInstrument('phq9', { ...phq9(0), q9: 2 }));
    expect(r.items).toEqual({ q1: 0, q2: 0, q3: 0, q4: 0, q5: 0, q6: 0, q7: 0, q8: 0, q9: 2 });
  });
});

describe('GAD-7 bands and evaluation threshold', () => {
  it.each([
    [0, 'minimal', false],
    [4, 'minimal', false],
    [5, 'mild', false],
    [9, 'mild', false],
    [10, 'moderate', true],
    [14, 'moderate', true],
    [15, 'severe', true],
    [21, 'severe', true],
  ])('total %i is %s, GAD7_EVALUATE %s', (total, band, evaluate) => {
    const r = scored(scoreInstrument('gad7', gad7(total)));
    expect(r).toMatchObject({ total, band });
    expect(r.flags.includes('GAD7_EVALUATE')).toBe(evaluate);
  });

  it('the evaluation threshold is a setting', () => {
    const settings: InstrumentSettings = { ...defaultInstrumentSettings, gad7EvaluateAtOrAbove: 8 };
    expect(scored(scoreInstrument('gad7', gad7(8), { settings })).flags).toEqual(['GAD7_EVALUATE']);
    expect(scored(scoreInstrument('gad7', gad7(7), { settings })).flags).toEqual([]);
  });
});

describe('C-SSRS screener', () => {
  const no = { q1: false, q2: false, q6: false };
  const q2Yes = { q1: false, q2: true, q3: false, q4: false, q5: false, q6: false };

  it.each<[string, Answers, 'none' | 'low' | 'moderate' | 'high', string[]]>([
    ['all no', no, 'none', []],
    ['Q1 yes only', { ...no, q1: true }, 'low', ['CSSRS_LOW']],
    ['Q2 yes, Q3–Q5 no', q2Yes, 'low', ['CSSRS_LOW']],
    ['Q1 and Q2 yes only', { ...q2Yes, q1: true }, 'low', ['CSSRS_LOW']],
    ['Q3 yes (method)', { ...q2Yes, q3: true }, 'moderate', ['CSSRS_MODERATE']],
    ['Q4 yes (intent)', { ...q2Yes, q4: true }, 'high', ['CSSRS_HIGH']],
    ['Q5 yes (plan and intent)', { ...q2Yes, q5: true }, 'high', ['CSSRS_HIGH']],
    ['Q6 yes, more than 3 months ago', { ...no, q6: true, q6_recent: false }, 'moderate', ['CSSRS_MODERATE']],
    ['Q6 yes, within 3 months', { ...no, q6: true, q6_recent: true }, 'high', ['CSSRS_HIGH']],
    ['Q1 yes and Q6 old: the most severe wins', { ...no, q1: true, q6: true, q6_recent: false }, 'moderate', ['CSSRS_MODERATE']],
    ['Q3 yes and Q6 recent: the most severe wins', { ...q2Yes, q3: true, q6: true, q6_recent: true }, 'high', ['CSSRS_HIGH']],
  ])('%s → %s', (_name, answers, risk, flags) => {
    const r = scored(scoreInstrument('cssrs-screen', answers));
    expect(r.risk).toBe(risk);
    expect(r.band).toBe(risk);
    expect(r.total).toBeNull();
    expect(r.flags).toEqual(flags);
  });

  it('skip logic: with Q2 = no, Q3–Q5 are absent from the stored items', () => {
    const r = scored(scoreInstrument('cssrs-screen', { q1: true, q2: false, q6: false }));
    expect(Object.keys(r.items).sort()).toEqual(['q1', 'q2', 'q6']);
  });

  it('skip logic: null for a skipped question counts as unanswered', () => {
    expect(scoreInstrument('cssrs-screen', { q1: false, q2: false, q3: null, q6: false }).kind).toBe('scored');
  });

  it('skip logic: an answer to a skipped question is invalid, naming it (never silently dropped)', () => {
    const r = scoreInstrument('cssrs-screen', { q1: false, q2: false, q4: true, q6: false });
    expect(r).toEqual({ kind: 'invalid', code: 'cssrs-screen', errors: [expect.objectContaining({ item: 'q4' })] });
  });

  it('Q2 yes requires Q3, Q4 and Q5', () => {
    const r = scoreInstrument('cssrs-screen', { q1: false, q2: true, q6: false });
    expect(r.kind).toBe('invalid');
    if (r.kind === 'invalid') expect(r.errors.map((e) => e.item)).toEqual(['q3', 'q4', 'q5']);
  });

  it('Q6 yes requires the "within the past 3 months?" follow-up; Q6 no forbids it', () => {
    const missing = scoreInstrument('cssrs-screen', { ...no, q6: true });
    expect(missing.kind === 'invalid' && missing.errors.map((e) => e.item)).toEqual(['q6_recent']);
    const extra = scoreInstrument('cssrs-screen', { ...no, q6_recent: true });
    expect(extra.kind === 'invalid' && extra.errors.map((e) => e.item)).toEqual(['q6_recent']);
  });

  it('an invalid Q2 is reported once, without guessing whether Q3–Q5 were due', () => {
    const r = scoreInstrument('cssrs-screen', { q1: false, q2: 'yes', q6: false });
    expect(r.kind === 'invalid' && r.errors.map((e) => e.item)).toEqual(['q2']);
  });
});

// AUDIT items in an order that reaches a total without triggering the move-up rule (Q4–Q6 ≤ 1, Q9–Q10 ≤ 2).
const auditNoMoveUp = [
  ['q1', 4],
  ['q2', 4],
  ['q3', 4],
  ['q7', 4],
  ['q8', 4],
  ['q4', 1],
  ['q5', 1],
  ['q6', 1],
  ['q9', 2],
  ['q10', 2],
] as const;
const auditZero = Object.fromEntries(ids(10).map((id) => [id, 0]));
const audit = (total: number, extra: Answers = {}) => ({ ...spread(auditNoMoveUp, total, auditZero), ...extra });
const auditMax = Object.fromEntries(ids(10).map((id) => [id, 4]));

describe('AUDIT WHO zones (both sides of every boundary)', () => {
  it.each([
    [0, 'zone_i', []],
    [7, 'zone_i', []],
    [8, 'zone_ii', ['AUDIT_ZONE_II']],
    [15, 'zone_ii', ['AUDIT_ZONE_II']],
    [16, 'zone_iii', ['AUDIT_ZONE_III']],
    [19, 'zone_iii', ['AUDIT_ZONE_III']],
    [20, 'zone_iv', ['AUDIT_ZONE_IV']],
    [27, 'zone_iv', ['AUDIT_ZONE_IV']],
  ])('total %i is %s', (total, band, flags) => {
    const r = scored(scoreInstrument('audit', audit(total)));
    expect(r).toMatchObject({ total, band, flags });
  });

  it('maximum answers total 40, zone IV', () => {
    expect(scored(scoreInstrument('audit', auditMax))).toMatchObject({ total: 40, band: 'zone_iv' });
  });

  it('Q9 and Q10 accept only 0, 2 or 4', () => {
    const r = scoreInstrument('audit', { ...auditZero, q9: 1, q10: 3 });
    expect(r.kind === 'invalid' && r.errors.map((e) => e.item)).toEqual(['q9', 'q10']);
  });
});

describe('AUDIT move-up rule', () => {
  it.each<[string, Answers, number, string, boolean]>([
    ['Q4 = 2 moves zone I up to II', { ...auditZero, q4: 2 }, 2, 'zone_ii', true],
    ['Q5 = 2 at total 15 moves II up to III', audit(13, { q5: 2 }), 15, 'zone_iii', true],
    ['Q6 = 3 at total 19 moves III up to IV', audit(16, { q6: 3 }), 19, 'zone_iv', true],
    ['Q9 = 4 moves zone I up to II', { ...auditZero, q9: 4 }, 4, 'zone_ii', true],
    ['Q10 = 4 moves zone I up to II', { ...auditZero, q10: 4 }, 4, 'zone_ii', true],
    ['Q4 = 1 does not move', { ...auditZero, q4: 1 }, 1, 'zone_i', false],
    ['Q9 = 2 and Q10 = 2 do not move', { ...auditZero, q9: 2, q10: 2 }, 4, 'zone_i', false],
    ['zone IV stays IV', audit(18, { q4: 2 }), 20, 'zone_iv', false],
  ])('%s', (_name, answers, total, band, moved) => {
    const r = scored(scoreInstrument('audit', answers));
    expect(r.total).toBe(total);
    expect(r.band).toBe(band);
    expect(r.flags.includes('AUDIT_ZONE_MOVED_UP')).toBe(moved);
  });

  it('move-up thresholds are settings', () => {
    const settings: InstrumentSettings = {
      ...defaultInstrumentSettings,
      auditMoveUp: { dependenceItemsAtOrAbove: 3, harmItemsAtOrAbove: 4 },
    };
    expect(scored(scoreInstrument('audit', { ...auditZero, q4: 2 }, { settings })).band).toBe('zone_i');
    expect(scored(scoreInstrument('audit', { ...auditZero, q4: 3 }, { settings })).band).toBe('zone_ii');
  });
});

describe('AUDIT-C by sex at birth', () => {
  const auditC = (total: number) => spread([['q1', 4], ['q2', 4], ['q3', 4]], total);
  it.each([
    ['male', 3, 'negative'],
    ['male', 4, 'positive'],
    ['female', 2, 'negative'],
    ['female', 3, 'positive'],
    ['male', 12, 'positive'],
    ['female', 0, 'negative'],
  ] as const)('%s, total %i → %s', (sexAtBirth, total, band) => {
    const r = scored(scoreInstrument('audit-c', auditC(total), { sexAtBirth }));
    expect(r).toMatchObject({ total, band, flags: band === 'positive' ? ['AUDITC_POSITIVE'] : [] });
  });

  it('without sex at birth it is invalid, naming the context field', () => {
    expect(scoreInstrument('audit-c', auditC(5))).toEqual({
      kind: 'invalid',
      code: 'audit-c',
      errors: [expect.objectContaining({ item: 'context.sexAtBirth' })],
    });
  });

  it('cut-offs are settings', () => {
    const settings: InstrumentSettings = { ...defaultInstrumentSettings, auditCPositiveAtOrAbove: { male: 5, female: 4 } };
    expect(scored(scoreInstrument('audit-c', auditC(4), { sexAtBirth: 'male', settings })).band).toBe('negative');
    expect(scored(scoreInstrument('audit-c', auditC(3), { sexAtBirth: 'female', settings })).band).toBe('negative');
    expect(scored(scoreInstrument('audit-c', auditC(4), { sexAtBirth: 'female', settings })).band).toBe('positive');
  });

  it('refuses AUDIT items beyond Q3', () => {
    const r = scoreInstrument('audit-c', { ...auditC(2), q4: 0 }, { sexAtBirth: 'male' });
    expect(r.kind === 'invalid' && r.errors.map((e) => e.item)).toEqual(['q4']);
  });
});

/** DAST-10 answers worth `total`: "yes" to the first items (item 3 kept at its non-scoring "yes"). */
function dast(total: number): Answers {
  const answers: Answers = Object.fromEntries(ids(10).map((id) => [id, false]));
  answers['q3'] = true; // "always able to stop" = yes scores 0
  const others = ids(10).filter((id) => id !== 'q3');
  others.slice(0, Math.min(total, 9)).forEach((id) => (answers[id] = true));
  if (total === 10) answers['q3'] = false;
  return answers;
}

describe('DAST-10 levels (both sides of every boundary)', () => {
  it.each([
    [0, 'none', false],
    [1, 'low', false],
    [2, 'low', false],
    [3, 'moderate', true],
    [5, 'moderate', true],
    [6, 'substantial', true],
    [8, 'substantial', true],
    [9, 'severe', true],
    [10, 'severe', true],
  ])('total %i is %s, positive %s', (total, band, positive) => {
    const r = scored(scoreInstrument('dast10', dast(total)));
    expect(r).toMatchObject({ total, band });
    expect(r.flags.includes('DAST10_POSITIVE')).toBe(positive);
  });

  it('item 3 is reverse scored: "no" to "always able to stop" scores 1', () => {
    const allNo = Object.fromEntries(ids(10).map((id) => [id, false]));
    expect(scored(scoreInstrument('dast10', allNo)).total).toBe(1);
    expect(scored(scoreInstrument('dast10', { ...allNo, q3: true })).total).toBe(0);
    const allYes = Object.fromEntries(ids(10).map((id) => [id, true]));
    expect(scored(scoreInstrument('dast10', allYes)).total).toBe(9);
    expect(scored(scoreInstrument('dast10', { ...allYes, q3: false })).total).toBe(10);
  });

  it('the positive-screen threshold is a setting', () => {
    const settings: InstrumentSettings = { ...defaultInstrumentSettings, dast10PositiveAtOrAbove: 2 };
    expect(scored(scoreInstrument('dast10', dast(2), { settings })).flags).toEqual(['DAST10_POSITIVE']);
  });
});

describe('Bladder symptom check', () => {
  const none = { frequency: false, urgency: false, pain_urinating: false, bladder_pain: false, blood_in_urine: false, incontinence: false };
  it.each<[string, 'negative' | 'positive' | 'urgent', string[]]>([
    ['', 'negative', []],
    ['frequency', 'positive', ['BLADDER_POSITIVE']],
    ['urgency', 'positive', ['BLADDER_POSITIVE']],
    ['incontinence', 'positive', ['BLADDER_POSITIVE']],
    ['pain_urinating', 'urgent', ['BLADDER_POSITIVE', 'BLADDER_URGENT']],
    ['bladder_pain', 'urgent', ['BLADDER_POSITIVE', 'BLADDER_URGENT']],
    ['blood_in_urine', 'urgent', ['BLADDER_POSITIVE', 'BLADDER_URGENT']],
  ])('yes to "%s" → %s', (item, band, flags) => {
    const r = scored(scoreInstrument('bladder', item ? { ...none, [item]: true } : none));
    expect(r).toMatchObject({ total: item ? 1 : 0, band, flags });
  });

  it('counts every yes', () => {
    const all = Object.fromEntries(Object.keys(none).map((k) => [k, true]));
    expect(scored(scoreInstrument('bladder', all))).toMatchObject({ total: 6, band: 'urgent' });
  });
});

describe('Craving check', () => {
  it.each([
    [0, 'below_threshold', []],
    [5, 'below_threshold', []],
    [6, 'high', ['CRAVING_HIGH']],
    [10, 'high', ['CRAVING_HIGH']],
  ])('urge %i → %s', (urge, band, flags) => {
    expect(scored(scoreInstrument('craving', { urge, used_outside_session: false }))).toMatchObject({ total: urge, band, flags });
  });

  it('use outside a session is its own flag', () => {
    expect(scored(scoreInstrument('craving', { urge: 0, used_outside_session: true })).flags).toEqual(['USE_OUTSIDE_SESSION']);
  });

  it('the craving threshold is a setting', () => {
    const settings: InstrumentSettings = { ...defaultInstrumentSettings, cravingHighAtOrAbove: 7 };
    expect(scored(scoreInstrument('craving', { urge: 6, used_outside_session: false }, { settings })).band).toBe('below_threshold');
    expect(scored(scoreInstrument('craving', { urge: 7, used_outside_session: false }, { settings })).band).toBe('high');
  });

  it.each([11, -1, 5.5, '6', true])('urge %j is invalid', (urge) => {
    const r = scoreInstrument('craving', { urge, used_outside_session: false });
    expect(r.kind === 'invalid' && r.errors.map((e) => e.item)).toEqual(['urge']);
  });
});

describe('invalid and incomplete answer sets', () => {
  it('names a missing item', () => {
    const { q4: _dropped, ...rest } = phq9(10);
    expect(scoreInstrument('phq9', rest)).toEqual({
      kind: 'invalid',
      code: 'phq9',
      errors: [{ item: 'q4', message: 'is required' }],
    });
  });

  it.each<[string, unknown]>([
    ['out of range', 4],
    ['negative', -1],
    ['fractional', 1.5],
    ['a string', '2'],
    ['a boolean', true],
    ['an object', { value: 2 }],
  ])('rejects an answer that is %s', (_name, value) => {
    const r = scoreInstrument('phq9', { ...phq9(0), q3: value });
    expect(r.kind).toBe('invalid');
    if (r.kind === 'invalid') expect(r.errors.map((e) => e.item)).toEqual(['q3']);
  });

  it('reports every bad item, not only the first, and never a partial score', () => {
    const r = scoreInstrument('gad7', { q1: 1, q2: 9, q4: 'often', q5: 0, q6: 0, q7: 0, q8: 1 });
    expect(r.kind).toBe('invalid');
    if (r.kind === 'invalid') expect(r.errors.map((e) => e.item).sort()).toEqual(['q2', 'q3', 'q4', 'q8']);
    expect(r).not.toHaveProperty('total');
  });

  it('a yes/no item wants a boolean', () => {
    const r = scoreInstrument('dast10', { ...dast(0), q5: 'yes' });
    expect(r.kind === 'invalid' && r.errors.map((e) => e.item)).toEqual(['q5']);
  });

  it('an empty answer set names every item', () => {
    const r = scoreInstrument('gad7', {});
    expect(r.kind === 'invalid' && r.errors.length).toBe(7);
  });

  it('answers that are not an object are invalid', () => {
    expect(scoreInstrument('phq9', null as unknown as Answers).kind).toBe('invalid');
    expect(scoreInstrument('phq9', [0, 1] as unknown as Answers).kind).toBe('invalid');
  });

  it('only the C-SSRS result carries a risk: the others have no `risk` key at all', () => {
    expect(scored(scoreInstrument('phq9', phq9(3)))).not.toHaveProperty('risk');
    expect(scored(scoreInstrument('gad7', gad7(3)))).not.toHaveProperty('risk');
    expect(scored(scoreInstrument('cssrs-screen', { q1: true, q2: false, q6: false }))).toHaveProperty('risk', 'low');
  });

  it('an unknown instrument code is its own outcome', () => {
    expect(scoreInstrument('beck', {})).toEqual({ kind: 'unknown_instrument', code: 'beck' });
    expect(scoreInstrument('toString', {})).toEqual({ kind: 'unknown_instrument', code: 'toString' });
  });
});
