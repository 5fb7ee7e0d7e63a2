// The baseline of the panel scenario: the same data as GET /api/v1/patients (sort=risk), read by one hand-written
// SQL query with no HTTP, no access check, no audit row and no per-row computation. It reads what the API reads —
// the care team, the patient and the patient's panel summary row (maintained on write), with the two
// clock-dependent facts looked up live where needed, and for each patient of the page the facts its prescribing-
// compliance column is decided from (the active plan's signer, the current pathway, the prescribing clinician, the
// latest PDMP check and that prescriber's credentials, sent once per prescriber) — so the ratio measures the API's
// own overhead. Instants come back as epoch milliseconds, as the API's query reads them.
import { createHash } from 'node:crypto';

const ms = (expression: string): string => `round(date_part('epoch', ${expression}) * 1000)`;

export function handWrittenPanelSql(limit: number): string {
  return `
WITH page AS (
SELECT p.id, p.name, p.status, coalesce(s.evaluated_tier, s.intake_tier) AS tier,
       s.alerts_critical, s.alerts_high, s.alerts_moderate, s.alerts_low, s.phq9_latest, s.phq9_baseline,
       ${ms('s.phq9_latest_at')} AS phq9_latest_at,
       ${ms(`CASE WHEN s.next_scheduled_at IS NULL OR s.next_scheduled_at >= $2 THEN s.next_scheduled_at
         ELSE (SELECT min(ns.scheduled_for) FROM dosing_sessions ns
               WHERE ns.patient_id = p.id AND ns.status = 'scheduled' AND ns.scheduled_for >= $2) END`)} AS next_session_at,
       ${ms(`CASE WHEN s.phase = 'induction'
         THEN (SELECT max(c.submitted_at) FROM check_ins c WHERE c.patient_id = p.id) END`)} AS last_checkin,
       ${['last_phq9', 'last_gad7', 'last_audit_c', 'last_dast10', 'last_bladder', 'last_cssrs', 'last_item9_positive'].map((c) => `${ms(`s.${c}`)} AS ${c}`).join(', ')},
       s.phase, ${ms('p.created_at')} AS enrolled_at, p.state,
       row_number() OVER (ORDER BY CASE coalesce(s.evaluated_tier, s.intake_tier) WHEN 'high' THEN 2 WHEN 'elevated' THEN 1 WHEN 'low' THEN 0 ELSE -1 END DESC,
                          p.name, p.id) AS position
FROM care_team_members ct
JOIN patients p ON p.id = ct.patient_id
LEFT JOIN patient_panel_summary s ON s.patient_id = p.id
WHERE ct.user_id = $1 AND ct.unassigned_at IS NULL
ORDER BY CASE coalesce(s.evaluated_tier, s.intake_tier) WHEN 'high' THEN 2 WHEN 'elevated' THEN 1 WHEN 'low' THEN 0 ELSE -1 END DESC,
         p.name, p.id
LIMIT ${limit + 1})
SELECT page.*, tp.signed_by AS plan_signed_by, pw.kind AS pathway_kind, pw.details AS pathway_details,
       cl.user_id AS clinician_id, ${ms('k.latest')} AS latest_pdmp_check,
       -- Each prescriber's credentials once, on the first of their patients' rows (the API reads them once per
       -- prescriber of the page, too).
       CASE WHEN row_number() OVER (PARTITION BY coalesce(tp.signed_by, cl.user_id) ORDER BY page.position) = 1 THEN cr.credentials END AS credentials
FROM page
LEFT JOIN LATERAL (SELECT p1.signed_by FROM treatment_plans p1 WHERE p1.patient_id = page.id AND p1.status = 'active' LIMIT 1) tp ON true
LEFT JOIN LATERAL (SELECT p2.kind, p2.details FROM prescribing_pathways p2 WHERE p2.patient_id = page.id AND p2.superseded_at IS NULL LIMIT 1) pw ON true
LEFT JOIN LATERAL (SELECT c.user_id FROM care_team_members c
                   WHERE c.patient_id = page.id AND c.member_role = 'clinician' AND c.unassigned_at IS NULL
                   ORDER BY c.is_primary DESC, c.assigned_at LIMIT 1) cl ON true
LEFT JOIN LATERAL (SELECT max(pc.checked_at) AS latest FROM pdmp_checks pc WHERE pc.patient_id = page.id AND pc.checked_at <= $2) k ON true
LEFT JOIN LATERAL (SELECT json_agg(json_build_object('kind', r.kind, 'state', r.state, 'schedules', r.schedules, 'expiresOn', r.expires_on)) AS credentials
                   FROM prescriber_credentials r WHERE r.clinician_id = coalesce(tp.signed_by, cl.user_id)) cr ON true
ORDER BY page.position`;
}

/** The baseline runs the query as a named prepared statement, as the API runs its panel (db/prepared.ts). */
export const panelStatementName = (text: string): string => `bench_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
