// The outcomes report's baseline (docs/perf.md, docs/outcomes-report.md): the report's figures for the whole
// program written by hand as one SQL statement over the live tables — what a medical director's analyst would run —
// with the program's default settings (response: a fall of at least 50 %; remission: below 5; the checkpoints and
// windows of docs/outcomes-report.md). It computes the same figures the API computes in the domain, and the bench
// compares a set of them between the two answers, so the baseline is checked to be doing the same work.
//
// Parameters: $1 the period's start, $2 its end (the last local day's end), $3 as of (the earlier of the end and
// now). A day is 86,400 s, as the domain counts days since the first dose (not calendar days); time to response is
// read to a tenth of a day, as the report reads it.
export const outcomesSql = `
WITH
first_dose AS (
  SELECT patient_id, min(authorized_at) AS at FROM dosing_sessions
  WHERE status IN ('authorized', 'in_progress', 'completed') GROUP BY patient_id
),
cohort AS (
  SELECT p.id, f.at AS first_dose, d.discharged_at
  FROM patients p
  LEFT JOIN first_dose f ON f.patient_id = p.id
  LEFT JOIN discharges d ON d.patient_id = p.id
  WHERE p.status IN ('approved', 'active', 'discharged') AND p.created_at <= $2
    AND (d.discharged_at IS NULL OR d.discharged_at >= $1)
),
dosed AS (
  SELECT id, first_dose, least(coalesce(discharged_at, $3), $3) AS ended FROM cohort WHERE first_dose <= $3
),
scores AS (
  SELECT a.id, a.patient_id, a.instrument, a.total, a.submitted_at, d.first_dose
  FROM assessments a JOIN dosed d ON d.id = a.patient_id
  WHERE a.instrument IN ('phq9', 'gad7') AND a.total IS NOT NULL AND a.submitted_at <= $3
),
baseline AS (
  SELECT DISTINCT ON (patient_id, instrument) patient_id, instrument, total
  FROM scores WHERE submitted_at < first_dose
  ORDER BY patient_id, instrument, submitted_at DESC, id DESC
),
instrument(name) AS (VALUES ('phq9'), ('gad7')),
checkpoint(key, days, window_days) AS (VALUES ('w4', 28, 7), ('w8', 56, 7), ('w12', 84, 14), ('m6', 182, 30), ('m12', 365, 45)),
due AS (
  SELECT d.id, d.first_dose, i.name AS instrument, c.key, d.first_dose + c.days * interval '86400 seconds' AS target,
         c.window_days * 86400.0 AS window_seconds, b.total AS baseline
  FROM dosed d CROSS JOIN instrument i CROSS JOIN checkpoint c
  LEFT JOIN baseline b ON b.patient_id = d.id AND b.instrument = i.name
  WHERE $3 >= d.first_dose + (c.days + c.window_days) * interval '86400 seconds'
),
reading AS (
  SELECT due.instrument, due.key, due.baseline, pick.total
  FROM due
  LEFT JOIN LATERAL (
    SELECT s.total FROM assessments s
    WHERE due.baseline > 0 AND s.patient_id = due.id AND s.instrument = due.instrument AND s.total IS NOT NULL
      AND s.submitted_at >= greatest(due.first_dose, due.target - due.window_seconds * interval '1 second')
      AND s.submitted_at <= least($3, due.target + due.window_seconds * interval '1 second')
    ORDER BY abs(extract(epoch FROM s.submitted_at - due.target)), s.submitted_at DESC
    LIMIT 1
  ) pick ON true
),
checkpoints AS (
  SELECT instrument, key,
    count(*) AS eligible,
    count(*) FILTER (WHERE baseline > 0) AS with_baseline,
    count(total) AS measured,
    count(*) FILTER (WHERE (baseline - total) * 100 >= 50 * baseline) AS response,
    count(*) FILTER (WHERE total < 5) AS remission,
    avg(total - baseline)::float8 AS mean_change,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY total - baseline) AS median_change,
    percentile_cont(array[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY total) AS quartiles
  FROM reading GROUP BY instrument, key
),
followed AS (
  SELECT b.patient_id, b.instrument,
    min(s.submitted_at) FILTER (WHERE (b.total - s.total) * 100 >= 50 * b.total) AS responded,
    max(s.submitted_at) AS last_score, min(s.first_dose) AS first_dose
  FROM baseline b JOIN scores s ON s.patient_id = b.patient_id AND s.instrument = b.instrument AND s.submitted_at >= s.first_dose
  WHERE b.total > 0 GROUP BY b.patient_id, b.instrument
),
km_times AS (
  SELECT instrument, round(extract(epoch FROM coalesce(responded, last_score) - first_dose) / 8640) / 10 AS t,
    count(*) FILTER (WHERE responded IS NOT NULL) AS events, count(*) AS here
  FROM followed GROUP BY instrument, t
),
km AS (
  SELECT instrument, t, events, here,
    sum(here) OVER (PARTITION BY instrument ORDER BY t DESC) AS at_risk
  FROM km_times
),
km_steps AS (
  SELECT instrument, t, at_risk, events,
    exp(sum(CASE WHEN events = 0 THEN 0 WHEN events < at_risk THEN ln(1 - events::float8 / at_risk) ELSE '-Infinity'::float8 END)
        OVER (PARTITION BY instrument ORDER BY t)) AS survival
  FROM km
),
period_sessions AS (
  SELECT count(*) AS n FROM dosing_sessions s JOIN cohort c ON c.id = s.patient_id WHERE s.started_at BETWEEN $1 AND $3
),
alert_rows AS (
  SELECT a.*, extract(epoch FROM a.acknowledged_at - a.raised_at) / 60 AS minutes
  FROM alerts a JOIN cohort c ON c.id = a.patient_id WHERE a.raised_at BETWEEN $1 AND $3
),
onsets AS (
  SELECT e.patient_id, e.evaluated_at, e.signal_codes,
    lag(e.signal_codes) OVER (PARTITION BY e.patient_id ORDER BY e.evaluated_at) AS previous, e.tier
  FROM risk_evaluations e JOIN dosed d ON d.id = e.patient_id
),
contact AS (
  SELECT patient_id, submitted_at AS at FROM scores
  UNION ALL SELECT c.patient_id, c.submitted_at FROM check_ins c JOIN dosed d ON d.id = c.patient_id
  UNION ALL SELECT s.patient_id, s.started_at FROM dosing_sessions s JOIN dosed d ON d.id = s.patient_id WHERE s.started_at IS NOT NULL
  UNION ALL SELECT a.patient_id, a.starts_at FROM appointments a JOIN dosed d ON d.id = a.patient_id
    WHERE a.kind = 'integration' AND a.status = 'completed'
),
last_contact AS (
  SELECT patient_id, max(at) AS at FROM contact WHERE at <= $3 GROUP BY patient_id
),
milestone(key, days) AS (VALUES ('w8', 56), ('m6', 182)),
-- Weekly slots counted from each first dose; observed when wholly between the period's start and the end.
slots AS (
  SELECT d.id, d.first_dose,
    greatest(0, ceil(extract(epoch FROM $1 - d.first_dose) / (7 * 86400)))::int AS first,
    floor(extract(epoch FROM d.ended - d.first_dose) / (7 * 86400))::int AS last
  FROM dosed d
),
filled AS (
  SELECT s.id, s.last - s.first AS n, count(DISTINCT floor(extract(epoch FROM c.submitted_at - s.first_dose) / (7 * 86400))) AS filled
  FROM slots s LEFT JOIN check_ins c ON c.patient_id = s.id
    AND c.submitted_at >= s.first_dose + s.first * 7 * interval '86400 seconds'
    AND c.submitted_at < s.first_dose + s.last * 7 * interval '86400 seconds'
  WHERE s.last > s.first GROUP BY s.id, s.first, s.last
)
SELECT json_build_object(
  'cohort', (SELECT json_build_object('patients', (SELECT count(*) FROM cohort), 'dosed', (SELECT count(*) FROM dosed))),
  'baselines', (SELECT json_agg(json_build_object('instrument', instrument, 'n', n, 'mean', mean)) FROM (
     SELECT instrument, count(*) AS n, avg(total)::float8 AS mean FROM baseline WHERE total > 0 GROUP BY instrument) x),
  'checkpoints', (SELECT json_agg(c) FROM checkpoints c),
  'timeToResponse', (SELECT json_agg(json_build_object('instrument', instrument, 'n', n, 'responders', r, 'medianDays', m)) FROM (
     SELECT instrument, sum(here) AS n, sum(events) AS r, (SELECT min(k.t) FROM km_steps k WHERE k.instrument = km.instrument AND k.survival <= 0.5 + 1e-9) AS m
     FROM km GROUP BY instrument) x),
  'sessions', (SELECT n FROM period_sessions),
  'adverseEvents', (SELECT json_object_agg(severity, n) FROM (
     SELECT e.severity, count(*) AS n FROM adverse_events e JOIN cohort c ON c.id = e.patient_id
     WHERE e.reported_at BETWEEN $1 AND $3 GROUP BY e.severity) x),
  'seriousAdverseEvents', (SELECT count(*) FROM adverse_events e JOIN cohort c ON c.id = e.patient_id
     WHERE e.reported_at BETWEEN $1 AND $3 AND e.serious),
  'gateBlocks', (SELECT json_build_object('evaluations', count(*), 'sessions', count(DISTINCT g.session_id))
     FROM gate_evaluations g JOIN cohort c ON c.id = g.patient_id WHERE g.outcome = 'blocked' AND g.evaluated_at BETWEEN $1 AND $3),
  'gateBlocksByReason', (SELECT json_object_agg(code, n) FROM (
     SELECT r.code, count(*) AS n FROM gate_evaluations g JOIN cohort c ON c.id = g.patient_id
     CROSS JOIN LATERAL (SELECT DISTINCT unnest(g.reason_codes) AS code) r
     WHERE g.outcome = 'blocked' AND g.evaluated_at BETWEEN $1 AND $3 GROUP BY r.code) x),
  'alerts', (SELECT json_agg(x) FROM (
     SELECT code, count(*) AS count, count(*) FILTER (WHERE acknowledged_at IS NULL) AS unacknowledged,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY greatest(minutes, 0)) AS median_minutes,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY greatest(minutes, 0)) AS p90_minutes
     FROM alert_rows GROUP BY code) x),
  'escalations', (SELECT count(*) FROM alert_rows WHERE escalated_at BETWEEN $1 AND $3),
  'patientMonths', (SELECT sum(greatest(0, extract(epoch FROM least(ended, $3) - greatest(first_dose, $1)))) / 86400 / (365.25 / 12) FROM dosed),
  'signals', (SELECT json_object_agg(code, n) FROM (
     SELECT u.code, count(*) AS n FROM onsets o CROSS JOIN LATERAL (SELECT DISTINCT unnest(o.signal_codes) AS code) u
     WHERE o.evaluated_at BETWEEN $1 AND $3 AND NOT (u.code = ANY (coalesce(o.previous, '{}'))) GROUP BY u.code) x),
  'highRisk', (SELECT count(DISTINCT patient_id) FROM onsets WHERE tier = 'high' AND evaluated_at BETWEEN $1 AND $3),
  'holds', (SELECT count(*) FROM alerts a JOIN dosed d ON d.id = a.patient_id WHERE a.holds_dosing AND a.raised_at BETWEEN $1 AND $3),
  'retention', (SELECT json_object_agg(key, json_build_object('eligible', eligible, 'retained', retained)) FROM (
     SELECT m.key, count(*) AS eligible,
       count(*) FILTER (WHERE l.at >= d.first_dose + (m.days - 14) * interval '86400 seconds') AS retained
     FROM dosed d CROSS JOIN milestone m LEFT JOIN last_contact l ON l.patient_id = d.id
     WHERE $3 >= d.first_dose + m.days * interval '86400 seconds' GROUP BY m.key) x),
  'checkIns', (SELECT json_build_object('patients', count(*), 'expected', sum(n), 'received', sum(filled),
     'medianPatientAdherence', percentile_cont(0.5) WITHIN GROUP (ORDER BY filled::float8 / n)) FROM filled),
  'integration', (SELECT json_build_object('scheduled', count(*), 'attended', count(*) FILTER (WHERE a.status = 'completed'))
     FROM appointments a JOIN cohort c ON c.id = a.patient_id
     WHERE a.kind = 'integration' AND a.status IN ('completed', 'missed') AND a.starts_at BETWEEN $1 AND $3)
) AS report`;
