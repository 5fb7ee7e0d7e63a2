import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * Intake and screening: the patient's intake (one per patient, drafts saved as they go), the clinician's signed
 * decisions on it, validated assessments stored item by item, consent signatures and education completions.
 * Signed and clinical records (decisions, assessments, consent signatures) are append-only: a trigger refuses
 * UPDATE and DELETE, so a change is always a new row (reliability I9).
 */
export async function up(db: Kysely<Database>): Promise<void> {
  await sql`
    CREATE TABLE intakes (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL UNIQUE REFERENCES patients(id),
      status text NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'submitted', 'info_requested', 'approved', 'declined')),
      answers jsonb NOT NULL DEFAULT '{}',
      screening jsonb,
      eligibility text CHECK (eligibility IN ('likely_eligible', 'needs_review', 'not_eligible')),
      risk_tier text CHECK (risk_tier IN ('low', 'elevated', 'high')),
      submission_count integer NOT NULL DEFAULT 0,
      submitted_at timestamptz,
      decided_at timestamptz,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      CHECK (status = 'draft' OR submitted_at IS NOT NULL)
    );
    CREATE INDEX intakes_review_queue_idx ON intakes (submitted_at, id) WHERE status = 'submitted';

    CREATE TABLE intake_decisions (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      intake_id uuid NOT NULL REFERENCES intakes(id),
      decision text NOT NULL CHECK (decision IN ('approve', 'decline', 'request_info')),
      note text NOT NULL,
      decided_by uuid NOT NULL REFERENCES users(id),
      decided_at timestamptz NOT NULL,
      eligibility text NOT NULL CHECK (eligibility IN ('likely_eligible', 'needs_review', 'not_eligible')),
      intake_answers_sha256 text NOT NULL,
      record jsonb NOT NULL,
      signature_id uuid NOT NULL UNIQUE REFERENCES signatures(id)
    );
    CREATE INDEX intake_decisions_patient_idx ON intake_decisions (patient_id, decided_at);
    CREATE TRIGGER intake_decisions_append_only BEFORE UPDATE OR DELETE ON intake_decisions
      FOR EACH ROW EXECUTE FUNCTION reject_modification();

    CREATE TABLE assessments (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      instrument text NOT NULL,
      version text NOT NULL,
      answers jsonb NOT NULL,
      total integer,
      band text NOT NULL,
      flags text[] NOT NULL DEFAULT '{}',
      risk text CHECK (risk IN ('none', 'low', 'moderate', 'high')),
      context text NOT NULL CHECK (context IN ('intake', 'followup', 'checkin', 'session')),
      intake_id uuid REFERENCES intakes(id),
      submitted_by uuid NOT NULL REFERENCES users(id),
      submitted_at timestamptz NOT NULL
    );
    CREATE INDEX assessments_patient_idx ON assessments (patient_id, instrument, submitted_at);
    CREATE TRIGGER assessments_append_only BEFORE UPDATE OR DELETE ON assessments
      FOR EACH ROW EXECUTE FUNCTION reject_modification();

    CREATE TABLE consent_signatures (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      version integer NOT NULL CHECK (version > 0),
      document_sha256 text NOT NULL,
      signature_id uuid NOT NULL UNIQUE REFERENCES signatures(id),
      signed_at timestamptz NOT NULL,
      UNIQUE (patient_id, version)
    );
    CREATE TRIGGER consent_signatures_append_only BEFORE UPDATE OR DELETE ON consent_signatures
      FOR EACH ROW EXECUTE FUNCTION reject_modification();

    CREATE TABLE education_completions (
      patient_id uuid NOT NULL REFERENCES patients(id),
      slug text NOT NULL,
      completed_at timestamptz NOT NULL,
      PRIMARY KEY (patient_id, slug)
    );
  `.execute(db);
}
