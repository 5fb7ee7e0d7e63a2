import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { completeEligibleIntake, fixturePrescriberStates, screeningFixtureNow } from './fixtures.ts';
import type { IntakeAnswers } from './intake.ts';
import { screenIntake } from './screen-intake.ts';
import { defaultScreeningSettings } from './screening-settings.ts';
import { propertyRuns } from '../../test/property-runs.ts';

const options = { now: screeningFixtureNow, settings: defaultScreeningSettings, prescriberStates: fixturePrescriberStates };

/** Paths to every leaf of a plain object (arrays count as leaves). */
function leaves(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, [...prefix, k]));
}

function edit(intake: IntakeAnswers, path: string[], change: (parent: Record<string, unknown>, key: string) => void): IntakeAnswers {
  let parent = intake as unknown as Record<string, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
  change(parent, path[path.length - 1] ?? '');
  return intake;
}

// PHQ-9 item 10 is the one optional answer in the fixture.
const requiredLeaves = leaves(completeEligibleIntake()).filter((p) => p.join('.') !== 'instruments.phq9.q10');

describe('screening fails closed', () => {
  it('removing any one required answer is never likely_eligible and names that answer', () => {
    fc.assert(
      fc.property(fc.constantFrom(...requiredLeaves), (path) => {
        const r = screenIntake(edit(completeEligibleIntake(), path, (p, k) => delete p[k]), options);
        expect(r.eligibility).not.toBe('likely_eligible');
        expect(r.missing.some((m) => m.startsWith(path.join('.')))).toBe(true);
      }),
      { numRuns: propertyRuns(200) },
    );
  });

  it('replacing any answer with a value of the wrong type is never likely_eligible', () => {
    const valueAt = (path: string[]): unknown => path.reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], completeEligibleIntake());
    const junkFor = (original: unknown): unknown[] =>
      typeof original === 'string' ? [-1, {}, true] : typeof original === 'number' ? ['2', {}, true, 1e9, -1] : typeof original === 'boolean' ? ['yes', 1, {}] : ['yes', 7];
    const cases = requiredLeaves.flatMap((path) => junkFor(valueAt(path)).map((junk) => [path, junk] as const));
    for (const [path, junk] of cases) {
      const r = screenIntake(edit(completeEligibleIntake(), path, (p, k) => (p[k] = junk)), options);
      expect(r.eligibility, `${path.join('.')} = ${JSON.stringify(junk)}`).not.toBe('likely_eligible');
    }
  });

  const historyFlags = leaves(completeEligibleIntake()).filter((p) => {
    const section = p[0];
    if (section !== 'medicalHistory' && section !== 'psychiatricHistory' && section !== 'substanceUse') return false;
    let v: unknown = completeEligibleIntake();
    for (const k of p) v = (v as Record<string, unknown>)[k];
    return v === false;
  });

  it('answering "yes" to any history question is never likely_eligible', () => {
    expect(historyFlags.length).toBeGreaterThan(20);
    fc.assert(
      fc.property(fc.subarray(historyFlags, { minLength: 1 }), (paths) => {
        const intake = completeEligibleIntake();
        for (const path of paths) edit(intake, path, (p, k) => (p[k] = true));
        expect(screenIntake(intake, options).eligibility).not.toBe('likely_eligible');
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('the result is always one of the three outcomes, with exclusions iff not_eligible', () => {
    fc.assert(
      fc.property(fc.subarray(historyFlags), fc.subarray(requiredLeaves, { maxLength: 3 }), (flags, removed) => {
        const intake = completeEligibleIntake();
        for (const path of flags) edit(intake, path, (p, k) => (p[k] = true));
        for (const path of removed) edit(intake, path, (p, k) => delete p[k]);
        const r = screenIntake(intake, options);
        expect(r.eligibility === 'not_eligible').toBe(r.reasons.some((x) => x.outcome === 'exclude'));
        expect(r.eligibility === 'likely_eligible').toBe(r.reasons.length === 0);
        expect(['low', 'elevated', 'high']).toContain(r.dependenceRisk.tier);
      }),
      { numRuns: propertyRuns(200) },
    );
  });
});
