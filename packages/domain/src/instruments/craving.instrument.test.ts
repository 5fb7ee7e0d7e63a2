import { describe, expect, it } from 'vitest';
import { cravingDefinition, cravingInstrument } from './craving.instrument.ts';
import { defaultInstrumentSettings } from './instrument-settings.ts';
import { scoreInstrument } from './score-instrument.ts';

// Keel's craving check (program-authored, docs/clinical-basis.md §1 and §5): the total is the urge rating 0–10; at or
// above the craving threshold (default 6) the band is "high" with CRAVING_HIGH; any use outside a session adds
// USE_OUTSIDE_SESSION, and that answer adds nothing to the total. Expected values are written out by hand.

const published = {
  code: 'craving',
  name: 'Craving check',
  version: '1.0',
  instructions: 'Since your last check-in:',
  items: [
    {
      id: 'urge',
      text: 'How strong has your urge been to use ketamine outside a scheduled session? (0–10)',
      options: [
        { value: 0, label: '0 (no urge at all)', points: 0 },
        { value: 1, label: '1', points: 1 },
        { value: 2, label: '2', points: 2 },
        { value: 3, label: '3', points: 3 },
        { value: 4, label: '4', points: 4 },
        { value: 5, label: '5', points: 5 },
        { value: 6, label: '6', points: 6 },
        { value: 7, label: '7', points: 7 },
        { value: 8, label: '8', points: 8 },
        { value: 9, label: '9', points: 9 },
        { value: 10, label: '10 (the strongest urge I can imagine)', points: 10 },
      ],
      scored: true,
    },
    {
      id: 'used_outside_session',
      text: 'Have you used ketamine outside a scheduled session?',
      options: [
        { value: false, label: 'No', points: 0 },
        { value: true, label: 'Yes', points: 0 },
      ],
      scored: false,
    },
  ],
  range: { min: 0, max: 10 },
  bands: [
    { band: 'below_threshold', label: 'Urge below the craving threshold' },
    { band: 'high', label: 'High craving' },
  ],
  scoring:
    'Total = the urge rating 0–10. At or above the craving threshold (default 6, configurable) the band is "high" with flag CRAVING_HIGH. Any use outside a session adds USE_OUTSIDE_SESSION.',
  attribution: 'Keel craving check (program-authored; not a validated instrument).',
};

describe('Craving check definition', () => {
  it('is the program-authored check, word for word', () => {
    expect(cravingDefinition).toStrictEqual(published);
  });
});

describe('Craving check scoring table', () => {
  it.each<[number, boolean, string, string[]]>([
    [0, false, 'below_threshold', []],
    [1, false, 'below_threshold', []],
    [5, false, 'below_threshold', []],
    [6, false, 'high', ['CRAVING_HIGH']],
    [9, false, 'high', ['CRAVING_HIGH']],
    [10, false, 'high', ['CRAVING_HIGH']],
    [0, true, 'below_threshold', ['USE_OUTSIDE_SESSION']],
    [5, true, 'below_threshold', ['USE_OUTSIDE_SESSION']],
    [6, true, 'high', ['CRAVING_HIGH', 'USE_OUTSIDE_SESSION']],
    [10, true, 'high', ['CRAVING_HIGH', 'USE_OUTSIDE_SESSION']],
  ])('urge %i, used outside a session %s → %s, flags %j', (urge, used, band, flags) => {
    const given = { urge, used_outside_session: used };
    expect(scoreInstrument('craving', given)).toStrictEqual({
      kind: 'scored',
      code: 'craving',
      version: '1.0',
      total: urge,
      band,
      flags,
      items: { urge, used_outside_session: used },
    });
    expect(cravingInstrument.score({ answers: given, sexAtBirth: undefined, settings: defaultInstrumentSettings })).toStrictEqual({
      kind: 'ok',
      total: urge,
      band,
      flags,
    });
  });

  it('both answers are required', () => {
    expect(scoreInstrument('craving', { urge: 3 })).toStrictEqual({
      kind: 'invalid',
      code: 'craving',
      errors: [{ item: 'used_outside_session', message: 'is required' }],
    });
    expect(scoreInstrument('craving', { used_outside_session: true })).toStrictEqual({
      kind: 'invalid',
      code: 'craving',
      errors: [{ item: 'urge', message: 'is required' }],
    });
  });
});
