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
      ('check_ins', 'submitted_at', 0), ('assessments', 'submitted_at', 0), ('audit_log', 'at', 0);

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
    -- triggers, the append-only ones among them, do not apply to the move). True when it was created. Creating a
    -- month takes a lock that waits for the table's readers and writers to finish with the default partition, and
    -- blocks new ones meanwhile: bounded by the caller's lock_timeout.
    CREATE FUNCTION time_partition_create(p_table text, p_month date) RETURNS boolean
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
    DECLARE
      v_column text;
      v_from timestamptz := (date_trunc('month', p_month)::date::text || ' 00:00:00+00')::timestamptz;
      v_to timestamptz := ((date_trunc('month', p_month) + interval '1 month')::date::text || ' 00:00:00+00')::timestamptz;
      v_name text := p_table || '_' || to_char(p_month, 'YYYY_MM');
      v_default text := p_table || '_default';
    BEGIN
      SELECT partition_column INTO STRICT v_column FROM time_partitioned_tables WHERE table_name = p_table;
      -- Self-exclusive, so two maintainers take turns.
      EXECUTE format('LOCK TABLE %I IN SHARE UPDATE EXCLUSIVE MODE', p_table);
      IF EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                 WHERE i.inhparent = p_table::regclass AND c.relname = v_name) THEN
        RETURN false;
      END IF;
      EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', v_name, p_table);
      -- Always through the detached default partition: a row of the month written to it between a look and an
      -- ATTACH would make the ATTACH fail.
      EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', p_table, v_default);
      EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= %L AND %I < %L RETURNING *) INSERT INTO %I SELECT * FROM moved',
                     v_default, v_column, v_from, v_column, v_to, v_name);
      EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', p_table, v_name, v_from, v_to);
      EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I DEFAULT', p_table, v_default);
      -- Reached through the parent only (db/roles.ts): a write straight into a month would miss the parent's
      -- statement triggers.
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'keel_app') THEN
        EXECUTE format('REVOKE ALL ON %I FROM keel_app', v_name);
      END IF;
      RETURN true;
    END
    $fn$;

    -- One table's maintenance as of p_now, in the caller's transaction (one per table, db/time-partitions.ts):
    -- creates the current month and the p_months_ahead after it, and the month of every row the default partition
    -- holds between the retention cut-off and the last of those (a row outside stays in the default partition: a
    -- month past retention is not made only to be archived, and a clock far ahead does not make months without
    -- end); detaches, and renames archived_…, each month whose end is at or before the cut-off (the current month's
    -- start less retain_months). One row per partition created or detached.
    --
    -- An audit month is archived only when every chain in it is whole up to its last row there: no row of the chain
    -- outside the month has a lower sequence (one written with an instant from a clock behind, or taken a moment
    -- before its turn). Otherwise the month, and every later one, is held ('held') and kept live, so that each
    -- chain's archived rows are always a prefix of it and verification resumes exactly after them.
    CREATE FUNCTION time_partitions_maintain_at(p_table text, p_now timestamptz, p_months_ahead integer)
    RETURNS TABLE (table_name text, partition_name text, action text)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp SET lock_timeout = '5s' AS $fn$
    DECLARE
      t time_partitioned_tables%ROWTYPE;
      m date;
      v_current date := date_trunc('month', p_now AT TIME ZONE 'UTC')::date;
      v_last date;
      v_cutoff date;
      v_archive text;
      v_held boolean;
      p record;
    BEGIN
      SELECT * INTO STRICT t FROM time_partitioned_tables x WHERE x.table_name = p_table;
      v_last := (v_current + make_interval(months => greatest(p_months_ahead, 0)))::date;
      v_cutoff := CASE WHEN t.retain_months = 0 THEN (v_current - interval '100 years')::date
                       ELSE (v_current - make_interval(months => t.retain_months))::date END;
      FOR m IN
        SELECT g::date FROM generate_series(v_current, v_last, interval '1 month') g
        UNION
        SELECT x FROM time_partition_default_months(t.table_name, t.partition_column) x WHERE x >= v_cutoff AND x <= v_last
        ORDER BY 1
      LOOP
        IF time_partition_create(t.table_name, m) THEN
          table_name := t.table_name; partition_name := t.table_name || '_' || to_char(m, 'YYYY_MM'); action := 'created';
          RETURN NEXT;
        END IF;
      END LOOP;
      IF t.retain_months = 0 THEN
        RETURN;
      END IF;
      FOR p IN
        SELECT c.relname
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = t.table_name::regclass AND c.relname ~ ('^' || t.table_name || '_[0-9]{4}_[0-9]{2}$')
          AND (to_date(right(c.relname, 7), 'YYYY_MM') + interval '1 month') <= v_cutoff
        ORDER BY c.relname
      LOOP
        IF t.table_name = 'audit_log' THEN
          EXECUTE format(
            'SELECT EXISTS (SELECT 1 FROM (SELECT chain_key, max(seq) AS last FROM %I GROUP BY chain_key) h
               JOIN audit_log a ON a.chain_key = h.chain_key AND a.seq < h.last
               WHERE a.tableoid <> %L::regclass)', p.relname, p.relname) INTO v_held;
          IF v_held THEN
            table_name := t.table_name; partition_name := p.relname; action := 'held';
            RETURN NEXT;
            EXIT;
          END IF;
        END IF;
        v_archive := 'archived_' || p.relname;
        WHILE to_regclass(v_archive) IS NOT NULL LOOP
          v_archive := 'archived_' || p.relname || '_' || substr(md5(random()::text), 1, 6);
        END LOOP;
        IF t.table_name = 'audit_log' THEN
          EXECUTE format(
            'INSERT INTO audit_archived_heads (chain_key, seq, hash, archived_at, archive)
             SELECT DISTINCT ON (chain_key) chain_key, seq, hash, %L::timestamptz, %L FROM %I ORDER BY chain_key, seq DESC
             ON CONFLICT (chain_key) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash,
               archived_at = EXCLUDED.archived_at, archive = EXCLUDED.archive
             WHERE EXCLUDED.seq > audit_archived_heads.seq',
            p_now, v_archive, p.relname);
        END IF;
        EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', t.table_name, p.relname);
        EXECUTE format('ALTER TABLE %I RENAME TO %I', p.relname, v_archive);
        table_name := t.table_name; partition_name := v_archive; action := 'detached';
        RETURN NEXT;
      END LOOP;
    END
    $fn$;

    -- The months (UTC) of the rows in a table's default partition: the months maintenance may create.
    CREATE FUNCTION time_partition_default_months(p_table text, p_column text) RETURNS SETOF date
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
    BEGIN
      RETURN QUERY EXECUTE format('SELECT DISTINCT date_trunc(''month'', %I AT TIME ZONE ''UTC'')::date FROM %I', p_column, p_table || '_default');
    END
    $fn$;

    -- What the server's daily job runs, once per table: maintenance as of the database's own clock, three months
    -- ahead, waiting at most five seconds for a lock. The retention it applies is the owner's
    -- (time_partitioned_tables), not the caller's.
    CREATE FUNCTION time_partitions_maintain(p_table text) RETURNS TABLE (table_name text, partition_name text, action text)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp SET lock_timeout = '5s' AS $fn$
    BEGIN
      RETURN QUERY SELECT * FROM time_partitions_maintain_at(p_table, now(), 3);
    END
    $fn$;

    REVOKE EXECUTE ON FUNCTION time_partition_create(text, date), time_partitions_maintain_at(text, timestamptz, integer),
      time_partition_default_months(text, text), time_partitions_maintain(text) FROM PUBLIC;
  `.execute(db);

  await partitionCheckIns(db);
  await partitionAssessments(db);
  await partitionAuditLog(db);
  // Over the partitioned audit log's row type (created after it).
  await sql`
    -- The archived row a chain resumes after, read from its archived month while that table is still here: for
    -- verification, which runs as the server's role, and which the archived month itself does not admit.
    CREATE FUNCTION audit_archived_head_row(p_chain text) RETURNS SETOF audit_log
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
    DECLARE
      h audit_archived_heads%ROWTYPE;
    BEGIN
      SELECT * INTO h FROM audit_archived_heads x WHERE x.chain_key = p_chain;
      IF NOT FOUND OR to_regclass(h.archive) IS NULL THEN
        RETURN;
      END IF;
      RETURN QUERY EXECUTE format('SELECT * FROM %I WHERE chain_key = $1 AND seq = $2', h.archive) USING p_chain, h.seq;
    END
    $fn$;
  `.execute(db);
  // The functions that read the partitioned tables on every write keep one generic plan per connection: left to
  // choose, PL/pgSQL judged the generic plan (every month's partition in it, pruned when it runs) dearer than a plan
  // made for each call, and re-planned the warning-sign read on every check-in — 4 ms instead of 1 (docs/perf.md).
  await sql`
    ALTER FUNCTION monitoring_signal_input(uuid, timestamptz, timestamptz, boolean, timestamptz, integer, integer)
      SET plan_cache_mode = force_generic_plan;
    ALTER FUNCTION patient_panel_summary_refresh(uuid) SET plan_cache_mode = force_generic_plan;
    ALTER FUNCTION craving_series_refresh(uuid[], timestamptz[]) SET plan_cache_mode = force_generic_plan;
  `.execute(db);
  // The three months ahead. Nothing is archived here: the policy above keeps every month until start-up writes
  // the configured retention (db/time-partitions.ts).
  for (const table of ['assessments', 'audit_log', 'check_ins']) await sql`SELECT count(*) FROM time_partitions_maintain_at(${table}, now(), 3)`.execute(db);
}

/**
 * Index names are schema-wide: the unpartitioned table's are renamed out of the way before the partitioned table
 * takes them. The months its rows fall in are made first (monthsOf), so they are copied once, straight into their
 * months; then it is dropped.
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

/** Creates the month partitions of every month (UTC) the unpartitioned table has rows in. */
const monthsOf = (table: string, column: string) => sql`
  SELECT count(*) FROM (
    SELECT time_partition_create(${table}, m)
    FROM (SELECT DISTINCT date_trunc('month', ${sql.ref(column)} AT TIME ZONE 'UTC')::date AS m FROM ${sql.table(`${table}_unpartitioned`)}) months
  ) created`;

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
  `.execute(db);
  await monthsOf('check_ins', 'submitted_at').execute(db);
  await sql`
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
  `.execute(db);
  await monthsOf('assessments', 'submitted_at').execute(db);
  await sql`
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
  `.execute(db);
  await monthsOf('audit_log', 'at').execute(db);
  await sql`
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
