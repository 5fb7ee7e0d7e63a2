import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * The staff inbox (docs/continuity.md, "Staff inbox"): who a patient wrote to, which care-team member answers the
 * thread, when the answer is due (the program's reply time, in business hours, from the oldest unanswered patient
 * message) and whether the overdue alert was raised for the current wait.
 */
export async function up(db: Kysely<Database>): Promise<void> {
  await sql`
    ALTER TABLE message_threads
      ADD COLUMN recipient text NOT NULL DEFAULT 'care_team' CHECK (recipient IN ('care_team', 'coach')),
      ADD COLUMN assigned_to uuid REFERENCES users(id),
      ADD COLUMN reply_due_at timestamptz,
      ADD COLUMN overdue_alerted_at timestamptz,
      ADD CONSTRAINT message_threads_due_when_awaiting CHECK (reply_due_at IS NULL OR awaiting_reply_since IS NOT NULL);
    CREATE INDEX message_threads_reply_due_idx ON message_threads (reply_due_at) WHERE reply_due_at IS NOT NULL AND overdue_alerted_at IS NULL;
  `.execute(db);
}
