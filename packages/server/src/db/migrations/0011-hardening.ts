import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * The keyed audit chain (docs/security.md, docs/adr/0005-keyed-audit-chain.md).
 *
 * Rows are now sealed by the application: it locks the chain heads (audit_chain_lock), computes each row's
 * sequence, previous hash and HMAC-SHA256 under a key the database never sees, and inserts. The trigger no longer
 * computes a digest; it refuses a row that does not continue its chain's head and moves the head. `key_id` names
 * the key (rows before this migration have none and keep the unkeyed digest; docs/security.md says how they are
 * vouched for). The chain functions run as the owner (SECURITY DEFINER), so the server's role needs only SELECT on
 * the head table (db/roles.ts).
 *
 * The check-in function no longer appends the audit row: its caller does, after it, keeping the lock order
 * (patient_risk before the chain head).
 */
export async function up(db: Kysely<Database>): Promise<void> {
  await sql`
    -- A sitter the patient invited waits for a clinician's approval after accepting.
    ALTER TABLE sitter_assignments DROP CONSTRAINT sitter_assignments_status_check;
    ALTER TABLE sitter_assignments ADD CONSTRAINT sitter_assignments_status_check
      CHECK (status IN ('invited', 'pending_approval', 'active', 'removed'));

    -- Sign-in limits count failures and delay progressively from the last one (auth/rate-limit.ts).
    ALTER TABLE rate_limits ADD COLUMN last_at timestamptz;
    ALTER TABLE audit_log ADD COLUMN key_id text;
    ALTER TABLE audit_chain_heads ADD COLUMN checkpointed_seq bigint NOT NULL DEFAULT 0;

    CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
    DECLARE
      head audit_chain_heads%ROWTYPE;
    BEGIN
      IF NEW.key_id IS NULL OR NEW.hash IS NULL OR NEW.seq IS NULL OR NEW.prev_hash IS NULL THEN
        RAISE EXCEPTION 'audit rows are sealed by the application (key_id, seq, prev_hash, hash)'
          USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF NEW.chain_key IS DISTINCT FROM coalesce(NEW.patient_id::text, 'system') THEN
        RAISE EXCEPTION 'audit row in the wrong chain' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      SELECT * INTO head FROM audit_chain_heads WHERE chain_key = NEW.chain_key FOR UPDATE;
      IF NOT FOUND THEN
        head.last_seq := 0;
        head.last_hash := '';
        INSERT INTO audit_chain_heads (chain_key, last_seq, last_hash) VALUES (NEW.chain_key, 0, '');
      END IF;
      IF NEW.seq <> head.last_seq + 1 OR NEW.prev_hash <> head.last_hash THEN
        RAISE EXCEPTION 'audit row does not continue chain head' USING ERRCODE = 'serialization_failure';
      END IF;
      UPDATE audit_chain_heads SET last_seq = NEW.seq, last_hash = NEW.hash WHERE chain_key = NEW.chain_key;
      RETURN NEW;
    END
    $fn$;

    CREATE FUNCTION audit_chain_lock(p_keys text[]) RETURNS TABLE (chain_key text, last_seq bigint, last_hash text)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
    BEGIN
      INSERT INTO audit_chain_heads (chain_key, last_seq, last_hash)
        SELECT DISTINCT k, 0, '' FROM unnest(p_keys) AS k ORDER BY 1
        ON CONFLICT DO NOTHING;
      RETURN QUERY
        SELECT h.chain_key, h.last_seq, h.last_hash FROM audit_chain_heads h
        WHERE h.chain_key = ANY (p_keys) ORDER BY h.chain_key FOR UPDATE;
    END
    $fn$;

    CREATE FUNCTION audit_checkpoint_pending() RETURNS TABLE (chain_key text, last_seq bigint, last_hash text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
      SELECT h.chain_key, h.last_seq, h.last_hash FROM audit_chain_heads h
      WHERE h.last_seq > h.checkpointed_seq ORDER BY h.chain_key
    $fn$;

    CREATE FUNCTION audit_checkpoint_done(p_keys text[], p_seqs bigint[]) RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
      UPDATE audit_chain_heads h SET checkpointed_seq = greatest(h.checkpointed_seq, d.seq)
      FROM unnest(p_keys, p_seqs) AS d(chain_key, seq) WHERE h.chain_key = d.chain_key
    $fn$;

    DROP FUNCTION monitoring_check_in(jsonb, jsonb, integer, timestamptz, timestamptz);
    CREATE FUNCTION monitoring_check_in(p_check_in jsonb, p_settings_version integer,
                                        p_from timestamptz, p_ledger_from timestamptz)
    RETURNS json LANGUAGE plpgsql VOLATILE AS $fn$
    DECLARE
      v_patient uuid := (p_check_in->>'patient_id')::uuid;
      v_version integer;
      v_settings jsonb;
    BEGIN
      INSERT INTO check_ins SELECT * FROM jsonb_populate_record(NULL::check_ins, p_check_in);
      SELECT ps.version, ps.settings INTO v_version, v_settings FROM program_settings ps WHERE ps.id = 1;
      v_version := coalesce(v_version, 0);
      IF v_version <> p_settings_version THEN
        RETURN json_build_object('settings_version', v_version, 'settings', v_settings);
      END IF;
      RETURN json_build_object('settings_version', v_version,
                               'input', monitoring_signal_input(v_patient, p_from, p_ledger_from, true));
    END;
    $fn$;
  `.execute(db);
}
