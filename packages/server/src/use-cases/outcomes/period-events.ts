// The outcomes report's period events read straight from their tables (docs/outcomes-report.md, "Scope"): what a
// report as of now reads beside each patient's facts. The same events the domain's `reportPeriodEvents` picks out of
// the full rows, of the cohort's patients, dated in [from, asOf] as the rows' loader dates them: epoch milliseconds
// rounded half up (`epoch_ms`), so an instant t is in when from − 0.5 ms ≤ t < asOf + 0.5 ms, a range each table's
// time index can serve. The frequent events are counted here, with the patients behind each count.
import type { AdverseEventSeverity, ReportPeriodEvents } from '@keel/domain';
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/transaction.ts';
import { reportAlert, type AlertRow } from './cohort-records.ts';

export async function loadPeriodEvents(db: Db, ids: readonly string[], fromMs: number, asOfMs: number): Promise<ReportPeriodEvents> {
  const none: ReportPeriodEvents = {
    sessionsDosed: 0,
    adverseEvents: [],
    gateBlocks: { evaluations: 0, sessions: 0, patientIds: [], byReason: [] },
    alerts: [],
    integration: { attended: 0, missed: 0, missedBy: [] },
  };
  if (ids.length === 0) return none;
  // The cohort as a relation the planner hashes once (a join, not a search of the array per row).
  const cohort = sql`unnest(${ids}::uuid[]) AS cohort(id)`;
  const from = new Date(fromMs).toISOString();
  const asOf = new Date(asOfMs).toISOString();
  const within = (column: string): RawBuilder<boolean> =>
    sql<boolean>`${sql.ref(column)} >= ${from}::timestamptz - interval '500 microseconds' AND ${sql.ref(column)} < ${asOf}::timestamptz + interval '500 microseconds'`;
  const ms = (column: string) => sql<number>`epoch_ms(${sql.ref(column)})::float8`;
  // The patients behind a count as one comma-separated text (tens of thousands of ids parse far faster than an array).
  const ids_ = (column: string) => sql<string>`coalesce(string_agg(DISTINCT ${sql.ref(column)}::text, ','), '')`;
  const split = (list: string | undefined): string[] => (list ? list.split(',') : []);
  const msOrNull = (column: string) => sql<number | null>`epoch_ms(${sql.ref(column)})::float8`;

  const [sessions, adverse, blocks, reasons, alerts, integration] = await Promise.all([
    sql<{ n: number }>`
      SELECT count(*)::int AS n FROM dosing_sessions s JOIN ${cohort} ON cohort.id = s.patient_id
      WHERE s.started_at IS NOT NULL AND ${within('s.started_at')}
    `.execute(db),
    sql<{ id: string; patient_id: string; at: number; severity: AdverseEventSeverity; serious: boolean; kind: string; description: string }>`
      SELECT e.id, e.patient_id, ${ms('e.reported_at')} AS at, e.severity, e.serious, e.kind, e.description
      FROM adverse_events e JOIN ${cohort} ON cohort.id = e.patient_id
      WHERE ${within('e.reported_at')}
    `.execute(db),
    sql<{ evaluations: number; sessions: number; patient_ids: string }>`
      SELECT count(*)::int AS evaluations, count(DISTINCT g.session_id)::int AS sessions, ${ids_('g.patient_id')} AS patient_ids
      FROM gate_evaluations g JOIN ${cohort} ON cohort.id = g.patient_id
      WHERE g.outcome = 'blocked' AND ${within('g.evaluated_at')}
    `.execute(db),
    // A reason named twice in one evaluation counts once, as the domain reads it.
    sql<{ code: string; count: number; patient_ids: string }>`
      SELECT r.code, count(*)::int AS count, ${ids_('g.patient_id')} AS patient_ids
      FROM gate_evaluations g JOIN ${cohort} ON cohort.id = g.patient_id
      CROSS JOIN LATERAL (SELECT DISTINCT code FROM unnest(g.reason_codes) AS code) r
      WHERE g.outcome = 'blocked' AND ${within('g.evaluated_at')}
      GROUP BY r.code
    `.execute(db),
    sql<AlertRow & { patient_id: string }>`
      SELECT a.id, a.patient_id, a.code, ${ms('a.raised_at')} AS raised, ${msOrNull('a.acknowledged_at')} AS acknowledged,
             ${msOrNull('a.escalated_at')} AS escalated, a.holds_dosing, ${msOrNull('a.resolved_at')} AS resolved, a.resolution_action
      FROM alerts a JOIN ${cohort} ON cohort.id = a.patient_id
      WHERE ${within('a.raised_at')}
    `.execute(db),
    sql<{ attended: number; missed: number; missed_by: string }>`
      SELECT count(*) FILTER (WHERE a.status = 'completed')::int AS attended, count(*) FILTER (WHERE a.status = 'missed')::int AS missed,
             coalesce(string_agg(DISTINCT a.patient_id::text, ',') FILTER (WHERE a.status = 'missed'), '') AS missed_by
      FROM appointments a JOIN ${cohort} ON cohort.id = a.patient_id
      WHERE a.kind = 'integration' AND a.status IN ('completed', 'missed') AND ${within('a.starts_at')}
    `.execute(db),
  ]);
  const block = blocks.rows[0];
  const visits = integration.rows[0];
  return {
    sessionsDosed: sessions.rows[0]?.n ?? 0,
    adverseEvents: adverse.rows.map((e) => ({
      id: e.id,
      patientId: e.patient_id,
      at: e.at,
      severity: e.severity,
      serious: e.serious,
      kind: e.kind,
      description: e.description,
    })),
    gateBlocks: {
      evaluations: block?.evaluations ?? 0,
      sessions: block?.sessions ?? 0,
      patientIds: split(block?.patient_ids),
      byReason: reasons.rows.map((r) => ({ code: r.code, count: r.count, patientIds: split(r.patient_ids) })),
    },
    alerts: alerts.rows.map((a) => ({ ...reportAlert(a), patientId: a.patient_id })),
    integration: { attended: visits?.attended ?? 0, missed: visits?.missed ?? 0, missedBy: split(visits?.missed_by) },
  };
}
