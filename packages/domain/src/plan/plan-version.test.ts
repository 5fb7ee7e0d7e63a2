import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.ts';
import { samplePlanTerms } from './fixtures.ts';
import { planVersionChange } from './plan-version.ts';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });
  it('gives the same string whatever order the keys were built in', () => {
    const a = samplePlanTerms();
    const reversed = Object.fromEntries(Object.entries(a).reverse());
    expect(canonicalJson(reversed)).toBe(canonicalJson(a));
  });
  it('distinguishes different values', () => {
    expect(canonicalJson(samplePlanTerms({ currentDoseMg: 350 }))).not.toBe(canonicalJson(samplePlanTerms()));
  });
  it('omits undefined members, keeps null, and sorts by code unit', () => {
    expect(canonicalJson({ b: undefined, a: null, B: true, é: 1 })).toBe('{"B":true,"a":null,"é":1}');
  });
  it('escapes strings as JSON', () => expect(canonicalJson({ s: 'a"b\n' })).toBe('{"s":"a\\"b\\n"}'));
  it('writes dates as ISO strings', () => expect(canonicalJson({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}'));
  it.each([
    ['NaN', { x: Number.NaN }],
    ['Infinity', { x: Number.POSITIVE_INFINITY }],
    ['a function', { x: () => 1 }],
    ['a bigint', { x: 1n }],
    ['a class instance', { x: new Map() }],
    ['an undefined array item', { x: [undefined] }],
  ])('refuses %s', (_name, value) => expect(() => canonicalJson(value)).toThrow(TypeError));
  it('refuses a cycle but allows shared references', () => {
    const shared = { v: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"v":1},"b":{"v":1}}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(TypeError);
  });
});

describe('planVersionChange', () => {
  it('marks the first version as initial', () => {
    expect(planVersionChange(null, samplePlanTerms()).kind).toBe('initial');
  });
  it('finds no change between equal plans', () => {
    expect(planVersionChange(samplePlanTerms(), samplePlanTerms())).toEqual({ kind: 'unchanged' });
  });
  it('names a dose change', () => {
    expect(planVersionChange(samplePlanTerms(), samplePlanTerms({ currentDoseMg: 350 }))).toEqual({
      kind: 'changed',
      changes: [{ field: 'currentDoseMg', from: 300, to: 350 }],
      doseChanged: true,
      limitsChanged: false,
    });
  });
  it('names nested limit changes and whole-list goal changes', () => {
    const change = planVersionChange(
      samplePlanTerms(),
      samplePlanTerms({ vitalsHold: { systolicMmHg: 150, diastolicMmHg: 100, heartRateBpm: 110 }, goals: ['sleep better'] }),
    );
    expect(change).toEqual({
      kind: 'changed',
      changes: [
        { field: 'goals', from: ['PHQ-9 below 10 by the end of induction'], to: ['sleep better'] },
        { field: 'vitalsHold.systolicMmHg', from: 160, to: 150 },
      ],
      doseChanged: false,
      limitsChanged: true,
    });
  });
  it('reports fields that appear or disappear', () => {
    const change = planVersionChange(
      samplePlanTerms(),
      samplePlanTerms({ route: 'oral', administration: { route: 'oral' } }),
    );
    expect(change.kind === 'changed' && change.changes.map((c) => c.field)).toEqual([
      'administration.afterDissolve',
      'administration.holdMinutes',
      'administration.route',
      'route',
    ]);
  });
});
