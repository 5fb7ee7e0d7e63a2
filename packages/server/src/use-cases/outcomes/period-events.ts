// The outcomes report's rare period events read straight from their tables (docs/outcomes-report.md, "Scope"): the
// adverse events and alerts a report as of now reads beside each patient's facts (which carry the frequent events:
// doses, gate refusals, integration sessions). The same events the domain's `reportPeriodEvents` picks out of the
// full rows, of the cohort's patients, dated in [from, asOf] as the rows' loader dates them: epoch milliseconds
// rounded half up (`epoch_ms`), so an instant t is in when from − 0.5 ms ≤ t < asOf + 0.5 ms. They are few
// (thousands a year in a large program), so the period's rows are read and the cohort applied here, rather than a
// cohort of a hundred thousand ids sent as a parameter.
import type { AdverseEventSeverity, ReportPeriodEvents } from '@keel/domain';
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/transaction.ts';
import { reportAlert, type AlertRow } from './cohort-records.ts';

export async function loadPeriodEvents(db: Db, ids: readonly string[], fromMs: number, asOfMs: number): Promise<ReportPeriodEvents> {
  if (ids.length === 0) return { adverseEvents: [], alerts: [] };
  const from = new Date(fromMs).toISOString();
  const asOf = new Date(asOfMs).toISOString();
  const within = (column: string): RawBuilder<boolean> =>
    sql<boolean>`${sql.ref(column)} >= ${from}::timestamptz - interval '500 microseconds' AND ${sql.ref(column)} < ${asOf}::timestamptz + interval '500 microseconds'`;
  const ms = (column: string) => sql<number>`epoch_ms(${sql.ref(column)})::float8`;
  const msOrNull = (column: string) => sql<number | null>`epoch_ms(${sql.ref(column)})::float8`;
  const cohort = new Set(ids);

  const [adverse, alerts] = await Promise.all([
    sql<{ id: string; patient_id: string; at: number; severity: AdverseEventSeverity; serious: boolean; kind: string; description: string }>`
      SELECT e.id, e.patient_id, ${ms('e.reported_at')} AS at, e.severity, e.serious, e.kind, e.description
      FROM adverse_events e WHERE ${within('e.reported_at')}
    `.execute(db),
    sql<AlertRow & { patient_id: string }>`
      SELECT a.id, a.patient_id, a.code, ${ms('a.raised_at')} AS raised, ${msOrNull('a.acknowledged_at')} AS acknowledged,
             ${msOrNull('a.escalated_at')} AS escalated, a.holds_dosing, ${msOrNull('a.resolved_at')} AS resolved, a.resolution_action
      FROM alerts a WHERE ${within('a.raised_at')}
    `.execute(db),
  ]);
  return {
    adverseEvents: adverse.rows
      .filter((e) => cohort.has(e.patient_id))
      .map((e) => ({ id: e.id, patientId: e.patient_id, at: e.at, severity: e.severity, serious: e.serious, kind: e.kind, description: e.description })),
    alerts: alerts.rows.filter((a) => cohort.has(a.patient_id)).map((a) => ({ ...reportAlert(a), patientId: a.patient_id })),
  };
}
