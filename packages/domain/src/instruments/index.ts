// Public surface of the instrument library: definitions as data, pure scoring, and the settings it reads.
export type {
  AnswerError,
  AnswerValue,
  CssrsRisk,
  InstrumentBand,
  InstrumentCode,
  InstrumentDefinition,
  InstrumentFlag,
  InstrumentItem,
  InstrumentModule,
  InstrumentOption,
  InvalidAnswers,
  ScoredInstrument,
  ScoreResult,
  SexAtBirth,
  ShowIf,
  UnknownInstrument,
} from './instrument.types.ts';
export type { InstrumentSettings } from './instrument-settings.ts';
export { defaultInstrumentSettings } from './instrument-settings.ts';
export type { ScoringContext } from './score-instrument.ts';
export { scoreInstrument } from './score-instrument.ts';
export { isItemVisible, validateAnswers } from './answer-validation.ts';
export type { ValidationOutcome } from './answer-validation.ts';
export { getInstrument, instrumentCodes, instrumentModules, isInstrumentCode, listInstruments } from './instrument-registry.ts';
export { cssrsRisk } from './cssrs-screen.instrument.ts';
export { phq9Definition } from './phq9.instrument.ts';
export { gad7Definition } from './gad7.instrument.ts';
export { cssrsScreenDefinition } from './cssrs-screen.instrument.ts';
export { auditDefinition } from './audit.instrument.ts';
export { auditCDefinition } from './audit-c.instrument.ts';
export { dast10Definition } from './dast10.instrument.ts';
export { bladderDefinition } from './bladder.instrument.ts';
export { cravingDefinition } from './craving.instrument.ts';
