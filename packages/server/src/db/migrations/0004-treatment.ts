import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * Treatment: versioned plans, dispenses and the append-only medication ledger, refill and dose requests, PDMP
 * checks, and at-home dosing sessions with everything the session gate reads and every decision it made.
 *
 * What the database itself guarantees (so no invariant rests on application code alone, docs/treatment.md):
 * - one active plan per patient; a plan's terms cannot change once it has left draft (I9);
 * - ledger_entries and dispenses are append-only: UPDATE, DELETE and TRUNCATE are refused by trigger. Dispensing
 *   records must be kept at least 2 years (21 CFR 1304.04) and the retention setting can only lengthen that, so the
 *   trigger refuses every delete rather than judging ages; a purge after retention is an operator's migration;
 * - on hand never goes below zero (I2): every ledger insert moves `ledger_balances.on_hand_units`, which carries a
 *   CHECK (>= 0); the UPDATE of the balance row also serialises concurrent ledger writes of one patient;
 * - at most one `administered` entry per session, and at most one authorizing gate evaluation per session.
 */
export async function up(db: Kysely<Database>): Promise<void> {
  await sql`
    CREATE SEQUENCE gate_input_seq;

    CREATE TABLE treatment_plans (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      version integer NOT NULL CHECK (version >= 1),
      revision integer NOT NULL DEFAULT 1 CHECK (revision >= 1),
      status text NOT NULL CHECK (status IN ('draft', 'active', 'superseded')),
      terms jsonb NOT NULL,
      terms_sha256 text NOT NULL,
      created_by uuid NOT NULL REFERENCES users(id),
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      based_on_id uuid REFERENCES treatment_plans(id),
      signed_by uuid REFERENCES users(id),
      signed_at timestamptz,
      signature_id uuid REFERENCES signatures(id),
      supersedes_id uuid REFERENCES treatment_plans(id),
      UNIQUE (patient_id, version)
    );
    CREATE UNIQUE INDEX treatment_plans_one_active ON treatment_plans (patient_id) WHERE status = 'active';
    CREATE INDEX treatment_plans_patient_idx ON treatment_plans (patient_id, version);

    -- A signed plan is a record: its terms and signature never change; only active → superseded may happen.
    CREATE FUNCTION treatment_plan_guard() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'treatment plans are never deleted' USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF OLD.status <> 'draft' AND (
           NEW.terms IS DISTINCT FROM OLD.terms OR NEW.terms_sha256 IS DISTINCT FROM OLD.terms_sha256
        OR NEW.signature_id IS DISTINCT FROM OLD.signature_id OR NEW.signed_by IS DISTINCT FROM OLD.signed_by
        OR NEW.signed_at IS DISTINCT FROM OLD.signed_at OR NEW.version IS DISTINCT FROM OLD.version
        OR NEW.patient_id IS DISTINCT FROM OLD.patient_id
        OR NOT (NEW.status = OLD.status OR (OLD.status = 'active' AND NEW.status = 'superseded'))) THEN
        RAISE EXCEPTION 'a signed treatment plan cannot change; create a new version' USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END
    $fn$;
    CREATE TRIGGER treatment_plans_guard BEFORE UPDATE OR DELETE ON treatment_plans
      FOR EACH ROW EXECUTE FUNCTION treatment_plan_guard();

    CREATE TABLE dispenses (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      substance text NOT NULL CHECK (substance = 'ketamine'),
      form text NOT NULL,
      strength_mg double precision NOT NULL CHECK (strength_mg > 0),
      units integer NOT NULL CHECK (units >= 1),
      dispensed_at timestamptz NOT NULL,
      patient_name text NOT NULL,
      ship_to text NOT NULL,
      prescriber_id uuid NOT NULL REFERENCES users(id),
      prescriber_dea_registration text NOT NULL,
      plan_id uuid REFERENCES treatment_plans(id),
      dispenser text NOT NULL,
      recorded_by uuid NOT NULL REFERENCES users(id),
      created_at timestamptz NOT NULL
    );
    CREATE INDEX dispenses_patient_idx ON dispenses (patient_id, dispensed_at);

    CREATE TABLE dosing_sessions (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      plan_id uuid REFERENCES treatment_plans(id),
      status text NOT NULL CHECK (status IN ('scheduled', 'authorized', 'in_progress', 'completed', 'aborted', 'missed')),
      scheduled_for timestamptz NOT NULL,
      authorized_at timestamptz,
      dose_mg double precision,
      started_at timestamptz,
      completed_at timestamptz,
      aborted_at timestamptz,
      abort_reason text,
      created_by uuid NOT NULL REFERENCES users(id),
      created_at timestamptz NOT NULL,
      CHECK ((status = 'scheduled') OR (status IN ('aborted', 'missed')) OR (authorized_at IS NOT NULL AND dose_mg IS NOT NULL))
    );
    CREATE INDEX dosing_sessions_patient_idx ON dosing_sessions (patient_id, scheduled_for);
    CREATE INDEX dosing_sessions_authorized_idx ON dosing_sessions (patient_id, authorized_at) WHERE authorized_at IS NOT NULL;

    CREATE TABLE gate_evaluations (
      id uuid PRIMARY KEY,
      seq bigint NOT NULL DEFAULT nextval('gate_input_seq'),
      patient_id uuid NOT NULL REFERENCES patients(id),
      session_id uuid NOT NULL REFERENCES dosing_sessions(id),
      evaluated_at timestamptz NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('authorized', 'blocked')),
      reason_codes text[] NOT NULL,
      reasons jsonb NOT NULL,
      dose_mg double precision,
      actor_id uuid REFERENCES users(id),
      inputs jsonb NOT NULL DEFAULT '{}',
      CHECK ((outcome = 'authorized') = (cardinality(reason_codes) = 0))
    );
    CREATE INDEX gate_evaluations_patient_idx ON gate_evaluations (patient_id, evaluated_at);
    CREATE INDEX gate_evaluations_session_idx ON gate_evaluations (session_id);
    CREATE UNIQUE INDEX gate_evaluations_one_authorization ON gate_evaluations (session_id) WHERE outcome = 'authorized';

    CREATE TABLE ledger_entries (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      kind text NOT NULL CHECK (kind IN ('dispensed', 'administered', 'counted', 'lost', 'returned', 'disposed', 'correction')),
      units integer NOT NULL,
      occurred_at timestamptz NOT NULL,
      recorded_by uuid NOT NULL REFERENCES users(id),
      recorded_at timestamptz NOT NULL,
      session_id uuid REFERENCES dosing_sessions(id),
      dispense_id uuid REFERENCES dispenses(id),
      corrects_id uuid REFERENCES ledger_entries(id),
      counted_units integer,
      expected_units integer,
      loss_kind text CHECK (loss_kind IN ('lost', 'stolen')),
      circumstances text,
      manner text,
      note text,
      CHECK (CASE kind
        WHEN 'counted' THEN units = 0 AND counted_units >= 0 AND expected_units IS NOT NULL
        WHEN 'correction' THEN units <> 0 AND corrects_id IS NOT NULL
        WHEN 'dispensed' THEN units >= 1 AND dispense_id IS NOT NULL
        WHEN 'administered' THEN units >= 1 AND session_id IS NOT NULL
        WHEN 'lost' THEN units >= 1 AND loss_kind IS NOT NULL
        ELSE units >= 1 END)
    );
    CREATE INDEX ledger_entries_patient_idx ON ledger_entries (patient_id, occurred_at);
    CREATE UNIQUE INDEX ledger_entries_one_dose_per_session ON ledger_entries (session_id) WHERE kind = 'administered';

    -- On hand per patient, kept by the database from the entries themselves: the CHECK is the last line of I2.
    CREATE TABLE ledger_balances (
      patient_id uuid PRIMARY KEY REFERENCES patients(id),
      on_hand_units integer NOT NULL CHECK (on_hand_units >= 0),
      updated_at timestamptz NOT NULL
    );

    CREATE FUNCTION ledger_apply_entry() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE
      delta integer;
    BEGIN
      delta := CASE NEW.kind
        WHEN 'dispensed' THEN NEW.units
        WHEN 'correction' THEN NEW.units
        WHEN 'counted' THEN 0
        ELSE -NEW.units END;
      -- Insert-then-update rather than ON CONFLICT DO UPDATE: a CHECK is judged on the proposed insert row too.
      INSERT INTO ledger_balances (patient_id, on_hand_units, updated_at)
        VALUES (NEW.patient_id, 0, NEW.recorded_at)
        ON CONFLICT (patient_id) DO NOTHING;
      UPDATE ledger_balances SET on_hand_units = on_hand_units + delta, updated_at = NEW.recorded_at
        WHERE patient_id = NEW.patient_id;
      RETURN NEW;
    END
    $fn$;
    CREATE TRIGGER ledger_entries_balance AFTER INSERT ON ledger_entries
      FOR EACH ROW EXECUTE FUNCTION ledger_apply_entry();
    CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
      FOR EACH ROW EXECUTE FUNCTION reject_modification();
    CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
      FOR EACH STATEMENT EXECUTE FUNCTION reject_modification();
    CREATE TRIGGER dispenses_append_only BEFORE UPDATE OR DELETE ON dispenses
      FOR EACH ROW EXECUTE FUNCTION reject_modification();
    CREATE TRIGGER dispenses_no_truncate BEFORE TRUNCATE ON dispenses
      FOR EACH STATEMENT EXECUTE FUNCTION reject_modification();

    CREATE TABLE refill_requests (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      requested_by uuid NOT NULL REFERENCES users(id),
      requested_at timestamptz NOT NULL,
      eligible_from timestamptz,
      outcome text NOT NULL CHECK (outcome IN ('granted', 'held')),
      reasons jsonb NOT NULL,
      doses_on_hand integer,
      plan_id uuid REFERENCES treatment_plans(id),
      note text
    );
    CREATE INDEX refill_requests_patient_idx ON refill_requests (patient_id, requested_at);

    CREATE TABLE dose_requests (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      requested_at timestamptz NOT NULL,
      kind text NOT NULL CHECK (kind IN ('increase', 'tolerance')),
      note text
    );
    CREATE INDEX dose_requests_patient_idx ON dose_requests (patient_id, requested_at);

    CREATE TABLE pdmp_checks (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      checked_at timestamptz NOT NULL,
      checked_by uuid NOT NULL REFERENCES users(id),
      other_controlled_prescriptions boolean NOT NULL,
      note text
    );
    CREATE INDEX pdmp_checks_patient_idx ON pdmp_checks (patient_id, checked_at);

    CREATE TABLE session_vitals (
      id uuid PRIMARY KEY,
      seq bigint NOT NULL DEFAULT nextval('gate_input_seq'),
      patient_id uuid NOT NULL REFERENCES patients(id),
      session_id uuid NOT NULL REFERENCES dosing_sessions(id),
      phase text NOT NULL CHECK (phase IN ('pre', 'during', 'post')),
      systolic_mmhg double precision NOT NULL,
      diastolic_mmhg double precision NOT NULL,
      heart_rate_bpm double precision NOT NULL,
      spo2_pct double precision,
      taken_at timestamptz NOT NULL,
      recorded_by uuid NOT NULL REFERENCES users(id)
    );
    CREATE INDEX session_vitals_patient_idx ON session_vitals (patient_id, taken_at);
    CREATE INDEX session_vitals_session_idx ON session_vitals (session_id, phase, taken_at);

    CREATE TABLE session_checklists (
      id uuid PRIMARY KEY,
      seq bigint NOT NULL DEFAULT nextval('gate_input_seq'),
      patient_id uuid NOT NULL REFERENCES patients(id),
      session_id uuid NOT NULL REFERENCES dosing_sessions(id),
      attested_at timestamptz NOT NULL,
      fasted_hours double precision NOT NULL,
      alcohol_24h boolean NOT NULL,
      sedatives_24h boolean NOT NULL,
      cannabis_24h boolean NOT NULL,
      new_medication boolean NOT NULL,
      safe_setting boolean NOT NULL,
      recorded_by uuid NOT NULL REFERENCES users(id)
    );
    CREATE INDEX session_checklists_session_idx ON session_checklists (session_id, attested_at);
    CREATE INDEX session_checklists_patient_idx ON session_checklists (patient_id);

    CREATE TABLE sitter_attestations (
      id uuid PRIMARY KEY,
      seq bigint NOT NULL DEFAULT nextval('gate_input_seq'),
      patient_id uuid NOT NULL REFERENCES patients(id),
      session_id uuid NOT NULL REFERENCES dosing_sessions(id),
      sitter_user_id uuid NOT NULL REFERENCES users(id),
      auth_session_id uuid NOT NULL REFERENCES auth_sessions(id),
      present boolean NOT NULL,
      sober boolean NOT NULL,
      attested_at timestamptz NOT NULL
    );
    CREATE INDEX sitter_attestations_session_idx ON sitter_attestations (session_id, attested_at);
    CREATE INDEX sitter_attestations_patient_idx ON sitter_attestations (patient_id);

    CREATE TABLE sitter_checks (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      session_id uuid NOT NULL REFERENCES dosing_sessions(id),
      sitter_user_id uuid NOT NULL REFERENCES users(id),
      checked_at timestamptz NOT NULL,
      responsive boolean NOT NULL,
      breathing_normally boolean NOT NULL,
      concern boolean NOT NULL,
      note text
    );
    CREATE INDEX sitter_checks_session_idx ON sitter_checks (session_id, checked_at);
    CREATE INDEX sitter_checks_patient_idx ON sitter_checks (patient_id);

    CREATE TABLE sitter_concerns (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      session_id uuid NOT NULL REFERENCES dosing_sessions(id),
      sitter_user_id uuid NOT NULL REFERENCES users(id),
      raised_at timestamptz NOT NULL,
      emergency boolean NOT NULL,
      note text
    );
    CREATE INDEX sitter_concerns_patient_idx ON sitter_concerns (patient_id, raised_at);

    CREATE TABLE adverse_events (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      session_id uuid REFERENCES dosing_sessions(id),
      reported_by uuid NOT NULL REFERENCES users(id),
      reported_at timestamptz NOT NULL,
      kind text NOT NULL,
      severity text NOT NULL CHECK (severity IN ('mild', 'moderate', 'severe')),
      serious boolean NOT NULL,
      description text NOT NULL,
      resolved_at timestamptz,
      resolved_by uuid REFERENCES users(id)
    );
    CREATE INDEX adverse_events_patient_idx ON adverse_events (patient_id, reported_at);

    CREATE TABLE post_session_assessments (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      session_id uuid NOT NULL UNIQUE REFERENCES dosing_sessions(id),
      side_effects text[] NOT NULL,
      dissociation_0_10 integer NOT NULL CHECK (dissociation_0_10 BETWEEN 0 AND 10),
      nausea_0_10 integer NOT NULL CHECK (nausea_0_10 BETWEEN 0 AND 10),
      mood_0_10 integer NOT NULL CHECK (mood_0_10 BETWEEN 0 AND 10),
      sitter_confirms_baseline boolean NOT NULL,
      submitted_by uuid NOT NULL REFERENCES users(id),
      submitted_at timestamptz NOT NULL
    );
    CREATE INDEX post_session_assessments_patient_idx ON post_session_assessments (patient_id);
  `.execute(db);
}
