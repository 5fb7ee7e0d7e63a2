import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * The clinician panel's per-patient summary, maintained on write (docs/perf.md).
 *
 * `patient_panel_facts` is the definition: per patient, from the source tables, everything the panel shows except
 * what depends on the clock (the last check-in, read live only where a check-in is scheduled). `patient_panel_summary`
 * holds those facts, one row per patient, so the panel is an index scan of the caller's care team joined to one row
 * each instead of ~15 index probes per patient.
 *
 * Every write that can change a fact fires a DEFERRED constraint trigger that recomputes the patient's row at commit:
 * - it runs last in the transaction, so the summary row lock is always the last lock taken (no new lock-order
 *   conflicts with the patient_risk row, the audit chain heads or the per-patient gate lock);
 * - the refresh first locks the summary row, then reads the facts in a new statement: in READ COMMITTED that
 *   statement's snapshot includes every transaction that refreshed the row before it, so the last writer always
 *   leaves the row equal to the facts (tested against the view after random writes, and under races on PostgreSQL).
 *
 * `next_scheduled_at` is the earliest session still `scheduled`, whatever its time: when it is in the future it is
 * the next session; when it has passed (a session not yet swept as missed) the panel looks the next one up live.
 */
export async function up(db: Kysely<Database>): Promise<void> {
  await sql`
    CREATE VIEW patient_panel_facts AS
    SELECT p.id AS patient_id,
           pr.tier AS evaluated_tier,
           i.risk_tier AS intake_tier,
           coalesce(al.critical, 0)::integer AS alerts_critical,
           coalesce(al.high, 0)::integer AS alerts_high,
           coalesce(al.moderate, 0)::integer AS alerts_moderate,
           coalesce(al.low, 0)::integer AS alerts_low,
           lp.total AS phq9_latest,
           lp.submitted_at AS phq9_latest_at,
           bp.total AS phq9_baseline,
           (SELECT min(s.scheduled_for) FROM dosing_sessions s
             WHERE s.patient_id = p.id AND s.status = 'scheduled') AS next_scheduled_at,
           (SELECT max(a.submitted_at) FROM assessments a
             WHERE a.patient_id = p.id AND a.instrument = 'phq9') AS last_phq9,
           (SELECT max(a.submitted_at) FROM assessments a
             WHERE a.patient_id = p.id AND a.instrument = 'gad7') AS last_gad7,
           (SELECT max(a.submitted_at) FROM assessments a
             WHERE a.patient_id = p.id AND a.instrument IN ('audit-c', 'audit')) AS last_audit_c,
           (SELECT max(a.submitted_at) FROM assessments a
             WHERE a.patient_id = p.id AND a.instrument = 'dast10') AS last_dast10,
           (SELECT max(a.submitted_at) FROM assessments a
             WHERE a.patient_id = p.id AND a.instrument = 'bladder') AS last_bladder,
           (SELECT max(a.submitted_at) FROM assessments a
             WHERE a.patient_id = p.id AND a.instrument = 'cssrs-screen') AS last_cssrs,
           (SELECT max(a.submitted_at) FROM assessments a
             WHERE a.patient_id = p.id AND a.instrument = 'phq9' AND 'PHQ9_ITEM9_POSITIVE' = ANY(a.flags)) AS last_item9_positive,
           (SELECT tp.terms->>'phase' FROM treatment_plans tp
             WHERE tp.patient_id = p.id AND tp.status = 'active' LIMIT 1) AS phase
    FROM patients p
    LEFT JOIN patient_risk pr ON pr.patient_id = p.id
    LEFT JOIN intakes i ON i.patient_id = p.id
    LEFT JOIN LATERAL (
      SELECT count(*) FILTER (WHERE a.severity = 'critical') AS critical,
             count(*) FILTER (WHERE a.severity = 'high') AS high,
             count(*) FILTER (WHERE a.severity = 'moderate') AS moderate,
             count(*) FILTER (WHERE a.severity = 'low') AS low
      FROM alerts a WHERE a.patient_id = p.id AND a.status <> 'resolved') al ON true
    LEFT JOIN LATERAL (
      SELECT a.total, a.submitted_at FROM assessments a
      WHERE a.patient_id = p.id AND a.instrument = 'phq9' AND a.total IS NOT NULL
      ORDER BY a.submitted_at DESC LIMIT 1) lp ON true
    LEFT JOIN LATERAL (
      SELECT min(s.authorized_at) AS first FROM dosing_sessions s
      WHERE s.patient_id = p.id AND s.authorized_at IS NOT NULL
        AND s.status IN ('authorized', 'in_progress', 'completed')) fd ON true
    LEFT JOIN LATERAL (
      SELECT a.total FROM assessments a
      WHERE a.patient_id = p.id AND a.instrument = 'phq9' AND a.total IS NOT NULL AND a.submitted_at < fd.first
      ORDER BY a.submitted_at DESC LIMIT 1) bp ON true;

    CREATE TABLE patient_panel_summary (
      patient_id uuid PRIMARY KEY REFERENCES patients(id),
      evaluated_tier text,
      intake_tier text,
      alerts_critical integer NOT NULL DEFAULT 0,
      alerts_high integer NOT NULL DEFAULT 0,
      alerts_moderate integer NOT NULL DEFAULT 0,
      alerts_low integer NOT NULL DEFAULT 0,
      phq9_latest integer,
      phq9_latest_at timestamptz,
      phq9_baseline integer,
      next_scheduled_at timestamptz,
      last_phq9 timestamptz,
      last_gad7 timestamptz,
      last_audit_c timestamptz,
      last_dast10 timestamptz,
      last_bladder timestamptz,
      last_cssrs timestamptz,
      last_item9_positive timestamptz,
      phase text,
      refreshed_at timestamptz NOT NULL
    );

    CREATE FUNCTION patient_panel_summary_refresh(p_patient uuid) RETURNS void LANGUAGE plpgsql VOLATILE AS $fn$
    BEGIN
      INSERT INTO patient_panel_summary (patient_id, refreshed_at) VALUES (p_patient, clock_timestamp())
        ON CONFLICT (patient_id) DO NOTHING;
      PERFORM 1 FROM patient_panel_summary WHERE patient_id = p_patient FOR UPDATE;
      -- A new statement, so a new snapshot: it sees every transaction that held the row lock before this one.
      UPDATE patient_panel_summary s SET
        evaluated_tier = f.evaluated_tier, intake_tier = f.intake_tier,
        alerts_critical = f.alerts_critical, alerts_high = f.alerts_high,
        alerts_moderate = f.alerts_moderate, alerts_low = f.alerts_low,
        phq9_latest = f.phq9_latest, phq9_latest_at = f.phq9_latest_at, phq9_baseline = f.phq9_baseline,
        next_scheduled_at = f.next_scheduled_at,
        last_phq9 = f.last_phq9, last_gad7 = f.last_gad7, last_audit_c = f.last_audit_c,
        last_dast10 = f.last_dast10, last_bladder = f.last_bladder, last_cssrs = f.last_cssrs,
        last_item9_positive = f.last_item9_positive, phase = f.phase,
        refreshed_at = clock_timestamp()
      FROM patient_panel_facts f
      WHERE f.patient_id = p_patient AND s.patient_id = p_patient;
    END;
    $fn$;

    CREATE FUNCTION patient_panel_summary_touch() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        PERFORM patient_panel_summary_refresh(OLD.patient_id);
      ELSE
        PERFORM patient_panel_summary_refresh(NEW.patient_id);
      END IF;
      RETURN NULL;
    END;
    $fn$;

    -- Every patient has a row from the transaction that creates them on.
    CREATE FUNCTION patient_panel_summary_create() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      PERFORM patient_panel_summary_refresh(NEW.id);
      RETURN NULL;
    END;
    $fn$;
    CREATE CONSTRAINT TRIGGER patients_panel_summary AFTER INSERT ON patients
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION patient_panel_summary_create();
    CREATE CONSTRAINT TRIGGER alerts_panel_summary AFTER INSERT OR DELETE OR UPDATE OF status, severity ON alerts
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION patient_panel_summary_touch();
    CREATE CONSTRAINT TRIGGER assessments_panel_summary AFTER INSERT ON assessments
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION patient_panel_summary_touch();
    CREATE CONSTRAINT TRIGGER dosing_sessions_panel_summary
      AFTER INSERT OR DELETE OR UPDATE OF status, scheduled_for, authorized_at ON dosing_sessions
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION patient_panel_summary_touch();
    CREATE CONSTRAINT TRIGGER treatment_plans_panel_summary AFTER INSERT OR DELETE OR UPDATE OF status, terms ON treatment_plans
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION patient_panel_summary_touch();
    CREATE CONSTRAINT TRIGGER patient_risk_panel_summary AFTER INSERT OR DELETE OR UPDATE OF tier ON patient_risk
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION patient_panel_summary_touch();
    CREATE CONSTRAINT TRIGGER intakes_panel_summary AFTER INSERT OR DELETE OR UPDATE OF risk_tier ON intakes
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION patient_panel_summary_touch();

    INSERT INTO patient_panel_summary SELECT f.*, clock_timestamp() FROM patient_panel_facts f;
  `.execute(db);
}
