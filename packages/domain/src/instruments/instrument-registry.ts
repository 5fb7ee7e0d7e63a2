import { auditCInstrument } from './audit-c.instrument.ts';
import { auditInstrument } from './audit.instrument.ts';
import { bladderInstrument } from './bladder.instrument.ts';
import { cravingInstrument } from './craving.instrument.ts';
import { cssrsScreenInstrument } from './cssrs-screen.instrument.ts';
import { dast10Instrument } from './dast10.instrument.ts';
import { gad7Instrument } from './gad7.instrument.ts';
import type { InstrumentCode, InstrumentDefinition, InstrumentModule } from './instrument.types.ts';
import { phq9Instrument } from './phq9.instrument.ts';

export const instrumentModules: Readonly<Record<InstrumentCode, InstrumentModule>> = {
  phq9: phq9Instrument,
  gad7: gad7Instrument,
  'cssrs-screen': cssrsScreenInstrument,
  audit: auditInstrument,
  'audit-c': auditCInstrument,
  dast10: dast10Instrument,
  bladder: bladderInstrument,
  craving: cravingInstrument,
};

export const instrumentCodes: readonly InstrumentCode[] = Object.keys(instrumentModules) as InstrumentCode[];

export function isInstrumentCode(code: string): code is InstrumentCode {
  return Object.hasOwn(instrumentModules, code);
}

/** The definitions, plain data, in a stable order: what GET /api/v1/instruments serves. */
export function listInstruments(): InstrumentDefinition[] {
  return instrumentCodes.map((code) => instrumentModules[code].definition);
}

export function getInstrument(code: string): InstrumentDefinition | undefined {
  return isInstrumentCode(code) ? instrumentModules[code].definition : undefined;
}
