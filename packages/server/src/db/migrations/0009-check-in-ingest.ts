import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * The check-in's hot path in one round trip (docs/perf.md): store the check-in, read the program settings version,
 * lock the patient's patient_risk row and read the warning-sign input (monitoring_signal_input), and append the
 * check-in's audit row — in that order, so the lock order is the one every other writer uses (patient_risk before
 * the patient's audit chain head).
 *
 * The caller passes the settings version it computed the read windows from. When the stored version differs (the
 * program settings changed since the caller last read them), the function stops after the insert and returns the
 * current settings instead; the caller then reads the input and writes the audit row itself.
 */
export async function up(db: Kysely<Database>): Promise<void> {
  await sql`
    CREATE FUNCTION monitoring_check_in(p_check_in jsonb, p_audit jsonb, p_settings_version integer,
                                        p_from timestamptz, p_ledger_from timestamptz)
    RETURNS jsonb LANGUAGE plpgsql VOLATILE AS $fn$
    DECLARE
      v_patient uuid := (p_check_in->>'patient_id')::uuid;
      v_version integer;
      v_settings jsonb;
      v_input jsonb;
    BEGIN
      INSERT INTO check_ins SELECT * FROM jsonb_populate_record(NULL::check_ins, p_check_in);
      SELECT ps.version, ps.settings INTO v_version, v_settings FROM program_settings ps WHERE ps.id = 1;
      v_version := coalesce(v_version, 0);
      IF v_version <> p_settings_version THEN
        RETURN jsonb_build_object('settings_version', v_version, 'settings', v_settings);
      END IF;
      v_input := monitoring_signal_input(v_patient, p_from, p_ledger_from, true);
      INSERT INTO audit_log (at, actor_id, actor_role, action, resource_type, resource_id, patient_id, outcome,
                             request_id, client_address, detail)
        SELECT a.at, a.actor_id, a.actor_role, a.action, a.resource_type, a.resource_id, a.patient_id, a.outcome,
               a.request_id, a.client_address, coalesce(a.detail, '{}')
        FROM jsonb_populate_record(NULL::audit_log, p_audit) a;
      RETURN jsonb_build_object('settings_version', v_version, 'input', v_input);
    END;
    $fn$;
  `.execute(db);
}
