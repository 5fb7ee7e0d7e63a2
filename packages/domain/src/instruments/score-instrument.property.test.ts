import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isItemVisible } from './answer-validation.ts';
import { defaultInstrumentSettings } from './instrument-settings.ts';
import { instrumentModules, listInstruments } from './instrument-registry.ts';
import type { AnswerValue, InstrumentDefinition } from './instrument.types.ts';
import { scoreInstrument } from './score-instrument.ts';
import { propertyRuns } from '../../test/property-runs.ts';

/** Random answer sets that follow the definition's skip logic: hidden items absent, optional items sometimes. */
function validAnswers(def: InstrumentDefinition): fc.Arbitrary<Record<string, AnswerValue>> {
  const perItem = def.items.map((item) =>
    fc.record({ value: fc.constantFrom(...item.options.map((o) => o.value)), include: fc.boolean() }),
  );
  return fc.tuple(...perItem).map((picks) => {
    const answers: Record<string, AnswerValue> = {};
    def.items.forEach((item, i) => {
      const pick = picks[i];
      if (!pick || isItemVisible(item, answers) !== true) return;
      if (item.optional && !pick.include) return;
      answers[item.id] = pick.value;
    });
    return answers;
  });
}

const sexAtBirth = fc.constantFrom('female' as const, 'male' as const);

describe.each(listInstruments().map((def) => [def.code, def] as const))('%s property', (_code, def) => {
  it('every valid answer set scores, with the total in range and a defined band', () => {
    fc.assert(
      fc.property(validAnswers(def), sexAtBirth, (answers, sex) => {
        const r = scoreInstrument(def.code, answers, { sexAtBirth: sex });
        expect(r.kind).toBe('scored');
        if (r.kind !== 'scored') return;
        if (def.range) {
          expect(r.total).not.toBeNull();
          expect(r.total).toBeGreaterThanOrEqual(def.range.min);
          expect(r.total).toBeLessThanOrEqual(def.range.max);
          expect(Number.isInteger(r.total)).toBe(true);
        } else {
          expect(r.total).toBeNull();
          expect(r.risk).toBe(r.band);
        }
        expect(def.bands.map((b) => b.band)).toContain(r.band);
        expect(r.items).toEqual(answers);
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('removing any required shown answer makes the set invalid, naming that item', () => {
    fc.assert(
      fc.property(validAnswers(def), fc.nat(), (answers, n) => {
        const required = def.items.filter((i) => !i.optional && i.id in answers);
        const victim = required[n % required.length];
        if (!victim) return;
        const { [victim.id]: _removed, ...rest } = answers;
        const r = scoreInstrument(def.code, rest, { sexAtBirth: 'female' });
        expect(r.kind).toBe('invalid');
        if (r.kind === 'invalid') expect(r.errors.map((e) => e.item)).toContain(victim.id);
      }),
      { numRuns: propertyRuns(200) },
    );
  });

  it('the scoring function is pure: the same answers give the same result', () => {
    fc.assert(
      fc.property(validAnswers(def), (answers) => {
        const ctx = { sexAtBirth: 'male' as const, settings: defaultInstrumentSettings };
        expect(scoreInstrument(def.code, answers, ctx)).toEqual(scoreInstrument(def.code, { ...answers }, ctx));
      }),
      { numRuns: propertyRuns(50) },
    );
  });
});

describe('PHQ-9 property', () => {
  it('item 9 above 0 always flags, whatever the other answers', () => {
    fc.assert(
      fc.property(validAnswers(instrumentModules.phq9.definition), (answers) => {
        const r = scoreInstrument('phq9', answers);
        if (r.kind !== 'scored') throw new Error('expected scored');
        expect(r.flags.includes('PHQ9_ITEM9_POSITIVE')).toBe((answers['q9'] as number) > 0);
      }),
    );
  });
});
