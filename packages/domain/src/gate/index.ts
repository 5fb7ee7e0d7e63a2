export { evaluateGate } from './session-gate.ts';
export type {
  GateAlert,
  GateChecklist,
  GateDecision,
  GateInput,
  GatePlan,
  GatePlanSignature,
  GateReason,
  GateSitterAttestation,
  GateVitals,
} from './session-gate.ts';
export { GATE_REASON_CODES, START_ONLY_REASON_CODES, gateReasonHelp } from './gate-reasons.ts';
export type { GateReasonCode, GateReasonHelp } from './gate-reasons.ts';
export { validateVitalsReading } from './vitals-reading.ts';
export type { VitalsReading } from './vitals-reading.ts';
export { FIXTURE_TERMS_SHA256, authorizedGateInput } from './fixtures.ts';
