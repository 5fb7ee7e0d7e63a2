// The moves of a dosing session after its authorization (docs/treatment.md, "The session lifecycle"): start (the
// dose is taken, on a fresh decision), complete (only on the sitter's own back-to-baseline confirmation after the
// minimum observation time), abort, and the expiry of an authorization that was never used. Every route to "dose
// taken" or "session over" goes through here, so no transition can skip its rule.
import {
  alertsForEvent,
  authorizationExpired,
  effectiveLimits,
  evaluateCompletion,
  evaluateStart,
  followUpDueAfterSession,
  type CompletionDecision,
  type GateReason,
} from '@keel/domain';
import { sql } from 'kysely';
import { writeAudit } from '../../audit/audit-log.ts';
import { inTransaction, type Db, type Tx } from '../../db/transaction.ts';
import { AppError } from '../../http/problem.ts';
import { raiseAlerts } from '../alerts/raise-alerts.ts';
import { recordLiveEvent } from '../live/live-events.ts';
import { systemContext } from '../alerts/escalate-alerts.ts';
import type { UseCase, UseCaseDeps } from '../deps.ts';
import { reevaluateWarningSigns } from '../monitoring/risk-evaluation.ts';
import { loadProgramSettings, type ProgramSettings } from '../settings/program-settings.service.ts';
import { loadGateInput, recordGateEvaluation } from './gate-input.ts';
import { activePlan, assertTransition, iso, lockPatient, lockPatientShared, lockSession, planTerms } from './treatment-common.ts';

type SessionRow = Awaited<ReturnType<typeof lockSession>>;

const reasonsOf = (reasons: readonly { code: string; message: string }[]) => reasons.map((r) => ({ code: r.code, message: r.message }));

/**
 * The units an authorization set aside for its dose go back on hand — with a ledger entry, never silently: a
 * correction of the session's `administered` entry, recorded by whoever ended it (the patient who authorized it when
 * the system expires it).
 */
async function returnReservedUnits(tx: Tx, uc: UseCase, session: SessionRow, why: string): Promise<number> {
  const reserved = await tx
    .selectFrom('ledger_entries')
    .select(['id', 'units'])
    .where('session_id', '=', session.id)
    .where('kind', '=', 'administered')
    .executeTakeFirst();
  if (!reserved) return 0;
  const already = await tx
    .selectFrom('ledger_entries')
    .select(sql<string>`coalesce(sum(units), 0)`.as('n'))
    .where('corrects_id', '=', reserved.id)
    .where('kind', '=', 'correction')
    .executeTakeFirstOrThrow();
  const units = reserved.units - Number(already.n);
  if (units <= 0) return 0;
  const authorizer = await tx
    .selectFrom('gate_evaluations')
    .select('actor_id')
    .where('session_id', '=', session.id)
    .where('outcome', '=', 'authorized')
    .where('stage', '=', 'authorize')
    .executeTakeFirst();
  const recordedBy = uc.ctx.actorId ?? authorizer?.actor_id ?? session.created_by;
  const id = crypto.randomUUID();
  await tx
    .insertInto('ledger_entries')
    .values({
      id,
      patient_id: session.patient_id,
      kind: 'correction',
      units,
      occurred_at: uc.ctx.now,
      recorded_by: recordedBy,
      recorded_at: uc.ctx.now,
      session_id: null,
      dispense_id: null,
      corrects_id: reserved.id,
      counted_units: null,
      expected_units: null,
      loss_kind: null,
      circumstances: null,
      manner: null,
      note: why,
    })
    .execute();
  await writeAudit(tx, uc.ctx, {
    action: 'ledger.correction',
    resourceType: 'ledger',
    resourceId: id,
    patientId: session.patient_id,
    outcome: 'success',
    detail: { correctsId: reserved.id, deltaUnits: units, sessionId: session.id, cause: 'dose_not_taken' },
  });
  return units;
}

/** Records a lapsed authorization as expired and returns its reserved units with a ledger entry. */
async function expire(tx: Tx, uc: UseCase, session: SessionRow): Promise<void> {
  const updated = await tx
    .updateTable('dosing_sessions')
    .set({ status: 'expired', expired_at: uc.ctx.now })
    .where('id', '=', session.id)
    .where('status', '=', 'authorized')
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) return;
  const units = await returnReservedUnits(tx, uc, session, 'The authorization expired before the session started: the dose was not taken.');
  await writeAudit(tx, uc.ctx, {
    action: 'session.authorization_expired',
    resourceType: 'session',
    resourceId: session.id,
    patientId: session.patient_id,
    outcome: 'success',
    detail: { authorizedAt: session.authorized_at ? iso(session.authorized_at) : null, expiresAt: session.authorization_expires_at ? iso(session.authorization_expires_at) : null, unitsReturned: units },
  });
}

/** Every authorization of this patient that has lapsed, recorded as expired (under the caller's patient lock). */
export async function expireLapsedAuthorizations(tx: Tx, uc: UseCase, patientId: string): Promise<void> {
  const lapsed = await tx
    .selectFrom('dosing_sessions')
    .selectAll()
    .where('patient_id', '=', patientId)
    .where('status', '=', 'authorized')
    .where('authorization_expires_at', '<=', uc.ctx.now)
    .forUpdate()
    .execute();
  for (const s of lapsed) await expire(tx, uc, s);
}

/** The `sessions.expire-authorizations` job: lapsed authorizations anywhere, each under its patient's lock. */
export async function expireAuthorizationsJob(deps: UseCaseDeps, now: Date): Promise<{ expired: string[] }> {
  const due = await deps.database.db
    .selectFrom('dosing_sessions')
    .select(['id', 'patient_id'])
    .where('status', '=', 'authorized')
    .where('authorization_expires_at', '<=', now)
    .orderBy('authorization_expires_at')
    .limit(500)
    .execute();
  const uc: UseCase = { deps, ctx: systemContext(now, 'sessions.expire-authorizations') };
  const expired: string[] = [];
  for (const s of due) {
    await inTransaction(deps.database.db, async (tx) => {
      await lockPatient(tx, s.patient_id);
      const row = await lockSession(tx, s.id, s.patient_id);
      if (row.status === 'authorized' && authorizationExpired(row.authorization_expires_at ? iso(row.authorization_expires_at) : null, now)) {
        await expire(tx, uc, row);
        expired.push(s.id);
      }
    });
  }
  return { expired };
}

/** A refused lifecycle move: committed with its record first, then answered as a 409 naming every reason. */
class Refusal {
  constructor(readonly error: AppError) {}
}

async function commitThenThrow<T>(work: () => Promise<T | Refusal>): Promise<T> {
  const result = await work();
  if (result instanceof Refusal) throw result.error;
  return result;
}

/**
 * Starting a session is taking the dose: the gate runs again in this transaction on the data as it stands now,
 * and the authorization must still be open. The decision is stored either way (a `start` gate evaluation); a
 * refusal is a 409 with every reason, an expired authorization is recorded as expired and its unit returned.
 * When it passes, the follow-up cadence counts the dose — a follow-up falls due whatever becomes of the session.
 */
export async function startSession(uc: UseCase, input: { patientId: string; sessionId: string }): Promise<void> {
  const { deps, ctx } = uc;
  await commitThenThrow(() =>
    inTransaction(deps.database.db, async (tx) => {
      const patient = await lockPatient(tx, input.patientId);
      const session = await lockSession(tx, input.sessionId, input.patientId);
      assertTransition('start', session.status);
      const settings = await loadProgramSettings(tx);
      const { input: gateInput, refs } = await loadGateInput(tx, {
        patientId: input.patientId,
        patientStatus: patient.status,
        sessionId: input.sessionId,
        requestedDoseMg: session.dose_mg,
        now: ctx.now,
        stage: 'start',
      });
      const expiresAt = session.authorization_expires_at ? iso(session.authorization_expires_at) : null;
      const decision = evaluateStart(gateInput, { expiresAt }, ctx.now, settings.dosing);
      const reasons: readonly GateReason[] = decision.kind === 'blocked' ? decision.reasons : [];
      const evaluationId = await recordGateEvaluation(tx, { patientId: input.patientId, sessionId: input.sessionId, stage: 'start', decision, refs, actorId: ctx.actorId, now: ctx.now });
      const audit = () =>
        writeAudit(tx, ctx, {
          action: 'session.start',
          resourceType: 'session',
          resourceId: session.id,
          patientId: input.patientId,
          outcome: decision.kind === 'authorized' ? 'success' : 'denied',
          detail: { evaluationId, reasonCodes: reasons.map((r) => r.code) },
        });
      if (decision.kind === 'blocked') {
        await audit();
        if (reasons.some((r) => r.code === 'AUTHORIZATION_EXPIRED')) await expire(tx, uc, session);
        return new Refusal(
          new AppError('SESSION_START_REFUSED', `The session cannot start: ${reasons.map((r) => r.message).join(' ')}`, undefined, {
            reasons: reasonsOf(reasons),
            evaluationId,
            sessionStatus: reasons.some((r) => r.code === 'AUTHORIZATION_EXPIRED') ? 'expired' : session.status,
          }),
        );
      }
      await tx.updateTable('dosing_sessions').set({ status: 'in_progress', started_at: ctx.now }).where('id', '=', session.id).where('status', '=', 'authorized').execute();
      await recordLiveEvent(tx, { patientId: input.patientId, sessionId: session.id, kind: 'session.started', at: ctx.now });
      await followUpAfterDose(tx, uc, input.patientId, settings);
      // A dose is evidence too (dosing after missed integration sessions): the signs are read before the audit row.
      await reevaluateWarningSigns(tx, uc, input.patientId, 'dose_taken', settings);
      await audit();
      return undefined;
    }),
  );
}

/** Follow-up cadence (after the first dose and every N): counted in doses taken, due at once, so it holds the next. */
async function followUpAfterDose(tx: Tx, { ctx }: UseCase, patientId: string, settings: ProgramSettings): Promise<void> {
  const plan = await activePlan(tx, patientId);
  const cadence = effectiveLimits(plan ? planTerms(plan) : null, settings.dosing).followUp;
  const row = await tx
    .selectFrom('dosing_sessions')
    .select(sql<string>`count(*)`.as('n'))
    .where('patient_id', '=', patientId)
    .where('started_at', 'is not', null)
    .executeTakeFirstOrThrow();
  const doses = Number(row.n);
  if (!followUpDueAfterSession(doses, cadence)) return;
  await tx
    .insertInto('follow_ups')
    .values({
      id: crypto.randomUUID(),
      patient_id: patientId,
      reason: doses === 1 ? 'Follow-up visit after the first session' : `Follow-up visit after session ${doses}`,
      cause: `session-count:${doses}`,
      due_at: ctx.now,
      created_at: ctx.now,
      completed_at: null,
      completed_by: null,
      visit_id: null,
    })
    .onConflict((oc) => oc.columns(['patient_id', 'cause']).doNothing())
    .execute();
}

/** What the session is waiting for before it may be closed (also shown on the session view). */
export async function completionDecision(tx: Db, session: { id: string; patient_id: string; started_at: Date | null }, now: Date, settings: ProgramSettings): Promise<CompletionDecision> {
  const [assigned, attested, confirmations] = await Promise.all([
    tx.selectFrom('sitter_assignments').select('sitter_user_id').where('patient_id', '=', session.patient_id).where('status', '=', 'active').execute(),
    tx.selectFrom('sitter_attestations').select('sitter_user_id').where('session_id', '=', session.id).where('present', '=', true).where('sober', '=', true).execute(),
    tx.selectFrom('sitter_baseline_confirmations').select(['sitter_user_id', 'confirmed_at', 'back_to_baseline']).where('session_id', '=', session.id).execute(),
  ]);
  return evaluateCompletion(
    {
      startedAt: session.started_at ? iso(session.started_at) : null,
      assignedSitterIds: assigned.map((a) => a.sitter_user_id).filter((id): id is string => id !== null),
      presentSitterIds: attested.map((a) => a.sitter_user_id),
      confirmations: confirmations.map((c) => ({ sitterUserId: c.sitter_user_id, confirmedAt: iso(c.confirmed_at), backToBaseline: c.back_to_baseline })),
    },
    now,
    settings.dosing,
  );
}

/**
 * Closing a session: only after the minimum observation time since the dose and on the assigned sitter's own
 * back-to-baseline confirmation, never on the patient's word. A "not yet" keeps the session open (409 naming what
 * it waits for), with the sitter's checks and "something is wrong" still available.
 */
export async function completeSession(
  uc: UseCase,
  input: {
    patientId: string;
    sessionId: string;
    sideEffects: string[];
    dissociation0to10: number;
    nausea0to10: number;
    mood0to10: number;
    sitterConfirmsBaseline?: boolean | undefined;
  },
): Promise<void> {
  const { deps, ctx } = uc;
  await inTransaction(deps.database.db, async (tx) => {
    await lockPatientShared(tx, input.patientId);
    const session = await lockSession(tx, input.sessionId, input.patientId);
    assertTransition('complete', session.status);
    const settings = await loadProgramSettings(tx);
    const decision = await completionDecision(tx, session, ctx.now, settings);
    const reasons = decision.kind === 'not_yet' ? [...decision.reasons] : [];
    if (input.sitterConfirmsBaseline === false && !reasons.some((r) => r.code === 'SITTER_SAYS_NOT_BASELINE')) {
      reasons.push({ code: 'SITTER_SAYS_NOT_BASELINE', message: 'You said you are not back to your usual self yet: stay lying down with your sitter and finish later.' });
    }
    if (decision.kind === 'not_yet' || reasons.length > 0) {
      throw new AppError('SESSION_NOT_READY_TO_COMPLETE', `The session stays open: ${reasons.map((r) => r.message).join(' ')}`, undefined, {
        reasons: reasonsOf(reasons),
        observationEndsAt: decision.kind === 'not_yet' ? decision.observationEndsAt : null,
      });
    }
    await tx.updateTable('dosing_sessions').set({ status: 'completed', completed_at: ctx.now }).where('id', '=', session.id).execute();
    await recordLiveEvent(tx, { patientId: input.patientId, sessionId: session.id, kind: 'session.completed', at: ctx.now });
    await tx
      .insertInto('post_session_assessments')
      .values({
        id: crypto.randomUUID(),
        patient_id: input.patientId,
        session_id: input.sessionId,
        side_effects: input.sideEffects,
        dissociation_0_10: input.dissociation0to10,
        nausea_0_10: input.nausea0to10,
        mood_0_10: input.mood0to10,
        // The sitter's own confirmation, which the decision above required.
        sitter_confirms_baseline: true,
        submitted_by: ctx.actorId ?? '',
        submitted_at: ctx.now,
      })
      .execute();
    await writeAudit(tx, ctx, {
      action: 'session.complete',
      resourceType: 'session',
      resourceId: input.sessionId,
      patientId: input.patientId,
      outcome: 'success',
      detail: { confirmedBy: decision.confirmedBy, confirmedAt: decision.confirmedAt },
    });
  });
}

/**
 * Ending a session early. Before the dose the reserved units go back on hand with a ledger entry. After the dose
 * (the patient leaves before the sitter confirmed baseline) the clinician is alerted: the patient may be impaired
 * and alone.
 */
export async function abortSession(uc: UseCase, input: { patientId: string; sessionId: string; reason: string }): Promise<void> {
  const { deps, ctx } = uc;
  await inTransaction(deps.database.db, async (tx) => {
    await lockPatientShared(tx, input.patientId);
    const session = await lockSession(tx, input.sessionId, input.patientId);
    assertTransition('abort', session.status);
    const settings = await loadProgramSettings(tx);
    await tx.updateTable('dosing_sessions').set({ status: 'aborted', aborted_at: ctx.now, abort_reason: input.reason }).where('id', '=', session.id).execute();
    await recordLiveEvent(tx, { patientId: input.patientId, sessionId: session.id, kind: 'session.aborted', at: ctx.now });
    if (session.status === 'authorized') {
      await returnReservedUnits(tx, uc, session, 'The session was ended before it started: the dose was not taken.');
    }
    let alertIds: string[] = [];
    if (session.status === 'in_progress' && session.started_at !== null && ctx.actorRole !== 'clinician') {
      const candidates = alertsForEvent(
        { kind: 'session_aborted_after_dose', sessionId: session.id, at: iso(ctx.now), startedAt: iso(session.started_at) },
        ctx.now,
        settings.monitoring.alerts,
      );
      alertIds = (await raiseAlerts(tx, uc, input.patientId, candidates)).map((a) => a.id);
    }
    await writeAudit(tx, ctx, {
      action: 'session.abort',
      resourceType: 'session',
      resourceId: input.sessionId,
      patientId: input.patientId,
      outcome: 'success',
      detail: { fromStatus: session.status, afterDose: session.started_at !== null, alertIds },
    });
  });
}
