// Authorizing a dose (use-cases/treatment/authorize-session.ts), called directly and read in full: what it answers,
// the session row it authorizes, the units it sets aside (the `administered` entry), the gate evaluation it stores,
// the live event and the audit row; a blocked attempt with every reason, and the warning-sign re-evaluation that only
// an interval block triggers; a lapsed authorization expired first, so its units count again; the Idempotency-Key's
// replay; a session that cannot be authorized. The expected values are written out by hand; the clock starts at
// 2026-06-01T12:00:00.000Z in every test.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../src/audit/audit-log.ts';
import { AppError } from '../../src/http/problem.ts';
import { authorizeSession, type AuthorizeInput } from '../../src/use-cases/treatment/authorize-session.ts';
import type { TestUser } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { insertLedger, insertSession } from '../monitoring/monitoring-fixtures.ts';
import { HOUR, MINUTE, createWorld, dispense, prepare, schedule, signedPlan, type World } from './treatment-world.ts';

const T0 = '2026-06-01T12:00:00.000Z';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  t.clock.set(T0);
});

const at = (ms: number) => new Date(Date.parse(T0) + ms);

const ctxOf = (actor: TestUser): RequestContext => ({
  actorId: actor.id,
  actorRole: actor.role,
  requestId: 'req-authorize',
  clientAddress: '203.0.113.7',
  now: t.clock.now(),
});

const call = (w: World, sessionId: string, extra: Partial<AuthorizeInput> = {}) =>
  authorizeSession({ deps: t.deps, ctx: ctxOf(w.patient) }, { patientId: w.patient.patientId, sessionId, requestedDoseMg: null, idempotency: null, ...extra });

/** Enrolled, a signed plan of 300 mg, `units` tablets of 150 mg dispensed (two a dose), a session booked now. */
async function world(units = 4): Promise<{ w: World; planId: string; sessionId: string }> {
  const w = await createWorld(t);
  const planId = await signedPlan(w);
  await dispense(w, units, 150);
  const sessionId = await schedule(w);
  return { w, planId, sessionId };
}

const sessionRow = (id: string) =>
  t.database.db
    .selectFrom('dosing_sessions')
    .select(['status', 'authorized_at', 'authorization_expires_at', 'dose_mg', 'plan_id', 'started_at', 'expired_at'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

const entries = (patientId: string) =>
  t.database.db
    .selectFrom('ledger_entries')
    .select(['kind', 'units', 'occurred_at', 'recorded_by', 'recorded_at', 'session_id', 'dispense_id', 'corrects_id', 'counted_units', 'expected_units', 'loss_kind', 'circumstances', 'manner', 'note'])
    .where('patient_id', '=', patientId)
    .orderBy('recorded_at')
    .orderBy('kind', 'desc')
    .execute();

const onHand = async (patientId: string) =>
  (await t.database.db.selectFrom('ledger_balances').select('on_hand_units').where('patient_id', '=', patientId).executeTakeFirstOrThrow()).on_hand_units;

const evaluations = (sessionId: string) =>
  t.database.db
    .selectFrom('gate_evaluations')
    .select(['id', 'patient_id', 'stage', 'evaluated_at', 'outcome', 'reason_codes', 'dose_mg', 'actor_id'])
    .where('session_id', '=', sessionId)
    .orderBy('evaluated_at')
    .execute();

const authorizeAudit = (sessionId: string) =>
  t.database.db
    .selectFrom('audit_log')
    .select(['action', 'actor_id', 'resource_type', 'resource_id', 'patient_id', 'outcome', 'detail'])
    .where('action', '=', 'session.authorize')
    .where('resource_id', '=', sessionId)
    .orderBy('id')
    .execute();

const liveEvents = (sessionId: string) =>
  t.database.db.selectFrom('live_events').select(['kind', 'at', 'patient_id', 'payload']).where('session_id', '=', sessionId).orderBy('id').execute();

const blockedTriggers = (patientId: string) =>
  t.database.db.selectFrom('risk_evaluations').select(['trigger', 'signal_codes']).where('patient_id', '=', patientId).where('trigger', '=', 'authorization_blocked').execute();

const alertCodes = async (patientId: string) =>
  (await t.database.db.selectFrom('alerts').select('code').where('patient_id', '=', patientId).orderBy('code').execute()).map((a) => a.code);

const VITALS_MISSING = {
  code: 'VITALS_MISSING',
  message: 'We need your blood pressure and heart rate before the session. Measure them now and enter them.',
};

async function thrown(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => null,
    (e: unknown) => e,
  );
}

describe('authorizeSession', () => {
  it('authorizes a prepared session: the answer, the session, the units set aside, the evaluation, the live event and the audit row', async () => {
    const { w, planId, sessionId } = await world(4);
    await prepare(w, sessionId);

    const response = await call(w, sessionId);

    const [evaluation, ...more] = await evaluations(sessionId);
    expect(more).toEqual([]);
    const evaluationId = evaluation!.id;
    expect(response).toEqual({
      status: 200,
      body: { outcome: 'authorized', doseMg: 300, evaluationId, sessionId, expiresAt: '2026-06-01T12:30:00.000Z' },
    });
    expect(evaluation).toEqual({
      id: evaluationId,
      patient_id: w.patient.patientId,
      stage: 'authorize',
      evaluated_at: new Date(T0),
      outcome: 'authorized',
      reason_codes: [],
      dose_mg: 300,
      actor_id: w.patient.id,
    });
    expect(await sessionRow(sessionId)).toEqual({
      status: 'authorized',
      authorized_at: new Date(T0),
      authorization_expires_at: new Date('2026-06-01T12:30:00.000Z'),
      dose_mg: 300,
      plan_id: planId,
      started_at: null,
      expired_at: null,
    });
    const ledger = await entries(w.patient.patientId);
    expect(ledger).toHaveLength(2);
    expect(ledger[0]).toMatchObject({ kind: 'dispensed', units: 4 });
    // Two tablets of 150 mg for the 300 mg dose, set aside now by the patient, naming the session.
    expect(ledger[1]).toEqual({
      kind: 'administered',
      units: 2,
      occurred_at: new Date(T0),
      recorded_by: w.patient.id,
      recorded_at: new Date(T0),
      session_id: sessionId,
      dispense_id: null,
      corrects_id: null,
      counted_units: null,
      expected_units: null,
      loss_kind: null,
      circumstances: null,
      manner: null,
      note: null,
    });
    expect(await onHand(w.patient.patientId)).toBe(2);
    const events = await liveEvents(sessionId);
    expect(events.filter((e) => e.kind === 'session.authorized')).toEqual([{ kind: 'session.authorized', at: new Date(T0), patient_id: w.patient.patientId, payload: {} }]);
    expect(await authorizeAudit(sessionId)).toEqual([
      {
        action: 'session.authorize',
        actor_id: w.patient.id,
        resource_type: 'session',
        resource_id: sessionId,
        patient_id: w.patient.patientId,
        outcome: 'success',
        detail: { outcome: 'authorized', reasonCodes: [], evaluationId, units: 2 },
      },
    ]);
    // An authorization is no warning sign: nothing is re-evaluated for it.
    expect(await blockedTriggers(w.patient.patientId)).toEqual([]);
  });

  it('authorizes the dose asked for when it is the plan’s, and refuses another', async () => {
    const { w, sessionId } = await world(4);
    await prepare(w, sessionId);
    const response = await call(w, sessionId, { requestedDoseMg: 300 });
    expect(response.body).toMatchObject({ outcome: 'authorized', doseMg: 300 });
    // Another dose than the plan's: refused with its reason, nothing set aside.
    const other = await world(4);
    await prepare(other.w, other.sessionId);
    const refused = await call(other.w, other.sessionId, { requestedDoseMg: 450 });
    expect(refused.body).toMatchObject({ outcome: 'blocked' });
    expect((refused.body as { reasons: { code: string }[] }).reasons.map((r) => r.code)).toEqual(['DOSE_NOT_PLAN_DOSE']);
    expect(await onHand(other.w.patient.patientId)).toBe(4);
  });

  it('blocks with every reason: the answer, the evaluation and the audit row; the session and the units are untouched', async () => {
    const { w, planId, sessionId } = await world(4);
    await prepare(w, sessionId, ['vitals']);

    const response = await call(w, sessionId);

    const [evaluation, ...more] = await evaluations(sessionId);
    expect(more).toEqual([]);
    const evaluationId = evaluation!.id;
    expect(response).toEqual({ status: 200, body: { outcome: 'blocked', reasons: [VITALS_MISSING], evaluationId, sessionId } });
    expect(evaluation).toEqual({
      id: evaluationId,
      patient_id: w.patient.patientId,
      stage: 'authorize',
      evaluated_at: new Date(T0),
      outcome: 'blocked',
      reason_codes: ['VITALS_MISSING'],
      dose_mg: null,
      actor_id: w.patient.id,
    });
    expect(await sessionRow(sessionId)).toEqual({
      status: 'scheduled',
      authorized_at: null,
      authorization_expires_at: null,
      dose_mg: null,
      // Booked under the active plan.
      plan_id: planId,
      started_at: null,
      expired_at: null,
    });
    expect((await entries(w.patient.patientId)).map((e) => e.kind)).toEqual(['dispensed']);
    expect(await onHand(w.patient.patientId)).toBe(4);
    expect((await liveEvents(sessionId)).filter((e) => e.kind === 'session.authorized')).toEqual([]);
    expect(await authorizeAudit(sessionId)).toEqual([
      {
        action: 'session.authorize',
        actor_id: w.patient.id,
        resource_type: 'session',
        resource_id: sessionId,
        patient_id: w.patient.patientId,
        outcome: 'success',
        detail: { outcome: 'blocked', reasonCodes: ['VITALS_MISSING'], evaluationId, units: 0 },
      },
    ]);
    // A block that is not about the interval is no evidence of interval pressure: nothing is re-evaluated.
    expect(await blockedTriggers(w.patient.patientId)).toEqual([]);
    expect(await alertCodes(w.patient.patientId)).toEqual([]);
  });

  it('a block on the interval, among other reasons, re-evaluates the warning signs: a second attempt is interval pressure', async () => {
    const { w, sessionId } = await world(4);
    await prepare(w, sessionId, ['vitals']);
    // A dose taken a day ago, and an attempt blocked on the interval two hours ago: this attempt is the second.
    await insertSession(t, w.patient.patientId, w.patient.id, { status: 'completed', at: at(-24 * HOUR) });
    await t.database.db
      .insertInto('gate_evaluations')
      .values({
        id: crypto.randomUUID(),
        patient_id: w.patient.patientId,
        session_id: sessionId,
        evaluated_at: at(-2 * HOUR),
        outcome: 'blocked',
        reason_codes: ['MIN_INTERVAL_NOT_MET'],
        reasons: JSON.stringify([{ code: 'MIN_INTERVAL_NOT_MET', message: 'planted' }]),
        dose_mg: null,
        actor_id: w.patient.id,
        stage: 'authorize',
        inputs: JSON.stringify({}),
      })
      .execute();

    const response = await call(w, sessionId);

    const body = response.body as { outcome: string; reasons: { code: string }[] };
    expect(body.outcome).toBe('blocked');
    expect(body.reasons.map((r) => r.code)).toEqual(['MIN_INTERVAL_NOT_MET', 'VITALS_MISSING']);
    expect(await blockedTriggers(w.patient.patientId)).toEqual([{ trigger: 'authorization_blocked', signal_codes: ['INTERVAL_PRESSURE'] }]);
    expect(await alertCodes(w.patient.patientId)).toEqual(['INTERVAL_PRESSURE']);
    const audit = await authorizeAudit(sessionId);
    expect(audit.map((a) => a.detail)).toEqual([{ outcome: 'blocked', reasonCodes: ['MIN_INTERVAL_NOT_MET', 'VITALS_MISSING'], evaluationId: (await evaluations(sessionId))[1]!.id, units: 0 }]);
  });

  it('expires a lapsed authorization of another session first, so its units are on hand again for this one', async () => {
    const { w, sessionId } = await world(2);
    await prepare(w, sessionId);
    // Authorized an hour ago for 30 minutes, never started: its two tablets are set aside, none left on hand.
    const lapsed = crypto.randomUUID();
    await t.database.db
      .insertInto('dosing_sessions')
      .values({
        id: lapsed,
        patient_id: w.patient.patientId,
        plan_id: null,
        status: 'authorized',
        scheduled_for: at(-HOUR),
        authorized_at: at(-HOUR),
        authorization_expires_at: at(-30 * MINUTE),
        dose_mg: 300,
        started_at: null,
        completed_at: null,
        aborted_at: null,
        abort_reason: null,
        created_by: w.patient.id,
        created_at: at(-HOUR),
      })
      .execute();
    await insertLedger(t, w.patient.patientId, w.patient.id, { kind: 'administered', units: 2, at: at(-HOUR), sessionId: lapsed });
    expect(await onHand(w.patient.patientId)).toBe(0);

    const response = await call(w, sessionId);

    expect(response.body).toMatchObject({ outcome: 'authorized', doseMg: 300, sessionId });
    expect(await sessionRow(lapsed)).toMatchObject({ status: 'expired', expired_at: new Date(T0) });
    expect(await sessionRow(sessionId)).toMatchObject({ status: 'authorized' });
    expect(await onHand(w.patient.patientId)).toBe(0);
  });

  it('with an Idempotency-Key, a retry gets the first answer back and nothing is done twice', async () => {
    const { w, sessionId } = await world(4);
    await prepare(w, sessionId);
    const idempotency = { actorId: w.patient.id, key: 'retry-key-0001', route: '/api/v1/sessions/:sessionId/authorize', requestSha256: 'a'.repeat(64) };

    const first = await call(w, sessionId, { idempotency });
    const [evaluation] = await evaluations(sessionId);
    const expected = { status: 200, body: { outcome: 'authorized', doseMg: 300, evaluationId: evaluation!.id, sessionId, expiresAt: '2026-06-01T12:30:00.000Z' } };
    expect(first).toEqual(expected);
    const stored = await t.database.db.selectFrom('idempotency_keys').select(['actor_id', 'key', 'route', 'response_status', 'response_body']).where('actor_id', '=', w.patient.id).execute();
    expect(stored).toEqual([{ actor_id: w.patient.id, key: 'retry-key-0001', route: '/api/v1/sessions/:sessionId/authorize', response_status: 200, response_body: expected.body }]);

    t.clock.set(at(MINUTE));
    const again = await call(w, sessionId, { idempotency });
    expect(again).toEqual(expected);
    expect(await evaluations(sessionId)).toHaveLength(1);
    expect((await entries(w.patient.patientId)).map((e) => e.kind)).toEqual(['dispensed', 'administered']);
    expect(await authorizeAudit(sessionId)).toHaveLength(1);
  });

  it('a session already authorized is refused (409) and nothing is recorded for the attempt', async () => {
    const { w, sessionId } = await world(4);
    await prepare(w, sessionId);
    await call(w, sessionId);
    const error = await thrown(call(w, sessionId));
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('CONFLICT');
    expect(await evaluations(sessionId)).toHaveLength(1);
    expect(await authorizeAudit(sessionId)).toHaveLength(1);
  });
});
