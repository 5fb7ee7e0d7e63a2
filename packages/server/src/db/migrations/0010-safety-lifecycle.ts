import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * The safety lifecycle around the gate (docs/treatment.md, "The session lifecycle"):
 * - an authorization lapses (`authorization_expires_at`; status `expired`, recorded with `expired_at`);
 * - the start re-runs the gate and stores that decision too (`gate_evaluations.stage`), so a session may have one
 *   authorizing evaluation at authorization and others at start;
 * - warning-sign alerts are deduplicated per evidence (`signal_alert_evidence`), never per tier;
 * - loosening a program setting is a proposal until a prescriber signs it (`settings_change_proposals`);
 * - the warning-sign input reads every instrument's flags, the craving check included, and when each dose was
 *   taken (`monitoring_signal_input`);
 * - the one-setting-per-rule move: PHQ-9 item 9 and the craving threshold live only in the instrument settings.
 */
export async function up(db: Kysely<Database>): Promise<void> {
  await sql`
    ALTER TABLE dosing_sessions ADD COLUMN authorization_expires_at timestamptz;
    ALTER TABLE dosing_sessions ADD COLUMN expired_at timestamptz;
    UPDATE dosing_sessions SET authorization_expires_at = authorized_at + interval '30 minutes' WHERE authorized_at IS NOT NULL;
    ALTER TABLE dosing_sessions DROP CONSTRAINT dosing_sessions_status_check;
    ALTER TABLE dosing_sessions ADD CONSTRAINT dosing_sessions_status_check
      CHECK (status IN ('scheduled', 'authorized', 'in_progress', 'completed', 'aborted', 'missed', 'expired'));
    -- An open authorization always carries its expiry, after the authorization itself.
    ALTER TABLE dosing_sessions ADD CONSTRAINT dosing_sessions_authorization_expiry_check
      CHECK ((status <> 'authorized' OR authorization_expires_at IS NOT NULL)
         AND (authorization_expires_at IS NULL OR (authorized_at IS NOT NULL AND authorization_expires_at > authorized_at)));
    ALTER TABLE dosing_sessions ADD CONSTRAINT dosing_sessions_expired_check
      CHECK ((status = 'expired') = (expired_at IS NOT NULL) AND (status <> 'expired' OR started_at IS NULL));
    -- A dose is taken at most once: a session is started only from an open authorization.
    ALTER TABLE dosing_sessions ADD CONSTRAINT dosing_sessions_started_check
      CHECK (started_at IS NULL OR authorized_at IS NOT NULL);
    CREATE INDEX dosing_sessions_open_authorizations_idx ON dosing_sessions (authorization_expires_at) WHERE status = 'authorized';
    CREATE INDEX dosing_sessions_started_idx ON dosing_sessions (patient_id, started_at) WHERE started_at IS NOT NULL;

    ALTER TABLE gate_evaluations ADD COLUMN stage text NOT NULL DEFAULT 'authorize' CHECK (stage IN ('authorize', 'start'));
    DROP INDEX gate_evaluations_one_authorization;
    CREATE UNIQUE INDEX gate_evaluations_one_authorization ON gate_evaluations (session_id) WHERE outcome = 'authorized' AND stage = 'authorize';
    CREATE UNIQUE INDEX gate_evaluations_one_start ON gate_evaluations (session_id) WHERE outcome = 'authorized' AND stage = 'start';

    CREATE TABLE signal_alert_evidence (
      patient_id uuid NOT NULL REFERENCES patients(id),
      signal_code text NOT NULL,
      evidence_key text NOT NULL,
      alert_id uuid NOT NULL REFERENCES alerts(id),
      PRIMARY KEY (patient_id, signal_code, evidence_key)
    );

    CREATE TABLE settings_change_proposals (
      id uuid PRIMARY KEY,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'applied', 'rejected', 'superseded')),
      base_version integer NOT NULL,
      patch jsonb NOT NULL,
      changes jsonb NOT NULL,
      reason text NOT NULL CHECK (length(reason) > 0),
      proposed_by uuid NOT NULL REFERENCES users(id),
      proposed_at timestamptz NOT NULL,
      decided_by uuid REFERENCES users(id),
      decided_at timestamptz,
      decision_note text,
      signature_id uuid REFERENCES signatures(id),
      applied_version integer,
      CHECK ((status = 'pending') = (decided_at IS NULL)),
      CHECK (status <> 'applied' OR (signature_id IS NOT NULL AND decided_by IS NOT NULL AND decided_by <> proposed_by))
    );
    CREATE INDEX settings_change_proposals_pending_idx ON settings_change_proposals (proposed_at) WHERE status = 'pending';
  `.execute(db);

  // One setting per clinical rule: carry a stored value of the retired duplicate over to the surviving setting,
  // keeping the stricter of the two where both were set (a lower threshold flags more).
  await sql`
    UPDATE program_settings ps SET settings = jsonb_set(
      jsonb_set(ps.settings, '{instruments}', coalesce(ps.settings->'instruments', '{}'::jsonb)),
      '{instruments,cravingHighAtOrAbove}',
      to_jsonb(least(
        coalesce((ps.settings #>> '{instruments,cravingHighAtOrAbove}')::numeric, 6),
        (ps.settings #>> '{monitoring,warningSigns,craving,threshold}')::numeric)))
    WHERE ps.settings #> '{monitoring,warningSigns,craving,threshold}' IS NOT NULL;
    UPDATE program_settings ps SET settings = jsonb_set(
      jsonb_set(ps.settings, '{instruments}', coalesce(ps.settings->'instruments', '{}'::jsonb)),
      '{instruments,phq9Item9FlagAbove}',
      to_jsonb(least(
        coalesce((ps.settings #>> '{instruments,phq9Item9FlagAbove}')::numeric, 0),
        (ps.settings #>> '{monitoring,alerts,phq9Item9,positiveAbovePoints}')::numeric)))
    WHERE ps.settings #> '{monitoring,alerts,phq9Item9,positiveAbovePoints}' IS NOT NULL;
    UPDATE program_settings SET settings = settings #- '{monitoring,warningSigns,craving,threshold}' #- '{monitoring,alerts,phq9Item9,positiveAbovePoints}';
  `.execute(db);

  // The warning-sign input: every instrument the rules read (the craving check too) with its flags, and each
  // session's start (the dose). Same arguments and document shape otherwise (0009).
  await sql`
    DROP FUNCTION monitoring_check_in(jsonb, jsonb, integer, timestamptz, timestamptz);
    DROP FUNCTION monitoring_signal_input(uuid, timestamptz, timestamptz, boolean);
    CREATE FUNCTION monitoring_signal_input(p_patient uuid, p_from timestamptz, p_ledger_from timestamptz, p_lock boolean)
    RETURNS json LANGUAGE plpgsql VOLATILE AS $fn$
    DECLARE
      v_tier text;
    BEGIN
      IF p_lock THEN
        PERFORM 1 FROM patient_risk WHERE patient_id = p_patient FOR UPDATE;
        IF NOT FOUND THEN
          INSERT INTO patient_risk (patient_id) VALUES (p_patient) ON CONFLICT (patient_id) DO NOTHING;
          PERFORM 1 FROM patient_risk WHERE patient_id = p_patient FOR UPDATE;
        END IF;
      END IF;
      SELECT r.tier INTO v_tier FROM patient_risk r WHERE r.patient_id = p_patient;
      RETURN json_build_object(
        'intake', (SELECT json_build_object('id', i.id, 'risk_tier', i.risk_tier, 'screening', i.screening,
                     'submitted_at', i.submitted_at) FROM intakes i WHERE i.patient_id = p_patient),
        'stored_tier', v_tier,
        'refills', (SELECT coalesce(json_agg(json_build_object('id', x.id, 'requested_at', x.requested_at,
                      'eligible_from', x.eligible_from, 'outcome', x.outcome)), '[]')
                    FROM refill_requests x WHERE x.patient_id = p_patient AND x.requested_at >= p_from),
        'dose_requests', (SELECT coalesce(json_agg(json_build_object('id', x.id, 'requested_at', x.requested_at,
                      'kind', x.kind)), '[]')
                    FROM dose_requests x WHERE x.patient_id = p_patient AND x.requested_at >= p_from),
        'ledger', (SELECT coalesce(json_agg(json_build_object('id', x.id, 'kind', x.kind, 'units', x.units,
                      'occurred_at', x.occurred_at, 'session_id', x.session_id, 'counted_units', x.counted_units,
                      'expected_units', x.expected_units, 'loss_kind', x.loss_kind)), '[]')
                    FROM ledger_entries x WHERE x.patient_id = p_patient AND x.occurred_at >= p_ledger_from
                      AND x.kind IN ('counted', 'lost', 'administered')),
        'sessions', (SELECT coalesce(json_agg(json_build_object('id', x.id, 'status', x.status,
                      'authorized_at', x.authorized_at, 'started_at', x.started_at, 'completed_at', x.completed_at)), '[]')
                    FROM dosing_sessions x WHERE x.patient_id = p_patient
                      AND (x.authorized_at >= p_ledger_from OR x.scheduled_for >= p_ledger_from)),
        'gate', (SELECT coalesce(json_agg(json_build_object('id', x.id, 'evaluated_at', x.evaluated_at,
                      'outcome', x.outcome, 'reason_codes', x.reason_codes)), '[]')
                    FROM gate_evaluations x WHERE x.patient_id = p_patient AND x.evaluated_at >= p_from
                      AND x.outcome = 'blocked'),
        'check_ins', (SELECT coalesce(json_agg(json_build_object('id', x.id, 'submitted_at', x.submitted_at,
                      'craving_0_10', x.craving_0_10, 'used_outside_session', x.used_outside_session,
                      'bladder_symptoms', x.bladder_symptoms, 'cognitive_complaint', x.cognitive_complaint)), '[]')
                    FROM check_ins x WHERE x.patient_id = p_patient AND x.submitted_at >= p_from),
        'sitter_concerns', (SELECT coalesce(json_agg(json_build_object('id', x.id, 'raised_at', x.raised_at)), '[]')
                    FROM sitter_concerns x WHERE x.patient_id = p_patient AND x.raised_at >= p_from),
        'appointments', (SELECT coalesce(json_agg(json_build_object('id', x.id, 'starts_at', x.starts_at,
                      'status', x.status)), '[]')
                    FROM appointments x WHERE x.patient_id = p_patient AND x.kind = 'integration'
                      AND x.starts_at >= p_from),
        'assessments', (SELECT coalesce(json_agg(json_build_object('id', x.id, 'instrument', x.instrument,
                      'total', x.total, 'submitted_at', x.submitted_at, 'context', x.context, 'flags', x.flags)), '[]')
                    FROM assessments x WHERE x.patient_id = p_patient
                      AND x.instrument IN ('audit-c', 'dast10', 'bladder', 'craving')
                      AND (x.submitted_at >= p_from OR x.context = 'intake')),
        'pdmp', (SELECT coalesce(json_agg(json_build_object('id', x.id, 'checked_at', x.checked_at,
                      'other_controlled_prescriptions', x.other_controlled_prescriptions)), '[]')
                    FROM pdmp_checks x WHERE x.patient_id = p_patient AND x.checked_at >= p_from)
      );
    END
    $fn$;
    CREATE FUNCTION monitoring_check_in(p_check_in jsonb, p_audit jsonb, p_settings_version integer,
                                        p_from timestamptz, p_ledger_from timestamptz)
    RETURNS json LANGUAGE plpgsql VOLATILE AS $fn$
    DECLARE
      v_patient uuid := (p_check_in->>'patient_id')::uuid;
      v_version integer;
      v_settings jsonb;
      v_input json;
    BEGIN
      INSERT INTO check_ins SELECT * FROM jsonb_populate_record(NULL::check_ins, p_check_in);
      SELECT ps.version, ps.settings INTO v_version, v_settings FROM program_settings ps WHERE ps.id = 1;
      v_version := coalesce(v_version, 0);
      IF v_version <> p_settings_version THEN
        RETURN json_build_object('settings_version', v_version, 'settings', v_settings);
      END IF;
      v_input := monitoring_signal_input(v_patient, p_from, p_ledger_from, true);
      INSERT INTO audit_log (at, actor_id, actor_role, action, resource_type, resource_id, patient_id, outcome,
                             request_id, client_address, detail)
        SELECT a.at, a.actor_id, a.actor_role, a.action, a.resource_type, a.resource_id, a.patient_id, a.outcome,
               a.request_id, a.client_address, coalesce(a.detail, '{}')
        FROM jsonb_populate_record(NULL::audit_log, p_audit) a;
      RETURN json_build_object('settings_version', v_version, 'input', v_input);
    END;
    $fn$;
  `.execute(db);
}
