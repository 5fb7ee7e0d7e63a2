import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * FHIR Bulk Data export (docs/fhir.md): one row per requested export, run by a pg-boss job, and its NDJSON output
 * stored in the database (one row per file), so any server process can answer the status and file requests.
 */
export async function up(db: Kysely<Database>): Promise<void> {
  await sql`
    CREATE TABLE fhir_bulk_exports (
      id uuid PRIMARY KEY,
      level text NOT NULL CHECK (level IN ('system', 'patient')),
      resource_types text[],
      since timestamptz,
      request_url text NOT NULL,
      requested_by uuid NOT NULL REFERENCES users(id),
      requested_at timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'in_progress', 'completed', 'failed', 'cancelled')),
      patients_done integer NOT NULL DEFAULT 0,
      patients_total integer,
      completed_at timestamptz,
      error text
    );
    CREATE TABLE fhir_bulk_export_files (
      export_id uuid NOT NULL REFERENCES fhir_bulk_exports(id) ON DELETE CASCADE,
      resource_type text NOT NULL,
      part integer NOT NULL CHECK (part >= 1),
      line_count integer NOT NULL CHECK (line_count >= 1),
      body text NOT NULL,
      PRIMARY KEY (export_id, resource_type, part)
    );
  `.execute(db);
}
