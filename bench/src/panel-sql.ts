// The baseline of the panel scenario: the same data as GET /api/v1/patients (sort=risk), read by one hand-written
// SQL query with no HTTP, no access check, no audit row and no per-row schedule computation.
export function handWrittenPanelSql(limit: number): string {
  return `
SELECT p.id, p.name, p.status, coalesce(pr.tier, i.risk_tier) AS tier,
       al.critical, al.high, al.moderate, al.low, al.total,
       lp.total AS phq9_latest, lp.submitted_at AS phq9_latest_at, bp.total AS phq9_baseline, ns.at AS next_session_at,
       (SELECT max(c.submitted_at) FROM check_ins c WHERE c.patient_id = p.id) AS last_checkin,
       (SELECT max(a.submitted_at) FROM assessments a WHERE a.patient_id = p.id AND a.instrument = 'phq9') AS last_phq9,
       (SELECT max(a.submitted_at) FROM assessments a WHERE a.patient_id = p.id AND a.instrument = 'gad7') AS last_gad7,
       (SELECT max(a.submitted_at) FROM assessments a WHERE a.patient_id = p.id AND a.instrument IN ('audit-c', 'audit')) AS last_audit_c,
       (SELECT max(a.submitted_at) FROM assessments a WHERE a.patient_id = p.id AND a.instrument = 'dast10') AS last_dast10,
       (SELECT max(a.submitted_at) FROM assessments a WHERE a.patient_id = p.id AND a.instrument = 'bladder') AS last_bladder,
       (SELECT max(a.submitted_at) FROM assessments a WHERE a.patient_id = p.id AND a.instrument = 'cssrs-screen') AS last_cssrs,
       (SELECT max(a.submitted_at) FROM assessments a WHERE a.patient_id = p.id AND a.instrument = 'phq9'
          AND 'PHQ9_ITEM9_POSITIVE' = ANY(a.flags)) AS last_item9_positive,
       (SELECT tp.terms->>'phase' FROM treatment_plans tp WHERE tp.patient_id = p.id AND tp.status = 'active' LIMIT 1) AS phase,
       p.created_at AS enrolled_at
FROM care_team_members ct
JOIN patients p ON p.id = ct.patient_id
LEFT JOIN patient_risk pr ON pr.patient_id = p.id
LEFT JOIN intakes i ON i.patient_id = p.id
LEFT JOIN LATERAL (
  SELECT count(*) FILTER (WHERE a.severity = 'critical') AS critical, count(*) FILTER (WHERE a.severity = 'high') AS high,
         count(*) FILTER (WHERE a.severity = 'moderate') AS moderate, count(*) FILTER (WHERE a.severity = 'low') AS low,
         count(*) AS total
  FROM alerts a WHERE a.patient_id = p.id AND a.status <> 'resolved') al ON true
LEFT JOIN LATERAL (
  SELECT a.total, a.submitted_at FROM assessments a
  WHERE a.patient_id = p.id AND a.instrument = 'phq9' AND a.total IS NOT NULL ORDER BY a.submitted_at DESC LIMIT 1) lp ON true
LEFT JOIN LATERAL (
  SELECT min(s.authorized_at) AS first FROM dosing_sessions s
  WHERE s.patient_id = p.id AND s.authorized_at IS NOT NULL AND s.status IN ('authorized', 'in_progress', 'completed')) fd ON true
LEFT JOIN LATERAL (
  SELECT a.total FROM assessments a
  WHERE a.patient_id = p.id AND a.instrument = 'phq9' AND a.total IS NOT NULL AND a.submitted_at < fd.first
  ORDER BY a.submitted_at DESC LIMIT 1) bp ON true
LEFT JOIN LATERAL (
  SELECT min(s.scheduled_for) AS at FROM dosing_sessions s
  WHERE s.patient_id = p.id AND s.status = 'scheduled' AND s.scheduled_for >= $2) ns ON true
WHERE ct.user_id = $1 AND ct.unassigned_at IS NULL
ORDER BY CASE coalesce(pr.tier, i.risk_tier) WHEN 'high' THEN 2 WHEN 'elevated' THEN 1 WHEN 'low' THEN 0 ELSE -1 END DESC, p.name, p.id
LIMIT ${limit + 1}`;
}
