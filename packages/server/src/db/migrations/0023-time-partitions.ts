import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * Monthly time partitions for the tables that grow without bound (docs/scaling.md, "Time partitions"): the daily
 * check-ins and the assessments by `submitted_at`, the audit log by `at`. Each becomes `PARTITION BY RANGE` with one
 * partition per calendar month (UTC) named `<table>_YYYY_MM` and a `<table>_default` partition that takes a row no
 * month partition covers yet (a clock far off, a month not created ahead), so a write never fails for want of a
 * partition. `time_partitions_maintain` (run at start-up and daily, jobs/partition-jobs.ts) creates the months ahead,
 * moves any row the default partition holds into its month, and detaches the months a retention policy has passed.
 *
 * What partitioning costs in constraints: a primary key or unique index must contain the partition column, so the
 * keys become `(id, submitted_at)` and `(id, at)` and the audit chain's `UNIQUE (chain_key, seq)` becomes
 * `(chain_key, seq, at)`. Identifiers stay unique by construction (random UUIDs; the audit log's sequence), and a
 * chain's sequence by its head row, which every insert locks and moves (audit_log_chain). Nothing references these
 * tables by foreign key.
 *
 * Retention (`time_partitioned_tables.retain_months`, written from configuration at start-up by the owner): a month
 * whose end is more than that many months before the current month is detached, not dropped, and renamed
 * `archived_<table>_YYYY_MM`, for the operator to export and drop. Never under 72 months (six years, HIPAA's
 * documentation rule, 45 CFR 164.316(b)(2)); 0 keeps every month. Before an audit month is detached the last row of
 * each chain in it is recorded in `audit_archived_heads`, where verification of the live chain resumes.
 */
export async function up(db: Kysely<Database>): Promise<void> {
  await sql`
    CREATE TABLE time_partitioned_tables (
      table_name text PRIMARY KEY,
      partition_column text NOT NULL,
      retain_months integer NOT NULL DEFAULT 0 CHECK (retain_months = 0 OR retain_months >= 72)
    );
    COMMENT ON TABLE time_partitioned_tables IS 'Monthly-partitioned tables and their retention in months (0: keep); written by the owner at start-up (migration 0023).';
    INSERT INTO time_partitioned_tables (table_name, partition_column, retain_months) VALUES
      ('check_ins', 'submitted_at', 0), ('assessments', 'submitted_at', 0), ('audit_log', 'at', 84);

    CREATE TABLE audit_archived_heads (
      chain_key text PRIMARY KEY,
      seq bigint NOT NULL CHECK (seq >= 1),
      hash text NOT NULL,
      archived_at timestamptz NOT NULL,
      archive text NOT NULL
    );
    COMMENT ON TABLE audit_archived_heads IS 'Per chain, the last audit row in a detached (archived) month: where verification of the live chain resumes.';

    -- The month partition of p_table for the month holding p_month: created when missing, with the default
    -- partition's rows of that month moved into it (detached while they move, so that its copies of the table's row
    -- triggers, the append-only ones among them, do not apply to the move). True when it was created.
    CREATE FUNCTION time_partition_create(p_table text, p_month date) RETURNS boolean
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
    DECLARE
      v_column text;
      v_from timestamptz := (date_trunc('month', p_month)::date::text || ' 00:00:00+00')::timestamptz;
      v_to timestamptz := ((date_trunc('month', p_month) + interval '1 month')::date::text || ' 00:00:00+00')::timestamptz;
      v_name text := p_table || '_' || to_char(p_month, 'YYYY_MM');
      v_default text := p_table || '_default';
      v_moving boolean;
    BEGIN
      SELECT partition_column INTO STRICT v_column FROM time_partitioned_tables WHERE table_name = p_table;
      -- Self-exclusive, so two maintainers take turns; reads and writes of the table go on.
      EXECUTE format('LOCK TABLE %I IN SHARE UPDATE EXCLUSIVE MODE', p_table);
      IF EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                 WHERE i.inhparent = p_table::regclass AND c.relname = v_name) THEN
        RETURN false;
      END IF;
      EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', v_name, p_table);
      EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I >= %L AND %I < %L)', v_default, v_column, v_from, v_column, v_to)
        INTO v_moving;
      IF v_moving THEN
        EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', p_table, v_default);
        EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= %L AND %I < %L RETURNING *) INSERT INTO %I SELECT * FROM moved',
                       v_default, v_column, v_from, v_column, v_to, v_name);
      END IF;
      EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', p_table, v_name, v_from, v_to);
      IF v_moving THEN
        EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I DEFAULT', p_table, v_default);
      END IF;
      -- Reached through the parent only (db/roles.ts): a write straight into a month would miss the parent's
      -- statement triggers.
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'keel_app') THEN
        EXECUTE format('REVOKE ALL ON %I FROM keel_app', v_name);
      END IF;
      RETURN true;
    END
    $fn$;

    -- Creates the months from the current one through p_months_ahead after it and every month the default partition
    -- holds rows of; detaches (and renames archived_…) each month whose end is more than retain_months months before
    -- the current month. One row per partition created or detached.
    CREATE FUNCTION time_partitions_maintain_at(p_now timestamptz, p_months_ahead integer)
    RETURNS TABLE (table_name text, partition_name text, action text)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
    DECLARE
      t record;
      m date;
      v_current date := date_trunc('month', p_now AT TIME ZONE 'UTC')::date;
      p record;
    BEGIN
      FOR t IN SELECT * FROM time_partitioned_tables ORDER BY 1 LOOP
        FOR m IN
          SELECT g::date FROM generate_series(v_current, v_current + make_interval(months => greatest(p_months_ahead, 0)), interval '1 month') g
          UNION
          SELECT x FROM time_partition_default_months(t.table_name, t.partition_column) x
          ORDER BY 1
        LOOP
          IF time_partition_create(t.table_name, m) THEN
            table_name := t.table_name; partition_name := t.table_name || '_' || to_char(m, 'YYYY_MM'); action := 'created';
            RETURN NEXT;
          END IF;
        END LOOP;
        CONTINUE WHEN t.retain_months = 0;
        FOR p IN
          SELECT c.relname
          FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = t.table_name::regclass AND c.relname ~ ('^' || t.table_name || '_[0-9]{4}_[0-9]{2}$')
            AND (to_date(right(c.relname, 7), 'YYYY_MM') + interval '1 month')
                <= v_current - make_interval(months => t.retain_months)
          ORDER BY c.relname
        LOOP
          IF t.table_name = 'audit_log' THEN
            EXECUTE format(
              'INSERT INTO audit_archived_heads (chain_key, seq, hash, archived_at, archive)
               SELECT DISTINCT ON (chain_key) chain_key, seq, hash, %L::timestamptz, %L FROM %I ORDER BY chain_key, seq DESC
               ON CONFLICT (chain_key) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash,
                 archived_at = EXCLUDED.archived_at, archive = EXCLUDED.archive
               WHERE EXCLUDED.seq > audit_archived_heads.seq',
              p_now, 'archived_' || p.relname, p.relname);
          END IF;
          EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', t.table_name, p.relname);
          EXECUTE format('ALTER TABLE %I RENAME TO %I', p.relname, 'archived_' || p.relname);
          table_name := t.table_name; partition_name := 'archived_' || p.relname; action := 'detached';
          RETURN NEXT;
        END LOOP;
      END LOOP;
    END
    $fn$;

    -- The months (UTC) of the rows in a table's default partition: the months maintenance must create.
    CREATE FUNCTION time_partition_default_months(p_table text, p_column text) RETURNS SETOF date
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
    BEGIN
      RETURN QUERY EXECUTE format('SELECT DISTINCT date_trunc(''month'', %I AT TIME ZONE ''UTC'')::date FROM %I', p_column, p_table || '_default');
    END
    $fn$;

    -- What the server's daily job runs: maintenance as of the database's own clock, three months ahead. The
    -- retention it applies is the owner's (time_partitioned_tables), not the caller's.
    CREATE FUNCTION time_partitions_maintain() RETURNS TABLE (table_name text, partition_name text, action text)
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
      SELECT * FROM time_partitions_maintain_at(now(), 3)
    $fn$;
  `.execute(db);

  await partitionCheckIns(db);
  await partitionAssessments(db);
  await partitionAuditLog(db);
  // The months the existing rows fall in, and the three ahead; the default partitions end up empty.
  await sql`SELECT count(*) FROM time_partitions_maintain_at(now(), 3)`.execute(db);
}

/**
 * Index names are schema-wide: the unpartitioned table's are renamed out of the way before the partitioned table
 * takes them. Its rows are copied in once the months exist (maintenance runs after the three tables are converted,
 * moving them out of the default partition), and it is dropped.
 */
const setAside = (table: string) => sql`
  ALTER TABLE ${sql.ref(table)} RENAME TO ${sql.ref(`${table}_unpartitioned`)};
  DO $do$
  DECLARE r record;
  BEGIN
    FOR r IN SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
             WHERE i.indrelid = ${sql.lit(`${table}_unpartitioned`)}::regclass LOOP
      EXECUTE format('ALTER INDEX %I RENAME TO %I', r.relname, r.relname || '_unpartitioned');
    END LOOP;
  END
  $do$;
`;

async function partitionCheckIns(db: Kysely<Database>): Promise<void> {
  await setAside('check_ins').execute(db);
  await sql`
    CREATE TABLE check_ins (
      id uuid NOT NULL,
      patient_id uuid NOT NULL CONSTRAINT check_ins_patient_id_fkey REFERENCES patients(id),
      submitted_at timestamptz NOT NULL,
      submitted_by uuid CONSTRAINT check_ins_submitted_by_fkey REFERENCES users(id),
      mood_0_10 smallint NOT NULL CONSTRAINT check_ins_mood_0_10_check CHECK (mood_0_10 BETWEEN 0 AND 10),
      sleep_hours numeric(4, 1) NOT NULL CONSTRAINT check_ins_sleep_hours_check CHECK (sleep_hours BETWEEN 0 AND 24),
      craving_0_10 smallint CONSTRAINT check_ins_craving_0_10_check CHECK (craving_0_10 BETWEEN 0 AND 10),
      used_outside_session boolean NOT NULL,
      bladder_symptoms boolean NOT NULL,
      cognitive_complaint boolean NOT NULL,
      side_effects text[] NOT NULL DEFAULT '{}',
      note text,
      CONSTRAINT check_ins_pkey PRIMARY KEY (id, submitted_at)
    ) PARTITION BY RANGE (submitted_at);
    CREATE TABLE check_ins_default PARTITION OF check_ins DEFAULT;
    INSERT INTO check_ins (id, patient_id, submitted_at, submitted_by, mood_0_10, sleep_hours, craving_0_10, used_outside_session,
                           bladder_symptoms, cognitive_complaint, side_effects, note)
      SELECT id, patient_id, submitted_at, submitted_by, mood_0_10, sleep_hours, craving_0_10, used_outside_session,
             bladder_symptoms, cognitive_complaint, side_effects, note
      FROM check_ins_unpartitioned;
    DROP TABLE check_ins_unpartitioned;
    CREATE INDEX check_ins_patient_time_idx ON check_ins (patient_id, submitted_at DESC);
    CREATE INDEX check_ins_craving_idx ON check_ins (patient_id, submitted_at) INCLUDE (craving_0_10, id);
    CREATE INDEX check_ins_flagged_idx ON check_ins (patient_id, submitted_at) WHERE used_outside_session OR bladder_symptoms OR cognitive_complaint;
    CREATE INDEX check_ins_high_craving_idx ON check_ins (patient_id, craving_0_10, submitted_at) WHERE craving_0_10 IS NOT NULL;
    -- The craving series (migration 0022) already holds these rows: its triggers come back after the copy.
    CREATE TRIGGER check_ins_craving_series_insert AFTER INSERT ON check_ins
      REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION craving_series_check_ins_changed();
    CREATE TRIGGER check_ins_craving_series_update AFTER UPDATE ON check_ins
      REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION craving_series_check_ins_changed();
    CREATE TRIGGER check_ins_craving_series_delete AFTER DELETE ON check_ins
      REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION craving_series_check_ins_changed();
    CREATE TRIGGER check_ins_craving_series_truncate AFTER TRUNCATE ON check_ins
      FOR EACH STATEMENT EXECUTE FUNCTION craving_series_check_ins_changed();
  `.execute(db);
}

async function partitionAssessments(db: Kysely<Database>): Promise<void> {
  // The panel's facts view reads assessments: kept as it is, re-created over the partitioned table.
  const view = await sql<{ def: string }>`SELECT pg_get_viewdef('patient_panel_facts'::regclass, true) AS def`.execute(db);
  const definition = view.rows[0]?.def;
  if (!definition) throw new Error('patient_panel_facts is missing');
  await sql`DROP VIEW patient_panel_facts`.execute(db);
  await setAside('assessments').execute(db);
  await sql`
    CREATE TABLE assessments (
      id uuid NOT NULL,
      patient_id uuid NOT NULL CONSTRAINT assessments_patient_id_fkey REFERENCES patients(id),
      intake_id uuid CONSTRAINT assessments_intake_id_fkey REFERENCES intakes(id),
      instrument text NOT NULL,
      version text NOT NULL,
      answers jsonb NOT NULL,
      total integer,
      band text NOT NULL,
      risk text CONSTRAINT assessments_risk_check CHECK (risk IN ('none', 'low', 'moderate', 'high')),
      flags text[] NOT NULL DEFAULT '{}',
      context text NOT NULL CONSTRAINT assessments_context_check CHECK (context IN ('intake', 'followup', 'checkin', 'session')),
      submitted_by uuid NOT NULL CONSTRAINT assessments_submitted_by_fkey REFERENCES users(id),
      submitted_at timestamptz NOT NULL,
      CONSTRAINT assessments_pkey PRIMARY KEY (id, submitted_at)
    ) PARTITION BY RANGE (submitted_at);
    CREATE TABLE assessments_default PARTITION OF assessments DEFAULT;
    INSERT INTO assessments (id, patient_id, intake_id, instrument, version, answers, total, band, risk, flags, context, submitted_by, submitted_at)
      SELECT id, patient_id, intake_id, instrument, version, answers, total, band, risk, flags, context, submitted_by, submitted_at
      FROM assessments_unpartitioned;
    DROP TABLE assessments_unpartitioned;
    CREATE INDEX assessments_patient_idx ON assessments (patient_id, instrument, submitted_at);
    CREATE INDEX monitoring_assessments_patient_time_idx ON assessments (patient_id, submitted_at);
    CREATE TRIGGER assessments_append_only BEFORE UPDATE OR DELETE ON assessments FOR EACH ROW EXECUTE FUNCTION reject_modification();
    CREATE TRIGGER assessments_craving_series_insert AFTER INSERT ON assessments
      REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION craving_series_assessments_changed();
    CREATE TRIGGER assessments_craving_series_truncate AFTER TRUNCATE ON assessments
      FOR EACH STATEMENT EXECUTE FUNCTION craving_series_assessments_changed();
    CREATE CONSTRAINT TRIGGER assessments_panel_summary AFTER INSERT ON assessments
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION patient_panel_summary_touch();
  `.execute(db);
  await sql`CREATE VIEW patient_panel_facts AS ${sql.raw(definition)}`.execute(db);
}

async function partitionAuditLog(db: Kysely<Database>): Promise<void> {
  // The unkeyed digest of rows written before the chain was keyed takes the table's row type: re-created over the
  // partitioned table (it reads the row by column name, so the digests do not change).
  const digest = await sql<{ def: string }>`SELECT pg_get_functiondef('audit_row_digest(text, audit_log)'::regprocedure) AS def`.execute(db);
  const digestDefinition = digest.rows[0]?.def;
  if (!digestDefinition) throw new Error('audit_row_digest is missing');
  await sql`DROP FUNCTION audit_row_digest(text, audit_log)`.execute(db);
  await sql`ALTER SEQUENCE audit_log_id_seq OWNED BY NONE`.execute(db);
  await setAside('audit_log').execute(db);
  await sql`
    CREATE TABLE audit_log (
      id bigint NOT NULL DEFAULT nextval('audit_log_id_seq'),
      at timestamptz NOT NULL,
      actor_id uuid,
      actor_role text,
      action text NOT NULL,
      resource_type text NOT NULL,
      resource_id text,
      patient_id uuid,
      outcome text NOT NULL CONSTRAINT audit_log_outcome_check CHECK (outcome IN ('success', 'denied', 'failure')),
      request_id text,
      client_address text,
      detail jsonb NOT NULL DEFAULT '{}',
      chain_key text NOT NULL,
      seq bigint NOT NULL,
      prev_hash text NOT NULL,
      hash text NOT NULL,
      key_id text,
      patient_ids uuid[],
      CONSTRAINT audit_log_pkey PRIMARY KEY (id, at),
      CONSTRAINT audit_log_chain_key_seq_key UNIQUE (chain_key, seq, at)
    ) PARTITION BY RANGE (at);
    ALTER SEQUENCE audit_log_id_seq OWNED BY audit_log.id;
    CREATE TABLE audit_log_default PARTITION OF audit_log DEFAULT;
    INSERT INTO audit_log (id, at, actor_id, actor_role, action, resource_type, resource_id, patient_id, outcome, request_id,
                           client_address, detail, chain_key, seq, prev_hash, hash, key_id, patient_ids)
      SELECT id, at, actor_id, actor_role, action, resource_type, resource_id, patient_id, outcome, request_id,
             client_address, detail, chain_key, seq, prev_hash, hash, key_id, patient_ids
      FROM audit_log_unpartitioned;
    DROP TABLE audit_log_unpartitioned;
    CREATE INDEX audit_log_at_idx ON audit_log (at);
    CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at);
    CREATE INDEX audit_log_patient_idx ON audit_log (patient_id, at);
    CREATE INDEX audit_log_patient_ids_idx ON audit_log USING gin (patient_ids);
    -- The chain trigger comes back after the copy: the copied rows continue nothing, they are the chain.
    CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_chain();
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION reject_modification();
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION reject_modification();
  `.execute(db);
  await sql.raw(digestDefinition).execute(db);
}
