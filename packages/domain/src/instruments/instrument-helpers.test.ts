import { describe, expect, it } from 'vitest';
import { bandForTotal, frequencyOptions, itemById, pointsOf, sumPoints, yesNoOptions } from './instrument-helpers.ts';
import type { InstrumentDefinition } from './instrument.types.ts';

// The sum and the band look-up every instrument scores with, on a made-up definition. Expected values by hand.
const item = (id: string, scored: boolean) => ({ id, text: id.toUpperCase(), scored, options: [{ value: 0, label: 'none', points: 0 }, { value: 1, label: 'some', points: 2 }, { value: 2, label: 'much', points: 5 }, { value: true, label: 'yes', points: 7 }] });
const definition: InstrumentDefinition = {
  code: 'gad7',
  name: 'Test',
  version: '1',
  instructions: '',
  items: [item('a', true), item('b', true), item('c', false), item('d', true)],
  range: null,
  bands: [],
  scoring: '',
  attribution: '',
};

describe('the shared option scales', () => {
  it('yes/no and the PHQ-9 / GAD-7 frequency scale, as published', () => {
    expect(yesNoOptions).toEqual([
      { value: false, label: 'No', points: 0 },
      { value: true, label: 'Yes', points: 1 },
    ]);
    expect(frequencyOptions).toEqual([
      { value: 0, label: 'Not at all', points: 0 },
      { value: 1, label: 'Several days', points: 1 },
      { value: 2, label: 'More than half the days', points: 2 },
      { value: 3, label: 'Nearly every day', points: 3 },
    ]);
  });
});

describe('pointsOf and sumPoints', () => {
  it.each([
    [0, 0],
    [1, 2],
    [2, 5],
    [true, 7],
    [3, 0],
    [false, 0],
  ] as const)('the answer %s is worth %i', (value, points) => {
    expect(pointsOf(item('x', true), value)).toBe(points);
  });

  it.each([
    ['every scored item', { a: 1, b: 2, d: true }, 14],
    ['the unscored item adds nothing', { a: 1, b: 2, c: 2, d: 1 }, 9],
    ['an unanswered item adds nothing', { b: 1 }, 2],
    ['an answer to no item adds nothing', { z: 2, a: 2 }, 5],
    ['nothing answered', {}, 0],
  ])('%s', (_name, answers, total) => {
    expect(sumPoints(definition, answers)).toBe(total);
  });
});

describe('bandForTotal', () => {
  const bands = [
    { band: 'open', label: 'No bounds' },
    { band: 'low', label: 'Low', min: 0, max: 4 },
    { band: 'no-max', label: 'No max', min: 5 },
    { band: 'mid', label: 'Mid', min: 5, max: 9 },
    { band: 'high', label: 'High', min: 10, max: 27 },
  ];
  it.each([
    [0, 'low'],
    [4, 'low'],
    [5, 'mid'],
    [9, 'mid'],
    [10, 'high'],
    [27, 'high'],
  ])('%i falls in %s (bounds inclusive; a band missing a bound is never chosen)', (total, band) => {
    expect(bandForTotal(bands, total)?.band).toBe(band);
  });
  it.each([-1, 28, 4.5])('%s falls in no band', (total) => {
    expect(bandForTotal(bands, total)).toBe(undefined);
  });
  it('a band with only a maximum is never chosen', () => {
    expect(bandForTotal([{ band: 'no-min', label: 'No min', max: 3 }], 2)).toBe(undefined);
  });
});

describe('itemById', () => {
  it('finds the item, and throws naming the instrument and the id for one it does not have', () => {
    expect(itemById(definition, 'c')).toEqual(item('c', false));
    expect(() => itemById(definition, 'q9')).toThrow(new Error('instrument gad7 has no item q9'));
  });
});
