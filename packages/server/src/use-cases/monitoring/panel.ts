import { sql } from 'kysely';
import type { PanelRow } from '@keel/contract';
import { writeAudit } from '../../audit/audit-log.ts';
import type { Role } from '../../db/schema.ts';
import type { Db } from '../../db/transaction.ts';
import { validationFailed } from '../../http/problem.ts';
import { loadProgramSettings } from '../settings/program-settings.service.ts';
import type { UseCase } from '../deps.ts';
import { decodeOffset, nextOffsetCursor } from './pagination.ts';
import { dueFromFacts, scheduleFactColumns } from './schedule.ts';

export type PanelSort = 'name' | 'risk' | 'alerts' | 'phq9' | 'nextSession';
export interface PanelQuery {
  limit: number;
  cursor?: string | undefined;
  sort: PanelSort;
  risk?: 'low' | 'elevated' | 'high' | undefined;
  alert?: 'any' | 'none' | 'critical' | 'high' | 'moderate' | 'low' | undefined;
}

const dosedStatuses = ['authorized', 'in_progress', 'completed'] as const;

/**
 * The caller's panel in ONE query: the care-team index gives the patients, then per patient a handful of index
 * lookups (LATERAL joins and scalar subqueries, each on a (patient_id, …) index): open alerts by severity, latest
 * PHQ-9, the first dose and the baseline before it, the next session, and the schedule facts the overdue count is
 * computed from (by the domain rule, per row, so the panel and the schedule never disagree).
 */
export function panelSql(db: Db, userId: string, now: Date) {
  return db
    .selectFrom('care_team_members as c')
    .innerJoin('patients as p', 'p.id', 'c.patient_id')
    .leftJoin('patient_risk as pr', 'pr.patient_id', 'p.id')
    .leftJoin('intakes as i', 'i.patient_id', 'p.id')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('alerts as a')
          .select((s) => [
            s.fn.countAll<number>().filterWhere('a.severity', '=', 'critical').as('critical'),
            s.fn.countAll<number>().filterWhere('a.severity', '=', 'high').as('high'),
            s.fn.countAll<number>().filterWhere('a.severity', '=', 'moderate').as('moderate'),
            s.fn.countAll<number>().filterWhere('a.severity', '=', 'low').as('low'),
            s.fn.countAll<number>().as('total'),
          ])
          .whereRef('a.patient_id', '=', 'p.id')
          .where('a.status', '<>', 'resolved')
          .as('al'),
      (join) => join.onTrue(),
    )
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('assessments as lp')
          .select(['lp.total', 'lp.submitted_at'])
          .whereRef('lp.patient_id', '=', 'p.id')
          .where('lp.instrument', '=', 'phq9')
          .where('lp.total', 'is not', null)
          .orderBy('lp.submitted_at', 'desc')
          .limit(1)
          .as('lp'),
      (join) => join.onTrue(),
    )
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('dosing_sessions as fd')
          .select((s) => s.fn.min('fd.authorized_at').as('first'))
          .whereRef('fd.patient_id', '=', 'p.id')
          .where('fd.authorized_at', 'is not', null)
          .where('fd.status', 'in', [...dosedStatuses])
          .as('fd'),
      (join) => join.onTrue(),
    )
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('assessments as bp')
          .select('bp.total')
          .whereRef('bp.patient_id', '=', 'p.id')
          .where('bp.instrument', '=', 'phq9')
          .where('bp.total', 'is not', null)
          .whereRef('bp.submitted_at', '<', 'fd.first')
          .orderBy('bp.submitted_at', 'desc')
          .limit(1)
          .as('bp'),
      (join) => join.onTrue(),
    )
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('dosing_sessions as ns')
          .select((s) => s.fn.min('ns.scheduled_for').as('at'))
          .whereRef('ns.patient_id', '=', 'p.id')
          .where('ns.status', '=', 'scheduled')
          .where('ns.scheduled_for', '>=', now)
          .as('ns'),
      (join) => join.onTrue(),
    )
    .select((eb) => [
      'p.id',
      'p.name',
      'p.status',
      'pr.tier as evaluated_tier',
      'i.risk_tier as intake_tier',
      'al.critical',
      'al.high',
      'al.moderate',
      'al.low',
      'al.total as alert_total',
      'lp.total as phq9_latest',
      'lp.submitted_at as phq9_latest_at',
      'bp.total as phq9_baseline',
      'ns.at as next_session_at',
      ...scheduleFactColumns(eb),
    ])
    .where('c.user_id', '=', userId)
    .where('c.unassigned_at', 'is', null);
}

const tierRank = sql<number>`CASE coalesce(pr.tier, i.risk_tier) WHEN 'high' THEN 2 WHEN 'elevated' THEN 1 WHEN 'low' THEN 0 ELSE -1 END`;

export async function clinicianPanel(
  { deps, ctx }: UseCase,
  viewer: { userId: string; role: Role },
  query: PanelQuery,
): Promise<{ items: PanelRow[]; nextCursor: string | null }> {
  const db = deps.database.db;
  const offset = decodeOffset(query.cursor);
  // Coaches see integration data and outcome summaries, not risk tiers, sessions or the assessment schedule
  // (access policy): those columns are null for them, and they cannot sort or filter by them.
  const clinical = viewer.role === 'clinician';
  if (!clinical && query.risk !== undefined) {
    throw validationFailed([{ field: 'risk', message: 'risk tiers are visible to clinicians only' }]);
  }
  const sort: PanelSort = !clinical && (query.sort === 'risk' || query.sort === 'nextSession') ? 'name' : query.sort;
  const settings = await loadProgramSettings(db);

  let q = panelSql(db, viewer.userId, ctx.now);
  if (query.risk) q = q.where(sql<boolean>`coalesce(pr.tier, i.risk_tier) = ${query.risk}`);
  switch (query.alert) {
    case undefined:
      break;
    case 'any':
      q = q.where('al.total', '>', 0);
      break;
    case 'none':
      q = q.where('al.total', '=', 0);
      break;
    case 'critical':
    case 'high':
    case 'moderate':
    case 'low':
      q = q.where(`al.${query.alert}`, '>', 0);
      break;
  }
  switch (sort) {
    case 'name':
      break;
    case 'risk':
      q = q.orderBy(tierRank, 'desc');
      break;
    case 'alerts':
      q = q.orderBy('al.critical', 'desc').orderBy('al.high', 'desc').orderBy('al.moderate', 'desc').orderBy('al.low', 'desc');
      break;
    case 'phq9':
      q = q.orderBy(sql`lp.total DESC NULLS LAST`);
      break;
    case 'nextSession':
      q = q.orderBy(sql`ns.at ASC NULLS LAST`);
      break;
  }
  const rows = await q.orderBy('p.name').orderBy('p.id').limit(query.limit + 1).offset(offset).execute();
  const page = rows.slice(0, query.limit);
  await writeAudit(db, ctx, {
    action: 'panel.read',
    resourceType: 'panel',
    outcome: 'success',
    detail: { sort, count: page.length },
  });
  const items = page.map((r): PanelRow => {
    const tier = r.evaluated_tier ?? r.intake_tier ?? null;
    const latest = r.phq9_latest === null || r.phq9_latest === undefined ? null : Number(r.phq9_latest);
    const baseline = r.phq9_baseline === null || r.phq9_baseline === undefined ? null : Number(r.phq9_baseline);
    const overdue = clinical ? dueFromFacts(r, ctx.now, settings.monitoring.cadence).filter((d) => d.status === 'overdue').length : null;
    return {
      patientId: r.id,
      name: r.name,
      status: r.status,
      riskTier: clinical ? tier : null,
      riskSource: !clinical || tier === null ? 'none' : r.evaluated_tier ? 'evaluation' : 'intake',
      openAlerts: {
        critical: Number(r.critical ?? 0),
        high: Number(r.high ?? 0),
        moderate: Number(r.moderate ?? 0),
        low: Number(r.low ?? 0),
        total: Number(r.alert_total ?? 0),
      },
      phq9:
        latest === null || !r.phq9_latest_at
          ? null
          : {
              latest,
              latestAt: new Date(r.phq9_latest_at).toISOString(),
              baseline,
              change: baseline === null ? null : latest - baseline,
            },
      nextSessionAt: clinical && r.next_session_at ? new Date(r.next_session_at).toISOString() : null,
      overdueAssessments: overdue,
    };
  });
  return { items, nextCursor: nextOffsetCursor(offset, rows.length, query.limit) };
}
