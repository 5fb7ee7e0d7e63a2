import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * Monitoring: daily check-ins, the dependence risk evaluations (a row each time a patient's tier changes, with the
 * signals and their evidence as they stood), the current tier per patient (one row: the panel reads it by key and
 * the check-in path locks it so two submissions cannot both "become high"), and the indexes the monitoring reads
 * need on the other areas' tables (the treatment and intake migrations already index their tables by (patient_id, time); these add what the
 * timeline and the sweeps read that those do not cover).
 */
export async function up(db: Kysely<Database>): Promise<void> {
  await sql`
    CREATE TABLE check_ins (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      submitted_at timestamptz NOT NULL,
      submitted_by uuid REFERENCES users(id),
      mood_0_10 smallint NOT NULL CHECK (mood_0_10 BETWEEN 0 AND 10),
      sleep_hours numeric(4, 1) NOT NULL CHECK (sleep_hours BETWEEN 0 AND 24),
      craving_0_10 smallint CHECK (craving_0_10 BETWEEN 0 AND 10),
      used_outside_session boolean NOT NULL,
      bladder_symptoms boolean NOT NULL,
      cognitive_complaint boolean NOT NULL,
      side_effects text[] NOT NULL DEFAULT '{}',
      note text
    );
    CREATE INDEX check_ins_patient_time_idx ON check_ins (patient_id, submitted_at DESC);

    CREATE TABLE risk_evaluations (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      evaluated_at timestamptz NOT NULL,
      tier text NOT NULL CHECK (tier IN ('low', 'elevated', 'high')),
      previous_tier text CHECK (previous_tier IN ('low', 'elevated', 'high')),
      trigger text NOT NULL,
      signal_codes text[] NOT NULL DEFAULT '{}',
      signals jsonb NOT NULL DEFAULT '[]',
      factors jsonb NOT NULL DEFAULT '[]',
      explanation jsonb NOT NULL DEFAULT '[]'
    );
    CREATE INDEX risk_evaluations_patient_time_idx ON risk_evaluations (patient_id, evaluated_at DESC);

    CREATE TABLE patient_risk (
      patient_id uuid PRIMARY KEY REFERENCES patients(id),
      tier text CHECK (tier IN ('low', 'elevated', 'high')),
      evaluation_id uuid REFERENCES risk_evaluations(id),
      evaluated_at timestamptz
    );

    CREATE INDEX alerts_patient_raised_idx ON alerts (patient_id, raised_at);
    CREATE INDEX alerts_escalation_due_idx ON alerts (escalate_at) WHERE status = 'open' AND escalated_at IS NULL;

    CREATE INDEX monitoring_assessments_patient_time_idx ON assessments (patient_id, submitted_at);
    CREATE INDEX monitoring_dosing_sessions_open_idx ON dosing_sessions (scheduled_for)
      WHERE status IN ('scheduled', 'in_progress');
  `.execute(db);

  // The warning-sign engine's inputs for one patient, as one jsonb document (use-cases/monitoring/signal-input.ts).
  // A function, not an inline query, because it is the check-in's hot path: PL/pgSQL keeps the plan of its one
  // statement per connection, where the same eleven subqueries sent as SQL are planned again on every check-in
  // (planning was most of the check-in's database time; docs/perf.md). Each subquery reads one (patient_id, time)
  // index.
  await sql`
    CREATE FUNCTION monitoring_signal_input(p_patient uuid, p_from timestamptz, p_ledger_from timestamptz, p_lock boolean)
    RETURNS jsonb LANGUAGE plpgsql VOLATILE AS $fn$
    DECLARE
      v_tier text;
    BEGIN
      -- With p_lock, first take the patient's patient_risk row lock (creating the row on first use), so a caller
      -- that records a change of tier decides against the tier it read (see risk-evaluation.ts).
      IF p_lock THEN
        PERFORM 1 FROM patient_risk WHERE patient_id = p_patient FOR UPDATE;
        IF NOT FOUND THEN
          INSERT INTO patient_risk (patient_id) VALUES (p_patient) ON CONFLICT (patient_id) DO NOTHING;
          PERFORM 1 FROM patient_risk WHERE patient_id = p_patient FOR UPDATE;
        END IF;
      END IF;
      SELECT r.tier INTO v_tier FROM patient_risk r WHERE r.patient_id = p_patient;
      RETURN jsonb_build_object(
        'intake', (SELECT jsonb_build_object('id', i.id, 'risk_tier', i.risk_tier, 'screening', i.screening,
                     'submitted_at', i.submitted_at) FROM intakes i WHERE i.patient_id = p_patient),
        'stored_tier', v_tier,
        'refills', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', x.id, 'requested_at', x.requested_at,
                      'eligible_from', x.eligible_from, 'outcome', x.outcome)), '[]')
                    FROM refill_requests x WHERE x.patient_id = p_patient AND x.requested_at >= p_from),
        'dose_requests', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', x.id, 'requested_at', x.requested_at,
                      'kind', x.kind)), '[]')
                    FROM dose_requests x WHERE x.patient_id = p_patient AND x.requested_at >= p_from),
        'ledger', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', x.id, 'kind', x.kind, 'units', x.units,
                      'occurred_at', x.occurred_at, 'session_id', x.session_id, 'counted_units', x.counted_units,
                      'expected_units', x.expected_units, 'loss_kind', x.loss_kind)), '[]')
                    FROM ledger_entries x WHERE x.patient_id = p_patient AND x.occurred_at >= p_ledger_from
                      AND x.kind IN ('counted', 'lost', 'administered')),
        'sessions', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', x.id, 'status', x.status,
                      'authorized_at', x.authorized_at, 'completed_at', x.completed_at)), '[]')
                    FROM dosing_sessions x WHERE x.patient_id = p_patient
                      AND (x.authorized_at >= p_ledger_from OR x.scheduled_for >= p_ledger_from)),
        'gate', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', x.id, 'evaluated_at', x.evaluated_at,
                      'outcome', x.outcome, 'reason_codes', x.reason_codes)), '[]')
                    FROM gate_evaluations x WHERE x.patient_id = p_patient AND x.evaluated_at >= p_from
                      AND x.outcome = 'blocked'),
        'check_ins', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', x.id, 'submitted_at', x.submitted_at,
                      'craving_0_10', x.craving_0_10, 'used_outside_session', x.used_outside_session,
                      'bladder_symptoms', x.bladder_symptoms, 'cognitive_complaint', x.cognitive_complaint)), '[]')
                    FROM check_ins x WHERE x.patient_id = p_patient AND x.submitted_at >= p_from),
        'sitter_concerns', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', x.id, 'raised_at', x.raised_at)), '[]')
                    FROM sitter_concerns x WHERE x.patient_id = p_patient AND x.raised_at >= p_from),
        'appointments', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', x.id, 'starts_at', x.starts_at,
                      'status', x.status)), '[]')
                    FROM appointments x WHERE x.patient_id = p_patient AND x.kind = 'integration'
                      AND x.starts_at >= p_from),
        'assessments', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', x.id, 'instrument', x.instrument,
                      'total', x.total, 'submitted_at', x.submitted_at, 'context', x.context)), '[]')
                    FROM assessments x WHERE x.patient_id = p_patient
                      AND x.instrument IN ('audit-c', 'dast10', 'bladder')
                      AND (x.submitted_at >= p_from OR x.context = 'intake')),
        'pdmp', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', x.id, 'checked_at', x.checked_at,
                      'other_controlled_prescriptions', x.other_controlled_prescriptions)), '[]')
                    FROM pdmp_checks x WHERE x.patient_id = p_patient AND x.checked_at >= p_from)
      );
    END
    $fn$;
  `.execute(db);
}
