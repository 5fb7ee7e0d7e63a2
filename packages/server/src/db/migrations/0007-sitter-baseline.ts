import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** The sitter's own confirmation, at the end of a session, that the patient is back to their usual self. */
export async function up(db: Kysely<Database>): Promise<void> {
  await sql`
    CREATE TABLE sitter_baseline_confirmations (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      session_id uuid NOT NULL REFERENCES dosing_sessions(id),
      sitter_user_id uuid NOT NULL REFERENCES users(id),
      confirmed_at timestamptz NOT NULL,
      back_to_baseline boolean NOT NULL,
      note text
    );
    CREATE INDEX sitter_baseline_confirmations_session_idx ON sitter_baseline_confirmations (patient_id, session_id, confirmed_at);
  `.execute(db);
}
