import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * One audit row per list read (docs/security.md, docs/perf.md). A read that shows many patients at once (the
 * clinician panel) used to write one sealed row in each shown patient's chain: 500 chain heads locked and 500 rows
 * chained per page. It now writes one row in the system chain whose `patient_ids` names every patient shown, in the
 * order shown; the column is covered by the row's HMAC (audit-log.ts, `auditRowEncoding`), and the patient's access
 * log and the admin's search by patient find the row through the GIN index.
 */
export async function up(db: Kysely<Database>): Promise<void> {
  await sql`
    ALTER TABLE audit_log ADD COLUMN patient_ids uuid[];
    CREATE INDEX audit_log_patient_ids_idx ON audit_log USING gin (patient_ids);
  `.execute(db);
}
