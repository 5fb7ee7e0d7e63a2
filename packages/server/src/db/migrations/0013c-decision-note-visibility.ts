import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * A clinician chooses whether the note of an intake decision is shown to the patient or kept for the care team
 * (docs/intake.md, "Decision notes"). Existing decisions were all shown to the patient: the default keeps them so.
 * Adding a column does not touch the rows, so the append-only trigger is not involved.
 */
export async function up(db: Kysely<Database>): Promise<void> {
  await sql`ALTER TABLE intake_decisions ADD COLUMN note_visible_to_patient boolean NOT NULL DEFAULT true`.execute(db);
}
