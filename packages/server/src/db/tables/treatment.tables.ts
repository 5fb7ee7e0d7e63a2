/** Kysely types of the treatment tables (see migrations/0004-treatment.ts). */
import type { ColumnType, Generated } from 'kysely';
import type { Json, Timestamp } from '../schema.ts';

export type PlanStatus = 'draft' | 'active' | 'superseded';
export type SessionStatus = 'scheduled' | 'authorized' | 'in_progress' | 'completed' | 'aborted' | 'missed' | 'expired';
export type LedgerKind = 'dispensed' | 'administered' | 'counted' | 'lost' | 'returned' | 'disposed' | 'correction';
export type VitalsPhase = 'pre' | 'during' | 'post';

/** A bigint sequence value (db/database.ts parses int8 as a number); filled by the database. */
type Seq = ColumnType<number, never, never>;

export interface TreatmentPlansTable {
  id: string;
  patient_id: string;
  version: number;
  revision: Generated<number>;
  status: PlanStatus;
  terms: Json<object>;
  terms_sha256: string;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  based_on_id: string | null;
  signed_by: string | null;
  signed_at: Timestamp | null;
  signature_id: string | null;
  supersedes_id: string | null;
}

export interface DispensesTable {
  id: string;
  patient_id: string;
  substance: 'ketamine';
  form: string;
  strength_mg: number;
  units: number;
  dispensed_at: Timestamp;
  patient_name: string;
  ship_to: string;
  prescriber_id: string;
  prescriber_dea_registration: string;
  plan_id: string | null;
  dispenser: string;
  recorded_by: string;
  created_at: Timestamp;
}

export interface DosingSessionsTable {
  id: string;
  patient_id: string;
  plan_id: string | null;
  status: SessionStatus;
  scheduled_for: Timestamp;
  authorized_at: Timestamp | null;
  dose_mg: number | null;
  started_at: Timestamp | null;
  completed_at: Timestamp | null;
  aborted_at: Timestamp | null;
  abort_reason: string | null;
  created_by: string;
  created_at: Timestamp;
  /** When the authorization lapses unless the session is started (set with `authorized_at`). */
  authorization_expires_at: Timestamp | null;
  expired_at: Timestamp | null;
}

export interface GateReasonRow {
  code: string;
  message: string;
  detail?: Record<string, unknown>;
}

export interface GateEvaluationsTable {
  id: string;
  seq: Seq;
  patient_id: string;
  session_id: string;
  evaluated_at: Timestamp;
  outcome: 'authorized' | 'blocked';
  reason_codes: string[];
  reasons: Json<GateReasonRow[]>;
  dose_mg: number | null;
  actor_id: string | null;
  /** `authorize` (the go-ahead) or `start` (the gate again, when the dose is taken). */
  stage: ColumnType<'authorize' | 'start', 'authorize' | 'start' | undefined, never>;
  /** Ids of the rows the decision read (vitals, attestation, checklist, plan), for review and for the race tests. */
  inputs: ColumnType<Record<string, unknown>, string | undefined, string>;
}

export interface LedgerEntriesTable {
  id: string;
  patient_id: string;
  kind: LedgerKind;
  /** Units moved; a correction's signed delta; 0 for a count. */
  units: number;
  occurred_at: Timestamp;
  recorded_by: string;
  recorded_at: Timestamp;
  session_id: string | null;
  dispense_id: string | null;
  corrects_id: string | null;
  counted_units: number | null;
  expected_units: number | null;
  loss_kind: 'lost' | 'stolen' | null;
  circumstances: string | null;
  manner: string | null;
  note: string | null;
}

export interface LedgerBalancesTable {
  patient_id: string;
  on_hand_units: number;
  updated_at: Timestamp;
}

export interface RefillRequestsTable {
  id: string;
  patient_id: string;
  requested_by: string;
  requested_at: Timestamp;
  eligible_from: Timestamp | null;
  outcome: 'granted' | 'held';
  reasons: Json<{ code: string; message: string }[]>;
  doses_on_hand: number | null;
  plan_id: string | null;
  note: string | null;
  answer: string | null;
  answered_by: string | null;
  answered_at: Timestamp | null;
}

export interface DoseRequestsTable {
  id: string;
  patient_id: string;
  requested_at: Timestamp;
  kind: 'increase' | 'tolerance';
  note: string | null;
  answer: string | null;
  answered_by: string | null;
  answered_at: Timestamp | null;
}

export interface PdmpChecksTable {
  id: string;
  patient_id: string;
  checked_at: Timestamp;
  checked_by: string;
  /** "Another prescriber found": feeds the MULTIPLE_PRESCRIBERS warning sign. */
  other_controlled_prescriptions: boolean;
  note: string | null;
  states: Generated<string[]>;
  result_summary: string | null;
  other_prescriptions: ColumnType<{ drug: string; prescriber: string; filledOn: string }[], string | undefined, string>;
  recorded_at: Timestamp | null;
}

export interface PrescribingPathwaysTable {
  id: string;
  patient_id: string;
  kind: 'in_person_evaluation' | 'telemedicine_flexibility' | 'special_registration' | 'referral_from_in_person_clinician';
  details: Json;
  prescriber_id: string;
  signature_id: string | null;
  signed_at: Timestamp;
  superseded_at: Timestamp | null;
  superseded_by: string | null;
}

export interface PrescriberCredentialsTable {
  id: string;
  clinician_id: string;
  kind: 'state_licence' | 'dea_registration';
  number: string;
  state: string;
  schedules: Generated<string[]>;
  expires_on: string;
  document_name: string;
  document_content_type: string;
  document: Buffer;
  created_at: Timestamp;
  created_by: string | null;
}

export interface SessionVitalsTable {
  id: string;
  seq: Seq;
  patient_id: string;
  session_id: string;
  phase: VitalsPhase;
  systolic_mmhg: number;
  diastolic_mmhg: number;
  heart_rate_bpm: number;
  spo2_pct: number | null;
  taken_at: Timestamp;
  recorded_by: string;
}

export interface SessionChecklistsTable {
  id: string;
  seq: Seq;
  patient_id: string;
  session_id: string;
  attested_at: Timestamp;
  fasted_hours: number;
  alcohol_24h: boolean;
  sedatives_24h: boolean;
  cannabis_24h: boolean;
  new_medication: boolean;
  safe_setting: boolean;
  recorded_by: string;
}

export interface SitterAttestationsTable {
  id: string;
  seq: Seq;
  patient_id: string;
  session_id: string;
  sitter_user_id: string;
  auth_session_id: string;
  present: boolean;
  sober: boolean;
  attested_at: Timestamp;
}

export interface SitterChecksTable {
  id: string;
  patient_id: string;
  session_id: string;
  sitter_user_id: string;
  checked_at: Timestamp;
  responsive: boolean;
  breathing_normally: boolean;
  concern: boolean;
  note: string | null;
}

export interface SitterConcernsTable {
  id: string;
  patient_id: string;
  session_id: string;
  sitter_user_id: string;
  raised_at: Timestamp;
  emergency: boolean;
  note: string | null;
}

export interface AdverseEventsTable {
  id: string;
  patient_id: string;
  session_id: string | null;
  reported_by: string;
  reported_at: Timestamp;
  kind: string;
  severity: 'mild' | 'moderate' | 'severe';
  serious: boolean;
  description: string;
  resolved_at: Timestamp | null;
  resolved_by: string | null;
}

export interface PostSessionAssessmentsTable {
  id: string;
  patient_id: string;
  session_id: string;
  side_effects: string[];
  dissociation_0_10: number;
  nausea_0_10: number;
  mood_0_10: number;
  sitter_confirms_baseline: boolean;
  submitted_by: string;
  submitted_at: Timestamp;
}

export interface SitterBaselineConfirmationsTable {
  id: string;
  patient_id: string;
  session_id: string;
  sitter_user_id: string;
  confirmed_at: Timestamp;
  back_to_baseline: boolean;
  note: string | null;
}

export interface TreatmentTables {
  sitter_baseline_confirmations: SitterBaselineConfirmationsTable;
  treatment_plans: TreatmentPlansTable;
  dispenses: DispensesTable;
  dosing_sessions: DosingSessionsTable;
  gate_evaluations: GateEvaluationsTable;
  ledger_entries: LedgerEntriesTable;
  ledger_balances: LedgerBalancesTable;
  refill_requests: RefillRequestsTable;
  dose_requests: DoseRequestsTable;
  pdmp_checks: PdmpChecksTable;
  prescribing_pathways: PrescribingPathwaysTable;
  prescriber_credentials: PrescriberCredentialsTable;
  session_vitals: SessionVitalsTable;
  session_checklists: SessionChecklistsTable;
  sitter_attestations: SitterAttestationsTable;
  sitter_checks: SitterChecksTable;
  sitter_concerns: SitterConcernsTable;
  adverse_events: AdverseEventsTable;
  post_session_assessments: PostSessionAssessmentsTable;
}
