// Booking a dosing session, the sitter's check schedule and the sitter's end-of-session statement
// (use-cases/treatment/sessions.ts: createSession, listSessions, sitterCheckSlots, recordSitterBaseline), called
// directly on rows planted for each test. Each test reads back what was written (the session row, the audit row,
// the baseline row) and the answer in full; a refusal by its code, status and words. Expected values are written out
// by hand from the planted rows and the program's default limits (72 hours between sessions, at most 2 in any 7
// days, a sitter check every 15 minutes with 5 minutes' grace); the clock starts at 2026-06-01T12:00:00.000Z.
import type { RequestContext } from '../../src/audit/audit-log.ts';
import { AppError } from '../../src/http/problem.ts';
import { createSession, getSession, listSessions, recordSitterBaseline, sitterCheckSlots } from '../../src/use-cases/treatment/sessions.ts';
import { samplePlanTerms } from '@keel/domain';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assignCareTeam, assignSitter, createPatient, createUser, signIn, type TestUser } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { DAY, HOUR, MINUTE } from './treatment-world.ts';

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
  requestId: 'req-booking',
  clientAddress: '203.0.113.7',
  now: t.clock.now(),
});
const ucOf = (actor: TestUser) => ({ deps: t.deps, ctx: ctxOf(actor) });

async function people() {
  const clinician = await createUser(t, 'clinician');
  const sitter = await createUser(t, 'sitter');
  const patient = await createPatient(t);
  await assignCareTeam(t, patient.patientId, clinician.id, 'clinician');
  await assignSitter(t, patient.patientId, sitter.id, patient.id);
  return { clinician, sitter, patient };
}
type People = Awaited<ReturnType<typeof people>>;

type Status = 'scheduled' | 'authorized' | 'in_progress' | 'completed' | 'aborted' | 'missed' | 'expired';
/** A session row; a dosed one (started) carries an authorization three hours before its start unless given. */
async function plantSession(
  p: People,
  fields: { status: Status; scheduledFor: Date; startedAt?: Date | null; authorizedAt?: Date | null; expiresAt?: Date | null; createdAt?: Date },
): Promise<string> {
  const id = crypto.randomUUID();
  const startedAt = fields.startedAt ?? null;
  const authorizedAt = fields.authorizedAt !== undefined ? fields.authorizedAt : startedAt !== null ? new Date(startedAt.getTime() - 10 * MINUTE) : null;
  const expiresAt = fields.expiresAt !== undefined ? fields.expiresAt : authorizedAt === null ? null : new Date(authorizedAt.getTime() + 30 * MINUTE);
  await t.database.db
    .insertInto('dosing_sessions')
    .values({
      id,
      patient_id: p.patient.patientId,
      plan_id: null,
      status: fields.status,
      scheduled_for: fields.scheduledFor,
      authorized_at: authorizedAt,
      authorization_expires_at: expiresAt,
      dose_mg: authorizedAt === null ? null : 300,
      started_at: startedAt,
      completed_at: fields.status === 'completed' ? new Date((startedAt ?? fields.scheduledFor).getTime() + 2 * HOUR) : null,
      aborted_at: fields.status === 'aborted' ? fields.scheduledFor : null,
      abort_reason: fields.status === 'aborted' ? 'Patient unwell' : null,
      created_by: p.patient.id,
      created_at: fields.createdAt ?? at(-10 * DAY),
      expired_at: fields.status === 'expired' ? expiresAt : null,
    })
    .execute();
  return id;
}

async function plantPlan(p: People, minHoursBetweenSessions: number): Promise<string> {
  const id = crypto.randomUUID();
  await t.database.db
    .insertInto('treatment_plans')
    .values({
      id,
      patient_id: p.patient.patientId,
      version: 1,
      status: 'active',
      terms: JSON.stringify(samplePlanTerms({ minHoursBetweenSessions })),
      terms_sha256: 'test',
      created_by: p.clinician.id,
      created_at: at(-20 * DAY),
      updated_at: at(-20 * DAY),
      based_on_id: null,
      signed_by: p.clinician.id,
      signed_at: at(-20 * DAY),
      signature_id: null,
      supersedes_id: null,
    })
    .execute();
  return id;
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

const sessionsOf = (patientId: string) =>
  t.database.db
    .selectFrom('dosing_sessions')
    .select(['status', 'scheduled_for', 'plan_id', 'authorized_at', 'dose_mg', 'started_at', 'completed_at', 'aborted_at', 'abort_reason', 'created_by', 'created_at', 'authorization_expires_at', 'expired_at'])
    .where('patient_id', '=', patientId)
    .orderBy('scheduled_for')
    .execute();

const auditRows = (patientId: string) =>
  t.database.db
    .selectFrom('audit_log')
    .select(['action', 'resource_type', 'resource_id', 'patient_id', 'outcome', 'actor_id', 'actor_role', 'detail'])
    .where('patient_id', '=', patientId)
    .where('action', 'in', ['session.schedule', 'session.sitter_baseline'])
    .orderBy('id')
    .execute();

const INTERVAL_72 = 'Sessions must be at least 72 hours apart, and this time is closer than that to another session.';
const WEEKLY_2 = 'At most 2 sessions fit in any 7 days, and this time would make one more.';

describe('createSession', () => {
  it('books a free time: the row, the answer and the audit row, with the active plan named', async () => {
    const p = await people();
    const planId = await plantPlan(p, 72);
    const view = await createSession(ucOf(p.patient), { patientId: p.patient.patientId, scheduledFor: '2026-06-02T09:30:00.000Z' });
    expect(view).toEqual({
      id: view.id,
      patientId: p.patient.patientId,
      planId,
      status: 'scheduled',
      scheduledFor: '2026-06-02T09:30:00.000Z',
      authorizedAt: null,
      authorizationExpiresAt: null,
      expiredAt: null,
      doseMg: null,
      startedAt: null,
      completedAt: null,
      abortedAt: null,
      abortReason: null,
      createdAt: T0,
      gateEvaluations: [],
    });
    expect(view.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await sessionsOf(p.patient.patientId)).toEqual([
      {
        status: 'scheduled',
        scheduled_for: new Date('2026-06-02T09:30:00.000Z'),
        plan_id: planId,
        authorized_at: null,
        dose_mg: null,
        started_at: null,
        completed_at: null,
        aborted_at: null,
        abort_reason: null,
        created_by: p.patient.id,
        created_at: new Date(T0),
        authorization_expires_at: null,
        expired_at: null,
      },
    ]);
    expect(await auditRows(p.patient.patientId)).toEqual([
      { action: 'session.schedule', resource_type: 'session', resource_id: view.id, patient_id: p.patient.patientId, outcome: 'success', actor_id: p.patient.id, actor_role: 'patient', detail: {} },
    ]);
  });

  it('without an active plan the session names none', async () => {
    const p = await people();
    const view = await createSession(ucOf(p.patient), { patientId: p.patient.patientId, scheduledFor: '2026-06-02T09:30:00.000Z' });
    expect(view.planId).toBe(null);
    expect((await sessionsOf(p.patient.patientId)).map((s) => s.plan_id)).toEqual([null]);
  });

  it('refuses a time inside the interval of a dose taken: 422, the reason, the earliest time, nothing written', async () => {
    const p = await people();
    await plantSession(p, { status: 'completed', scheduledFor: at(-DAY), startedAt: at(-DAY) });
    const error = await refusal(createSession(ucOf(p.patient), { patientId: p.patient.patientId, scheduledFor: T0 }));
    expect([error.code, error.status, error.detail]).toEqual(['BOOKING_REFUSED', 422, INTERVAL_72]);
    expect(error.errors).toEqual([{ field: 'scheduledFor', message: INTERVAL_72 }]);
    expect(error.extensions).toEqual({ reasons: [{ code: 'BOOKING_INSIDE_INTERVAL', message: INTERVAL_72 }], earliestAllowedAt: '2026-06-03T12:00:00.000Z' });
    expect((await sessionsOf(p.patient.patientId)).map((s) => s.status)).toEqual(['completed']);
    expect(await auditRows(p.patient.patientId)).toEqual([]);
  });

  it("the plan's longer interval is the one applied", async () => {
    const p = await people();
    await plantPlan(p, 96);
    await plantSession(p, { status: 'completed', scheduledFor: at(-4 * DAY + HOUR), startedAt: at(-4 * DAY + HOUR) });
    const message = 'Sessions must be at least 96 hours apart, and this time is closer than that to another session.';
    const error = await refusal(createSession(ucOf(p.patient), { patientId: p.patient.patientId, scheduledFor: T0 }));
    expect([error.code, error.detail, error.extensions]).toEqual([
      'BOOKING_REFUSED',
      message,
      { reasons: [{ code: 'BOOKING_INSIDE_INTERVAL', message }], earliestAllowedAt: '2026-06-01T13:00:00.000Z' },
    ]);
  });

  it('every reason at once, joined by a space, and the earliest time that clears both', async () => {
    const p = await people();
    await plantSession(p, { status: 'completed', scheduledFor: at(-6 * DAY), startedAt: at(-6 * DAY) });
    await plantSession(p, { status: 'completed', scheduledFor: at(-DAY), startedAt: at(-DAY) });
    const error = await refusal(createSession(ucOf(p.patient), { patientId: p.patient.patientId, scheduledFor: T0 }));
    expect([error.code, error.status, error.detail]).toEqual(['BOOKING_REFUSED', 422, `${INTERVAL_72} ${WEEKLY_2}`]);
    expect(error.errors).toEqual([{ field: 'scheduledFor', message: `${INTERVAL_72} ${WEEKLY_2}` }]);
    expect(error.extensions).toEqual({
      reasons: [
        { code: 'BOOKING_INSIDE_INTERVAL', message: INTERVAL_72 },
        { code: 'BOOKING_WEEKLY_MAXIMUM', message: WEEKLY_2 },
      ],
      earliestAllowedAt: '2026-06-03T12:00:00.000Z',
    });
  });

  it('the weekly maximum alone: two doses three days apart in the week', async () => {
    const p = await people();
    await plantSession(p, { status: 'completed', scheduledFor: at(-6 * DAY), startedAt: at(-6 * DAY) });
    await plantSession(p, { status: 'aborted', scheduledFor: at(-3 * DAY), startedAt: at(-3 * DAY) });
    const error = await refusal(createSession(ucOf(p.patient), { patientId: p.patient.patientId, scheduledFor: T0 }));
    expect([error.code, error.detail, error.extensions]).toEqual(['BOOKING_REFUSED', WEEKLY_2, { reasons: [{ code: 'BOOKING_WEEKLY_MAXIMUM', message: WEEKLY_2 }], earliestAllowedAt: '2026-06-02T12:00:00.000Z' }]);
  });

  it('an open authorization counts as a dose at its authorization time', async () => {
    const p = await people();
    await plantSession(p, { status: 'authorized', scheduledFor: at(-20 * MINUTE), authorizedAt: at(-10 * MINUTE), expiresAt: at(20 * MINUTE) });
    const error = await refusal(createSession(ucOf(p.patient), { patientId: p.patient.patientId, scheduledFor: at(DAY).toISOString() }));
    expect([error.code, error.detail, error.extensions]).toEqual(['BOOKING_REFUSED', INTERVAL_72, { reasons: [{ code: 'BOOKING_INSIDE_INTERVAL', message: INTERVAL_72 }], earliestAllowedAt: '2026-06-04T11:50:00.000Z' }]);
  });

  it('a lapsed authorization is expired first and does not count', async () => {
    const p = await people();
    const lapsed = await plantSession(p, { status: 'authorized', scheduledFor: at(-HOUR), authorizedAt: at(-50 * MINUTE), expiresAt: at(-20 * MINUTE) });
    const view = await createSession(ucOf(p.patient), { patientId: p.patient.patientId, scheduledFor: at(DAY).toISOString() });
    expect(view.scheduledFor).toBe('2026-06-02T12:00:00.000Z');
    const row = await t.database.db.selectFrom('dosing_sessions').select(['status', 'expired_at']).where('id', '=', lapsed).executeTakeFirstOrThrow();
    // Expired when noticed, at the booking.
    expect(row).toEqual({ status: 'expired', expired_at: new Date(T0) });
  });

  it('another upcoming booking crowds the time, in either direction', async () => {
    const p = await people();
    await plantSession(p, { status: 'scheduled', scheduledFor: at(2 * DAY) });
    const error = await refusal(createSession(ucOf(p.patient), { patientId: p.patient.patientId, scheduledFor: at(3 * DAY).toISOString() }));
    expect([error.code, error.detail, error.extensions]).toEqual(['BOOKING_REFUSED', INTERVAL_72, { reasons: [{ code: 'BOOKING_INSIDE_INTERVAL', message: INTERVAL_72 }], earliestAllowedAt: '2026-06-06T12:00:00.000Z' }]);
  });

  it('a booking whose time has come (or passed), or that is no longer scheduled, does not crowd a new one', async () => {
    const p = await people();
    // Scheduled exactly now: not upcoming. Scheduled an hour ago: not upcoming. Upcoming but expired or missed: not scheduled.
    await plantSession(p, { status: 'scheduled', scheduledFor: at(0) });
    await plantSession(p, { status: 'scheduled', scheduledFor: at(-HOUR) });
    await plantSession(p, { status: 'expired', scheduledFor: at(2 * DAY), authorizedAt: at(-2 * HOUR), expiresAt: at(-90 * MINUTE) });
    await plantSession(p, { status: 'missed', scheduledFor: at(2 * DAY + HOUR) });
    const view = await createSession(ucOf(p.patient), { patientId: p.patient.patientId, scheduledFor: at(DAY).toISOString() });
    expect(view.status).toBe('scheduled');
    expect((await sessionsOf(p.patient.patientId)).map((s) => [s.status, s.scheduled_for.toISOString()])).toEqual([
      ['scheduled', '2026-06-01T11:00:00.000Z'],
      ['scheduled', '2026-06-01T12:00:00.000Z'],
      ['scheduled', '2026-06-02T12:00:00.000Z'],
      ['expired', '2026-06-03T12:00:00.000Z'],
      ['missed', '2026-06-03T13:00:00.000Z'],
    ]);
  });

  it("another patient's sessions do not count", async () => {
    const p = await people();
    const q = await people();
    await plantSession(q, { status: 'completed', scheduledFor: at(-DAY), startedAt: at(-DAY) });
    const view = await createSession(ucOf(p.patient), { patientId: p.patient.patientId, scheduledFor: T0 });
    expect(view.patientId).toBe(p.patient.patientId);
  });
});

describe('listSessions', () => {
  async function evaluation(p: People, sessionId: string, evaluatedAt: Date, stage: 'authorize' | 'start', outcome: 'authorized' | 'blocked'): Promise<string> {
    const id = crypto.randomUUID();
    const reasons = outcome === 'blocked' ? [{ code: 'VITALS_MISSING', message: 'No vitals.' }] : [];
    await t.database.db
      .insertInto('gate_evaluations')
      .values({ id, patient_id: p.patient.patientId, session_id: sessionId, evaluated_at: evaluatedAt, outcome, reason_codes: reasons.map((r) => r.code), reasons: JSON.stringify(reasons), dose_mg: outcome === 'authorized' ? 300 : null, actor_id: p.patient.id, stage, inputs: JSON.stringify({}) })
      .execute();
    return id;
  }

  it('every session of the patient, latest first, each with its evaluations in order', async () => {
    const p = await people();
    const q = await people();
    const early = await plantSession(p, { status: 'completed', scheduledFor: at(-5 * DAY), startedAt: at(-5 * DAY), createdAt: at(-6 * DAY) });
    const late = await plantSession(p, { status: 'scheduled', scheduledFor: at(DAY), createdAt: at(-HOUR) });
    await plantSession(q, { status: 'scheduled', scheduledFor: at(2 * DAY) });
    const second = await evaluation(p, early, at(-5 * DAY - 5 * MINUTE), 'start', 'authorized');
    const first = await evaluation(p, early, at(-5 * DAY - 20 * MINUTE), 'authorize', 'blocked');
    const list = await listSessions(ucOf(p.patient), p.patient.patientId);
    expect(list).toEqual([
      {
        id: late,
        patientId: p.patient.patientId,
        planId: null,
        status: 'scheduled',
        scheduledFor: '2026-06-02T12:00:00.000Z',
        authorizedAt: null,
        authorizationExpiresAt: null,
        expiredAt: null,
        doseMg: null,
        startedAt: null,
        completedAt: null,
        abortedAt: null,
        abortReason: null,
        createdAt: '2026-06-01T11:00:00.000Z',
        gateEvaluations: [],
      },
      {
        id: early,
        patientId: p.patient.patientId,
        planId: null,
        status: 'completed',
        scheduledFor: '2026-05-27T12:00:00.000Z',
        authorizedAt: '2026-05-27T11:50:00.000Z',
        authorizationExpiresAt: '2026-05-27T12:20:00.000Z',
        expiredAt: null,
        doseMg: 300,
        startedAt: '2026-05-27T12:00:00.000Z',
        completedAt: '2026-05-27T14:00:00.000Z',
        abortedAt: null,
        abortReason: null,
        createdAt: '2026-05-26T12:00:00.000Z',
        gateEvaluations: [
          { id: first, stage: 'authorize', evaluatedAt: '2026-05-27T11:40:00.000Z', outcome: 'blocked', reasons: [{ code: 'VITALS_MISSING', message: 'No vitals.' }], doseMg: null },
          { id: second, stage: 'start', evaluatedAt: '2026-05-27T11:55:00.000Z', outcome: 'authorized', reasons: [], doseMg: 300 },
        ],
      },
    ]);
  });

  it('a patient without sessions has an empty list', async () => {
    const p = await people();
    expect(await listSessions(ucOf(p.patient), p.patient.patientId)).toEqual([]);
  });
});

describe('sitterCheckSlots (every 15 minutes, 5 minutes of grace)', () => {
  const S = at(0);
  const m = (minutes: number) => at(minutes * MINUTE);
  const slots = (endedAt: Date | null, now: Date, checks: Date[], interval = 15, grace = 5) => sitterCheckSlots(S, endedAt, now, checks, interval, grace);

  it('nothing before the dose, and nothing on a schedule that could not end', () => {
    expect(sitterCheckSlots(null, null, m(60), [], 15, 5)).toEqual([]);
    expect(slots(null, m(60), [], 0)).toEqual([]);
    expect(slots(null, m(60), [], -15)).toEqual([]);
    expect(slots(null, m(60), [], Number.NaN)).toEqual([]);
    expect(slots(null, m(60), [], Number.POSITIVE_INFINITY)).toEqual([]);
    expect(slots(null, m(60), [], 15, Number.NaN)).toEqual([]);
    expect(slots(null, m(60), [], 15, Number.POSITIVE_INFINITY)).toEqual([]);
  });

  it('the first slot is due one interval after the start, not at it', () => {
    expect(slots(null, m(14), [])).toEqual([]);
    expect(slots(null, m(15), [])).toEqual([{ dueAt: '2026-06-01T12:15:00.000Z', status: 'due', recordedAt: null }]);
  });

  it('a slot is still due at the end of its grace and missed after it', () => {
    expect(slots(null, m(20), [])).toEqual([{ dueAt: '2026-06-01T12:15:00.000Z', status: 'due', recordedAt: null }]);
    expect(slots(null, m(21), [])).toEqual([{ dueAt: '2026-06-01T12:15:00.000Z', status: 'missed', recordedAt: null }]);
  });

  it('a check at the end of the grace counts; one at the start of the interval does not', () => {
    expect(slots(null, m(21), [m(20)])).toEqual([{ dueAt: '2026-06-01T12:15:00.000Z', status: 'recorded', recordedAt: '2026-06-01T12:20:00.000Z' }]);
    expect(slots(null, m(21), [m(0)])).toEqual([{ dueAt: '2026-06-01T12:15:00.000Z', status: 'missed', recordedAt: null }]);
    expect(slots(null, m(21), [new Date(m(20).getTime() + 1)])).toEqual([{ dueAt: '2026-06-01T12:15:00.000Z', status: 'missed', recordedAt: null }]);
  });

  it('each check answers one slot only, taken in time order whatever the order given', () => {
    expect(slots(null, m(40), [m(18)])).toEqual([
      { dueAt: '2026-06-01T12:15:00.000Z', status: 'recorded', recordedAt: '2026-06-01T12:18:00.000Z' },
      { dueAt: '2026-06-01T12:30:00.000Z', status: 'missed', recordedAt: null },
    ]);
    expect(slots(null, m(40), [m(19), m(18)])).toEqual([
      { dueAt: '2026-06-01T12:15:00.000Z', status: 'recorded', recordedAt: '2026-06-01T12:18:00.000Z' },
      { dueAt: '2026-06-01T12:30:00.000Z', status: 'recorded', recordedAt: '2026-06-01T12:19:00.000Z' },
    ]);
  });

  it('a live session: recorded, missed and due slots up to now', () => {
    expect(slots(null, m(47), [m(44), m(14)])).toEqual([
      { dueAt: '2026-06-01T12:15:00.000Z', status: 'recorded', recordedAt: '2026-06-01T12:14:00.000Z' },
      { dueAt: '2026-06-01T12:30:00.000Z', status: 'missed', recordedAt: null },
      { dueAt: '2026-06-01T12:45:00.000Z', status: 'recorded', recordedAt: '2026-06-01T12:44:00.000Z' },
    ]);
  });

  it('an ended session: slots up to its end only, and an unanswered one is missed even within its grace', () => {
    expect(slots(m(32), m(100), [m(14)])).toEqual([
      { dueAt: '2026-06-01T12:15:00.000Z', status: 'recorded', recordedAt: '2026-06-01T12:14:00.000Z' },
      { dueAt: '2026-06-01T12:30:00.000Z', status: 'missed', recordedAt: null },
    ]);
    expect(slots(m(30), m(31), [])).toEqual([
      { dueAt: '2026-06-01T12:15:00.000Z', status: 'missed', recordedAt: null },
      { dueAt: '2026-06-01T12:30:00.000Z', status: 'missed', recordedAt: null },
    ]);
  });

  it('another interval and grace are honoured', () => {
    expect(slots(null, m(23), [m(12)], 10, 2)).toEqual([
      { dueAt: '2026-06-01T12:10:00.000Z', status: 'recorded', recordedAt: '2026-06-01T12:12:00.000Z' },
      { dueAt: '2026-06-01T12:20:00.000Z', status: 'missed', recordedAt: null },
    ]);
  });
});

describe('recordSitterBaseline', () => {
  const baselineRows = (sessionId: string) =>
    t.database.db.selectFrom('sitter_baseline_confirmations').select(['id', 'patient_id', 'session_id', 'sitter_user_id', 'confirmed_at', 'back_to_baseline', 'note']).where('session_id', '=', sessionId).execute();

  it('records the statement during the session: the row, the audit row and the answer', async () => {
    const p = await people();
    const sessionId = await plantSession(p, { status: 'in_progress', scheduledFor: at(-HOUR), startedAt: at(-HOUR) });
    const answer = await recordSitterBaseline(ucOf(p.sitter), { patientId: p.patient.patientId, sessionId, sitterUserId: p.sitter.id, backToBaseline: true, note: 'Chatting normally' });
    expect(answer).toEqual({ confirmedAt: T0, backToBaseline: true, sitterUserId: p.sitter.id });
    const rows = await baselineRows(sessionId);
    expect(rows).toEqual([{ id: rows[0]?.id, patient_id: p.patient.patientId, session_id: sessionId, sitter_user_id: p.sitter.id, confirmed_at: new Date(T0), back_to_baseline: true, note: 'Chatting normally' }]);
    expect(await auditRows(p.patient.patientId)).toEqual([
      {
        action: 'session.sitter_baseline',
        resource_type: 'sitter_check',
        resource_id: rows[0]?.id,
        patient_id: p.patient.patientId,
        outcome: 'success',
        actor_id: p.sitter.id,
        actor_role: 'sitter',
        detail: { sessionId, backToBaseline: true },
      },
    ]);
  });

  it('"not yet" after the session, without a note', async () => {
    const p = await people();
    const sessionId = await plantSession(p, { status: 'completed', scheduledFor: at(-3 * HOUR), startedAt: at(-3 * HOUR) });
    const answer = await recordSitterBaseline(ucOf(p.sitter), { patientId: p.patient.patientId, sessionId, sitterUserId: p.sitter.id, backToBaseline: false });
    expect(answer).toEqual({ confirmedAt: T0, backToBaseline: false, sitterUserId: p.sitter.id });
    expect((await baselineRows(sessionId)).map((r) => [r.sitter_user_id, r.back_to_baseline, r.note])).toEqual([[p.sitter.id, false, null]]);
    expect((await auditRows(p.patient.patientId)).map((r) => r.detail)).toEqual([{ sessionId, backToBaseline: false }]);
  });

  it("another patient's session is not found, and nothing is written", async () => {
    const p = await people();
    const q = await people();
    const sessionId = await plantSession(q, { status: 'in_progress', scheduledFor: at(-HOUR), startedAt: at(-HOUR) });
    const error = await refusal(recordSitterBaseline(ucOf(p.sitter), { patientId: p.patient.patientId, sessionId, sitterUserId: p.sitter.id, backToBaseline: true }));
    expect([error.code, error.status, error.detail]).toEqual(['NOT_FOUND', 404, 'No session here, or you do not have access to it.']);
    expect(await baselineRows(sessionId)).toEqual([]);
    expect(await auditRows(p.patient.patientId)).toEqual([]);
    expect(await auditRows(q.patient.patientId)).toEqual([]);
  });

  it.each([
    ['scheduled', 'a scheduled session'],
    ['authorized', 'an authorized session'],
    ['aborted', 'an ended session'],
    ['missed', 'a missed session'],
    ['expired', 'an expired session'],
  ] as const)('refused on %s: 409 naming the state', async (status, state) => {
    const p = await people();
    const authorized = status === 'authorized' || status === 'expired';
    const sessionId = await plantSession(p, {
      status,
      scheduledFor: at(-HOUR),
      authorizedAt: authorized ? at(-50 * MINUTE) : null,
      expiresAt: status === 'authorized' ? at(10 * MINUTE) : status === 'expired' ? at(-20 * MINUTE) : null,
    });
    const error = await refusal(recordSitterBaseline(ucOf(p.sitter), { patientId: p.patient.patientId, sessionId, sitterUserId: p.sitter.id, backToBaseline: true }));
    expect([error.code, error.status, error.detail, error.extensions]).toEqual(['CONFLICT', 409, `The sitter's end-of-session confirmation cannot be recorded on ${state}.`, { sessionStatus: status }]);
    expect(await baselineRows(sessionId)).toEqual([]);
    expect(await auditRows(p.patient.patientId)).toEqual([]);
  });
});

describe('getSession', () => {
  const db = () => t.database.db;
  async function authSessionOf(user: TestUser): Promise<string> {
    await signIn(t, user);
    return (await db().selectFrom('auth_sessions').select('id').where('user_id', '=', user.id).orderBy('created_at', 'desc').limit(1).executeTakeFirstOrThrow()).id;
  }
  async function attest(p: People, sessionId: string, attestedAt: Date, present: boolean, sober: boolean): Promise<string> {
    const id = crypto.randomUUID();
    await db()
      .insertInto('sitter_attestations')
      .values({ id, patient_id: p.patient.patientId, session_id: sessionId, sitter_user_id: p.sitter.id, auth_session_id: await authSessionOf(p.sitter), present, sober, attested_at: attestedAt })
      .execute();
    return id;
  }
  async function sitterCheck(p: People, sessionId: string, checkedAt: Date, concern = false): Promise<string> {
    const id = crypto.randomUUID();
    await db()
      .insertInto('sitter_checks')
      .values({ id, patient_id: p.patient.patientId, session_id: sessionId, sitter_user_id: p.sitter.id, checked_at: checkedAt, responsive: !concern, breathing_normally: true, concern, note: null })
      .execute();
    return id;
  }
  async function baseline(p: People, sessionId: string, confirmedAt: Date, back: boolean): Promise<void> {
    await db()
      .insertInto('sitter_baseline_confirmations')
      .values({ id: crypto.randomUUID(), patient_id: p.patient.patientId, session_id: sessionId, sitter_user_id: p.sitter.id, confirmed_at: confirmedAt, back_to_baseline: back, note: null })
      .execute();
  }
  async function alert(p: People, sessionId: string, code: string, raisedAt: Date, status: 'open' | 'acknowledged' | 'resolved', title: string): Promise<string> {
    const id = crypto.randomUUID();
    await db()
      .insertInto('alerts')
      .values({ id, patient_id: p.patient.patientId, code, severity: 'critical', holds_dosing: false, cause: `test:${id}`, title, evidence: JSON.stringify([{ type: 'session', id: sessionId }]), status, raised_at: raisedAt })
      .execute();
    return id;
  }

  const noRecord = { sitterAttestations: [], vitals: [], checklists: [], adverseEvents: [], assessment: null, sitterBaseline: null, emergency: null };

  it('a session in progress: every record in order, the check schedule, the recovery and the latest open emergency', async () => {
    const p = await people();
    const S = at(-30 * MINUTE);
    const m = (minutes: number) => new Date(S.getTime() + minutes * MINUTE);
    const sessionId = await plantSession(p, { status: 'in_progress', scheduledFor: m(-20), startedAt: S, createdAt: m(-60) });
    const other = await plantSession(p, { status: 'scheduled', scheduledFor: at(5 * DAY) });
    const late = await attest(p, sessionId, m(-5), true, true);
    const early = await attest(p, sessionId, m(-15), true, false);
    const post = crypto.randomUUID();
    const pre = crypto.randomUUID();
    await db().insertInto('session_vitals').values({ id: post, patient_id: p.patient.patientId, session_id: sessionId, phase: 'during', systolic_mmhg: 131, diastolic_mmhg: 84, heart_rate_bpm: 80, spo2_pct: null, taken_at: m(20), recorded_by: p.patient.id }).execute();
    await db().insertInto('session_vitals').values({ id: pre, patient_id: p.patient.patientId, session_id: sessionId, phase: 'pre', systolic_mmhg: 124, diastolic_mmhg: 78, heart_rate_bpm: 72, spo2_pct: 98, taken_at: m(-12), recorded_by: p.patient.id }).execute();
    const checklist = crypto.randomUUID();
    await db()
      .insertInto('session_checklists')
      .values({ id: checklist, patient_id: p.patient.patientId, session_id: sessionId, attested_at: m(-10), fasted_hours: 6.5, alcohol_24h: false, sedatives_24h: true, cannabis_24h: false, new_medication: true, safe_setting: true, recorded_by: p.patient.id })
      .execute();
    const c29 = await sitterCheck(p, sessionId, m(29), true);
    const c14 = await sitterCheck(p, sessionId, m(14));
    await sitterCheck(p, other, m(16));
    const ae2 = crypto.randomUUID();
    const ae1 = crypto.randomUUID();
    await db().insertInto('adverse_events').values({ id: ae2, patient_id: p.patient.patientId, session_id: sessionId, reported_by: p.sitter.id, reported_at: m(25), kind: 'vomiting', severity: 'moderate', serious: false, description: 'Once', resolved_at: null, resolved_by: null }).execute();
    await db().insertInto('adverse_events').values({ id: ae1, patient_id: p.patient.patientId, session_id: sessionId, reported_by: p.sitter.id, reported_at: m(10), kind: 'nausea', severity: 'mild', serious: false, description: 'Brief', resolved_at: m(18), resolved_by: p.clinician.id }).execute();
    await baseline(p, sessionId, m(28), false);
    await baseline(p, sessionId, m(20), true);
    await alert(p, sessionId, 'SESSION_EMERGENCY', m(10), 'open', 'Older emergency');
    const latest = await alert(p, sessionId, 'SITTER_CHECK_OVERDUE', m(15), 'acknowledged', 'Check overdue');
    await alert(p, sessionId, 'SERIOUS_ADVERSE_EVENT_REPORTED', m(22), 'resolved', 'Resolved one');
    await alert(p, other, 'SERIOUS_ADVERSE_EVENT_REPORTED', m(24), 'open', 'Another session');
    await alert(p, sessionId, 'VITALS_OUT_OF_RANGE', m(26), 'open', 'Another code');
    const view = await getSession(ucOf(p.clinician), p.patient.patientId, sessionId);
    expect(view).toEqual({
      id: sessionId,
      patientId: p.patient.patientId,
      planId: null,
      status: 'in_progress',
      scheduledFor: '2026-06-01T11:10:00.000Z',
      authorizedAt: '2026-06-01T11:20:00.000Z',
      authorizationExpiresAt: '2026-06-01T11:50:00.000Z',
      expiredAt: null,
      doseMg: 300,
      startedAt: '2026-06-01T11:30:00.000Z',
      completedAt: null,
      abortedAt: null,
      abortReason: null,
      createdAt: '2026-06-01T10:30:00.000Z',
      gateEvaluations: [],
      sitterAttestations: [
        { id: early, sitterUserId: p.sitter.id, attestedAt: '2026-06-01T11:15:00.000Z', present: true, sober: false },
        { id: late, sitterUserId: p.sitter.id, attestedAt: '2026-06-01T11:25:00.000Z', present: true, sober: true },
      ],
      vitals: [
        { id: pre, phase: 'pre', takenAt: '2026-06-01T11:18:00.000Z', systolicMmHg: 124, diastolicMmHg: 78, heartRateBpm: 72, spo2Pct: 98 },
        { id: post, phase: 'during', takenAt: '2026-06-01T11:50:00.000Z', systolicMmHg: 131, diastolicMmHg: 84, heartRateBpm: 80, spo2Pct: null },
      ],
      checklists: [{ id: checklist, attestedAt: '2026-06-01T11:20:00.000Z', fastedHours: 6.5, alcohol24h: false, sedatives24h: true, cannabis24h: false, newMedication: true, safeSetting: true }],
      sitterChecks: {
        intervalMinutes: 15,
        graceMinutes: 5,
        recorded: [
          { id: c14, checkedAt: '2026-06-01T11:44:00.000Z', responsive: true, breathingNormally: true, concern: false },
          { id: c29, checkedAt: '2026-06-01T11:59:00.000Z', responsive: false, breathingNormally: true, concern: true },
        ],
        expected: [
          { dueAt: '2026-06-01T11:45:00.000Z', status: 'recorded', recordedAt: '2026-06-01T11:44:00.000Z' },
          { dueAt: '2026-06-01T12:00:00.000Z', status: 'recorded', recordedAt: '2026-06-01T11:59:00.000Z' },
        ],
        missedCount: 0,
      },
      adverseEvents: [
        { id: ae1, reportedAt: '2026-06-01T11:40:00.000Z', kind: 'nausea', severity: 'mild', serious: false, resolvedAt: '2026-06-01T11:48:00.000Z' },
        { id: ae2, reportedAt: '2026-06-01T11:55:00.000Z', kind: 'vomiting', severity: 'moderate', serious: false, resolvedAt: null },
      ],
      assessment: null,
      sitterBaseline: { confirmedAt: '2026-06-01T11:58:00.000Z', backToBaseline: false, sitterUserId: p.sitter.id },
      recovery: {
        observationEndsAt: '2026-06-01T12:30:00.000Z',
        minObservationMinutes: 60,
        sitterBaseline: 'not_yet',
        canComplete: false,
        waitingFor: [
          { code: 'OBSERVATION_TIME_NOT_MET', message: 'Stay in observation, lying down with your sitter, until at least 60 minutes after the dose.' },
          { code: 'SITTER_SAYS_NOT_BASELINE', message: 'Your sitter says you are not back to your usual self yet. Stay lying down with your sitter; the session stays open until they confirm.' },
        ],
      },
      emergency: { alertId: latest, raisedAt: '2026-06-01T11:45:00.000Z', title: 'Check overdue' },
    });
  });

  it('past the observation time with the sitter\'s confirmation: may complete; every unanswered slot missed', async () => {
    const p = await people();
    const S = at(-70 * MINUTE);
    const sessionId = await plantSession(p, { status: 'in_progress', scheduledFor: S, startedAt: S });
    await attest(p, sessionId, new Date(S.getTime() - 5 * MINUTE), true, true);
    await baseline(p, sessionId, at(-5 * MINUTE), true);
    const view = await getSession(ucOf(p.clinician), p.patient.patientId, sessionId);
    expect(view.sitterChecks).toEqual({
      intervalMinutes: 15,
      graceMinutes: 5,
      recorded: [],
      expected: [
        { dueAt: '2026-06-01T11:05:00.000Z', status: 'missed', recordedAt: null },
        { dueAt: '2026-06-01T11:20:00.000Z', status: 'missed', recordedAt: null },
        { dueAt: '2026-06-01T11:35:00.000Z', status: 'missed', recordedAt: null },
        { dueAt: '2026-06-01T11:50:00.000Z', status: 'missed', recordedAt: null },
      ],
      missedCount: 4,
    });
    expect(view.recovery).toEqual({ observationEndsAt: '2026-06-01T11:50:00.000Z', minObservationMinutes: 60, sitterBaseline: 'confirmed', canComplete: true, waitingFor: [] });
    expect(view.emergency).toBe(null);
  });

  it('confirmed but inside the observation time: confirmed, not yet complete', async () => {
    const p = await people();
    const S = at(-50 * MINUTE);
    const sessionId = await plantSession(p, { status: 'in_progress', scheduledFor: S, startedAt: S });
    await attest(p, sessionId, new Date(S.getTime() - 5 * MINUTE), true, true);
    await baseline(p, sessionId, at(-2 * MINUTE), true);
    const view = await getSession(ucOf(p.clinician), p.patient.patientId, sessionId);
    expect(view.recovery).toEqual({
      observationEndsAt: '2026-06-01T12:10:00.000Z',
      minObservationMinutes: 60,
      sitterBaseline: 'confirmed',
      canComplete: false,
      waitingFor: [{ code: 'OBSERVATION_TIME_NOT_MET', message: 'Stay in observation, lying down with your sitter, until at least 60 minutes after the dose.' }],
    });
  });

  it('no confirmation yet: pending', async () => {
    const p = await people();
    const S = at(-10 * MINUTE);
    const sessionId = await plantSession(p, { status: 'in_progress', scheduledFor: S, startedAt: S });
    const view = await getSession(ucOf(p.clinician), p.patient.patientId, sessionId);
    expect(view.sitterChecks.expected).toEqual([]);
    expect(view.recovery).toEqual({
      observationEndsAt: '2026-06-01T12:50:00.000Z',
      minObservationMinutes: 60,
      sitterBaseline: 'pending',
      canComplete: false,
      waitingFor: [
        { code: 'OBSERVATION_TIME_NOT_MET', message: 'Stay in observation, lying down with your sitter, until at least 60 minutes after the dose.' },
        { code: 'SITTER_BASELINE_NOT_CONFIRMED', message: 'Your sitter has not yet confirmed, from their own account, that you are back to your usual self.' },
      ],
    });
  });

  it('a completed session: its assessment, no recovery, and the schedule ends at its completion', async () => {
    const p = await people();
    const S = at(-3 * HOUR);
    const sessionId = await plantSession(p, { status: 'completed', scheduledFor: S, startedAt: S });
    await sitterCheck(p, sessionId, new Date(S.getTime() + 100 * MINUTE));
    await db()
      .insertInto('post_session_assessments')
      .values({ id: crypto.randomUUID(), patient_id: p.patient.patientId, session_id: sessionId, side_effects: ['nausea', 'dizziness'], dissociation_0_10: 6, nausea_0_10: 3, mood_0_10: 7, sitter_confirms_baseline: true, submitted_by: p.patient.id, submitted_at: at(-HOUR) })
      .execute();
    const view = await getSession(ucOf(p.patient), p.patient.patientId, sessionId);
    expect(view.status).toBe('completed');
    expect(view.completedAt).toBe('2026-06-01T11:00:00.000Z');
    expect(view.assessment).toEqual({ sideEffects: ['nausea', 'dizziness'], dissociation0to10: 6, nausea0to10: 3, mood0to10: 7, sitterConfirmsBaseline: true, submittedAt: '2026-06-01T11:00:00.000Z' });
    expect(view.recovery).toBe(null);
    // Completed two hours after the 09:00 dose: eight slots, the seventh (10:45) answered at 10:40.
    expect(view.sitterChecks.expected.map((s) => [s.dueAt.slice(11, 16), s.status])).toEqual([
      ['09:15', 'missed'],
      ['09:30', 'missed'],
      ['09:45', 'missed'],
      ['10:00', 'missed'],
      ['10:15', 'missed'],
      ['10:30', 'missed'],
      ['10:45', 'recorded'],
      ['11:00', 'missed'],
    ]);
    expect(view.sitterChecks.missedCount).toBe(7);
  });

  it('an aborted session after the dose: the schedule ends at the abort', async () => {
    const p = await people();
    const S = at(-HOUR);
    const sessionId = await plantSession(p, { status: 'aborted', scheduledFor: at(-32 * MINUTE), startedAt: S });
    const view = await getSession(ucOf(p.clinician), p.patient.patientId, sessionId);
    expect([view.abortedAt, view.abortReason, view.recovery]).toEqual(['2026-06-01T11:28:00.000Z', 'Patient unwell', null]);
    expect(view.sitterChecks.expected).toEqual([
      { dueAt: '2026-06-01T11:15:00.000Z', status: 'missed', recordedAt: null },
    ]);
    expect(view.sitterChecks.missedCount).toBe(1);
  });

  it('a scheduled session: nothing recorded, no schedule, no recovery', async () => {
    const p = await people();
    const sessionId = await plantSession(p, { status: 'scheduled', scheduledFor: at(DAY) });
    const view = await getSession(ucOf(p.patient), p.patient.patientId, sessionId);
    expect(view).toMatchObject({ ...noRecord, status: 'scheduled', recovery: null, sitterChecks: { intervalMinutes: 15, graceMinutes: 5, recorded: [], expected: [], missedCount: 0 } });
  });

  it('its gate evaluations, and each emergency code on its own', async () => {
    const p = await people();
    const S = at(-20 * MINUTE);
    const sessionId = await plantSession(p, { status: 'in_progress', scheduledFor: S, startedAt: S });
    const evaluationId = crypto.randomUUID();
    await db()
      .insertInto('gate_evaluations')
      .values({ id: evaluationId, patient_id: p.patient.patientId, session_id: sessionId, evaluated_at: at(-30 * MINUTE), outcome: 'authorized', reason_codes: [], reasons: JSON.stringify([]), dose_mg: 300, actor_id: p.patient.id, stage: 'authorize', inputs: JSON.stringify({}) })
      .execute();
    const first = await getSession(ucOf(p.clinician), p.patient.patientId, sessionId);
    expect([first.gateEvaluations, first.emergency]).toEqual([[{ id: evaluationId, stage: 'authorize', evaluatedAt: '2026-06-01T11:30:00.000Z', outcome: 'authorized', reasons: [], doseMg: 300 }], null]);
    const emergency = await alert(p, sessionId, 'SESSION_EMERGENCY', at(-10 * MINUTE), 'open', 'Something is wrong');
    expect((await getSession(ucOf(p.clinician), p.patient.patientId, sessionId)).emergency).toEqual({ alertId: emergency, raisedAt: '2026-06-01T11:50:00.000Z', title: 'Something is wrong' });
    await db().updateTable('alerts').set({ status: 'resolved' }).where('id', '=', emergency).execute();
    const serious = await alert(p, sessionId, 'SERIOUS_ADVERSE_EVENT_REPORTED', at(-15 * MINUTE), 'open', 'Serious event');
    expect((await getSession(ucOf(p.clinician), p.patient.patientId, sessionId)).emergency).toEqual({ alertId: serious, raisedAt: '2026-06-01T11:45:00.000Z', title: 'Serious event' });
  });

  it("another patient's session is not found", async () => {
    const p = await people();
    const q = await people();
    const sessionId = await plantSession(q, { status: 'scheduled', scheduledFor: at(DAY) });
    const error = await refusal(getSession(ucOf(p.clinician), p.patient.patientId, sessionId));
    expect([error.code, error.status, error.detail]).toEqual(['NOT_FOUND', 404, 'No session here, or you do not have access to it.']);
  });
});
