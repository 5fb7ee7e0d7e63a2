// Every row of a cohort's records that the outcomes report reads (docs/outcomes-report.md): the report of a past
// period is computed from these, and so are the per-patient facts a report as of now reads (outcome-facts.ts).
import type { ReportAlert, ReportPatient, ReportScore, RiskTier } from '@keel/domain';
import { sql } from 'kysely';
import type { Db } from '../../db/transaction.ts';

/** A session counts as the first dose once authorized, as the per-patient outcomes count it (docs/monitoring.md). */
export const dosedStatuses = ['authorized', 'in_progress', 'completed'] as const;

/** Groups rows by patient id. */
function byPatient<T extends { patient_id: string }>(rows: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const list = map.get(row.patient_id);
    if (list) list.push(row);
    else map.set(row.patient_id, [row]);
  }
  return map;
}

// Each patient's rows of a table arrive as one JSON array (`json_agg`, one row per patient), instants as epoch
// milliseconds (`epoch_ms`): a program's million check-ins and scores become ten thousand rows, parsed natively,
// with no date text to parse. Exact below 2^53 ms.
const ms = (column: string) => sql<number>`epoch_ms(${sql.ref(column)})::float8`;
const msOrNull = (column: string) => sql<number | null>`epoch_ms(${sql.ref(column)})::float8`;
const agg = <T>(expression: ReturnType<typeof sql>) => sql<T[]>`json_agg(${expression})`.as('rows');

/** An alert row as the report reads it (instants as epoch milliseconds). */
export interface AlertRow {
  id: string;
  code: string;
  raised: number;
  acknowledged: number | null;
  escalated: number | null;
  holds_dosing: boolean;
  resolved: number | null;
  resolution_action: string | null;
}

export function reportAlert(a: AlertRow): ReportAlert {
  return {
    id: a.id,
    code: a.code,
    raisedAt: a.raised,
    acknowledgedAt: a.acknowledged,
    escalatedAt: a.escalated,
    holdsDosing: a.holds_dosing,
    resolvedAt: a.resolved,
    resolutionAction: a.resolution_action,
  };
}

/** The PHQ-9 and GAD-7 scores of `ids`, per patient. */
export async function loadCohortScores(db: Db, ids: readonly string[]): Promise<Map<string, Record<'phq9' | 'gad7', ReportScore[]>>> {
  const byPatient = new Map<string, Record<'phq9' | 'gad7', ReportScore[]>>();
  if (ids.length === 0) return byPatient;
  const rows = await db
    .selectFrom('assessments')
    .select(['patient_id', 'instrument', agg<[string, number, number]>(sql`json_build_array(id, total, epoch_ms(submitted_at))`)])
    .where(sql<boolean>`patient_id = any(${ids}::uuid[])`)
    .where('instrument', 'in', ['phq9', 'gad7'])
    .where('total', 'is not', null)
    .groupBy(['patient_id', 'instrument'])
    .execute();
  for (const r of rows) {
    const entry = byPatient.get(r.patient_id) ?? { phq9: [], gad7: [] };
    if (r.instrument === 'phq9' || r.instrument === 'gad7') entry[r.instrument] = r.rows.map(([id, total, at]) => ({ id, at, total }));
    byPatient.set(r.patient_id, entry);
  }
  return byPatient;
}

/**
 * Every row of `ids`' records that the outcomes report reads, one query per table with the patients as one array
 * parameter, in the order of `ids`.
 */
export async function loadCohortRecords(db: Db, ids: readonly string[]): Promise<ReportPatient[]> {
  if (ids.length === 0) return [];
  const inCohort = sql<boolean>`patient_id = any(${ids}::uuid[])`;
  const [firstDoses, scores, sessions, blocks, adverse, alerts, risk, checkIns, integration, discharges] = await Promise.all([
    db
      .selectFrom('dosing_sessions')
      .select(['patient_id', sql<number>`epoch_ms(min(authorized_at))::float8`.as('at')])
      .where(inCohort)
      .where('status', 'in', [...dosedStatuses])
      .groupBy('patient_id')
      .execute(),
    loadCohortScores(db, ids),
    db
      .selectFrom('dosing_sessions')
      .select(['patient_id', agg<[string, number]>(sql`json_build_array(id, epoch_ms(started_at))`)])
      .where(inCohort)
      .where('started_at', 'is not', null)
      .groupBy('patient_id')
      .execute(),
    db
      .selectFrom('gate_evaluations')
      .select(['patient_id', agg<[string, number, string[]]>(sql`json_build_array(session_id, epoch_ms(evaluated_at), reason_codes)`)])
      .where(inCohort)
      .where('outcome', '=', 'blocked')
      .groupBy('patient_id')
      .execute(),
    db.selectFrom('adverse_events').select(['id', 'patient_id', ms('reported_at').as('at'), 'severity', 'serious', 'kind', 'description']).where(inCohort).execute(),
    db
      .selectFrom('alerts')
      .select([
        'id',
        'patient_id',
        'code',
        ms('raised_at').as('raised'),
        msOrNull('acknowledged_at').as('acknowledged'),
        msOrNull('escalated_at').as('escalated'),
        'holds_dosing',
        msOrNull('resolved_at').as('resolved'),
        'resolution_action',
      ])
      .where(inCohort)
      .execute(),
    db
      .selectFrom('risk_evaluations')
      .select(['patient_id', agg<[number, RiskTier, string[]]>(sql`json_build_array(epoch_ms(evaluated_at), tier, signal_codes)`)])
      .where(inCohort)
      .groupBy('patient_id')
      .execute(),
    db.selectFrom('check_ins').select(['patient_id', agg<number>(sql`epoch_ms(submitted_at)`)]).where(inCohort).groupBy('patient_id').execute(),
    db
      .selectFrom('appointments')
      .select(['patient_id', agg<[number, boolean]>(sql`json_build_array(epoch_ms(starts_at), status = 'completed')`)])
      .where(inCohort)
      .where('kind', '=', 'integration')
      .where('status', 'in', ['completed', 'missed'])
      .groupBy('patient_id')
      .execute(),
    db.selectFrom('discharges').select(['patient_id', ms('discharged_at').as('at')]).where(inCohort).execute(),
  ]);
  const rowsOf = <T>(grouped: readonly { patient_id: string; rows: T[] }[]) => new Map(grouped.map((r) => [r.patient_id, r.rows]));
  const sessionsBy = rowsOf(sessions);
  const blocksBy = rowsOf(blocks);
  const riskBy = rowsOf(risk);
  const checkInsBy = rowsOf(checkIns);
  const integrationBy = rowsOf(integration);
  const adverseBy = byPatient(adverse);
  const alertsBy = byPatient(alerts);
  const dischargedAt = new Map(discharges.map((d) => [d.patient_id, d.at]));
  const firstDoseAt = new Map(firstDoses.map((d) => [d.patient_id, d.at]));

  return ids.map(
    (id): ReportPatient => ({
      patientId: id,
      firstDoseAt: firstDoseAt.get(id) ?? null,
      endedAt: dischargedAt.get(id) ?? null,
      scores: scores.get(id) ?? { phq9: [], gad7: [] },
      sessions: (sessionsBy.get(id) ?? []).map(([sessionId, dosedAt]) => ({ id: sessionId, dosedAt })),
      gateBlocks: (blocksBy.get(id) ?? []).map(([sessionId, at, reasonCodes]) => ({ sessionId, at, reasonCodes })),
      adverseEvents: (adverseBy.get(id) ?? []).map((e) => ({
        id: e.id,
        at: e.at,
        severity: e.severity,
        serious: e.serious,
        kind: e.kind,
        description: e.description,
      })),
      alerts: (alertsBy.get(id) ?? []).map(reportAlert),
      riskEvaluations: (riskBy.get(id) ?? []).map(([at, tier, signalCodes]) => ({ at, tier, signalCodes })),
      checkIns: checkInsBy.get(id) ?? [],
      integrationSessions: (integrationBy.get(id) ?? []).map(([at, attended]) => ({ at, attended })),
    }),
  );
}
