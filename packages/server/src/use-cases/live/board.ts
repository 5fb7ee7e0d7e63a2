// The live session board (docs/live-board.md): every session authorized or in progress for the patients the
// clinician covers at this moment — their own care-team patients, and every patient while they are on call —
// with what the sitter last did, the latest vitals against the hold limits, concerns, adverse events, open alerts,
// and an urgency the board is sorted by (the domain's rule, session/live-board.ts).
import type { BoardRow } from '@keel/contract';
import { boardUrgency, compareBoardRows, effectiveLimits, sitterCheckDue, vitalsOverLimit } from '@keel/domain';
import { writeAuditEntries } from '../../audit/audit-log.ts';
import type { Db } from '../../db/transaction.ts';
import type { UseCase } from '../deps.ts';
import { loadProgramSettings } from '../settings/program-settings.service.ts';
import { planTermsForLimits } from '../treatment/treatment-common.ts';
import { liveStatuses } from './live-events.ts';

export interface Coverage {
  /** On call now: every patient is covered. */
  onCall: boolean;
  /** The clinician's care-team patients. */
  patientIds: ReadonlySet<string>;
}

/** Whom the clinician covers at `now`. */
export async function coverageOf(db: Db, clinicianId: string, now: Date): Promise<Coverage> {
  const [team, shift] = await Promise.all([
    db.selectFrom('care_team_members').select('patient_id').where('user_id', '=', clinicianId).where('member_role', '=', 'clinician').where('unassigned_at', 'is', null).execute(),
    db
      .selectFrom('on_call_shifts')
      .select('id')
      .where('cancelled_at', 'is', null)
      .where('starts_at', '<=', now)
      .where('ends_at', '>', now)
      .where((eb) => eb.or([eb('clinician_id', '=', clinicianId), eb('backup_clinician_id', '=', clinicianId)]))
      .executeTakeFirst(),
  ]);
  return { onCall: shift !== undefined, patientIds: new Set(team.map((t) => t.patient_id)) };
}

export const covers = (c: Coverage, patientId: string): boolean => c.onCall || c.patientIds.has(patientId);

const iso = (d: Date | string): string => new Date(d).toISOString();
const isoOrNull = (d: Date | string | null): string | null => (d === null ? null : iso(d));

function groupBy<T, K>(rows: readonly T[], key: (r: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k) ?? [];
    list.push(r);
    out.set(k, list);
  }
  return out;
}

/** The board, read once: one audit row per patient shown (as the panel does), one for an empty board. */
export async function liveBoard({ deps, ctx }: UseCase, clinicianId: string): Promise<{ now: string; items: BoardRow[] }> {
  const db = deps.database.db;
  const coverage = await coverageOf(db, clinicianId, ctx.now);
  if (!coverage.onCall && coverage.patientIds.size === 0) {
    await writeAuditEntries(db, ctx, [{ action: 'live_board.read', resourceType: 'live_board', outcome: 'success', detail: { shown: 0 } }]);
    return { now: ctx.now.toISOString(), items: [] };
  }
  const sessions = await db
    .selectFrom('dosing_sessions as s')
    .innerJoin('patients as p', 'p.id', 's.patient_id')
    .innerJoin('users as pu', 'pu.id', 'p.user_id')
    .leftJoin('patient_panel_summary as ps', 'ps.patient_id', 'p.id')
    .select(['s.id', 's.patient_id', 's.status', 's.authorized_at', 's.started_at', 'p.name', 'pu.phone', 'ps.evaluated_tier', 'ps.intake_tier'])
    .where('s.status', 'in', [...liveStatuses])
    .$if(!coverage.onCall, (q) => q.where('s.patient_id', 'in', [...coverage.patientIds]))
    .execute();
  const sessionIds = sessions.map((s) => s.id);
  const patientIds = [...new Set(sessions.map((s) => s.patient_id))];
  if (sessionIds.length === 0) {
    await writeAuditEntries(db, ctx, [{ action: 'live_board.read', resourceType: 'live_board', outcome: 'success', detail: { shown: 0 } }]);
    return { now: ctx.now.toISOString(), items: [] };
  }
  const settings = await loadProgramSettings(db);
  const [checks, vitals, concerns, adverse, alerts, sitters, attested, plans] = await Promise.all([
    db.selectFrom('sitter_checks').select(['session_id', (eb) => eb.fn.max('checked_at').as('last')]).where('session_id', 'in', sessionIds).groupBy('session_id').execute(),
    db
      .selectFrom('session_vitals')
      .select(['session_id', 'taken_at', 'seq', 'systolic_mmhg', 'diastolic_mmhg', 'heart_rate_bpm', 'spo2_pct'])
      .where('session_id', 'in', sessionIds)
      .orderBy('taken_at', 'desc')
      .orderBy('seq', 'desc')
      .execute(),
    db.selectFrom('sitter_concerns').select(['session_id', 'raised_at', 'emergency', 'note']).where('session_id', 'in', sessionIds).orderBy('raised_at').execute(),
    db.selectFrom('adverse_events').select(['session_id', 'reported_at', 'severity', 'description']).where('session_id', 'in', sessionIds).orderBy('reported_at').execute(),
    db
      .selectFrom('alerts')
      .select(['id', 'patient_id', 'severity', 'code', 'raised_at'])
      .where('patient_id', 'in', patientIds)
      .where('status', '<>', 'resolved')
      .orderBy('raised_at')
      .execute(),
    db
      .selectFrom('sitter_assignments as a')
      .innerJoin('users as u', 'u.id', 'a.sitter_user_id')
      .select(['a.patient_id', 'u.id', 'u.name', 'u.phone', 'a.accepted_at'])
      .where('a.patient_id', 'in', patientIds)
      .where('a.status', '=', 'active')
      .orderBy('a.accepted_at')
      .execute(),
    db.selectFrom('sitter_attestations').select(['session_id', 'sitter_user_id', 'attested_at']).where('session_id', 'in', sessionIds).orderBy('attested_at', 'desc').execute(),
    db.selectFrom('treatment_plans').select(['id', 'patient_id', 'terms']).where('patient_id', 'in', patientIds).where('status', '=', 'active').execute(),
  ]);
  const lastCheck = new Map(checks.map((c) => [c.session_id, c.last === null ? null : iso(c.last as Date | string)]));
  const latestVitals = new Map<string, (typeof vitals)[number]>();
  for (const v of vitals) if (!latestVitals.has(v.session_id)) latestVitals.set(v.session_id, v);
  const concernsBy = groupBy(concerns, (c) => c.session_id);
  const adverseBy = groupBy(adverse, (a) => a.session_id);
  const alertsBy = groupBy(alerts, (a) => a.patient_id);
  const sittersBy = groupBy(sitters, (s) => s.patient_id);
  const attestedBy = groupBy(attested, (a) => a.session_id);
  const planBy = new Map(plans.map((p) => [p.patient_id, p]));
  const checkRule = settings.monitoring.alerts.sitterChecks;

  const items = sessions.map((s): BoardRow => {
    const hold = effectiveLimits(planTermsForLimits(planBy.get(s.patient_id)), settings.dosing).vitalsHold;
    const holdLimits = { systolicMax: hold.systolicMmHg, diastolicMax: hold.diastolicMmHg, heartRateMax: hold.heartRateBpm, spo2Min: null };
    const v = latestVitals.get(s.id);
    const latest = v ? { at: iso(v.taken_at), systolic: v.systolic_mmhg, diastolic: v.diastolic_mmhg, heartRate: v.heart_rate_bpm, spo2: v.spo2_pct } : null;
    const dosedAt = isoOrNull(s.started_at);
    const due = s.status === 'in_progress' ? sitterCheckDue(dosedAt, lastCheck.get(s.id) ?? null, ctx.now, checkRule) : { nextCheckDueAt: null, overdue: false };
    const openAlerts = (alertsBy.get(s.patient_id) ?? []).map((a) => ({ id: a.id, severity: a.severity, kind: a.code }));
    const sessionConcerns = (concernsBy.get(s.id) ?? []).map((c) => ({ at: iso(c.raised_at), text: c.note ?? (c.emergency ? 'Emergency: the sitter says something is seriously wrong' : 'The sitter says something is wrong') }));
    const riskTier = s.evaluated_tier ?? s.intake_tier ?? null;
    const over = vitalsOverLimit(latest, holdLimits);
    const urgency = boardUrgency({
      checkOverdue: due.overdue,
      concerns: sessionConcerns.length,
      vitalsOverLimit: over,
      urgentAlerts: openAlerts.filter((a) => a.severity === 'high' || a.severity === 'critical').length,
      riskTier,
    });
    // The sitter who attested for this session, else the patient's first active sitter.
    const candidates = sittersBy.get(s.patient_id) ?? [];
    const attestedId = attestedBy.get(s.id)?.[0]?.sitter_user_id;
    const sitter = candidates.find((c) => c.id === attestedId) ?? candidates[0] ?? null;
    return {
      sessionId: s.id,
      patientId: s.patient_id,
      patientName: s.name,
      patientPhone: s.phone,
      sitterName: sitter?.name ?? null,
      sitterPhone: sitter?.phone ?? null,
      status: s.status as BoardRow['status'],
      authorizedAt: isoOrNull(s.authorized_at),
      dosedAt,
      minutesSinceDose: s.started_at === null ? null : Math.max(0, Math.floor((ctx.now.getTime() - new Date(s.started_at).getTime()) / 60_000)),
      lastCheckAt: lastCheck.get(s.id) ?? null,
      nextCheckDueAt: due.nextCheckDueAt,
      checkOverdue: due.overdue,
      latestVitals: latest,
      holdLimits,
      vitalsOverLimit: over,
      concerns: sessionConcerns,
      adverseEvents: (adverseBy.get(s.id) ?? []).map((a) => ({ at: iso(a.reported_at), severity: a.severity, description: a.description })),
      riskTier,
      openAlerts,
      urgency: urgency.urgency,
      urgencyReasons: urgency.reasons,
      coverage: coverage.patientIds.has(s.patient_id) ? 'care_team' : 'on_call',
    };
  });
  items.sort(compareBoardRows);
  await writeAuditEntries(
    db,
    ctx,
    patientIds.sort().map((patientId) => ({ action: 'live_board.read', resourceType: 'live_board', patientId, outcome: 'success' as const, detail: { onCall: coverage.onCall } })),
  );
  return { now: ctx.now.toISOString(), items };
}
