import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * The outcomes report's per-patient facts, kept up to date on write (docs/outcomes-report.md, "Performance").
 * A program's report read every score, check-in and session of every patient (about 125 rows a patient), so it
 * grew with the record. `outcome_facts` holds, per patient, what the figures read of that record (the domain's
 * `patientReportFacts`: the first dose, each instrument's baseline, checkpoint scores, first response and last
 * score, the last contact, the filled check-in slots, the warning-sign onsets), taken over the whole record under
 * the settings named by `settings_key`. The server computes them, so one rule decides both the facts and a report
 * read from the rows.
 *
 * Statement triggers on every table the facts are taken from mark the patients a statement touched in
 * `outcome_facts_stale`; a report reads a patient's facts only while they are not marked, not expired and were taken
 * under its settings, and takes the rest from the rows (writing them back). A job refreshes the marked, expired and
 * differently-keyed patients every minute. Marks and refreshes lock the same rows: the mark is an upsert that always
 * writes, and a refresh writes then deletes the marks of its patients before reading their rows, holding them to its
 * commit. A writer marking a patient mid-refresh waits for it and leaves the patient marked; a second refresh waits
 * and reads after the first has stored. No write is lost between a refresh's read and its store.
 */
export async function up(db: Kysely<Database>): Promise<void> {
  await sql`
    CREATE TABLE outcome_facts (
      patient_id uuid PRIMARY KEY REFERENCES patients (id) ON DELETE CASCADE,
      settings_key text NOT NULL,   -- the settings the facts were taken under (use-cases/outcomes/outcome-facts.ts)
      facts json NOT NULL,          -- the domain's PatientReportFacts, packed (outcome-facts.ts); json is sent as stored
      taken_at timestamptz NOT NULL,
      -- The earliest instant of a row dated after taken_at (which the facts leave out): from then on they are stale.
      expires_at timestamptz
    );
    CREATE INDEX outcome_facts_expires_idx ON outcome_facts (expires_at) WHERE expires_at IS NOT NULL;
    COMMENT ON TABLE outcome_facts IS 'Derived from the record by the server (migration 0024); a patient marked in outcome_facts_stale is read from the rows instead.';
    CREATE TABLE outcome_facts_stale (
      patient_id uuid PRIMARY KEY,
      marked_at timestamptz NOT NULL
    );
    CREATE INDEX outcome_facts_stale_marked_idx ON outcome_facts_stale (marked_at, patient_id);
    -- Every patient so far has no facts: the refresh job takes them, a batch at a time, from the first minute.
    INSERT INTO outcome_facts_stale (patient_id, marked_at) SELECT id, now() FROM patients;

    -- The report's period events, read by time for a cohort (use-cases/outcomes/period-events.ts): each an index
    -- scan of the period that carries what the report counts, instead of a pass over every row of the table.
    CREATE INDEX dosing_sessions_started_at_idx ON dosing_sessions (started_at) INCLUDE (patient_id) WHERE started_at IS NOT NULL;
    CREATE INDEX gate_evaluations_blocked_at_idx ON gate_evaluations (evaluated_at) INCLUDE (patient_id, session_id, reason_codes)
      WHERE outcome = 'blocked';
    CREATE INDEX appointments_integration_held_idx ON appointments (starts_at) INCLUDE (patient_id, status)
      WHERE kind = 'integration' AND status IN ('completed', 'missed');

    CREATE FUNCTION outcome_facts_mark() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
    BEGIN
      IF TG_OP = 'TRUNCATE' THEN
        -- Every patient's record may have changed: all marked, for the refresh job to take again.
        INSERT INTO outcome_facts_stale (patient_id, marked_at) SELECT id, now() FROM patients ORDER BY 1
        ON CONFLICT (patient_id) DO UPDATE SET marked_at = excluded.marked_at;
        RETURN NULL;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO outcome_facts_stale (patient_id, marked_at)
        SELECT DISTINCT n.patient_id, now() FROM added n ORDER BY 1
        ON CONFLICT (patient_id) DO UPDATE SET marked_at = excluded.marked_at;
      END IF;
      IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO outcome_facts_stale (patient_id, marked_at)
        SELECT DISTINCT o.patient_id, now() FROM removed o ORDER BY 1
        ON CONFLICT (patient_id) DO UPDATE SET marked_at = excluded.marked_at;
      END IF;
      RETURN NULL;
    END
    $fn$;
  `.execute(db);
  // Every table the facts are taken from: scores, check-ins, sessions (first dose, doses), integration sessions,
  // discharges, risk evaluations. Assessments are append-only (no update or delete to hear).
  const tables = ['assessments', 'check_ins', 'dosing_sessions', 'appointments', 'discharges', 'risk_evaluations'] as const;
  for (const table of tables) {
    const t = sql.table(table);
    await sql`
      CREATE TRIGGER ${sql.raw(`${table}_outcome_facts_insert`)} AFTER INSERT ON ${t} REFERENCING NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION outcome_facts_mark();
      CREATE TRIGGER ${sql.raw(`${table}_outcome_facts_truncate`)} AFTER TRUNCATE ON ${t}
        FOR EACH STATEMENT EXECUTE FUNCTION outcome_facts_mark();
    `.execute(db);
    if (table === 'assessments') continue;
    await sql`
      CREATE TRIGGER ${sql.raw(`${table}_outcome_facts_update`)} AFTER UPDATE ON ${t} REFERENCING OLD TABLE AS removed NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION outcome_facts_mark();
      CREATE TRIGGER ${sql.raw(`${table}_outcome_facts_delete`)} AFTER DELETE ON ${t} REFERENCING OLD TABLE AS removed
        FOR EACH STATEMENT EXECUTE FUNCTION outcome_facts_mark();
    `.execute(db);
  }
}

