export { chronological, onHandDelta, reconcile, summarizeLedger } from './ledger.ts';
export type {
  AdministeredEntry,
  CorrectionEntry,
  CountedEntry,
  DispensedEntry,
  DisposedEntry,
  LastCount,
  LedgerEntry,
  LedgerEntryDraft,
  LedgerEntryKind,
  LedgerProblem,
  LedgerProblemCode,
  LedgerSummary,
  LostEntry,
  Reconciliation,
  ReturnedEntry,
} from './ledger.ts';
export { refillEligibility } from './refill-eligibility.ts';
export type { RefillDecision, RefillReason, RefillReasonCode, RefillRequestInput } from './refill-eligibility.ts';
