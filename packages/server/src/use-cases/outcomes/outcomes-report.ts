// The program outcomes report (docs/outcomes-report.md): selects the cohort (the filter, and for a clinician only
// their own care-team patients), loads each patient's rows in one query per table with the cohort as one array
// parameter, and hands them to the domain's `programReport`. What leaves here is aggregate: patients appear as
// per-report pseudonyms (P1, P2 …); naming them is the drill-down's job, which audits each patient shown.
import {
  DEFAULT_REPORT_CHECKPOINTS,
  DEFAULT_RETENTION_MILESTONES,
  addDays,
  endOfLocalDate,
  programReport,
  wallClock,
  zonedTimeToUtc,
  type ProgramReport,
  type ProgramReportSettings,
  type ReportPatient,
  type ReportScore,
  type RiskTier,
} from '@keel/domain';
import type { OutcomesReportQuery, OutcomesReportResponse } from '@keel/contract';
import { sql } from 'kysely';
import { writeAudit } from '../../audit/audit-log.ts';
import { validationFailed } from '../../http/problem.ts';
import type { Db } from '../../db/transaction.ts';
import type { UseCase } from '../deps.ts';
import { loadProgramSettings } from '../settings/program-settings.service.ts';

/** A session counts as the first dose once authorized, as the per-patient outcomes count it (docs/monitoring.md). */
const dosedStatuses = ['authorized', 'in_progress', 'completed'] as const;
const enrolledStatuses = ['approved', 'active', 'discharged'] as const;

/** Weekly engagement: at least one check-in in each 7-day slot (docs/outcomes-report.md, "Check-in adherence"). */
const CHECK_IN_SLOT_DAYS = 7;
const RETENTION_GRACE_DAYS = 14;
/** The trajectory chart carries at most this many patients' lines (an even sample past it); the figures use all. */
const TRAJECTORY_LINES = 200;

export interface CohortMember {
  id: string;
  name: string;
  state: string;
  dateOfBirth: string;
  firstDoseAt: Date | null;
}

export interface LoadedReport {
  report: ProgramReport;
  members: CohortMember[];
  patients: ReportPatient[];
  scope: 'program' | 'my_patients';
  timeZone: string;
  period: { from: string; to: string };
}

/** The period in program-local calendar days; by default the twelve months up to today. */
function periodOf(query: OutcomesReportQuery, now: Date, timeZone: string): { from: string; to: string; start: Date; end: Date } {
  const today = wallClock(now, timeZone).date;
  const to = query.to ?? today;
  const from = query.from ?? addDays(to, -364);
  // The schema refuses from > to when both are given; a `from` after the default end (today) is refused here.
  if (from > to) throw validationFailed([{ field: 'from', message: `must not be after the end of the period (${to})` }]);
  return { from, to, start: zonedTimeToUtc(from, 0, timeZone), end: endOfLocalDate(to, timeZone) };
}

async function selectCohort(db: Db, query: OutcomesReportQuery, scope: UseCase['ctx'], start: Date, end: Date): Promise<CohortMember[]> {
  const firstDose = db
    .selectFrom('dosing_sessions')
    .select((eb) => ['patient_id', eb.fn.min('authorized_at').as('first_dose')])
    .where('status', 'in', [...dosedStatuses])
    .groupBy('patient_id');
  let q = db
    .selectFrom('patients as p')
    .leftJoin(firstDose.as('fd'), 'fd.patient_id', 'p.id')
    .leftJoin('discharges as d', 'd.patient_id', 'p.id')
    .select(['p.id', 'p.name', 'p.state', 'p.date_of_birth', 'fd.first_dose'])
    .where('p.status', 'in', [...enrolledStatuses])
    .where('p.created_at', '<=', end)
    .where((eb) => eb.or([eb('d.discharged_at', 'is', null), eb('d.discharged_at', '>=', start)]));
  if (scope.actorRole !== 'admin') {
    // A clinician's report covers their own care-team patients only.
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('care_team_members as c')
          .select('c.patient_id')
          .whereRef('c.patient_id', '=', 'p.id')
          .where('c.user_id', '=', scope.actorId ?? '')
          .where('c.unassigned_at', 'is', null),
      ),
    );
  }
  if (query.state) q = q.where('p.state', '=', query.state);
  if (query.startMonth) q = q.where(sql<string>`to_char(fd.first_dose at time zone 'UTC', 'YYYY-MM')`, '=', query.startMonth);
  if (query.clinicianId) {
    const clinicianId = query.clinicianId;
    q = q.where((eb) =>
      eb(
        eb
          .selectFrom('care_team_members as c')
          .select('c.user_id')
          .whereRef('c.patient_id', '=', 'p.id')
          .where('c.member_role', '=', 'clinician')
          .where('c.unassigned_at', 'is', null)
          .orderBy('c.is_primary', 'desc')
          .orderBy('c.assigned_at')
          .limit(1),
        '=',
        clinicianId,
      ),
    );
  }
  if (query.route) {
    const route = query.route;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('treatment_plans as t')
          .select('t.id')
          .whereRef('t.patient_id', '=', 'p.id')
          .where('t.status', '=', 'active')
          .where(sql<string>`t.terms->>'route'`, '=', route),
      ),
    );
  }
  const rows = await q.orderBy('p.id').execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    state: r.state,
    dateOfBirth: typeof r.date_of_birth === 'string' ? r.date_of_birth : new Date(r.date_of_birth).toISOString().slice(0, 10),
    firstDoseAt: r.first_dose ? new Date(r.first_dose) : null,
  }));
}

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

async function loadPatients(db: Db, members: readonly CohortMember[]): Promise<ReportPatient[]> {
  const ids = members.map((m) => m.id);
  if (ids.length === 0) return [];
  const inCohort = sql<boolean>`patient_id = any(${ids}::uuid[])`;
  const [scores, sessions, blocks, adverse, alerts, risk, checkIns, integration, discharges] = await Promise.all([
    db
      .selectFrom('assessments')
      .select(['patient_id', 'instrument', agg<[string, number, number]>(sql`json_build_array(id, total, epoch_ms(submitted_at))`)])
      .where(inCohort)
      .where('instrument', 'in', ['phq9', 'gad7'])
      .where('total', 'is not', null)
      .groupBy(['patient_id', 'instrument'])
      .execute(),
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
  const phq9By = new Map(scores.filter((r) => r.instrument === 'phq9').map((r) => [r.patient_id, r.rows]));
  const gad7By = new Map(scores.filter((r) => r.instrument === 'gad7').map((r) => [r.patient_id, r.rows]));
  const rowsOf = <T>(grouped: readonly { patient_id: string; rows: T[] }[]) => new Map(grouped.map((r) => [r.patient_id, r.rows]));
  const sessionsBy = rowsOf(sessions);
  const blocksBy = rowsOf(blocks);
  const riskBy = rowsOf(risk);
  const checkInsBy = rowsOf(checkIns);
  const integrationBy = rowsOf(integration);
  const adverseBy = byPatient(adverse);
  const alertsBy = byPatient(alerts);
  const dischargedAt = new Map(discharges.map((d) => [d.patient_id, d.at]));
  const series = (rows: [string, number, number][] | undefined): ReportScore[] => (rows ?? []).map(([id, total, at]) => ({ id, at, total }));

  return members.map(
    (m): ReportPatient => ({
      patientId: m.id,
      firstDoseAt: m.firstDoseAt?.getTime() ?? null,
      endedAt: dischargedAt.get(m.id) ?? null,
      scores: { phq9: series(phq9By.get(m.id)), gad7: series(gad7By.get(m.id)) },
      sessions: (sessionsBy.get(m.id) ?? []).map(([id, dosedAt]) => ({ id, dosedAt })),
      gateBlocks: (blocksBy.get(m.id) ?? []).map(([sessionId, at, reasonCodes]) => ({ sessionId, at, reasonCodes })),
      adverseEvents: (adverseBy.get(m.id) ?? []).map((e) => ({
        id: e.id,
        at: e.at,
        severity: e.severity,
        serious: e.serious,
        kind: e.kind,
        description: e.description,
      })),
      alerts: (alertsBy.get(m.id) ?? []).map((a) => ({
        id: a.id,
        code: a.code,
        raisedAt: a.raised,
        acknowledgedAt: a.acknowledged,
        escalatedAt: a.escalated,
        holdsDosing: a.holds_dosing,
        resolvedAt: a.resolved,
        resolutionAction: a.resolution_action,
      })),
      riskEvaluations: (riskBy.get(m.id) ?? []).map(([at, tier, signalCodes]) => ({ at, tier, signalCodes })),
      checkIns: checkInsBy.get(m.id) ?? [],
      integrationSessions: (integrationBy.get(m.id) ?? []).map(([at, attended]) => ({ at, attended })),
    }),
  );
}

export function reportSettings(settings: Awaited<ReturnType<typeof loadProgramSettings>>): ProgramReportSettings {
  return {
    outcomes: settings.monitoring.outcomes,
    checkpoints: DEFAULT_REPORT_CHECKPOINTS,
    retention: DEFAULT_RETENTION_MILESTONES,
    retentionGraceDays: RETENTION_GRACE_DAYS,
    checkInEveryDays: CHECK_IN_SLOT_DAYS,
    trajectoryLines: TRAJECTORY_LINES,
  };
}

/** Selects and loads the cohort and computes the report (no audit row: the callers write theirs). */
export async function loadOutcomesReport({ deps, ctx }: UseCase, query: OutcomesReportQuery): Promise<LoadedReport> {
  // The replica when there is one (DATABASE_READ_URL): a report of the past, decided on by no rule.
  const db = deps.database.reads.db;
  const settings = await loadProgramSettings(db);
  const timeZone = settings.dosing.compliance.timeZone;
  const period = periodOf(query, ctx.now, timeZone);
  const members = await selectCohort(db, query, ctx, period.start, period.end);
  const patients = await loadPatients(db, members);
  const report = programReport(patients, { from: period.start.toISOString(), to: period.end.toISOString() }, ctx.now, reportSettings(settings));
  return { report, members, patients, scope: ctx.actorRole === 'admin' ? 'program' : 'my_patients', timeZone, period: { from: period.from, to: period.to } };
}

/** Per-report pseudonyms: P1, P2 … in cohort order (patient ids are random, so the order says nothing). */
export function pseudonyms(members: readonly CohortMember[]): Map<string, string> {
  return new Map(members.map((m, i) => [m.id, `P${i + 1}`]));
}

export function toResponse(loaded: LoadedReport, query: OutcomesReportQuery): OutcomesReportResponse {
  const { report } = loaded;
  const keys = pseudonyms(loaded.members);
  const key = (patientId: string) => keys.get(patientId) ?? '?';
  const instrument = (i: ProgramReport['severity']['phq9']) => ({
    ...i,
    checkpoints: [...i.checkpoints],
    trajectories: i.trajectories.map((t) => ({ key: key(t.patientId), points: [...t.points] })),
    timeToResponse: { ...i.timeToResponse, steps: [...i.timeToResponse.steps] },
  });
  return {
    asOf: report.asOf,
    period: loaded.period,
    filters: {
      startMonth: query.startMonth ?? null,
      state: query.state ?? null,
      clinicianId: query.clinicianId ?? null,
      route: query.route ?? null,
    },
    scope: loaded.scope,
    cohort: report.cohort,
    severity: { phq9: instrument(report.severity.phq9), gad7: instrument(report.severity.gad7) },
    safety: {
      ...report.safety,
      adverseEvents: [...report.safety.adverseEvents],
      seriousAdverseEvents: report.safety.seriousAdverseEvents.map((e) => ({
        at: e.at,
        severity: e.severity,
        kind: e.kind,
        description: e.description,
        patientKey: key(e.patientId),
      })),
      gateBlocks: { ...report.safety.gateBlocks, byReason: [...report.safety.gateBlocks.byReason] },
      alerts: [...report.safety.alerts],
    },
    dependence: { ...report.dependence, signals: [...report.dependence.signals], holds: { ...report.dependence.holds, byOutcome: [...report.dependence.holds.byOutcome] } },
    engagement: { ...report.engagement, retention: [...report.engagement.retention] },
    figures: Object.fromEntries(Object.entries(report.patientsBehind).map(([figure, ids]) => [figure, ids.length])),
  };
}

/** The report as JSON for the screens; one audit row with the filter (aggregate figures name no patient). */
export async function outcomesReport(useCase: UseCase, query: OutcomesReportQuery): Promise<OutcomesReportResponse> {
  const loaded = await loadOutcomesReport(useCase, query);
  await writeAudit(useCase.deps.database.db, useCase.ctx, {
    action: 'outcomes_report.read',
    resourceType: 'program_outcomes',
    outcome: 'success',
    detail: { query, scope: loaded.scope, patients: loaded.report.cohort.patients },
  });
  return toResponse(loaded, query);
}

/** The patients behind one figure, named (the screens' drill-down); the route audits each patient shown. */
export async function outcomesDrillDown(useCase: UseCase, query: OutcomesReportQuery & { figure: string }) {
  const { figure, ...filter } = query;
  const loaded = await loadOutcomesReport(useCase, filter);
  const ids = new Set(loaded.report.patientsBehind[figure] ?? []);
  return {
    figure,
    items: loaded.members.filter((m) => ids.has(m.id)).map((m) => ({ patientId: m.id, name: m.name, state: m.state })),
  };
}
