import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * Prescribing compliance (docs/compliance.md): the patient's prescribing pathway (signed, superseded never edited),
 * prescriber credentials (state licences and DEA registrations, with the document), and the fuller PDMP check (the
 * states searched, the result, the other controlled prescriptions found). The existing boolean
 * `other_controlled_prescriptions` keeps meaning "another prescriber was found": it feeds the MULTIPLE_PRESCRIBERS
 * warning sign.
 */
export async function up(db: Kysely<Database>): Promise<void> {
  await sql`
    CREATE TABLE prescribing_pathways (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      kind text NOT NULL CHECK (kind IN ('in_person_evaluation', 'telemedicine_flexibility', 'special_registration', 'referral_from_in_person_clinician')),
      details jsonb NOT NULL,
      prescriber_id uuid NOT NULL REFERENCES users(id),
      signature_id uuid REFERENCES signatures(id),
      signed_at timestamptz NOT NULL,
      superseded_at timestamptz,
      superseded_by uuid REFERENCES prescribing_pathways(id)
    );
    CREATE UNIQUE INDEX prescribing_pathways_current_idx ON prescribing_pathways (patient_id) WHERE superseded_at IS NULL;
    CREATE INDEX prescribing_pathways_patient_idx ON prescribing_pathways (patient_id, signed_at);

    CREATE TABLE prescriber_credentials (
      id uuid PRIMARY KEY,
      clinician_id uuid NOT NULL REFERENCES users(id),
      kind text NOT NULL CHECK (kind IN ('state_licence', 'dea_registration')),
      number text NOT NULL,
      state text NOT NULL CHECK (state ~ '^[A-Z]{2}$'),
      schedules text[] NOT NULL DEFAULT '{}',
      expires_on text NOT NULL CHECK (expires_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
      document_name text NOT NULL,
      document_content_type text NOT NULL,
      document bytea NOT NULL,
      created_at timestamptz NOT NULL,
      created_by uuid REFERENCES users(id),
      CHECK (kind = 'dea_registration' OR cardinality(schedules) = 0)
    );
    CREATE INDEX prescriber_credentials_clinician_idx ON prescriber_credentials (clinician_id, kind, state);
    CREATE INDEX prescriber_credentials_expiry_idx ON prescriber_credentials (expires_on);

    ALTER TABLE pdmp_checks
      ADD COLUMN states text[] NOT NULL DEFAULT '{}',
      ADD COLUMN result_summary text,
      ADD COLUMN other_prescriptions jsonb NOT NULL DEFAULT '[]'::jsonb,
      ADD COLUMN recorded_at timestamptz;
  `.execute(db);
}
