import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * Tables that several parts of the program meet at: safety alerts (raised by intake, assessments, sessions,
 * messages and the warning-sign engine; read by the session gate), clinician follow-ups (created by the plan's
 * cadence, completed by visits; a due one holds dosing) and clinician visits (the telehealth prescribing record).
 */
export async function up(db: Kysely<Database>): Promise<void> {
  await sql`
    CREATE TABLE alerts (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      code text NOT NULL,
      severity text NOT NULL CHECK (severity IN ('low', 'moderate', 'high', 'critical')),
      holds_dosing boolean NOT NULL,
      cause text NOT NULL,
      title text NOT NULL,
      evidence jsonb NOT NULL DEFAULT '[]',
      recommended_actions jsonb NOT NULL DEFAULT '[]',
      patient_message text,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),
      owner_id uuid REFERENCES users(id),
      raised_at timestamptz NOT NULL,
      escalate_at timestamptz,
      escalated_at timestamptz,
      escalated_to uuid REFERENCES users(id),
      acknowledged_at timestamptz,
      acknowledged_by uuid REFERENCES users(id),
      resolved_at timestamptz,
      resolved_by uuid REFERENCES users(id),
      resolution_action text,
      resolution_note text,
      UNIQUE (patient_id, code, cause)
    );
    CREATE INDEX alerts_patient_open_idx ON alerts (patient_id) WHERE status <> 'resolved';
    CREATE INDEX alerts_owner_open_idx ON alerts (owner_id, severity) WHERE status <> 'resolved';

    CREATE TABLE follow_ups (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      reason text NOT NULL,
      cause text NOT NULL,
      due_at timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'due' CHECK (status IN ('due', 'completed', 'cancelled')),
      created_at timestamptz NOT NULL,
      completed_at timestamptz,
      completed_by uuid REFERENCES users(id),
      visit_id uuid,
      UNIQUE (patient_id, cause)
    );
    CREATE INDEX follow_ups_patient_due_idx ON follow_ups (patient_id, due_at) WHERE status = 'due';

    CREATE TABLE clinician_visits (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      clinician_id uuid NOT NULL REFERENCES users(id),
      occurred_at timestamptz NOT NULL,
      modality text NOT NULL CHECK (modality IN ('audio_video', 'in_person')),
      patient_state text NOT NULL,
      prescriber_license_state text NOT NULL,
      prescriber_dea_registration text,
      in_person_evaluation_on date,
      appointment_id uuid,
      note text,
      created_at timestamptz NOT NULL
    );
    CREATE INDEX clinician_visits_patient_idx ON clinician_visits (patient_id, occurred_at);
  `.execute(db);
}
