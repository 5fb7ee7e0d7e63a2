import { validateAnswers } from './answer-validation.ts';
import { defaultInstrumentSettings } from './instrument-settings.ts';
import type { InstrumentSettings } from './instrument-settings.ts';
import { instrumentModules, isInstrumentCode } from './instrument-registry.ts';
import type { ScoreResult, SexAtBirth } from './instrument.types.ts';

export interface ScoringContext {
  /** Needed by AUDIT-C (sex-specific cut-offs); ignored by the others. */
  readonly sexAtBirth?: SexAtBirth;
  /** Program settings; docs/clinical-basis.md defaults when absent. */
  readonly settings?: InstrumentSettings;
}

/**
 * Validates and scores one answer set. Never throws for bad input and never returns a partial score:
 * an unknown code is `unknown_instrument`, any bad or missing item makes the whole set `invalid`.
 */
export function scoreInstrument(code: string, answers: Record<string, unknown>, context: ScoringContext = {}): ScoreResult {
  if (!isInstrumentCode(code)) return { kind: 'unknown_instrument', code };
  const instrument = instrumentModules[code];
  const validation = validateAnswers(instrument.definition, answers);
  if (validation.kind === 'invalid') return { kind: 'invalid', code, errors: validation.errors };

  const outcome = instrument.score({
    answers: validation.answers,
    sexAtBirth: context.sexAtBirth,
    settings: context.settings ?? defaultInstrumentSettings,
  });
  if (outcome.kind === 'invalid') return { kind: 'invalid', code, errors: outcome.errors };

  return {
    kind: 'scored',
    code,
    version: instrument.definition.version,
    total: outcome.total,
    band: outcome.band,
    flags: outcome.flags,
    ...(outcome.risk !== undefined ? { risk: outcome.risk } : {}),
    items: { ...validation.answers },
  };
}
