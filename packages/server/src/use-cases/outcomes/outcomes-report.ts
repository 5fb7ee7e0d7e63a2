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
  reportFromFacts,
  reportTimes,
  trajectoryPatients,
  wallClock,
  zonedTimeToUtc,
  type OutcomeInstrument,
  type ProgramReport,
  type ProgramReportSettings,
  type TrajectoryScores,
} from '@keel/domain';
import type { OutcomesReportQuery, OutcomesReportResponse } from '@keel/contract';
import { sql } from 'kysely';
import { writeAudit } from '../../audit/audit-log.ts';
import { validationFailed } from '../../http/problem.ts';
import type { Db } from '../../db/transaction.ts';
import type { UseCase } from '../deps.ts';
import { loadProgramSettings } from '../settings/program-settings.service.ts';
import { dosedStatuses, loadCohortRecords, loadCohortScores } from './cohort-records.ts';
import { currentOutcomeFacts } from './outcome-facts.ts';
import { loadPeriodEvents } from './period-events.ts';

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
}

export interface LoadedReport {
  report: ProgramReport;
  /** The cohort in its order (by id); `cohortMembers` names them where a screen or export needs it. */
  patientIds: string[];
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

async function selectCohort(db: Db, query: OutcomesReportQuery, scope: UseCase['ctx'], start: Date, end: Date): Promise<string[]> {
  let q = db
    .selectFrom('patients as p')
    .leftJoin('discharges as d', 'd.patient_id', 'p.id')
    .select('p.id')
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
  if (query.startMonth) {
    // The month (UTC) of the first dose: each patient's earliest authorization, read from their sessions' index.
    const firstDose = sql<Date | null>`(SELECT min(s.authorized_at) FROM dosing_sessions s WHERE s.patient_id = p.id AND s.status IN (${sql.join([...dosedStatuses])}))`;
    q = q.where(sql<string>`to_char(${firstDose} at time zone 'UTC', 'YYYY-MM')`, '=', query.startMonth);
  }
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
  return (await q.orderBy('p.id').execute()).map((r) => r.id);
}

/** The named patients of `ids`, in that order (a drill-down, the de-identified export's state and age band). */
export async function cohortMembers(db: Db, ids: readonly string[]): Promise<CohortMember[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('patients').select(['id', 'name', 'state', 'date_of_birth']).where(sql<boolean>`id = any(${ids}::uuid[])`).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    const dateOfBirth = typeof r.date_of_birth === 'string' ? r.date_of_birth : new Date(r.date_of_birth).toISOString().slice(0, 10);
    return [{ id: r.id, name: r.name, state: r.state, dateOfBirth }];
  });
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

/** The scores of the patients whose trajectory lines are drawn (a few hundred at most), per instrument. */
async function loadTrajectoryScores(db: Db, lines: Record<OutcomeInstrument, string[]>): Promise<TrajectoryScores> {
  const ids = [...new Set([...lines.phq9, ...lines.gad7])];
  const records = await loadCohortScores(db, ids);
  return (patientId, instrument) => records.get(patientId)?.[instrument] ?? [];
}

/**
 * Selects the cohort and computes the report (no audit row: the callers write theirs). A report as of now (its
 * period ends today or later) reads each patient's kept facts (outcome-facts.ts) and the period's events; a report
 * of a past period is computed from every row of the cohort's records, as of its end.
 */
export async function loadOutcomesReport({ deps, ctx }: UseCase, query: OutcomesReportQuery): Promise<LoadedReport> {
  // The replica when there is one (DATABASE_READ_URL): a report of the past, decided on by no rule.
  const db = deps.database.reads.db;
  const settings = await loadProgramSettings(db);
  const timeZone = settings.dosing.compliance.timeZone;
  const period = periodOf(query, ctx.now, timeZone);
  const ids = await selectCohort(db, query, ctx, period.start, period.end);
  const rs = reportSettings(settings);
  const reportPeriod = { from: period.start.toISOString(), to: period.end.toISOString() };
  let report: ProgramReport;
  if (period.end.getTime() >= ctx.now.getTime()) {
    const { asOfMs, fromMs } = reportTimes(reportPeriod, ctx.now);
    const [{ facts }, events] = await Promise.all([
      currentOutcomeFacts(db, deps.database.db, ids, rs, ctx.now),
      loadPeriodEvents(db, ids, fromMs, asOfMs),
    ]);
    const scoresOf = await loadTrajectoryScores(db, trajectoryPatients(facts, asOfMs, rs));
    report = reportFromFacts(facts, events, scoresOf, reportPeriod, ctx.now, rs);
  } else {
    report = programReport(await loadCohortRecords(db, ids), reportPeriod, ctx.now, rs);
  }
  return { report, patientIds: ids, scope: ctx.actorRole === 'admin' ? 'program' : 'my_patients', timeZone, period: { from: period.from, to: period.to } };
}

/** Per-report pseudonyms: P1, P2 … in cohort order (patient ids are random, so the order says nothing). */
export function pseudonyms(patientIds: readonly string[]): Map<string, string> {
  return new Map(patientIds.map((id, i) => [id, `P${i + 1}`]));
}

export function toResponse(loaded: LoadedReport, query: OutcomesReportQuery): OutcomesReportResponse {
  const { report } = loaded;
  const keys = pseudonyms(loaded.patientIds);
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
    figures: { ...report.figures },
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
  // Only the report's own figures: a key such as `constructor` is not one.
  const ids = Object.hasOwn(loaded.report.patientsBehind, figure) ? (loaded.report.patientsBehind[figure] ?? []) : [];
  const members = await cohortMembers(useCase.deps.database.reads.db, ids);
  return { figure, items: members.map((m) => ({ patientId: m.id, name: m.name, state: m.state })) };
}
