import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * A clinician answers a patient's refill or dose request in words the patient reads (docs/treatment.md, "Refill
 * and dose requests"): the answer, who gave it and when. One answer per request; a later answer replaces nothing.
 */
export async function up(db: Kysely<Database>): Promise<void> {
  await sql`
    ALTER TABLE refill_requests
      ADD COLUMN answer text,
      ADD COLUMN answered_by uuid REFERENCES users(id),
      ADD COLUMN answered_at timestamptz,
      ADD CONSTRAINT refill_requests_answer_whole CHECK ((answer IS NULL) = (answered_by IS NULL) AND (answer IS NULL) = (answered_at IS NULL));
    ALTER TABLE dose_requests
      ADD COLUMN answer text,
      ADD COLUMN answered_by uuid REFERENCES users(id),
      ADD COLUMN answered_at timestamptz,
      ADD CONSTRAINT dose_requests_answer_whole CHECK ((answer IS NULL) = (answered_by IS NULL) AND (answer IS NULL) = (answered_at IS NULL));
  `.execute(db);
}
