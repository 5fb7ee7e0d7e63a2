import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * Instants in the warning-sign input travel as epoch milliseconds (docs/perf.md): json of a timestamptz is text in
 * the server's format, which PostgreSQL formats and the server then parses back, for every instant of the document
 * on every check-in. `epoch_ms` gives the number the server turns into an instant directly (exact for the
 * millisecond instants Keel writes; a microsecond part is rounded to the millisecond, as the parser did before).
 */
export async function up(db: Kysely<Database>): Promise<void> {
  await sql`
    CREATE FUNCTION epoch_ms(p_at timestamptz) RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
      SELECT round(extract(epoch FROM p_at) * 1000)::bigint
    $fn$;

    CREATE OR REPLACE FUNCTION monitoring_signal_input(p_patient uuid, p_from timestamptz, p_ledger_from timestamptz, p_lock boolean,
                                            p_now timestamptz, p_craving_high integer, p_rising integer)
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
                     'submitted_at', epoch_ms(i.submitted_at)) FROM intakes i WHERE i.patient_id = p_patient),
        'stored_tier', v_tier,
        'refills', (SELECT coalesce(json_agg(json_build_object('id', x.id, 'requested_at', epoch_ms(x.requested_at),
                      'eligible_from', epoch_ms(x.eligible_from), 'outcome', x.outcome)), '[]')
                    FROM refill_requests x WHERE x.patient_id = p_patient AND x.requested_at >= p_from),
        'dose_requests', (SELECT coalesce(json_agg(json_build_object('id', x.id, 'requested_at', epoch_ms(x.requested_at),
                      'kind', x.kind)), '[]')
                    FROM dose_requests x WHERE x.patient_id = p_patient AND x.requested_at >= p_from),
        'ledger', (SELECT coalesce(json_agg(json_build_object('id', x.id, 'kind', x.kind, 'units', x.units,
                      'occurred_at', epoch_ms(x.occurred_at), 'session_id', x.session_id, 'counted_units', x.counted_units,
                      'expected_units', x.expected_units, 'loss_kind', x.loss_kind)), '[]')
                    FROM ledger_entries x WHERE x.patient_id = p_patient AND x.occurred_at >= p_ledger_from
                      AND x.kind IN ('counted', 'lost', 'administered')),
        'sessions', (SELECT coalesce(json_agg(json_build_object('id', x.id, 'status', x.status,
                      'authorized_at', epoch_ms(x.authorized_at), 'started_at', epoch_ms(x.started_at), 'completed_at', epoch_ms(x.completed_at))), '[]')
                    FROM dosing_sessions x WHERE x.patient_id = p_patient
                      AND (x.authorized_at >= p_ledger_from OR x.scheduled_for >= p_ledger_from)),
        'gate', (SELECT coalesce(json_agg(json_build_object('id', x.id, 'evaluated_at', epoch_ms(x.evaluated_at),
                      'outcome', x.outcome, 'reason_codes', x.reason_codes)), '[]')
                    FROM gate_evaluations x WHERE x.patient_id = p_patient AND x.evaluated_at >= p_from
                      AND x.outcome = 'blocked'),
        -- Only the check-ins that are evidence: a flag, or craving at or above the threshold.
        'check_ins', (SELECT coalesce(json_agg(json_build_object('id', x.id, 'submitted_at', epoch_ms(x.submitted_at),
                      'craving_0_10', x.craving_0_10, 'used_outside_session', x.used_outside_session,
                      'bladder_symptoms', x.bladder_symptoms, 'cognitive_complaint', x.cognitive_complaint)
                      ORDER BY x.submitted_at, x.id), '[]')
                    FROM check_ins x WHERE x.id IN (
                      SELECT f.id FROM check_ins f WHERE f.patient_id = p_patient AND f.submitted_at >= p_from
                        AND (f.used_outside_session OR f.bladder_symptoms OR f.cognitive_complaint)
                      UNION
                      SELECT h.id FROM check_ins h WHERE h.patient_id = p_patient AND h.submitted_at >= p_from
                        AND h.craving_0_10 >= p_craving_high)),
        -- The latest run of p_rising strictly rising craving scores over the check-ins and craving checks of the
        -- window, in time order (check-ins before checks at the same instant): a row breaks the run unless its
        -- score is above the one before; the run ends at the last row whose unbroken streak reaches p_rising.
        'craving_run', (WITH s AS (
                          SELECT 'check_in'::text AS type, c.id, c.submitted_at AS at, c.craving_0_10::numeric AS score, 0 AS src
                          FROM check_ins c WHERE c.patient_id = p_patient AND c.submitted_at >= p_from
                            AND c.submitted_at <= p_now AND c.craving_0_10 IS NOT NULL
                          UNION ALL
                          SELECT 'assessment', a.id, a.submitted_at, a.total::numeric, 1
                          FROM assessments a WHERE a.patient_id = p_patient AND a.instrument = 'craving'
                            AND a.total IS NOT NULL AND a.submitted_at >= p_from AND a.submitted_at <= p_now),
                        o AS (SELECT s.*, row_number() OVER w AS n,
                                     CASE WHEN s.score > lag(s.score) OVER w THEN 0 ELSE 1 END AS brk
                              FROM s WINDOW w AS (ORDER BY s.at, s.src, s.id)),
                        g AS (SELECT o.*, sum(o.brk) OVER (ORDER BY o.n) AS grp FROM o),
                        r AS (SELECT g.*, g.n - min(g.n) OVER (PARTITION BY g.grp) + 1 AS streak FROM g),
                        e AS (SELECT max(r.n) AS end_n FROM r WHERE p_rising >= 2 AND r.streak >= p_rising)
                        SELECT json_agg(json_build_object('type', r.type, 'id', r.id, 'at', epoch_ms(r.at), 'score', r.score) ORDER BY r.n)
                        FROM r, e WHERE e.end_n IS NOT NULL AND r.n > e.end_n - p_rising AND r.n <= e.end_n),
        'sitter_concerns', (SELECT coalesce(json_agg(json_build_object('id', x.id, 'raised_at', epoch_ms(x.raised_at))), '[]')
                    FROM sitter_concerns x WHERE x.patient_id = p_patient AND x.raised_at >= p_from),
        'appointments', (SELECT coalesce(json_agg(json_build_object('id', x.id, 'starts_at', epoch_ms(x.starts_at),
                      'status', x.status)), '[]')
                    FROM appointments x WHERE x.patient_id = p_patient AND x.kind = 'integration'
                      AND x.starts_at >= p_from),
        'assessments', (SELECT coalesce(json_agg(json_build_object('id', x.id, 'instrument', x.instrument,
                      'total', x.total, 'submitted_at', epoch_ms(x.submitted_at), 'context', x.context, 'flags', x.flags)), '[]')
                    FROM assessments x WHERE x.patient_id = p_patient
                      AND x.instrument IN ('audit-c', 'dast10', 'bladder', 'craving')
                      AND (x.submitted_at >= p_from OR x.context = 'intake')),
        'pdmp', (SELECT coalesce(json_agg(json_build_object('id', x.id, 'checked_at', epoch_ms(x.checked_at),
                      'other_controlled_prescriptions', x.other_controlled_prescriptions)), '[]')
                    FROM pdmp_checks x WHERE x.patient_id = p_patient AND x.checked_at >= p_from)
      );
    END
    $fn$;
  `.execute(db);
}
