import type { ColumnType, Generated } from 'kysely';

/** Kysely types of the intake tables (see migrations/0003-intake.ts). */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** JSON written as text (see schema.ts `Json`), read as the object. */
type JsonColumn<T> = ColumnType<T, string, string>;

export type IntakeStatus = 'draft' | 'submitted' | 'info_requested' | 'approved' | 'declined';
export type EligibilityColumn = 'likely_eligible' | 'needs_review' | 'not_eligible';
export type RiskTierColumn = 'low' | 'elevated' | 'high';
export type IntakeDecisionKind = 'approve' | 'decline' | 'request_info';
export type AssessmentContext = 'intake' | 'followup' | 'checkin' | 'session';

export interface IntakesTable {
  id: string;
  patient_id: string;
  status: Generated<IntakeStatus>;
  /** The patient's answers as saved (shape of `IntakeAnswers` from @keel/domain). */
  answers: JsonColumn<Record<string, unknown>>;
  /** The screening result at the last submission (`StoredScreening` in use-cases/intake). */
  screening: JsonColumn<Record<string, unknown>> | null;
  eligibility: EligibilityColumn | null;
  risk_tier: RiskTierColumn | null;
  submission_count: Generated<number>;
  submitted_at: Timestamp | null;
  decided_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface IntakeDecisionsTable {
  id: string;
  patient_id: string;
  intake_id: string;
  decision: IntakeDecisionKind;
  note: string;
  decided_by: string;
  decided_at: Timestamp;
  /** The screening outcome the clinician saw when deciding. */
  eligibility: EligibilityColumn;
  /** SHA-256 of the canonical JSON of the intake answers the decision was made on. */
  intake_answers_sha256: string;
  /** The exact record signed (canonical JSON hashed into the signature). */
  record: JsonColumn<Record<string, unknown>>;
  signature_id: string;
  /** The clinician's choice: the patient reads the note, or it stays with the care team. */
  note_visible_to_patient: Generated<boolean>;
}

export interface AssessmentsTable {
  id: string;
  patient_id: string;
  instrument: string;
  version: string;
  /** Every item answer, normalised (item id → option value). */
  answers: JsonColumn<Record<string, number | boolean>>;
  total: number | null;
  band: string;
  flags: ColumnType<string[], string[], string[]>;
  risk: 'none' | 'low' | 'moderate' | 'high' | null;
  context: AssessmentContext;
  intake_id: string | null;
  submitted_by: string;
  submitted_at: Timestamp;
}

export interface ConsentSignaturesTable {
  id: string;
  patient_id: string;
  version: number;
  document_sha256: string;
  signature_id: string;
  signed_at: Timestamp;
}

export interface EducationCompletionsTable {
  patient_id: string;
  slug: string;
  completed_at: Timestamp;
}

export interface IntakeTables {
  intakes: IntakesTable;
  intake_decisions: IntakeDecisionsTable;
  assessments: AssessmentsTable;
  consent_signatures: ConsentSignaturesTable;
  education_completions: EducationCompletionsTable;
}
