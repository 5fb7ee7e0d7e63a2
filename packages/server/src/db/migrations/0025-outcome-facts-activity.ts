import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * The outcomes report's facts carry each patient's doses, gate refusals and integration sessions (docs/
 * outcomes-report.md, "Performance"), so a report counts the period's activity from them instead of the tables.
 * Gate evaluations now mark their patients as the other source tables do (migration 0024). The facts themselves are
 * retaken by the refresh job: their version changed (use-cases/outcomes/outcome-facts.ts).
 *
 * `written_xid` is the transaction that last wrote a patient's facts (set by a trigger on every insert and update,
 * whoever writes). A server keeps the facts it has read in memory and asks only for what was written since: the rows
 * whose writer is at or after the oldest transaction still running at its last read (the snapshot's xmin), which a
 * commit order different from the write order cannot hide. Facts deleted (by hand, or a truncate to retake them all)
 * mark their patients, so a server's kept copy is not read for them either.
 */
export async function up(db: Kysely<Database>): Promise<void> {
  await sql`
    ALTER TABLE outcome_facts ADD COLUMN written_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
    CREATE INDEX outcome_facts_written_idx ON outcome_facts (written_xid);
    CREATE FUNCTION outcome_facts_written() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      NEW.written_xid := pg_current_xact_id();
      RETURN NEW;
    END
    $fn$;
    CREATE TRIGGER outcome_facts_written BEFORE INSERT OR UPDATE ON outcome_facts FOR EACH ROW EXECUTE FUNCTION outcome_facts_written();
    CREATE TRIGGER outcome_facts_deleted AFTER DELETE ON outcome_facts REFERENCING OLD TABLE AS removed
      FOR EACH STATEMENT EXECUTE FUNCTION outcome_facts_mark();
    CREATE TRIGGER outcome_facts_truncated AFTER TRUNCATE ON outcome_facts
      FOR EACH STATEMENT EXECUTE FUNCTION outcome_facts_mark();
    CREATE TRIGGER gate_evaluations_outcome_facts_insert AFTER INSERT ON gate_evaluations REFERENCING NEW TABLE AS added
      FOR EACH STATEMENT EXECUTE FUNCTION outcome_facts_mark();
    CREATE TRIGGER gate_evaluations_outcome_facts_update AFTER UPDATE ON gate_evaluations REFERENCING OLD TABLE AS removed NEW TABLE AS added
      FOR EACH STATEMENT EXECUTE FUNCTION outcome_facts_mark();
    CREATE TRIGGER gate_evaluations_outcome_facts_delete AFTER DELETE ON gate_evaluations REFERENCING OLD TABLE AS removed
      FOR EACH STATEMENT EXECUTE FUNCTION outcome_facts_mark();
    CREATE TRIGGER gate_evaluations_outcome_facts_truncate AFTER TRUNCATE ON gate_evaluations
      FOR EACH STATEMENT EXECUTE FUNCTION outcome_facts_mark();
  `.execute(db);
}
