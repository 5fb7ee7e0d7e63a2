import { auditConsumptionItems, auditInstructions } from './audit.instrument.ts';
import { sumPoints } from './instrument-helpers.ts';
import type { InstrumentDefinition, InstrumentFlag, InstrumentModule } from './instrument.types.ts';

// AUDIT-C: the three consumption questions of the WHO AUDIT (Bush et al. 1998), same wording and points.
export const auditCDefinition: InstrumentDefinition = {
  code: 'audit-c',
  name: 'AUDIT-C (alcohol consumption questions of the AUDIT)',
  version: '1.0',
  instructions: auditInstructions,
  items: auditConsumptionItems,
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

export const auditCInstrument: InstrumentModule = {
  definition: auditCDefinition,
  score: ({ answers, sexAtBirth, settings }) => {
    // The cut-off depends on sex at birth; guessing one would silently change the result, so fail closed.
    if (sexAtBirth !== 'female' && sexAtBirth !== 'male') {
      return { kind: 'invalid', errors: [{ item: 'context.sexAtBirth', message: 'is required to score AUDIT-C ("female" or "male")' }] };
    }
    const total = sumPoints(auditCDefinition, answers);
    const positive = total >= settings.auditCPositiveAtOrAbove[sexAtBirth];
    const flags: InstrumentFlag[] = positive ? ['AUDITC_POSITIVE'] : [];
    return { kind: 'ok', total, band: positive ? 'positive' : 'negative', flags };
  },
};
