// At-home dosing sessions: scheduled → authorized → in progress (the dose) → completed, or expired / aborted
// (docs/treatment.md, "The session lifecycle"). Booking is checked against the pace limits; the gate inputs (sitter
// attestation, pre-dose vitals, checklist) are recorded before the dose (and may be refreshed while an
// authorization is open, for the start check); the sitter's 15-minute checks, later vitals, adverse events and
// concerns during it. The moves after authorization live in session-transitions.ts.
import {
  alertsForEvent,
  checkBooking,
  doseTimesForPacing,
  effectiveLimits,
  validateVitalsReading,
  type SessionPacingRecord,
} from '@keel/domain';
import { sql } from 'kysely';
import { writeAudit } from '../../audit/audit-log.ts';
import { inTransaction, type Db, type Tx } from '../../db/transaction.ts';
import { AppError, notFound, validationFailed } from '../../http/problem.ts';
import { alertOwner, raiseAlerts } from '../alerts/raise-alerts.ts';
import { recordLiveEvent } from '../live/live-events.ts';
import { boardLink, notifyOnCall } from '../on-call/routing.ts';
import type { UseCase } from '../deps.ts';
import { reevaluateWarningSigns } from '../monitoring/risk-evaluation.ts';
import { loadProgramSettings } from '../settings/program-settings.service.ts';
import { completionDecision, expireLapsedAuthorizations } from './session-transitions.ts';
import { activePlan, iso, isoOrNull, lockPatient, lockPatientShared, planTermsForLimits } from './treatment-common.ts';

export const EMERGENCY_GUIDANCE =
  'Call 911 now if the person cannot be woken, is not breathing normally, has chest pain, a seizure, a sudden severe headache or trouble breathing. Stay with them, keep them on their side, and record what happened afterwards.';

type SessionRow = Awaited<ReturnType<typeof sessionRows>>[number];
async function sessionRows(db: Db, patientId: string, sessionId?: string) {
  let q = db.selectFrom('dosing_sessions').selectAll().where('patient_id', '=', patientId);
  if (sessionId !== undefined) q = q.where('id', '=', sessionId);
  return q.orderBy('scheduled_for', 'desc').execute();
}

async function evaluationsBySession(db: Db, sessionIds: string[]) {
  if (sessionIds.length === 0) return new Map<string, ReturnType<typeof evaluationView>[]>();
  const rows = await db.selectFrom('gate_evaluations').selectAll().where('session_id', 'in', sessionIds).orderBy('evaluated_at').orderBy('seq').execute();
  const out = new Map<string, ReturnType<typeof evaluationView>[]>();
  for (const r of rows) {
    const list = out.get(r.session_id) ?? [];
    list.push(evaluationView(r));
    out.set(r.session_id, list);
  }
  return out;
}

function evaluationView(r: {
  id: string;
  stage: 'authorize' | 'start';
  evaluated_at: Date;
  outcome: 'authorized' | 'blocked';
  reasons: { code: string; message: string; detail?: Record<string, unknown> }[];
  dose_mg: number | null;
}) {
  return {
    id: r.id,
    stage: r.stage,
    evaluatedAt: iso(r.evaluated_at),
    outcome: r.outcome,
    reasons: r.reasons as { code: never; message: string; detail?: Record<string, unknown> }[],
    doseMg: r.dose_mg,
  };
}

function sessionView(r: SessionRow, evaluations: ReturnType<typeof evaluationView>[]) {
  return {
    id: r.id,
    patientId: r.patient_id,
    planId: r.plan_id,
    status: r.status,
    scheduledFor: iso(r.scheduled_for),
    authorizedAt: isoOrNull(r.authorized_at),
    authorizationExpiresAt: isoOrNull(r.authorization_expires_at),
    expiredAt: isoOrNull(r.expired_at),
    doseMg: r.dose_mg,
    startedAt: isoOrNull(r.started_at),
    completedAt: isoOrNull(r.completed_at),
    abortedAt: isoOrNull(r.aborted_at),
    abortReason: r.abort_reason,
    createdAt: iso(r.created_at),
    gateEvaluations: evaluations,
  };
}

/**
 * Booking: refused (422, every reason and the earliest time that would be accepted) when the time falls inside the
 * minimum interval of a dose taken, an open authorization or another upcoming booking, or would put more sessions in
 * a rolling week than the plan allows — at booking, not on the day. Under the patient lock, so two bookings made at
 * once cannot both take the last place in a week.
 */
export async function createSession(uc: UseCase, input: { patientId: string; scheduledFor: string }) {
  const { deps, ctx } = uc;
  return inTransaction(deps.database.db, async (tx) => {
    await lockPatient(tx, input.patientId);
    await expireLapsedAuthorizations(tx, uc, input.patientId);
    const plan = await activePlan(tx, input.patientId);
    const settings = await loadProgramSettings(tx);
    const limits = effectiveLimits(planTermsForLimits(plan), settings.dosing);
    const existing = await tx
      .selectFrom('dosing_sessions')
      .select(['id', 'status', 'scheduled_for', 'authorized_at', 'authorization_expires_at', 'started_at'])
      .where('patient_id', '=', input.patientId)
      .execute();
    const pacing: SessionPacingRecord[] = existing.map((x) => ({
      id: x.id,
      status: x.status,
      authorizedAt: isoOrNull(x.authorized_at),
      authorizationExpiresAt: isoOrNull(x.authorization_expires_at),
      startedAt: isoOrNull(x.started_at),
    }));
    const upcoming = existing.filter((x) => x.status === 'scheduled' && new Date(x.scheduled_for).getTime() > ctx.now.getTime()).map((x) => iso(x.scheduled_for));
    const booking = checkBooking({ requestedAt: iso(input.scheduledFor), doseTimes: doseTimesForPacing(pacing, ctx.now), bookedTimes: upcoming }, limits);
    if (booking.kind === 'refused') {
      throw new AppError('BOOKING_REFUSED', booking.reasons.map((r) => r.message).join(' '), [{ field: 'scheduledFor', message: booking.reasons.map((r) => r.message).join(' ') }], {
        reasons: booking.reasons.map((r) => ({ code: r.code, message: r.message })),
        earliestAllowedAt: booking.earliestAllowedAt,
      });
    }
    const id = crypto.randomUUID();
    await tx
      .insertInto('dosing_sessions')
      .values({
        id,
        patient_id: input.patientId,
        plan_id: plan?.id ?? null,
        status: 'scheduled',
        scheduled_for: input.scheduledFor,
        authorized_at: null,
        dose_mg: null,
        started_at: null,
        completed_at: null,
        aborted_at: null,
        abort_reason: null,
        created_by: ctx.actorId ?? '',
        created_at: ctx.now,
        authorization_expires_at: null,
        expired_at: null,
      })
      .execute();
    await writeAudit(tx, ctx, { action: 'session.schedule', resourceType: 'session', resourceId: id, patientId: input.patientId, outcome: 'success' });
    const [row] = await sessionRows(tx, input.patientId, id);
    if (!row) throw notFound('session');
    return sessionView(row, []);
  });
}

export async function listSessions({ deps }: UseCase, patientId: string) {
  const db = deps.database.db;
  const rows = await sessionRows(db, patientId);
  const evaluations = await evaluationsBySession(db, rows.map((r) => r.id));
  return rows.map((r) => sessionView(r, evaluations.get(r.id) ?? []));
}

/**
 * The sitter's checks against the schedule (one every `intervalMinutes` from the start): each expected slot is
 * recorded (a check within the interval before it or the grace after it), missed (its grace has passed without
 * one), or still due.
 */
export function sitterCheckSlots(
  startedAt: Date | null,
  endedAt: Date | null,
  now: Date,
  checks: readonly Date[],
  intervalMinutes: number,
  graceMinutes: number,
) {
  if (startedAt === null) return [];
  const intervalMs = intervalMinutes * 60_000;
  const graceMs = graceMinutes * 60_000;
  // Settings are validated (at least every 5 minutes), but a slot loop must never depend on that to end.
  if (!Number.isFinite(intervalMs) || intervalMs <= 0 || !Number.isFinite(graceMs)) return [];
  const end = (endedAt ?? now).getTime();
  const sorted = [...checks].map((c) => c.getTime()).sort((a, b) => a - b);
  const used = new Set<number>();
  const slots: { dueAt: string; status: 'recorded' | 'missed' | 'due'; recordedAt: string | null }[] = [];
  for (let due = startedAt.getTime() + intervalMs; due <= end; due += intervalMs) {
    const match = sorted.findIndex((c, i) => !used.has(i) && c > due - intervalMs && c <= due + graceMs);
    if (match >= 0) {
      used.add(match);
      slots.push({ dueAt: iso(new Date(due)), status: 'recorded', recordedAt: iso(new Date(sorted[match] ?? due)) });
    } else {
      const overdue = (endedAt === null ? now.getTime() : end) > due + graceMs || endedAt !== null;
      slots.push({ dueAt: iso(new Date(due)), status: overdue ? 'missed' : 'due', recordedAt: null });
    }
  }
  return slots;
}

export async function getSession({ deps, ctx }: UseCase, patientId: string, sessionId: string) {
  const db = deps.database.db;
  const [row] = await sessionRows(db, patientId, sessionId);
  if (!row) throw notFound('session');
  const evaluations = (await evaluationsBySession(db, [row.id])).get(row.id) ?? [];
  const settings = await loadProgramSettings(db);
  const checkRule = settings.monitoring.alerts.sitterChecks;
  const [attestations, vitals, checklists, checks, adverse, assessment, baseline] = await Promise.all([
    db.selectFrom('sitter_attestations').selectAll().where('session_id', '=', sessionId).orderBy('attested_at').execute(),
    db.selectFrom('session_vitals').selectAll().where('session_id', '=', sessionId).orderBy('taken_at').orderBy('seq').execute(),
    db.selectFrom('session_checklists').selectAll().where('session_id', '=', sessionId).orderBy('attested_at').execute(),
    db.selectFrom('sitter_checks').selectAll().where('session_id', '=', sessionId).orderBy('checked_at').execute(),
    db.selectFrom('adverse_events').selectAll().where('session_id', '=', sessionId).orderBy('reported_at').execute(),
    db.selectFrom('post_session_assessments').selectAll().where('session_id', '=', sessionId).executeTakeFirst(),
    db.selectFrom('sitter_baseline_confirmations').selectAll().where('session_id', '=', sessionId).orderBy('confirmed_at', 'desc').executeTakeFirst(),
  ]);
  const recovery = row.status === 'in_progress' ? await completionDecision(db, row, ctx.now, settings) : null;
  const emergency = await db
    .selectFrom('alerts')
    .select(['id', 'raised_at', 'title'])
    .where('patient_id', '=', patientId)
    .where('code', 'in', ['SESSION_EMERGENCY', 'SITTER_CHECK_OVERDUE', 'SERIOUS_ADVERSE_EVENT_REPORTED'])
    .where('status', '<>', 'resolved')
    .where(sql<boolean>`evidence @> ${JSON.stringify([{ type: 'session', id: sessionId }])}::jsonb`)
    .orderBy('raised_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const ended = row.completed_at ?? row.aborted_at;
  const slots = sitterCheckSlots(
    row.started_at === null ? null : new Date(row.started_at),
    ended === null ? null : new Date(ended),
    ctx.now,
    checks.map((c) => new Date(c.checked_at)),
    checkRule.intervalMinutes,
    checkRule.graceMinutes,
  );
  return {
    ...sessionView(row, evaluations),
    sitterAttestations: attestations.map((a) => ({ id: a.id, sitterUserId: a.sitter_user_id, attestedAt: iso(a.attested_at), present: a.present, sober: a.sober })),
    vitals: vitals.map((v) => ({
      id: v.id,
      phase: v.phase,
      takenAt: iso(v.taken_at),
      systolicMmHg: v.systolic_mmhg,
      diastolicMmHg: v.diastolic_mmhg,
      heartRateBpm: v.heart_rate_bpm,
      spo2Pct: v.spo2_pct,
    })),
    checklists: checklists.map((c) => ({
      id: c.id,
      attestedAt: iso(c.attested_at),
      fastedHours: c.fasted_hours,
      alcohol24h: c.alcohol_24h,
      sedatives24h: c.sedatives_24h,
      cannabis24h: c.cannabis_24h,
      newMedication: c.new_medication,
      safeSetting: c.safe_setting,
    })),
    sitterChecks: {
      intervalMinutes: checkRule.intervalMinutes,
      graceMinutes: checkRule.graceMinutes,
      recorded: checks.map((c) => ({ id: c.id, checkedAt: iso(c.checked_at), responsive: c.responsive, breathingNormally: c.breathing_normally, concern: c.concern })),
      expected: slots,
      missedCount: slots.filter((s) => s.status === 'missed').length,
    },
    adverseEvents: adverse.map((a) => ({ id: a.id, reportedAt: iso(a.reported_at), kind: a.kind, severity: a.severity, serious: a.serious, resolvedAt: isoOrNull(a.resolved_at) })),
    assessment: assessment
      ? {
          sideEffects: assessment.side_effects,
          dissociation0to10: assessment.dissociation_0_10,
          nausea0to10: assessment.nausea_0_10,
          mood0to10: assessment.mood_0_10,
          sitterConfirmsBaseline: assessment.sitter_confirms_baseline,
          submittedAt: iso(assessment.submitted_at),
        }
      : null,
    sitterBaseline: baseline ? { confirmedAt: iso(baseline.confirmed_at), backToBaseline: baseline.back_to_baseline, sitterUserId: baseline.sitter_user_id } : null,
    recovery: recovery
      ? {
          observationEndsAt: recovery.kind === 'not_yet' ? recovery.observationEndsAt : iso(new Date(new Date(row.started_at ?? ctx.now).getTime() + settings.dosing.minObservationMinutes * 60_000)),
          minObservationMinutes: settings.dosing.minObservationMinutes,
          sitterBaseline:
            recovery.kind === 'may_complete'
              ? ('confirmed' as const)
              : recovery.reasons.some((r) => r.code === 'SITTER_SAYS_NOT_BASELINE')
                ? ('not_yet' as const)
                : recovery.reasons.some((r) => r.code === 'SITTER_BASELINE_NOT_CONFIRMED')
                  ? ('pending' as const)
                  : ('confirmed' as const),
          canComplete: recovery.kind === 'may_complete',
          waitingFor: recovery.kind === 'not_yet' ? recovery.reasons.map((r) => ({ code: r.code, message: r.message })) : [],
        }
      : null,
    emergency: emergency ? { alertId: emergency.id, raisedAt: iso(emergency.raised_at), title: emergency.title } : null,
  };
}

/**
 * The sitter's own end-of-session statement: the patient is (or is not yet) back to their usual self. Recorded
 * from the sitter's account while the session runs or just after; "not yet" tells the care team to follow up.
 */
export async function recordSitterBaseline(
  { deps, ctx }: UseCase,
  input: { patientId: string; sessionId: string; sitterUserId: string; backToBaseline: boolean; note?: string | undefined },
) {
  return inTransaction(deps.database.db, async (tx) => {
    const session = await tx.selectFrom('dosing_sessions').select(['status']).where('id', '=', input.sessionId).where('patient_id', '=', input.patientId).executeTakeFirst();
    if (!session) throw notFound('session');
    requireStatus(session.status, ['in_progress', 'completed'], "The sitter's end-of-session confirmation");
    const id = crypto.randomUUID();
    await tx
      .insertInto('sitter_baseline_confirmations')
      .values({ id, patient_id: input.patientId, session_id: input.sessionId, sitter_user_id: input.sitterUserId, confirmed_at: ctx.now, back_to_baseline: input.backToBaseline, note: input.note ?? null })
      .execute();
    await writeAudit(tx, ctx, {
      action: 'session.sitter_baseline',
      resourceType: 'sitter_check',
      resourceId: id,
      patientId: input.patientId,
      outcome: 'success',
      detail: { sessionId: input.sessionId, backToBaseline: input.backToBaseline },
    });
    return { confirmedAt: iso(ctx.now), backToBaseline: input.backToBaseline, sitterUserId: input.sitterUserId };
  });
}

function requireStatus(status: string, allowed: readonly string[], what: string): void {
  if (!allowed.includes(status)) {
    const state = { scheduled: 'a scheduled session', authorized: 'an authorized session', in_progress: 'a session in progress', completed: 'a completed session', aborted: 'an ended session', missed: 'a missed session', expired: 'an expired session' }[status] ?? `a ${status} session`;
    throw new AppError('CONFLICT', `${what} cannot be recorded on ${state}.`, undefined, { sessionStatus: status });
  }
}

/** Gate inputs are written under a shared patient lock so they cannot slip in beside an authorization. */
async function gateInputSession(tx: Tx, patientId: string, sessionId: string) {
  await lockPatientShared(tx, patientId);
  const session = await tx.selectFrom('dosing_sessions').selectAll().where('id', '=', sessionId).where('patient_id', '=', patientId).executeTakeFirst();
  if (!session) throw notFound('session');
  return session;
}

export async function recordSitterAttestation(
  { deps, ctx }: UseCase,
  input: { patientId: string; sessionId: string; sitterUserId: string; authSessionId: string; present: boolean; sober: boolean },
) {
  return inTransaction(deps.database.db, async (tx) => {
    const session = await gateInputSession(tx, input.patientId, input.sessionId);
    // Before the dose, and again while an authorization is open: the start check reads the freshest.
    requireStatus(session.status, ['scheduled', 'authorized'], 'A sitter attestation');
    const id = crypto.randomUUID();
    await tx
      .insertInto('sitter_attestations')
      .values({
        id,
        patient_id: input.patientId,
        session_id: input.sessionId,
        sitter_user_id: input.sitterUserId,
        auth_session_id: input.authSessionId,
        present: input.present,
        sober: input.sober,
        attested_at: ctx.now,
      })
      .execute();
    await writeAudit(tx, ctx, {
      action: 'session.sitter_attestation',
      resourceType: 'sitter_attestation',
      resourceId: id,
      patientId: input.patientId,
      outcome: 'success',
      detail: { sessionId: input.sessionId, present: input.present, sober: input.sober },
    });
    return { id, sessionId: input.sessionId, sitterUserId: input.sitterUserId, attestedAt: iso(ctx.now), present: input.present, sober: input.sober };
  });
}

export async function recordVitals(
  uc: UseCase,
  input: { patientId: string; sessionId: string; phase: 'pre' | 'during' | 'post'; systolicMmHg: number; diastolicMmHg: number; heartRateBpm: number; spo2Pct?: number | undefined },
) {
  const { deps, ctx } = uc;
  return inTransaction(deps.database.db, async (tx) => {
    const settings = await loadProgramSettings(tx);
    const errors = validateVitalsReading(input, settings.dosing);
    if (errors.length > 0) throw validationFailed(errors.map((e) => ({ field: e.field, message: e.message })));
    const session = await gateInputSession(tx, input.patientId, input.sessionId);
    const allowed = { pre: ['scheduled', 'authorized'], during: ['in_progress'], post: ['in_progress', 'completed'] } as const;
    requireStatus(session.status, allowed[input.phase], `A ${input.phase}-dose reading`);
    const id = crypto.randomUUID();
    await tx
      .insertInto('session_vitals')
      .values({
        id,
        patient_id: input.patientId,
        session_id: input.sessionId,
        phase: input.phase,
        systolic_mmhg: input.systolicMmHg,
        diastolic_mmhg: input.diastolicMmHg,
        heart_rate_bpm: input.heartRateBpm,
        spo2_pct: input.spo2Pct ?? null,
        taken_at: ctx.now,
        recorded_by: ctx.actorId ?? '',
      })
      .execute();
    await recordLiveEvent(tx, { patientId: input.patientId, sessionId: input.sessionId, kind: 'vitals.recorded', at: ctx.now, payload: { phase: input.phase } });
    const plan = await activePlan(tx, input.patientId);
    const hold = effectiveLimits(planTermsForLimits(plan), settings.dosing).vitalsHold;
    const aboveHold = input.systolicMmHg > hold.systolicMmHg || input.diastolicMmHg > hold.diastolicMmHg || input.heartRateBpm > hold.heartRateBpm;
    const candidates = alertsForEvent(
      {
        kind: 'vitals_recorded',
        vitalsId: id,
        sessionId: input.sessionId,
        at: iso(ctx.now),
        phase: input.phase,
        systolicMmHg: input.systolicMmHg,
        diastolicMmHg: input.diastolicMmHg,
        heartRateBpm: input.heartRateBpm,
      },
      ctx.now,
      settings.monitoring.alerts,
    );
    const alerts = await raiseAlerts(tx, uc, input.patientId, candidates);
    await writeAudit(tx, ctx, {
      action: 'session.vitals',
      resourceType: 'session_vitals',
      resourceId: id,
      patientId: input.patientId,
      outcome: 'success',
      detail: { sessionId: input.sessionId, phase: input.phase, aboveHold },
    });
    return { vitals: { id, phase: input.phase, takenAt: iso(ctx.now) }, aboveHold, alerts: alerts.map((a) => ({ id: a.id, code: a.code, severity: a.severity })) };
  });
}

export async function recordChecklist(
  { deps, ctx }: UseCase,
  input: { patientId: string; sessionId: string; fastedHours: number; alcohol24h: boolean; sedatives24h: boolean; cannabis24h: boolean; newMedication: boolean; safeSetting: boolean },
) {
  return inTransaction(deps.database.db, async (tx) => {
    const session = await gateInputSession(tx, input.patientId, input.sessionId);
    requireStatus(session.status, ['scheduled', 'authorized'], 'The pre-session checklist');
    const id = crypto.randomUUID();
    await tx
      .insertInto('session_checklists')
      .values({
        id,
        patient_id: input.patientId,
        session_id: input.sessionId,
        attested_at: ctx.now,
        fasted_hours: input.fastedHours,
        alcohol_24h: input.alcohol24h,
        sedatives_24h: input.sedatives24h,
        cannabis_24h: input.cannabis24h,
        new_medication: input.newMedication,
        safe_setting: input.safeSetting,
        recorded_by: ctx.actorId ?? '',
      })
      .execute();
    await writeAudit(tx, ctx, { action: 'session.checklist', resourceType: 'session_checklist', resourceId: id, patientId: input.patientId, outcome: 'success', detail: { sessionId: input.sessionId } });
    return { checklist: { id, attestedAt: iso(ctx.now) } };
  });
}

/**
 * The sitter's 15-minute check. "Not responsive" or "not breathing normally" is an emergency: the sitter is told to
 * call 911 first, and the patient's clinician gets a critical alert in this same transaction (paged through the
 * outbox) that holds dosing until they have looked. A check with a concern is also a sitter concern for the
 * warning-sign engine. Checks stay open after the dose whatever became of the session (a patient who walked out of
 * observation is exactly the one whose sitter may still find them unresponsive).
 */
export async function recordSitterCheck(
  uc: UseCase,
  input: { patientId: string; sessionId: string; sitterUserId: string; responsive: boolean; breathingNormally: boolean; concern: boolean; note?: string | undefined },
) {
  const { deps, ctx } = uc;
  return inTransaction(deps.database.db, async (tx) => {
    const session = await tx.selectFrom('dosing_sessions').select(['status', 'started_at']).where('id', '=', input.sessionId).where('patient_id', '=', input.patientId).executeTakeFirst();
    if (!session) throw notFound('session');
    if (session.started_at === null) requireStatus(session.status, ['in_progress'], 'A sitter check');
    const id = crypto.randomUUID();
    await tx
      .insertInto('sitter_checks')
      .values({
        id,
        patient_id: input.patientId,
        session_id: input.sessionId,
        sitter_user_id: input.sitterUserId,
        checked_at: ctx.now,
        responsive: input.responsive,
        breathing_normally: input.breathingNormally,
        concern: input.concern,
        note: input.note ?? null,
      })
      .execute();
    await recordLiveEvent(tx, { patientId: input.patientId, sessionId: input.sessionId, kind: 'sitter.check', at: ctx.now, payload: { checkId: id } });
    const settings = await loadProgramSettings(tx);
    const emergency = !input.responsive || !input.breathingNormally;
    let concernAlerts: Awaited<ReturnType<typeof raiseAlerts>> = [];
    if (input.concern || emergency) {
      // The concern joins the sitter's others: the warning signs are read before any audit row (lock order).
      const concernId = crypto.randomUUID();
      await tx
        .insertInto('sitter_concerns')
        .values({ id: concernId, patient_id: input.patientId, session_id: input.sessionId, sitter_user_id: input.sitterUserId, raised_at: ctx.now, emergency, note: input.note ?? null })
        .execute();
      concernAlerts = (await reevaluateWarningSigns(tx, uc, input.patientId, 'sitter_check', settings)).alerts;
      await recordLiveEvent(tx, { patientId: input.patientId, sessionId: input.sessionId, kind: 'sitter.concern', at: ctx.now, payload: { concernId } });
      await notifySitterConcern(tx, uc, input.patientId, concernId);
    }
    const candidates = alertsForEvent(
      { kind: 'sitter_check_recorded', checkId: id, sessionId: input.sessionId, at: iso(ctx.now), responsive: input.responsive, breathingNormally: input.breathingNormally },
      ctx.now,
      settings.monitoring.alerts,
    );
    const alerts = [...(await raiseAlerts(tx, uc, input.patientId, candidates)), ...concernAlerts];
    await writeAudit(tx, ctx, {
      action: 'session.sitter_check',
      resourceType: 'sitter_check',
      resourceId: id,
      patientId: input.patientId,
      outcome: 'success',
      detail: { sessionId: input.sessionId, responsive: input.responsive, breathingNormally: input.breathingNormally, concern: input.concern, alertIds: alerts.map((a) => a.id) },
    });
    return {
      check: { id, checkedAt: iso(ctx.now) },
      emergencyGuidance: emergency ? EMERGENCY_GUIDANCE : null,
      alerts: alerts.map((a) => ({ id: a.id, code: a.code, severity: a.severity })),
    };
  });
}

/**
 * An adverse event, during a session or afterwards (from the chart, or the patient reporting later). A serious one
 * raises a critical alert owned by the patient's clinician in this transaction, paged through the outbox, that
 * holds dosing until a clinician resolves it.
 */
export async function reportAdverseEvent(
  uc: UseCase,
  input: { patientId: string; sessionId?: string | undefined; kind: string; severity: 'mild' | 'moderate' | 'severe'; serious: boolean; description: string },
) {
  const { deps, ctx } = uc;
  return inTransaction(deps.database.db, async (tx) => {
    const session = input.sessionId === undefined ? null : await gateInputSession(tx, input.patientId, input.sessionId);
    if (session === null) await lockPatientShared(tx, input.patientId);
    const id = crypto.randomUUID();
    await tx
      .insertInto('adverse_events')
      .values({
        id,
        patient_id: input.patientId,
        session_id: session?.id ?? null,
        reported_by: ctx.actorId ?? '',
        reported_at: ctx.now,
        kind: input.kind,
        severity: input.severity,
        serious: input.serious,
        description: input.description,
        resolved_at: null,
        resolved_by: null,
      })
      .execute();
    if (session) await recordLiveEvent(tx, { patientId: input.patientId, sessionId: session.id, kind: 'adverse_event.reported', at: ctx.now, payload: { adverseEventId: id } });
    const settings = await loadProgramSettings(tx);
    const candidates = alertsForEvent(
      { kind: 'adverse_event_reported', adverseEventId: id, at: iso(ctx.now), serious: input.serious, severity: input.severity, sessionId: session?.id },
      ctx.now,
      settings.monitoring.alerts,
    );
    const alerts = await raiseAlerts(tx, uc, input.patientId, candidates);
    await writeAudit(tx, ctx, {
      action: 'session.adverse_event',
      resourceType: 'adverse_event',
      resourceId: id,
      patientId: input.patientId,
      outcome: 'success',
      detail: { sessionId: session?.id ?? null, severity: input.severity, serious: input.serious },
    });
    return {
      adverseEvent: { id, reportedAt: iso(ctx.now), serious: input.serious },
      emergencyGuidance: input.serious || input.severity === 'severe' ? EMERGENCY_GUIDANCE : null,
      alerts: alerts.map((a) => ({ id: a.id, code: a.code, severity: a.severity })),
    };
  });
}

/** A patient's adverse events, newest first, with who reported them. */
export async function listAdverseEvents({ deps }: UseCase, patientId: string) {
  const rows = await deps.database.db
    .selectFrom('adverse_events as a')
    .innerJoin('users as u', 'u.id', 'a.reported_by')
    .select(['a.id', 'a.session_id', 'a.reported_at', 'a.kind', 'a.severity', 'a.serious', 'a.description', 'a.resolved_at', 'u.name as reporter_name', 'u.role as reporter_role'])
    .where('a.patient_id', '=', patientId)
    .orderBy('a.reported_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    sessionId: r.session_id,
    reportedAt: iso(r.reported_at),
    kind: r.kind,
    severity: r.severity,
    serious: r.serious,
    description: r.description,
    resolvedAt: isoOrNull(r.resolved_at),
    reportedBy: { name: r.reporter_name, role: r.reporter_role },
  }));
}

/**
 * The sitter's "something is wrong": what to do now comes first in the answer. The concern feeds the warning-sign
 * engine (SITTER_CONCERN) and, marked an emergency, raises a critical alert for the clinician at once.
 */
export async function raiseSitterConcern(
  uc: UseCase,
  input: { patientId: string; sessionId: string; sitterUserId: string; emergency: boolean; note?: string | undefined },
) {
  const { deps, ctx } = uc;
  return inTransaction(deps.database.db, async (tx) => {
    const session = await tx.selectFrom('dosing_sessions').select('id').where('id', '=', input.sessionId).where('patient_id', '=', input.patientId).executeTakeFirst();
    if (!session) throw notFound('session');
    const id = crypto.randomUUID();
    await tx
      .insertInto('sitter_concerns')
      .values({ id, patient_id: input.patientId, session_id: input.sessionId, sitter_user_id: input.sitterUserId, raised_at: ctx.now, emergency: input.emergency, note: input.note ?? null })
      .execute();
    const settings = await loadProgramSettings(tx);
    // Warning signs first: it takes the patient_risk lock, which every writer takes before the audit chain head.
    const risk = await reevaluateWarningSigns(tx, uc, input.patientId, 'sitter_concern', settings);
    const emergency = await raiseAlerts(
      tx,
      uc,
      input.patientId,
      alertsForEvent({ kind: 'sitter_concern_raised', concernId: id, sessionId: input.sessionId, at: iso(ctx.now), emergency: input.emergency }, ctx.now, settings.monitoring.alerts),
    );
    const alerts = [...emergency, ...risk.alerts];
    await recordLiveEvent(tx, { patientId: input.patientId, sessionId: input.sessionId, kind: 'sitter.concern', at: ctx.now, payload: { concernId: id } });
    const routed = await notifySitterConcern(tx, uc, input.patientId, id);
    await writeAudit(tx, ctx, {
      action: 'session.sitter_concern',
      resourceType: 'sitter_check',
      resourceId: id,
      patientId: input.patientId,
      outcome: 'success',
      detail: { sessionId: input.sessionId, emergency: input.emergency, alertIds: alerts.map((a) => a.id), notified: routed },
    });
    return {
      emergencyGuidance: input.emergency ? EMERGENCY_GUIDANCE : 'Stay with them. Your concern has been recorded for the care team; if anything gets worse, call 911.',
      concern: { id, raisedAt: iso(ctx.now), emergency: input.emergency },
      alerts: alerts.map((a) => ({ id: a.id, code: a.code, severity: a.severity })),
    };
  });
}

/**
 * A sitter's "something is wrong" reaches the patient's owner and whoever is on call now, each once (the owner on
 * call is told once), in the concern's transaction (docs/live-board.md, "Routing"). Returns who was told.
 */
async function notifySitterConcern(tx: Tx, { deps, ctx }: UseCase, patientId: string, concernId: string): Promise<{ ownerId: string | null; onCallShiftId: string | null; onCall: string[] }> {
  const owner = await alertOwner(tx, patientId);
  const subject = 'Keel: a sitter says something is wrong in a session';
  const body = `A sitter raised a concern during a session. Sign in to Keel to see the live board:\n${boardLink(deps)}\n`;
  if (owner) {
    const email = await tx.selectFrom('users').select('email').where('id', '=', owner).where('status', '=', 'active').executeTakeFirst();
    if (email) await deps.notifier.enqueue(tx, { cause: `concern:${concernId}:owner`, channel: 'email', recipient: email.email, subject, body }, ctx.now);
  }
  const onCall = await notifyOnCall(tx, deps, { causePrefix: `concern:${concernId}`, ownerId: owner, subject, body, now: ctx.now });
  return { ownerId: owner, onCallShiftId: onCall?.shiftId ?? null, onCall: onCall?.notified ?? [] };
}
