import { sql, type QueryCreator, type RawBuilder } from 'kysely';
import type { PanelRow } from '@keel/contract';
import { countOverdueAssessments } from '@keel/domain';
import { writeAuditAlone } from '../../audit/audit-log.ts';
import type { Database, Role } from '../../db/schema.ts';
import { executePrepared } from '../../db/prepared.ts';
import { validationFailed } from '../../http/problem.ts';
import { loadStoredProgramSettings, type ProgramSettings } from '../settings/program-settings.service.ts';
import { rememberSettings, settingsSeen } from '../settings/settings-seen.ts';
import type { UseCase } from '../deps.ts';
import { decodeOffset, nextOffsetCursor } from './pagination.ts';
import { phaseOf } from './schedule.ts';
import { complianceSummaries } from '../compliance/compliance-status.ts';

export type PanelSort = 'name' | 'risk' | 'alerts' | 'phq9' | 'nextSession';
export interface PanelQuery {
  limit: number;
  cursor?: string | undefined;
  sort: PanelSort;
  risk?: 'low' | 'elevated' | 'high' | undefined;
  alert?: 'any' | 'none' | 'critical' | 'high' | 'moderate' | 'low' | undefined;
}

// Instants come back as epoch milliseconds (a JS number): 500 rows of ten timestamps parsed into Dates and formatted
// back into strings for the schedule rule were most of the panel's CPU time (docs/perf.md). date_part is float8
// arithmetic (extract() is numeric, measurably slower over 5,000 values). Instants the application writes are whole
// milliseconds, which rounding recovers exactly; any other is within half a millisecond.
const epochMs = (expression: RawBuilder<unknown>) => sql<number | null>`round(date_part('epoch', ${expression}) * 1000)`;
const isoOfMs = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * The caller's panel in ONE query: the care-team index gives the patients, each joined by primary key to its
 * `patient_panel_summary` row (maintained on write by the database, migrations/0008-panel-summary.ts): tiers, open
 * alerts by severity, latest and baseline PHQ-9, the next scheduled session and the schedule facts. Two facts
 * depend on the clock and are looked up live, only where needed: the next session when the earliest scheduled one
 * has already passed, and the last check-in when the patient's phase has a check-in cadence. The overdue count is
 * computed from the facts by the domain rule, per row, as the schedule route does.
 */
export function panelSql(db: QueryCreator<Database>, userId: string, now: Date, checkinPhases: readonly string[] | 'all') {
  return db
    .selectFrom('care_team_members as c')
    .innerJoin('patients as p', 'p.id', 'c.patient_id')
    .leftJoin('patient_panel_summary as s', 's.patient_id', 'p.id')
    .select([
      'p.id',
      'p.name',
      'p.status',
      's.evaluated_tier',
      's.intake_tier',
      's.alerts_critical as critical',
      's.alerts_high as high',
      's.alerts_moderate as moderate',
      's.alerts_low as low',
      's.phq9_latest',
      's.phq9_baseline',
      epochMs(sql`s.phq9_latest_at`).as('phq9_latest_at'),
      epochMs(sql`CASE WHEN s.next_scheduled_at IS NULL OR s.next_scheduled_at >= ${now} THEN s.next_scheduled_at
        ELSE (SELECT min(ns.scheduled_for) FROM dosing_sessions ns
              WHERE ns.patient_id = p.id AND ns.status = 'scheduled' AND ns.scheduled_for >= ${now}) END`).as('next_session_at'),
      epochMs(
        checkinPhases === 'all'
          ? sql`(SELECT max(ci.submitted_at) FROM check_ins ci WHERE ci.patient_id = p.id)`
          : sql`CASE WHEN s.phase = ANY(${[...checkinPhases]}::text[])
              THEN (SELECT max(ci.submitted_at) FROM check_ins ci WHERE ci.patient_id = p.id) END`,
      ).as('last_checkin'),
      epochMs(sql`s.last_phq9`).as('last_phq9'),
      epochMs(sql`s.last_gad7`).as('last_gad7'),
      epochMs(sql`s.last_audit_c`).as('last_audit_c'),
      epochMs(sql`s.last_dast10`).as('last_dast10'),
      epochMs(sql`s.last_bladder`).as('last_bladder'),
      epochMs(sql`s.last_cssrs`).as('last_cssrs'),
      epochMs(sql`s.last_item9_positive`).as('last_item9_positive'),
      's.phase',
      epochMs(sql`p.created_at`).as('enrolled_at'),
      sql<number>`(SELECT coalesce((SELECT ps.version FROM program_settings ps WHERE ps.id = 1), 0))`.as('settings_version'),
    ])
    .where('c.user_id', '=', userId)
    .where('c.unassigned_at', 'is', null);
}

const alertTotal = sql<number>`(coalesce(s.alerts_critical, 0) + coalesce(s.alerts_high, 0) + coalesce(s.alerts_moderate, 0) + coalesce(s.alerts_low, 0))`;

export const tierRank = sql<number>`CASE coalesce(s.evaluated_tier, s.intake_tier) WHEN 'high' THEN 2 WHEN 'elevated' THEN 1 WHEN 'low' THEN 0 ELSE -1 END`;

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
  const read = async (settings: ProgramSettings) => {
    let q = panelSql(db, viewer.userId, ctx.now, settings.monitoring.cadence.recurring.checkin.phases);
    if (query.risk) q = q.where(sql<boolean>`coalesce(s.evaluated_tier, s.intake_tier) = ${query.risk}`);
    switch (query.alert) {
      case undefined:
        break;
      case 'any':
        q = q.where(alertTotal, '>', 0);
        break;
      case 'none':
        q = q.where(alertTotal, '=', 0);
        break;
      case 'critical':
      case 'high':
      case 'moderate':
      case 'low':
        q = q.where(`s.alerts_${query.alert}`, '>', 0);
        break;
    }
    switch (sort) {
      case 'name':
        break;
      case 'risk':
        q = q.orderBy(tierRank, 'desc');
        break;
      case 'alerts':
        q = q
          .orderBy(sql`coalesce(s.alerts_critical, 0)`, 'desc')
          .orderBy(sql`coalesce(s.alerts_high, 0)`, 'desc')
          .orderBy(sql`coalesce(s.alerts_moderate, 0)`, 'desc')
          .orderBy(sql`coalesce(s.alerts_low, 0)`, 'desc');
        break;
      case 'phq9':
        q = q.orderBy(sql`s.phq9_latest DESC NULLS LAST`);
        break;
      case 'nextSession':
        q = q.orderBy(sql`next_session_at ASC NULLS LAST`);
        break;
    }
    // The replica when there is one (DATABASE_READ_URL): the panel is a view, not a decision.
    return executePrepared(deps.database.reads, q.orderBy('p.name').orderBy('p.id').limit(query.limit + 1).offset(offset).compile());
  };
  const seen = settingsSeen(deps.database);
  let settings = seen.settings;
  let rows = await read(settings);
  const version = rows[0]?.settings_version ?? seen.version;
  if (version !== seen.version) {
    const stored = await loadStoredProgramSettings(db);
    rememberSettings(deps.database, stored.version, stored.settings);
    settings = stored.settings;
    rows = await read(settings);
  }
  const page = rows.slice(0, query.limit);
  // One row for the page, in the system chain, naming every patient shown (in the order shown): each of them is a
  // read of that patient's data, and their access log finds it by `patient_ids` (docs/security.md). One sealed row
  // and one chain head instead of one per patient: the 500-row page wrote 500 (docs/perf.md).
  await writeAuditAlone(deps.database, ctx, {
    action: 'panel.read',
    resourceType: 'panel',
    patientIds: page.map((r) => r.id),
    outcome: 'success',
    detail: { sort, limit: query.limit, offset, shown: page.length },
  });
  // Prescribing compliance per row, in two batched statements (clinicians only: coaches see no prescribing records).
  const compliance = clinical ? await complianceSummaries(deps.database.reads, page.map((r) => r.id), settings.dosing, ctx.now) : null;
  const items = page.map((r): PanelRow => {
    const tier = r.evaluated_tier ?? r.intake_tier ?? null;
    const latest = r.phq9_latest === null || r.phq9_latest === undefined ? null : Number(r.phq9_latest);
    const baseline = r.phq9_baseline === null || r.phq9_baseline === undefined ? null : Number(r.phq9_baseline);
    const overdue = clinical
      ? countOverdueAssessments({
          phase: phaseOf(r.phase),
          enrolledMs: r.enrolled_at,
          lastCompletedMs: {
            checkin: r.last_checkin,
            phq9: r.last_phq9,
            gad7: r.last_gad7,
            'audit-c': r.last_audit_c,
            dast10: r.last_dast10,
            bladder: r.last_bladder,
            'cssrs-screen': r.last_cssrs,
          },
          lastPhq9Item9Positive: r.last_item9_positive === null ? undefined : { atMs: r.last_item9_positive, cssrsAfterMs: null },
          nowMs: ctx.now.getTime(),
          cadence: settings.monitoring.cadence,
        })
      : null;
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
        total: Number(r.critical ?? 0) + Number(r.high ?? 0) + Number(r.moderate ?? 0) + Number(r.low ?? 0),
      },
      phq9:
        latest === null || r.phq9_latest_at === null
          ? null
          : {
              latest,
              latestAt: new Date(r.phq9_latest_at).toISOString(),
              baseline,
              change: baseline === null ? null : latest - baseline,
            },
      nextSessionAt: clinical ? isoOfMs(r.next_session_at) : null,
      overdueAssessments: overdue,
      compliance: compliance ? (compliance.get(r.id) ?? { status: 'blocked', reasonCodes: ['PRESCRIBING_PATHWAY_MISSING'] }) : null,
    };
  });
  return { items, nextCursor: nextOffsetCursor(offset, rows.length, query.limit) };
}
