import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * The CRAVING rule's rising run, found in constant work per check-in (docs/perf.md, "Bounded per-patient work").
 * Until now the signal input searched every craving score of the lookback window for the latest run of rising
 * scores, so a patient's check-in cost grew with their history. `craving_series` holds each patient's craving scores
 * (check-ins and craving checks, in the order the rule reads them: time, check-ins before checks at one instant,
 * then id) with the length of the strictly rising streak that ends at each one. Statement triggers on the two source
 * tables keep it exact: an insert, update or delete recomputes the patient's series from the earliest instant it
 * touched (for a check-in submitted now, the one new row), under the patient's `patient_risk` lock, the lock every
 * check-in and assessment already takes, so two writers of one patient cannot compute from each other's half.
 * A truncate rebuilds the whole series. The functions run as the owner (SECURITY DEFINER), and the server's role may
 * only read the table and call none of them directly (db/roles.ts), so the series cannot be edited out of step with
 * its sources. The reader asks for the latest score whose streak reaches the run length,
 * one index probe for each streak length (at most 11, since scores are whole numbers from 0 to 10). The check-ins
 * with craving at or above the threshold, which the input carries as evidence, are found the same way: one probe
 * per score from the threshold up, instead of a scan of every scored check-in of the window.
 */
export async function up(db: Kysely<Database>): Promise<void> {
  await sql`
    CREATE TABLE craving_series (
      patient_id uuid NOT NULL,
      at timestamptz NOT NULL,
      src smallint NOT NULL CHECK (src IN (0, 1)),  -- 0 a check-in, 1 a craving check (their order at one instant)
      id uuid NOT NULL,
      score integer NOT NULL,
      streak integer NOT NULL CHECK (streak >= 1),   -- the scores of the strictly rising run that ends here
      PRIMARY KEY (patient_id, at, src, id)
    );
    CREATE INDEX craving_series_streak_idx ON craving_series (patient_id, streak, at, src, id);
    -- The high-craving check-ins of the warning-sign input, found by score and time.
    CREATE INDEX check_ins_high_craving_idx ON check_ins (patient_id, craving_0_10, submitted_at) WHERE craving_0_10 IS NOT NULL;
    COMMENT ON TABLE craving_series IS 'Derived from check_ins and craving assessments by triggers (migration 0022); never written by the application.';

    -- Recomputes the series of each patient from the paired instant on (the earliest a change touched), continuing
    -- the streak of the score just before it.
    CREATE FUNCTION craving_series_refresh(p_patients uuid[], p_froms timestamptz[]) RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
    BEGIN
      INSERT INTO patient_risk (patient_id) SELECT DISTINCT u FROM unnest(p_patients) u ON CONFLICT (patient_id) DO NOTHING;
      PERFORM 1 FROM patient_risk r WHERE r.patient_id = ANY (p_patients) ORDER BY r.patient_id FOR UPDATE;
      DELETE FROM craving_series c
      USING (SELECT u.patient_id, min(u.from_at) AS from_at FROM unnest(p_patients, p_froms) u(patient_id, from_at) GROUP BY u.patient_id) s
      WHERE c.patient_id = s.patient_id AND c.at >= s.from_at;
      INSERT INTO craving_series (patient_id, at, src, id, score, streak)
      WITH s AS (SELECT u.patient_id, min(u.from_at) AS from_at FROM unnest(p_patients, p_froms) u(patient_id, from_at) GROUP BY u.patient_id),
      p AS (SELECT s.patient_id, s.from_at, b.score AS prev_score, b.streak AS prev_streak FROM s
            LEFT JOIN LATERAL (SELECT c.score, c.streak FROM craving_series c WHERE c.patient_id = s.patient_id AND c.at < s.from_at
                               ORDER BY c.at DESC, c.src DESC, c.id DESC LIMIT 1) b ON true),
      x AS (SELECT c.patient_id, c.submitted_at AS at, 0::smallint AS src, c.id, c.craving_0_10::integer AS score
            FROM s JOIN check_ins c ON c.patient_id = s.patient_id AND c.submitted_at >= s.from_at
            WHERE c.craving_0_10 IS NOT NULL
            UNION ALL
            SELECT a.patient_id, a.submitted_at, 1::smallint, a.id, a.total
            FROM s JOIN assessments a ON a.patient_id = s.patient_id AND a.instrument = 'craving' AND a.submitted_at >= s.from_at
            WHERE a.total IS NOT NULL),
      o AS (SELECT x.*, p.prev_streak, row_number() OVER w AS n,
                   CASE WHEN x.score > coalesce(lag(x.score) OVER w, p.prev_score) THEN 0 ELSE 1 END AS brk
            FROM x JOIN p ON p.patient_id = x.patient_id
            WINDOW w AS (PARTITION BY x.patient_id ORDER BY x.at, x.src, x.id)),
      g AS (SELECT o.*, sum(o.brk) OVER (PARTITION BY o.patient_id ORDER BY o.n) AS grp FROM o)
      SELECT g.patient_id, g.at, g.src, g.id, g.score,
             (g.n - min(g.n) OVER (PARTITION BY g.patient_id, g.grp) + 1 + CASE WHEN g.grp = 0 THEN g.prev_streak ELSE 0 END)::integer
      FROM g;
    END
    $fn$;

    -- One new score (a check-in or a craving check as the application writes them): when it comes after every score
    -- of the series, its streak continues the last one's, which no other score changes; otherwise the series is
    -- recomputed from it.
    CREATE FUNCTION craving_series_add(p_patient uuid, p_at timestamptz, p_src smallint, p_id uuid, p_score integer) RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
    DECLARE
      v_last record;
    BEGIN
      PERFORM 1 FROM patient_risk r WHERE r.patient_id = p_patient FOR UPDATE;
      IF NOT FOUND THEN
        INSERT INTO patient_risk (patient_id) VALUES (p_patient) ON CONFLICT (patient_id) DO NOTHING;
        PERFORM 1 FROM patient_risk r WHERE r.patient_id = p_patient FOR UPDATE;
      END IF;
      SELECT c.at, c.src, c.id, c.score, c.streak INTO v_last FROM craving_series c WHERE c.patient_id = p_patient
      ORDER BY c.at DESC, c.src DESC, c.id DESC LIMIT 1;
      IF NOT FOUND THEN
        INSERT INTO craving_series (patient_id, at, src, id, score, streak) VALUES (p_patient, p_at, p_src, p_id, p_score, 1);
      ELSIF (p_at, p_src, p_id) > (v_last.at, v_last.src, v_last.id) THEN
        INSERT INTO craving_series (patient_id, at, src, id, score, streak)
        VALUES (p_patient, p_at, p_src, p_id, p_score, CASE WHEN p_score > v_last.score THEN v_last.streak + 1 ELSE 1 END);
      ELSE
        PERFORM craving_series_refresh(ARRAY[p_patient], ARRAY[p_at]);
      END IF;
    END
    $fn$;

    CREATE FUNCTION craving_series_rebuild() RETURNS void LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
    BEGIN
      DELETE FROM craving_series;
      PERFORM craving_series_refresh(array_agg(t.patient_id), array_agg('-infinity'::timestamptz))
      FROM (SELECT c.patient_id FROM check_ins c WHERE c.craving_0_10 IS NOT NULL
            UNION SELECT a.patient_id FROM assessments a WHERE a.instrument = 'craving' AND a.total IS NOT NULL) t
      HAVING count(*) > 0;
    END
    $fn$;

    -- The statement triggers: each patient a statement touched, from the earliest instant it touched.
    CREATE FUNCTION craving_series_check_ins_changed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
    DECLARE
      v_scores bigint;
    BEGIN
      IF TG_OP = 'INSERT' THEN
        SELECT count(*) INTO v_scores FROM added n WHERE n.craving_0_10 IS NOT NULL;
        IF v_scores = 1 THEN
          PERFORM craving_series_add(n.patient_id, n.submitted_at, 0::smallint, n.id, n.craving_0_10)
          FROM added n WHERE n.craving_0_10 IS NOT NULL;
        ELSIF v_scores > 1 THEN
          PERFORM craving_series_refresh(array_agg(t.patient_id), array_agg(t.from_at))
          FROM (SELECT n.patient_id, min(n.submitted_at) AS from_at FROM added n WHERE n.craving_0_10 IS NOT NULL GROUP BY n.patient_id) t;
        END IF;
      ELSIF TG_OP = 'DELETE' THEN
        PERFORM craving_series_refresh(array_agg(t.patient_id), array_agg(t.from_at))
        FROM (SELECT o.patient_id, min(o.submitted_at) AS from_at FROM removed o WHERE o.craving_0_10 IS NOT NULL GROUP BY o.patient_id) t
        HAVING count(*) > 0;
      ELSIF TG_OP = 'UPDATE' THEN
        PERFORM craving_series_refresh(array_agg(t.patient_id), array_agg(t.from_at))
        FROM (SELECT r.patient_id, min(r.submitted_at) AS from_at
              FROM (SELECT n.patient_id, n.submitted_at, n.craving_0_10 FROM added n
                    UNION ALL SELECT o.patient_id, o.submitted_at, o.craving_0_10 FROM removed o) r
              WHERE r.craving_0_10 IS NOT NULL GROUP BY r.patient_id) t
        HAVING count(*) > 0;
      ELSE
        PERFORM craving_series_rebuild();
      END IF;
      RETURN NULL;
    END
    $fn$;
    CREATE FUNCTION craving_series_assessments_changed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
    DECLARE
      v_scores bigint;
    BEGIN
      IF TG_OP = 'INSERT' THEN
        SELECT count(*) INTO v_scores FROM added n WHERE n.instrument = 'craving' AND n.total IS NOT NULL;
        IF v_scores = 1 THEN
          PERFORM craving_series_add(n.patient_id, n.submitted_at, 1::smallint, n.id, n.total)
          FROM added n WHERE n.instrument = 'craving' AND n.total IS NOT NULL;
        ELSIF v_scores > 1 THEN
          PERFORM craving_series_refresh(array_agg(t.patient_id), array_agg(t.from_at))
          FROM (SELECT n.patient_id, min(n.submitted_at) AS from_at FROM added n
                WHERE n.instrument = 'craving' AND n.total IS NOT NULL GROUP BY n.patient_id) t;
        END IF;
      ELSE
        PERFORM craving_series_rebuild();
      END IF;
      RETURN NULL;
    END
    $fn$;
    CREATE TRIGGER check_ins_craving_series_insert AFTER INSERT ON check_ins REFERENCING NEW TABLE AS added
      FOR EACH STATEMENT EXECUTE FUNCTION craving_series_check_ins_changed();
    CREATE TRIGGER check_ins_craving_series_delete AFTER DELETE ON check_ins REFERENCING OLD TABLE AS removed
      FOR EACH STATEMENT EXECUTE FUNCTION craving_series_check_ins_changed();
    CREATE TRIGGER check_ins_craving_series_update AFTER UPDATE ON check_ins REFERENCING OLD TABLE AS removed NEW TABLE AS added
      FOR EACH STATEMENT EXECUTE FUNCTION craving_series_check_ins_changed();
    CREATE TRIGGER check_ins_craving_series_truncate AFTER TRUNCATE ON check_ins
      FOR EACH STATEMENT EXECUTE FUNCTION craving_series_check_ins_changed();
    -- Assessments are append-only (reject_modification refuses an update or a delete).
    CREATE TRIGGER assessments_craving_series_insert AFTER INSERT ON assessments REFERENCING NEW TABLE AS added
      FOR EACH STATEMENT EXECUTE FUNCTION craving_series_assessments_changed();
    CREATE TRIGGER assessments_craving_series_truncate AFTER TRUNCATE ON assessments
      FOR EACH STATEMENT EXECUTE FUNCTION craving_series_assessments_changed();

    SELECT craving_series_rebuild();

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
                        -- One index probe per score from the threshold to 10 (check_ins_high_craving_idx), so the
                        -- check-ins below it are not read at all.
                        AND h.craving_0_10 = ANY (ARRAY(SELECT generate_series(p_craving_high, 10))))),
        -- The latest run of p_rising strictly rising craving scores within the window, read from the maintained
        -- series: the latest score at or before p_now whose streak reaches p_rising ends it, one index probe per
        -- streak length; it counts only when its first score is inside the window (an earlier end would lie further
        -- back still, so there is then no run).
        'craving_run', (WITH e AS (
                          SELECT l.at, l.src, l.id
                          FROM generate_series(p_rising, (SELECT max(m.streak) FROM craving_series m WHERE m.patient_id = p_patient)) k(streak)
                          CROSS JOIN LATERAL (
                            SELECT c.at, c.src, c.id FROM craving_series c
                            WHERE c.patient_id = p_patient AND c.streak = k.streak AND c.at <= p_now
                            ORDER BY c.at DESC, c.src DESC, c.id DESC LIMIT 1) l
                          WHERE p_rising >= 2
                          ORDER BY l.at DESC, l.src DESC, l.id DESC LIMIT 1),
                        r AS (
                          SELECT c.at, c.src, c.id, c.score FROM e
                          CROSS JOIN LATERAL (
                            SELECT c.at, c.src, c.id, c.score FROM craving_series c
                            WHERE c.patient_id = p_patient AND (c.at, c.src, c.id) <= (e.at, e.src, e.id)
                            ORDER BY c.at DESC, c.src DESC, c.id DESC LIMIT p_rising) c)
                        SELECT json_agg(json_build_object('type', CASE r.src WHEN 0 THEN 'check_in' ELSE 'assessment' END,
                                 'id', r.id, 'at', epoch_ms(r.at), 'score', r.score) ORDER BY r.at, r.src, r.id)
                        FROM r HAVING min(r.at) >= p_from),
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
