import { describe, expect, it } from 'vitest';
import { isItemVisible, validateAnswers } from './answer-validation.ts';
import type { InstrumentDefinition } from './instrument.types.ts';

// The answer checks shared by every instrument (docs/instruments.md), on a small made-up definition: `a` a 0–3
// scale, `b` yes/no, `c` shown only after `b` "yes", `d` shown when `c` is "yes" or `a` is 3, `e` optional and
// unscored. Every expected outcome is written out by hand from those rules.
const yesNo = [
  { value: false, label: 'No', points: 0 },
  { value: true, label: 'Yes', points: 1 },
];
const scale = [0, 1, 2, 3].map((v) => ({ value: v, label: `L${v}`, points: v }));
const definition: InstrumentDefinition = {
  code: 'phq9',
  name: 'Test',
  version: '1',
  instructions: '',
  items: [
    { id: 'a', text: 'A', options: scale, scored: true },
    { id: 'b', text: 'B', options: yesNo, scored: true },
    { id: 'c', text: 'C', options: yesNo, scored: true, showIf: { item: 'b', in: [true] } },
    { id: 'd', text: 'D', options: yesNo, scored: true, showIf: { anyOf: [{ item: 'c', in: [true] }, { item: 'a', in: [3] }] } },
    { id: 'e', text: 'E', options: yesNo, scored: false, optional: true },
  ],
  range: { min: 0, max: 6 },
  bands: [],
  scoring: '',
  attribution: '',
};

const SKIPPED = 'must not be answered: this question is skipped by the answers given';

describe('isItemVisible', () => {
  it.each([
    ['no condition', {}, {}, true],
    ['its value listed', { showIf: { item: 'b', in: [true] } }, { b: true }, true],
    ['its value not listed', { showIf: { item: 'b', in: [true] } }, { b: false }, false],
    ['the controlling answer missing', { showIf: { item: 'b', in: [true] } }, {}, 'unknown'],
    ['anyOf: the second true after an unknown', { showIf: { anyOf: [{ item: 'x', in: [1] }, { item: 'a', in: [3] }] } }, { a: 3 }, true],
    ['anyOf: the first true', { showIf: { anyOf: [{ item: 'a', in: [3] }, { item: 'x', in: [1] }] } }, { a: 3 }, true],
    ['anyOf: one unknown, one false', { showIf: { anyOf: [{ item: 'x', in: [1] }, { item: 'a', in: [3] }] } }, { a: 2 }, 'unknown'],
    ['anyOf: every one false', { showIf: { anyOf: [{ item: 'x', in: [1] }, { item: 'a', in: [3] }] } }, { a: 2, x: 0 }, false],
    ['anyOf: empty', { showIf: { anyOf: [] } }, { a: 2 }, false],
  ] as const)('%s', (_name, item, answers, expected) => {
    expect(isItemVisible(item, answers)).toBe(expected);
  });
});

describe('validateAnswers', () => {
  it.each([
    ['null', null],
    ['an array', [1, 2]],
    ['a string', 'a=1'],
    ['a number', 3],
    ['undefined', undefined],
  ])('refuses %s as the answer set', (_name, raw) => {
    expect(validateAnswers(definition, raw)).toEqual({ kind: 'invalid', errors: [{ item: '*', message: 'answers must be an object keyed by item id' }] });
  });

  it.each([
    ['the shortest path', { a: 1, b: false }, { a: 1, b: false }],
    ['c shown and answered, d hidden', { a: 0, b: true, c: false }, { a: 0, b: true, c: false }],
    ['d shown by c', { a: 0, b: true, c: true, d: false }, { a: 0, b: true, c: true, d: false }],
    ['d shown by a', { a: 3, b: false, d: true }, { a: 3, b: false, d: true }],
    ['the optional item answered', { a: 2, b: false, e: true }, { a: 2, b: false, e: true }],
    ['null and undefined mean not answered', { a: 2, b: false, c: null, e: undefined }, { a: 2, b: false }],
  ])('valid: %s', (_name, raw, answers) => {
    expect(validateAnswers(definition, raw)).toEqual({ kind: 'valid', answers });
  });

  it.each([
    ['nothing answered: the shown items required, the undecided ones not', {}, [
      { item: 'a', message: 'is required' },
      { item: 'b', message: 'is required' },
    ]],
    ['null is not an answer', { a: null, b: false }, [{ item: 'a', message: 'is required' }]],
    ['a shown dependent item left out', { a: 1, b: true }, [{ item: 'c', message: 'is required' }]],
    ['d shown by a though c is undecided', { a: 3, b: 'yes', c: true }, [
      { item: 'b', message: '"yes" is not an allowed answer (allowed: false, true)' },
      { item: 'd', message: 'is required' },
    ]],
    ['a hidden item answered', { a: 1, b: false, c: true }, [{ item: 'c', message: SKIPPED }]],
    ['a hidden item answered "no" too', { a: 1, b: false, c: false }, [{ item: 'c', message: SKIPPED }]],
    ['d hidden (c "no", a not 3) but answered', { a: 2, b: true, c: false, d: false }, [{ item: 'd', message: SKIPPED }]],
    ['an item the instrument does not have, reported first', { z: 1, a: 1, b: false, y: true }, [
      { item: 'z', message: 'phq9 has no item "z"' },
      { item: 'y', message: 'phq9 has no item "y"' },
    ]],
    ['the type matters: "1" is not 1, 1 is not true', { a: '1', b: 1 }, [
      { item: 'a', message: '"1" is not an allowed answer (allowed: 0, 1, 2, 3)' },
      { item: 'b', message: '1 is not an allowed answer (allowed: false, true)' },
    ]],
    ['a boolean where a number belongs, an array, an object', { a: true, b: [true], e: { v: 1 } }, [
      { item: 'a', message: 'true is not an allowed answer (allowed: 0, 1, 2, 3)' },
      { item: 'b', message: 'an array is not an allowed answer (allowed: false, true)' },
      { item: 'e', message: 'object is not an allowed answer (allowed: false, true)' },
    ]],
    ['an out-of-range number', { a: 4, b: false }, [{ item: 'a', message: '4 is not an allowed answer (allowed: 0, 1, 2, 3)' }]],
    ['nor does it decide the items after it: d is neither required nor refused', { a: 1, b: 'no', c: true }, [
      { item: 'b', message: '"no" is not an allowed answer (allowed: false, true)' },
    ]],
    ['an answer to an item whose controlling answer is invalid is neither kept nor refused', { a: 1, b: 'no', c: true, d: true }, [
      { item: 'b', message: '"no" is not an allowed answer (allowed: false, true)' },
    ]],
  ])('invalid: %s', (_name, raw, errors) => {
    expect(validateAnswers(definition, raw)).toEqual({ kind: 'invalid', errors });
  });

  it('only its own properties are answers, not inherited ones', () => {
    const raw = Object.create({ a: 1 }) as Record<string, unknown>;
    raw['b'] = false;
    expect(validateAnswers(definition, raw)).toEqual({ kind: 'invalid', errors: [{ item: 'a', message: 'is required' }] });
  });
});
