// Authorizing a dose (docs/clinical-basis.md §4; invariants I1–I3, I5). One transaction:
//   lock the patient row (FOR UPDATE) → replay an Idempotency-Key answer if there is one → lock the session →
//   load every gate input fresh → evaluateGate → store the evaluation (authorized or blocked, with reasons) and an
//   audit row → when authorized: session → authorized and the ledger's `administered` entry → remember the
//   response under the Idempotency-Key → COMMIT.
// Concurrent authorizations for one patient queue on the row lock, so the second one sees the first one's
// session and ledger entry and is blocked by the interval, the weekly maximum or doses on hand. The database backs
// this up: on hand cannot go below zero (ledger_balances CHECK) and a session holds at most one dose and one
// authorizing evaluation (unique indexes). Any unexpected error while deciding is a denial (fail closed).
import { authorizationExpiresAt, evaluateGate, gateReasonHelp, type GateReason } from '@keel/domain';
import { writeAudit } from '../../audit/audit-log.ts';
import { recordLiveEvent } from '../live/live-events.ts';
import { inTransaction } from '../../db/transaction.ts';
import { findIdempotentResponse, rememberResponse, type IdempotencyScope, type StoredResponse } from '../../http/idempotency.ts';
import { AppError } from '../../http/problem.ts';
import type { UseCase } from '../deps.ts';
import { loadProgramSettings } from '../settings/program-settings.service.ts';
import { reevaluateWarningSigns } from '../monitoring/risk-evaluation.ts';
import { loadGateInput, recordGateEvaluation } from './gate-input.ts';
import { expireLapsedAuthorizations } from './session-transitions.ts';
import { assertTransition, lockPatient, lockSession } from './treatment-common.ts';

export type AuthorizeBody =
  | { outcome: 'authorized'; doseMg: number; evaluationId: string; sessionId: string; expiresAt: string }
  | { outcome: 'blocked'; reasons: { code: GateReason['code']; message: string }[]; evaluationId: string | null; sessionId: string };

export interface AuthorizeInput {
  patientId: string;
  sessionId: string;
  requestedDoseMg: number | null;
  idempotency: IdempotencyScope | null;
}

export async function authorizeSession(uc: UseCase, input: AuthorizeInput): Promise<StoredResponse<AuthorizeBody>> {
  try {
    return await decide(uc, input);
  } catch (error) {
    // Refusals the caller can act on (unknown session, illegal transition, reused key) are not decisions.
    if (error instanceof AppError) throw error;
    return recordFailureAsBlocked(uc, input, error);
  }
}

async function decide(uc: UseCase, input: AuthorizeInput): Promise<StoredResponse<AuthorizeBody>> {
  const { deps, ctx } = uc;
  return inTransaction(deps.database.db, async (tx) => {
    const patient = await lockPatient(tx, input.patientId);
    if (input.idempotency) {
      const prior = await findIdempotentResponse<AuthorizeBody>(tx, input.idempotency);
      if (prior) return prior;
    }
    const session = await lockSession(tx, input.sessionId, input.patientId);
    assertTransition('authorize', session.status);
    // A lapsed go-ahead elsewhere is recorded as expired (its unit returned) before this one is decided.
    await expireLapsedAuthorizations(tx, uc, input.patientId);
    const settings = await loadProgramSettings(tx);
    const { input: gateInput, refs } = await loadGateInput(tx, {
      patientId: input.patientId,
      patientStatus: patient.status,
      sessionId: input.sessionId,
      requestedDoseMg: input.requestedDoseMg,
      now: ctx.now,
    });
    const decision = evaluateGate(gateInput, ctx.now, settings.dosing);
    const reasons = decision.kind === 'blocked' ? [...decision.reasons] : [];
    const evaluationId = await recordGateEvaluation(tx, { patientId: input.patientId, sessionId: input.sessionId, stage: 'authorize', decision, refs, actorId: ctx.actorId, now: ctx.now });

    // A blocked attempt can be the evidence of a warning sign (INTERVAL_PRESSURE): read the signs before the audit row.
    if (decision.kind === 'blocked' && reasons.some((r) => settings.monitoring.warningSigns.intervalPressure.reasonCodes.includes(r.code))) {
      await reevaluateWarningSigns(tx, uc, input.patientId, 'authorization_blocked', settings);
    }

    let body: AuthorizeBody;
    if (decision.kind === 'authorized') {
      const expiresAt = authorizationExpiresAt(ctx.now, settings.dosing);
      const updated = await tx
        .updateTable('dosing_sessions')
        .set({ status: 'authorized', authorized_at: ctx.now, authorization_expires_at: expiresAt, dose_mg: decision.doseMg, plan_id: decision.planId })
        .where('id', '=', input.sessionId)
        .where('status', '=', 'scheduled')
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) throw new Error('session changed while authorizing');
      await tx
        .insertInto('ledger_entries')
        .values({
          id: crypto.randomUUID(),
          patient_id: input.patientId,
          kind: 'administered',
          units: refs.unitsPerDose,
          occurred_at: ctx.now,
          recorded_by: ctx.actorId ?? '',
          recorded_at: ctx.now,
          session_id: input.sessionId,
          dispense_id: null,
          corrects_id: null,
          counted_units: null,
          expected_units: null,
          loss_kind: null,
          circumstances: null,
          manner: null,
          note: null,
        })
        .execute();
      await recordLiveEvent(tx, { patientId: input.patientId, sessionId: input.sessionId, kind: 'session.authorized', at: ctx.now });
      body = { outcome: 'authorized', doseMg: decision.doseMg, evaluationId, sessionId: input.sessionId, expiresAt: expiresAt.toISOString() };
    } else {
      body = { outcome: 'blocked', reasons: reasons.map((r) => ({ code: r.code, message: r.message })), evaluationId, sessionId: input.sessionId };
    }
    await writeAudit(tx, ctx, {
      action: 'session.authorize',
      resourceType: 'session',
      resourceId: input.sessionId,
      patientId: input.patientId,
      outcome: 'success',
      detail: { outcome: decision.kind, reasonCodes: reasons.map((r) => r.code), evaluationId, units: decision.kind === 'authorized' ? refs.unitsPerDose : 0 },
    });
    const response = { status: 200, body };
    if (input.idempotency) await rememberResponse(tx, input.idempotency, response, ctx.now);
    return response;
  });
}

/** I1: an error while checking means deny. The failed attempt is still stored and audited, as a blocked decision. */
async function recordFailureAsBlocked({ deps, ctx }: UseCase, input: AuthorizeInput, cause: unknown): Promise<StoredResponse<AuthorizeBody>> {
  const reason = { code: 'GATE_INPUT_INVALID' as const, message: `${gateReasonHelp.GATE_INPUT_INVALID.explanation} ${gateReasonHelp.GATE_INPUT_INVALID.whatToDo}` };
  // Only the error's class and SQLSTATE go to the record: never a message that could carry data.
  const errorCode = typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : 'unknown';
  try {
    const evaluationId = await inTransaction(deps.database.db, async (tx) => {
      const id = crypto.randomUUID();
      await tx
        .insertInto('gate_evaluations')
        .values({
          id,
          patient_id: input.patientId,
          session_id: input.sessionId,
          evaluated_at: ctx.now,
          outcome: 'blocked',
          reason_codes: [reason.code],
          reasons: JSON.stringify([{ ...reason, detail: { problems: ['the check could not complete'] } }]),
          dose_mg: null,
          actor_id: ctx.actorId,
          inputs: JSON.stringify({ error: errorCode }),
        })
        .execute();
      await writeAudit(tx, ctx, {
        action: 'session.authorize',
        resourceType: 'session',
        resourceId: input.sessionId,
        patientId: input.patientId,
        outcome: 'failure',
        detail: { outcome: 'blocked', reasonCodes: [reason.code], evaluationId: id, error: errorCode },
      });
      return id;
    });
    return { status: 200, body: { outcome: 'blocked', reasons: [reason], evaluationId, sessionId: input.sessionId } };
  } catch {
    // Even the record of the denial failed: still a denial, never an authorization.
    return { status: 200, body: { outcome: 'blocked', reasons: [reason], evaluationId: null, sessionId: input.sessionId } };
  }
}
