import { yesNoOptions } from './instrument-helpers.ts';
import type { InstrumentDefinition, InstrumentFlag, InstrumentModule, InstrumentOption } from './instrument.types.ts';

// Keel's craving check (docs/clinical-basis.md §5 warning signs: craving ≥ 6, and any use outside a session).
// Program-authored wording. The total is the urge rating; use outside a session is reported as a flag.
const urgeOptions: InstrumentOption[] = Array.from({ length: 11 }, (_, i) => ({
  value: i,
  label: i === 0 ? '0 (no urge at all)' : i === 10 ? '10 (the strongest urge I can imagine)' : String(i),
  points: i,
}));

export const cravingDefinition: InstrumentDefinition = {
  code: 'craving',
  name: 'Craving check',
  version: '1.0',
  instructions: 'Since your last check-in:',
  items: [
    { id: 'urge', text: 'How strong has your urge been to use ketamine outside a scheduled session? (0–10)', options: urgeOptions, scored: true },
    {
      id: 'used_outside_session',
      text: 'Have you used ketamine outside a scheduled session?',
      // Not added to the urge total; it is its own warning sign.
      options: yesNoOptions.map((o) => ({ ...o, points: 0 })),
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

export const cravingInstrument: InstrumentModule = {
  definition: cravingDefinition,
  score: ({ answers, settings }) => {
    const urge = typeof answers['urge'] === 'number' ? answers['urge'] : 0;
    const flags: InstrumentFlag[] = [];
    const high = urge >= settings.cravingHighAtOrAbove;
    if (high) flags.push('CRAVING_HIGH');
    if (answers['used_outside_session'] === true) flags.push('USE_OUTSIDE_SESSION');
    return { kind: 'ok', total: urge, band: high ? 'high' : 'below_threshold', flags };
  },
};
