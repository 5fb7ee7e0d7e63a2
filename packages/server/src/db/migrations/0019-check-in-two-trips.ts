import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * The check-in in two round trips (docs/perf.md). `monitoring_check_in` gains `p_seal`: when true, after storing the
 * check-in and locking the patient's risk row (as before), it also locks the patient's audit chain head (after the
 * risk row, the order every writer takes them), draws the audit row's id, and returns the head and the warning-sign
 * evidence already covered by an alert. With those the server can decide, seal the check-in's audit row and commit
 * in one more message; a check-in that changes the tier or raises an alert takes the full path instead.
 */
export async function up(db: Kysely<Database>): Promise<void> {
  await sql`
    DROP FUNCTION monitoring_check_in(jsonb, integer, timestamptz, timestamptz, integer, integer);
    CREATE FUNCTION monitoring_check_in(p_check_in jsonb, p_settings_version integer,
                                        p_from timestamptz, p_ledger_from timestamptz,
                                        p_craving_high integer, p_rising integer, p_seal boolean DEFAULT false)
    RETURNS json LANGUAGE plpgsql VOLATILE AS $fn$
    DECLARE
      v_patient uuid := (p_check_in->>'patient_id')::uuid;
      v_version integer;
      v_settings jsonb;
      v_input json;
      v_audit json;
      v_covered json;
    BEGIN
      INSERT INTO check_ins SELECT * FROM jsonb_populate_record(NULL::check_ins, p_check_in);
      SELECT ps.version, ps.settings INTO v_version, v_settings FROM program_settings ps WHERE ps.id = 1;
      v_version := coalesce(v_version, 0);
      IF v_version <> p_settings_version THEN
        RETURN json_build_object('settings_version', v_version, 'settings', v_settings);
      END IF;
      -- Locks patient_risk first.
      v_input := monitoring_signal_input(v_patient, p_from, p_ledger_from, true,
                                         (p_check_in->>'submitted_at')::timestamptz, p_craving_high, p_rising);
      IF NOT p_seal THEN
        RETURN json_build_object('settings_version', v_version, 'input', v_input);
      END IF;
      SELECT json_build_object('id', nextval('audit_log_id_seq'), 'seq', h.last_seq, 'hash', h.last_hash)
        INTO v_audit FROM audit_chain_lock(ARRAY[v_patient::text]) h;
      SELECT coalesce(json_agg(e.signal_code || '|' || e.evidence_key), '[]') INTO v_covered
        FROM signal_alert_evidence e WHERE e.patient_id = v_patient;
      RETURN json_build_object('settings_version', v_version, 'input', v_input, 'audit', v_audit, 'covered', v_covered);
    END;
    $fn$;
  `.execute(db);
}
