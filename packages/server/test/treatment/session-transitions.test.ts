// The moves of a dosing session after its authorization (use-cases/treatment/session-transitions.ts), called
// directly on rows planted for each test: the expiry of a lapsed authorization (by the patient's own next move and by
// the job), the start (refused, expired, and taken, with its follow-up), the completion (its decision, the patient's
// "not yet", the assessment written) and the abort (before the dose, after it, by a clinician). Each test reads back
// what the move wrote in full: the session row, the ledger correction, the live event, the alert and the audit rows.
// Expected values are written out by hand from the planted rows; the clock starts at 2026-06-01T12:00:00.000Z.
import type { RequestContext } from '../../src/audit/audit-log.ts';
import { inTransaction } from '../../src/db/transaction.ts';
import { AppError } from '../../src/http/problem.ts';
import { defaultProgramSettings } from '../../src/use-cases/settings/program-settings.service.ts';
import {
  abortSession,
  completeSession,
  completionDecision,
  expireAuthorizationsJob,
  expireLapsedAuthorizations,
  startSession,
} from '../../src/use-cases/treatment/session-transitions.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assignCareTeam, assignSitter, createPatient, createUser, signIn, type TestUser } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { insertDispense, insertLedger } from '../monitoring/monitoring-fixtures.ts';
import { DAY, MINUTE, authorize, prepare, readyWorld, schedule } from './treatment-world.ts';

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

const ctxOf = (actor: TestUser | null): RequestContext => ({
  actorId: actor?.id ?? null,
  actorRole: actor?.role ?? null,
  requestId: 'req-transitions',
  clientAddress: '203.0.113.9',
  now: t.clock.now(),
});
const ucOf = (actor: TestUser | null) => ({ deps: t.deps, ctx: ctxOf(actor) });

/** A patient with a prescriber on the care team and an assigned sitter, all planted as rows. */
async function people() {
  const clinician = await createUser(t, 'clinician');
  const sitter = await createUser(t, 'sitter');
  const patient = await createPatient(t);
  await assignCareTeam(t, patient.patientId, clinician.id, 'clinician');
  await assignSitter(t, patient.patientId, sitter.id, patient.id);
  return { clinician, sitter, patient };
}
type People = Awaited<ReturnType<typeof people>>;

type Status = 'scheduled' | 'authorized' | 'in_progress' | 'completed' | 'aborted' | 'expired';
async function plantSession(p: People, fields: { status: Status; authorizedAt?: Date | null; expiresAt?: Date | null; startedAt?: Date | null; createdBy?: string }): Promise<string> {
  const id = crypto.randomUUID();
  // A session past its authorization was authorized (the table's checks): three hours ago unless given.
  const authorizedAt = fields.authorizedAt !== undefined ? fields.authorizedAt : fields.status === 'scheduled' || fields.status === 'aborted' ? null : at(-3 * 60 * MINUTE);
  const expiresAt = fields.expiresAt !== undefined ? fields.expiresAt : authorizedAt === null ? null : new Date(authorizedAt.getTime() + 30 * MINUTE);
  await t.database.db
    .insertInto('dosing_sessions')
    .values({
      id,
      patient_id: p.patient.patientId,
      plan_id: null,
      status: fields.status,
      scheduled_for: at(-2 * 60 * MINUTE),
      authorized_at: authorizedAt,
      authorization_expires_at: expiresAt,
      dose_mg: 300,
      started_at: fields.startedAt ?? null,
      completed_at: null,
      aborted_at: null,
      abort_reason: null,
      created_by: fields.createdBy ?? p.patient.id,
      created_at: at(-2 * 60 * MINUTE),
      expired_at: fields.status === 'expired' ? expiresAt : null,
    })
    .execute();
  return id;
}

/** An authorization with `units` set aside for its dose (an `administered` entry) out of 5 dispensed. */
async function reserved(p: People, units: number, expiresAt: Date, createdBy?: string): Promise<{ sessionId: string; entryId: string }> {
  await insertDispense(t, p.patient.patientId, p.clinician.id, 5, at(-DAY));
  const sessionId = await plantSession(p, { status: 'authorized', authorizedAt: at(-40 * MINUTE), expiresAt, ...(createdBy ? { createdBy } : {}) });
  const entryId = await insertLedger(t, p.patient.patientId, p.patient.id, { kind: 'administered', units, at: at(-40 * MINUTE), sessionId });
  return { sessionId, entryId };
}

async function gateEvaluation(p: People, sessionId: string, actorId: string, stage: 'authorize' | 'start', outcome: 'authorized' | 'blocked'): Promise<void> {
  await t.database.db
    .insertInto('gate_evaluations')
    .values({ id: crypto.randomUUID(), patient_id: p.patient.patientId, session_id: sessionId, evaluated_at: at(-40 * MINUTE), outcome, reason_codes: outcome === 'blocked' ? ['VITALS_MISSING'] : [], reasons: JSON.stringify([]), dose_mg: 300, actor_id: actorId, stage, inputs: JSON.stringify({}) })
    .execute();
}

const sessionRow = (id: string) =>
  t.database.db.selectFrom('dosing_sessions').select(['status', 'expired_at', 'started_at', 'completed_at', 'aborted_at', 'abort_reason']).where('id', '=', id).executeTakeFirstOrThrow();

const corrections = (patientId: string) =>
  t.database.db
    .selectFrom('ledger_entries')
    .select(['id', 'kind', 'units', 'occurred_at', 'recorded_by', 'recorded_at', 'session_id', 'dispense_id', 'corrects_id', 'counted_units', 'expected_units', 'loss_kind', 'circumstances', 'manner', 'note'])
    .where('patient_id', '=', patientId)
    .where('kind', '=', 'correction')
    .orderBy('units')
    .execute();

const onHand = async (patientId: string) =>
  (await t.database.db.selectFrom('ledger_balances').select('on_hand_units').where('patient_id', '=', patientId).executeTakeFirstOrThrow()).on_hand_units;

const auditRows = (patientId: string) =>
  t.database.db
    .selectFrom('audit_log')
    .select(['action', 'resource_type', 'resource_id', 'patient_id', 'outcome', 'actor_id', 'detail'])
    .where('patient_id', '=', patientId)
    .where('action', 'in', ['ledger.correction', 'session.authorization_expired', 'session.start', 'session.complete', 'session.abort'])
    .orderBy('id')
    .execute();

const liveEvents = (sessionId: string) => t.database.db.selectFrom('live_events').select(['kind', 'at', 'patient_id']).where('session_id', '=', sessionId).orderBy('id').execute();

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

const EXPIRED_NOTE = 'The authorization expired before the session started: the dose was not taken.';
const ABORTED_NOTE = 'The session was ended before it started: the dose was not taken.';

describe('expireLapsedAuthorizations', () => {
  it('expires a lapsed authorization and returns its reserved units with a correction recorded by the authorizer', async () => {
    const p = await people();
    // Booked by the clinician, authorized by the patient: the correction names the one who authorized it.
    const { sessionId, entryId } = await reserved(p, 2, at(-10 * MINUTE), p.clinician.id);
    // The start's blocked evaluation by someone else is not the authorization.
    await gateEvaluation(p, sessionId, p.clinician.id, 'start', 'blocked');
    await gateEvaluation(p, sessionId, p.sitter.id, 'authorize', 'blocked');
    await gateEvaluation(p, sessionId, p.patient.id, 'authorize', 'authorized');
    expect(await onHand(p.patient.patientId)).toBe(3);

    await inTransaction(t.database.db, (tx) => expireLapsedAuthorizations(tx, ucOf(null), p.patient.patientId));

    expect(await sessionRow(sessionId)).toMatchObject({ status: 'expired', expired_at: new Date(T0) });
    const [correction, ...more] = await corrections(p.patient.patientId);
    expect(more).toEqual([]);
    expect(correction).toEqual({
      id: expect.any(String),
      kind: 'correction',
      units: 2,
      occurred_at: new Date(T0),
      recorded_by: p.patient.id,
      recorded_at: new Date(T0),
      session_id: null,
      dispense_id: null,
      corrects_id: entryId,
      counted_units: null,
      expected_units: null,
      loss_kind: null,
      circumstances: null,
      manner: null,
      note: EXPIRED_NOTE,
    });
    expect(await onHand(p.patient.patientId)).toBe(5);
    expect(await auditRows(p.patient.patientId)).toEqual([
      {
        action: 'ledger.correction',
        resource_type: 'ledger',
        resource_id: correction!.id,
        patient_id: p.patient.patientId,
        outcome: 'success',
        actor_id: null,
        detail: { correctsId: entryId, deltaUnits: 2, sessionId, cause: 'dose_not_taken' },
      },
      {
        action: 'session.authorization_expired',
        resource_type: 'session',
        resource_id: sessionId,
        patient_id: p.patient.patientId,
        outcome: 'success',
        actor_id: null,
        detail: { authorizedAt: '2026-06-01T11:20:00.000Z', expiresAt: '2026-06-01T11:50:00.000Z', unitsReturned: 2 },
      },
    ]);
  });

  it('expires at the exact instant of expiry, not a millisecond before, and only this patient’s open authorizations', async () => {
    const p = await people();
    const other = await people();
    const now = await plantSession(p, { status: 'authorized', authorizedAt: at(-30 * MINUTE), expiresAt: at(0) });
    const later = await plantSession(p, { status: 'authorized', authorizedAt: at(-30 * MINUTE), expiresAt: at(1) });
    const started = await plantSession(p, { status: 'in_progress', authorizedAt: at(-40 * MINUTE), expiresAt: at(-10 * MINUTE), startedAt: at(-35 * MINUTE) });
    const elsewhere = await plantSession(other, { status: 'authorized', authorizedAt: at(-40 * MINUTE), expiresAt: at(-10 * MINUTE) });

    await inTransaction(t.database.db, (tx) => expireLapsedAuthorizations(tx, ucOf(p.clinician), p.patient.patientId));

    expect((await sessionRow(now)).status).toBe('expired');
    expect((await sessionRow(later)).status).toBe('authorized');
    expect((await sessionRow(started)).status).toBe('in_progress');
    expect((await sessionRow(elsewhere)).status).toBe('authorized');
    // No units were set aside for it: nothing is returned, and the audit row says so.
    expect(await corrections(p.patient.patientId)).toEqual([]);
    expect(await auditRows(p.patient.patientId)).toEqual([
      {
        action: 'session.authorization_expired',
        resource_type: 'session',
        resource_id: now,
        patient_id: p.patient.patientId,
        outcome: 'success',
        actor_id: p.clinician.id,
        detail: { authorizedAt: '2026-06-01T11:30:00.000Z', expiresAt: T0, unitsReturned: 0 },
      },
    ]);
  });

  it('returns only what earlier corrections have not, recorded by the actor; nothing when all is back', async () => {
    const p = await people();
    const { sessionId, entryId } = await reserved(p, 3, at(-10 * MINUTE));
    await gateEvaluation(p, sessionId, p.patient.id, 'authorize', 'authorized');
    await t.database.db
      .insertInto('ledger_entries')
      .values({ id: crypto.randomUUID(), patient_id: p.patient.patientId, kind: 'correction', units: 1, occurred_at: at(-5 * MINUTE), recorded_by: p.clinician.id, recorded_at: at(-5 * MINUTE), session_id: null, dispense_id: null, corrects_id: entryId, counted_units: null, expected_units: null, loss_kind: null, circumstances: null, manner: null, note: 'one back' })
      .execute();

    await inTransaction(t.database.db, (tx) => expireLapsedAuthorizations(tx, ucOf(p.clinician), p.patient.patientId));
    const rows = await corrections(p.patient.patientId);
    expect(rows.map((r) => [r.units, r.corrects_id, r.recorded_by, r.note])).toEqual([
      [1, entryId, p.clinician.id, 'one back'],
      [2, entryId, p.clinician.id, EXPIRED_NOTE],
    ]);
    expect(await onHand(p.patient.patientId)).toBe(5);

    // A second authorization whose units are all back already: nothing more is written.
    const q = await people();
    const second = await reserved(q, 2, at(-10 * MINUTE));
    await t.database.db
      .insertInto('ledger_entries')
      .values({ id: crypto.randomUUID(), patient_id: q.patient.patientId, kind: 'correction', units: 2, occurred_at: at(-5 * MINUTE), recorded_by: q.clinician.id, recorded_at: at(-5 * MINUTE), session_id: null, dispense_id: null, corrects_id: second.entryId, counted_units: null, expected_units: null, loss_kind: null, circumstances: null, manner: null, note: 'all back' })
      .execute();
    await inTransaction(t.database.db, (tx) => expireLapsedAuthorizations(tx, ucOf(null), q.patient.patientId));
    expect((await corrections(q.patient.patientId)).map((r) => r.note)).toEqual(['all back']);
    expect((await auditRows(q.patient.patientId)).map((r) => [r.action, r.actor_id, r.detail])).toEqual([
      ['session.authorization_expired', null, { authorizedAt: '2026-06-01T11:20:00.000Z', expiresAt: '2026-06-01T11:50:00.000Z', unitsReturned: 0 }],
    ]);
  });

  it('records the session’s creator when nobody authorized it on record and the system expires it', async () => {
    const p = await people();
    const { sessionId, entryId } = await reserved(p, 1, at(-10 * MINUTE));
    await inTransaction(t.database.db, (tx) => expireLapsedAuthorizations(tx, ucOf(null), p.patient.patientId));
    expect((await corrections(p.patient.patientId)).map((r) => [r.units, r.corrects_id, r.recorded_by])).toEqual([[1, entryId, p.patient.id]]);
    expect((await sessionRow(sessionId)).status).toBe('expired');
  });
});

describe('expireAuthorizationsJob', () => {
  it('expires every lapsed authorization, the oldest first, and leaves the open ones', async () => {
    // A year before the other tests' sessions, so that the job's answer holds these alone.
    const YEAR = 365 * DAY;
    const p = await people();
    const q = await people();
    const a = await plantSession(p, { status: 'authorized', authorizedAt: at(-YEAR - 35 * MINUTE), expiresAt: at(-YEAR - 5 * MINUTE) });
    const b = await plantSession(q, { status: 'authorized', authorizedAt: at(-YEAR - 50 * MINUTE), expiresAt: at(-YEAR - 20 * MINUTE) });
    const c = await plantSession(q, { status: 'authorized', authorizedAt: at(-YEAR - 29 * MINUTE), expiresAt: at(-YEAR + 1) });
    const d = await plantSession(p, { status: 'authorized', authorizedAt: at(-YEAR - 30 * MINUTE), expiresAt: at(-YEAR) });

    expect(await expireAuthorizationsJob(t.deps, at(-YEAR))).toEqual({ expired: [b, a, d] });
    expect([(await sessionRow(a)).status, (await sessionRow(b)).status, (await sessionRow(c)).status, (await sessionRow(d)).status]).toEqual(['expired', 'expired', 'authorized', 'expired']);
    expect((await sessionRow(b)).expired_at).toEqual(at(-YEAR));
    const job = await t.database.db.selectFrom('audit_log').select(['action', 'actor_id', 'actor_role', 'request_id', 'resource_id']).where('resource_id', '=', b).execute();
    expect(job).toEqual([{ action: 'session.authorization_expired', actor_id: null, actor_role: 'system', request_id: 'job:sessions.expire-authorizations', resource_id: b }]);
    expect(await expireAuthorizationsJob(t.deps, at(-YEAR))).toEqual({ expired: [] });
  });
});

describe('startSession', () => {
  it('refuses a start the gate blocks: the evaluation and a denied audit row are kept, the session stays authorized', async () => {
    const p = await people();
    await t.database.db.updateTable('patients').set({ status: 'approved' }).where('id', '=', p.patient.patientId).execute();
    const sessionId = await plantSession(p, { status: 'authorized', authorizedAt: at(-5 * MINUTE), expiresAt: at(25 * MINUTE) });

    const error = await refusal(startSession(ucOf(p.patient), { patientId: p.patient.patientId, sessionId }));
    const evaluation = await t.database.db.selectFrom('gate_evaluations').select(['id', 'stage', 'outcome', 'reason_codes', 'actor_id']).where('session_id', '=', sessionId).executeTakeFirstOrThrow();
    const codes = ['CONSENT_NOT_CURRENT', 'EDUCATION_INCOMPLETE', 'NO_ACTIVE_PLAN', 'NO_DOSES_ON_HAND', 'SITTER_NOT_ATTESTED', 'VITALS_MISSING', 'CHECKLIST_MISSING'];
    expect(evaluation).toEqual({ id: expect.any(String), stage: 'start', outcome: 'blocked', reason_codes: codes, actor_id: p.patient.id });
    expect(error.code).toBe('SESSION_START_REFUSED');
    const details = error.extensions as { reasons: { code: string; message: string }[]; evaluationId: string; sessionStatus: string };
    expect(Object.keys(details)).toEqual(['reasons', 'evaluationId', 'sessionStatus']);
    expect(details.reasons.map((r) => r.code)).toEqual(codes);
    // Code and message only: the gate's detail stays in the stored evaluation.
    for (const r of details.reasons) expect(Object.keys(r)).toEqual(['code', 'message']);
    expect(details.evaluationId).toBe(evaluation.id);
    expect(details.sessionStatus).toBe('authorized');
    expect(error.message).toBe(`The session cannot start: ${details.reasons.map((r) => r.message).join(' ')}`);
    expect(details.reasons[0]).toEqual({ code: 'CONSENT_NOT_CURRENT', message: 'You need to sign the current consent form before a session. Open the consent form and sign the latest version.' });
    expect(error.message.startsWith('The session cannot start: You need to sign the current consent form before a session. Open the consent form and sign the latest version. ')).toBe(true);
    expect(await sessionRow(sessionId)).toMatchObject({ status: 'authorized', started_at: null, expired_at: null });
    expect(await liveEvents(sessionId)).toEqual([]);
    expect(await auditRows(p.patient.patientId)).toEqual([
      { action: 'session.start', resource_type: 'session', resource_id: sessionId, patient_id: p.patient.patientId, outcome: 'denied', actor_id: p.patient.id, detail: { evaluationId: evaluation.id, reasonCodes: codes } },
    ]);
  });

  it('refuses a start after the authorization lapsed, records it expired and returns its units', async () => {
    const p = await people();
    const { sessionId, entryId } = await reserved(p, 1, at(-1));
    await gateEvaluation(p, sessionId, p.patient.id, 'authorize', 'authorized');

    const error = await refusal(startSession(ucOf(p.patient), { patientId: p.patient.patientId, sessionId }));
    const details = error.extensions as { reasons: { code: string; message: string }[]; evaluationId: string; sessionStatus: string };
    expect(error.code).toBe('SESSION_START_REFUSED');
    expect(details.reasons[0]).toEqual({
      code: 'AUTHORIZATION_EXPIRED',
      message: 'The go-ahead for this session has expired: too much time passed between the safety check and the start. Start a new session so the checks can be done again.',
    });
    expect(details.sessionStatus).toBe('expired');
    expect(await sessionRow(sessionId)).toMatchObject({ status: 'expired', expired_at: new Date(T0), started_at: null });
    expect((await corrections(p.patient.patientId)).map((r) => [r.units, r.corrects_id, r.recorded_by, r.note])).toEqual([[1, entryId, p.patient.id, EXPIRED_NOTE]]);
    expect((await auditRows(p.patient.patientId)).map((r) => [r.action, r.outcome])).toEqual([
      ['session.start', 'denied'],
      ['ledger.correction', 'success'],
      ['session.authorization_expired', 'success'],
    ]);
  });

  it('takes the dose on a fresh decision: in progress, the live event, the first follow-up due and a successful audit row', async () => {
    // One unit dispensed: the authorization set it aside, and the start counts it as this session's own.
    const w = await readyWorld(t, 1);
    const sessionId = await schedule(w);
    await prepare(w, sessionId);
    expect((await authorize(w, sessionId)).outcome).toBe('authorized');

    await startSession({ deps: t.deps, ctx: ctxOf(w.patient) }, { patientId: w.patient.patientId, sessionId });

    expect(await sessionRow(sessionId)).toMatchObject({ status: 'in_progress', started_at: new Date(T0), expired_at: null });
    expect((await liveEvents(sessionId)).filter((e) => e.kind === 'session.started')).toEqual([{ kind: 'session.started', at: new Date(T0), patient_id: w.patient.patientId }]);
    const evaluation = await t.database.db.selectFrom('gate_evaluations').select(['id', 'outcome']).where('session_id', '=', sessionId).where('stage', '=', 'start').executeTakeFirstOrThrow();
    expect(evaluation.outcome).toBe('authorized');
    expect(await t.database.db.selectFrom('follow_ups').select(['reason', 'cause', 'due_at', 'created_at', 'completed_at', 'completed_by', 'visit_id']).where('patient_id', '=', w.patient.patientId).execute()).toEqual([
      { reason: 'Follow-up visit after the first session', cause: 'session-count:1', due_at: new Date(T0), created_at: new Date(T0), completed_at: null, completed_by: null, visit_id: null },
    ]);
    expect((await auditRows(w.patient.patientId)).filter((r) => r.action === 'session.start')).toEqual([
      { action: 'session.start', resource_type: 'session', resource_id: sessionId, patient_id: w.patient.patientId, outcome: 'success', actor_id: w.patient.id, detail: { evaluationId: evaluation.id, reasonCodes: [] } },
    ]);
    // The dose is evidence too: the warning signs are read again, and this patient's first tier is recorded for it.
    expect(await t.database.db.selectFrom('risk_evaluations').select(['trigger', 'tier', 'previous_tier']).where('patient_id', '=', w.patient.patientId).execute()).toEqual([
      { trigger: 'dose_taken', tier: 'low', previous_tier: null },
    ]);
  });

  it('counts the doses taken for the follow-up cadence: the plan’s every second session after an earlier dose', async () => {
    const w = await readyWorld(t, 3, { followUp: { afterFirstSession: true, everySessions: 2 } });
    const p = { patient: w.patient, clinician: w.clinician, sitter: w.sitter };
    // An earlier dose four days ago, and an authorization that never became one (not counted).
    await plantSession(p, { status: 'completed', authorizedAt: at(-4 * DAY - 10 * MINUTE), expiresAt: at(-4 * DAY + 20 * MINUTE), startedAt: at(-4 * DAY) });
    await plantSession(p, { status: 'expired', authorizedAt: at(-2 * DAY - 40 * MINUTE), expiresAt: at(-2 * DAY - 10 * MINUTE) });
    const sessionId = await schedule(w);
    await prepare(w, sessionId);
    const decision = await authorize(w, sessionId);
    expect(decision.outcome, JSON.stringify(decision.reasons)).toBe('authorized');

    await startSession({ deps: t.deps, ctx: ctxOf(w.patient) }, { patientId: w.patient.patientId, sessionId });
    expect(await t.database.db.selectFrom('follow_ups').select(['reason', 'cause']).where('patient_id', '=', w.patient.patientId).execute()).toEqual([
      { reason: 'Follow-up visit after session 2', cause: 'session-count:2' },
    ]);
  });

  it('makes no follow-up due for a dose the cadence does not ask for (the second, under every sixth)', async () => {
    const w = await readyWorld(t);
    await plantSession({ patient: w.patient, clinician: w.clinician, sitter: w.sitter }, { status: 'completed', authorizedAt: at(-4 * DAY - 10 * MINUTE), expiresAt: at(-4 * DAY + 20 * MINUTE), startedAt: at(-4 * DAY) });
    const sessionId = await schedule(w);
    await prepare(w, sessionId);
    const decision = await authorize(w, sessionId);
    expect(decision.outcome, JSON.stringify(decision.reasons)).toBe('authorized');
    await startSession({ deps: t.deps, ctx: ctxOf(w.patient) }, { patientId: w.patient.patientId, sessionId });
    expect((await sessionRow(sessionId)).status).toBe('in_progress');
    expect(await t.database.db.selectFrom('follow_ups').select('cause').where('patient_id', '=', w.patient.patientId).execute()).toEqual([]);
  });

  it('refuses to start a session that is not authorized', async () => {
    const p = await people();
    const sessionId = await plantSession(p, { status: 'scheduled' });
    const error = await refusal(startSession(ucOf(p.patient), { patientId: p.patient.patientId, sessionId }));
    expect([error.code, error.message]).toEqual(['CONFLICT', 'A scheduled session cannot be started.']);
  });
});

/** An in-progress session whose dose was taken `minutesAgo`, with the sitter attested present and sober. */
async function dosed(p: People, minutesAgo: number): Promise<string> {
  const sessionId = await plantSession(p, { status: 'in_progress', authorizedAt: at(-(minutesAgo + 5) * MINUTE), expiresAt: at(-(minutesAgo - 25) * MINUTE), startedAt: at(-minutesAgo * MINUTE) });
  await attest(p, p.sitter, sessionId, { present: true, sober: true });
  return sessionId;
}

async function attest(p: People, sitter: TestUser, sessionId: string, how: { present: boolean; sober: boolean }): Promise<void> {
  await signIn(t, sitter);
  const auth = await t.database.db.selectFrom('auth_sessions').select('id').where('user_id', '=', sitter.id).limit(1).executeTakeFirstOrThrow();
  await t.database.db
    .insertInto('sitter_attestations')
    .values({ id: crypto.randomUUID(), patient_id: p.patient.patientId, session_id: sessionId, sitter_user_id: sitter.id, auth_session_id: auth.id, ...how, attested_at: at(-200 * MINUTE) })
    .execute();
}

async function baseline(p: People, sitterId: string, sessionId: string, minutesAgo: number, back: boolean): Promise<void> {
  await t.database.db
    .insertInto('sitter_baseline_confirmations')
    .values({ id: crypto.randomUUID(), patient_id: p.patient.patientId, session_id: sessionId, sitter_user_id: sitterId, confirmed_at: at(-minutesAgo * MINUTE), back_to_baseline: back, note: null })
    .execute();
}

const NOT_CONFIRMED = 'Your sitter has not yet confirmed, from their own account, that you are back to your usual self.';
const PATIENT_NOT_BASELINE = 'You said you are not back to your usual self yet: stay lying down with your sitter and finish later.';
const SITTER_NOT_BASELINE = 'Your sitter says you are not back to your usual self yet. Stay lying down with your sitter; the session stays open until they confirm.';
const post = { sideEffects: ['nausea', 'dizziness'], dissociation0to10: 4, nausea0to10: 3, mood0to10: 8 };

describe('completionDecision', () => {
  const decide = (p: People, sessionId: string, startedAt: Date | null) =>
    completionDecision(t.database.db, { id: sessionId, patient_id: p.patient.patientId, started_at: startedAt }, t.clock.now(), defaultProgramSettings);

  it('counts only an active assigned sitter who attested present and sober for this session, and only this session’s statements', async () => {
    const p = await people();
    const sessionId = await dosed(p, 90);
    const startedAt = at(-90 * MINUTE);
    // Another sitter, once assigned and now removed, who attested and said "back": not counted.
    const former = await createUser(t, 'sitter');
    const assignment = await assignSitter(t, p.patient.patientId, former.id, p.patient.id);
    await t.database.db.updateTable('sitter_assignments').set({ status: 'removed', removed_at: at(-100 * MINUTE), removed_by: p.patient.id }).where('id', '=', assignment).execute();
    await attest(p, former, sessionId, { present: true, sober: true });
    await baseline(p, former.id, sessionId, 2, true);
    expect(await decide(p, sessionId, startedAt)).toEqual({ kind: 'not_yet', reasons: [{ code: 'SITTER_BASELINE_NOT_CONFIRMED', message: NOT_CONFIRMED }], observationEndsAt: '2026-06-01T11:30:00.000Z' });

    // The assigned sitter's statement on another session does not count for this one.
    const otherSession = await plantSession(p, { status: 'completed', startedAt: at(-3 * DAY) });
    await baseline(p, p.sitter.id, otherSession, 1, true);
    expect((await decide(p, sessionId, startedAt)).kind).toBe('not_yet');

    await baseline(p, p.sitter.id, sessionId, 5, true);
    expect(await decide(p, sessionId, startedAt)).toEqual({ kind: 'may_complete', confirmedBy: p.sitter.id, confirmedAt: '2026-06-01T11:55:00.000Z' });
    expect(await decide(p, sessionId, null)).toMatchObject({ kind: 'not_yet', observationEndsAt: null });
  });

  it('does not count an assigned sitter who attested absent or not sober', async () => {
    for (const how of [
      { present: false, sober: true },
      { present: true, sober: false },
    ]) {
      const p = await people();
      const sessionId = await plantSession(p, { status: 'in_progress', startedAt: at(-90 * MINUTE) });
      await attest(p, p.sitter, sessionId, how);
      await baseline(p, p.sitter.id, sessionId, 5, true);
      expect(await decide(p, sessionId, at(-90 * MINUTE)), JSON.stringify(how)).toEqual({ kind: 'not_yet', reasons: [{ code: 'SITTER_BASELINE_NOT_CONFIRMED', message: NOT_CONFIRMED }], observationEndsAt: '2026-06-01T11:30:00.000Z' });
    }
  });
});

describe('completeSession', () => {
  it('closes the session on the sitter’s confirmation: the assessment, the live event and the audit row', async () => {
    const p = await people();
    const sessionId = await dosed(p, 61);
    await baseline(p, p.sitter.id, sessionId, 1, true);

    await completeSession(ucOf(p.patient), { patientId: p.patient.patientId, sessionId, ...post, sitterConfirmsBaseline: true });

    expect(await sessionRow(sessionId)).toMatchObject({ status: 'completed', completed_at: new Date(T0) });
    expect(await liveEvents(sessionId)).toEqual([{ kind: 'session.completed', at: new Date(T0), patient_id: p.patient.patientId }]);
    expect(await t.database.db.selectFrom('post_session_assessments').selectAll().where('session_id', '=', sessionId).execute()).toEqual([
      {
        id: expect.any(String),
        patient_id: p.patient.patientId,
        session_id: sessionId,
        side_effects: ['nausea', 'dizziness'],
        dissociation_0_10: 4,
        nausea_0_10: 3,
        mood_0_10: 8,
        sitter_confirms_baseline: true,
        submitted_by: p.patient.id,
        submitted_at: new Date(T0),
      },
    ]);
    expect(await auditRows(p.patient.patientId)).toEqual([
      { action: 'session.complete', resource_type: 'session', resource_id: sessionId, patient_id: p.patient.patientId, outcome: 'success', actor_id: p.patient.id, detail: { confirmedBy: p.sitter.id, confirmedAt: '2026-06-01T11:59:00.000Z' } },
    ]);
  });

  it('keeps it open when the patient says "not yet", though the sitter confirmed', async () => {
    const p = await people();
    const sessionId = await dosed(p, 61);
    await baseline(p, p.sitter.id, sessionId, 1, true);
    const error = await refusal(completeSession(ucOf(p.patient), { patientId: p.patient.patientId, sessionId, ...post, sitterConfirmsBaseline: false }));
    expect([error.code, error.message, error.extensions]).toEqual([
      'SESSION_NOT_READY_TO_COMPLETE',
      `The session stays open: ${PATIENT_NOT_BASELINE}`,
      { reasons: [{ code: 'SITTER_SAYS_NOT_BASELINE', message: PATIENT_NOT_BASELINE }], observationEndsAt: null },
    ]);
    expect(await sessionRow(sessionId)).toMatchObject({ status: 'in_progress', completed_at: null });
    expect(await liveEvents(sessionId)).toEqual([]);
    expect(await t.database.db.selectFrom('post_session_assessments').select('id').where('session_id', '=', sessionId).execute()).toEqual([]);
    expect(await auditRows(p.patient.patientId)).toEqual([]);
  });

  it('names every reason it waits for, once, with the end of the observation time', async () => {
    const p = await people();
    const sessionId = await dosed(p, 30);
    await baseline(p, p.sitter.id, sessionId, 1, false);
    const observation = 'Stay in observation, lying down with your sitter, until at least 60 minutes after the dose.';
    for (const says of [false, undefined]) {
      const error = await refusal(completeSession(ucOf(p.patient), { patientId: p.patient.patientId, sessionId, ...post, sitterConfirmsBaseline: says }));
      expect([error.code, error.message, error.extensions]).toEqual([
        'SESSION_NOT_READY_TO_COMPLETE',
        `The session stays open: ${observation} ${SITTER_NOT_BASELINE}`,
        {
          reasons: [
            { code: 'OBSERVATION_TIME_NOT_MET', message: observation },
            { code: 'SITTER_SAYS_NOT_BASELINE', message: SITTER_NOT_BASELINE },
          ],
          observationEndsAt: '2026-06-01T12:30:00.000Z',
        },
      ]);
    }
    expect((await sessionRow(sessionId)).status).toBe('in_progress');
  });

  it('adds the patient’s own "not yet" to what the sitter has not yet said', async () => {
    const p = await people();
    const sessionId = await dosed(p, 61);
    const error = await refusal(completeSession(ucOf(p.patient), { patientId: p.patient.patientId, sessionId, ...post, sitterConfirmsBaseline: false }));
    expect([error.message, error.extensions]).toEqual([
      `The session stays open: ${NOT_CONFIRMED} ${PATIENT_NOT_BASELINE}`,
      {
        reasons: [
          { code: 'SITTER_BASELINE_NOT_CONFIRMED', message: NOT_CONFIRMED },
          { code: 'SITTER_SAYS_NOT_BASELINE', message: PATIENT_NOT_BASELINE },
        ],
        observationEndsAt: '2026-06-01T11:59:00.000Z',
      },
    ]);
  });

  it('refuses to complete a session that is not in progress', async () => {
    const p = await people();
    const sessionId = await plantSession(p, { status: 'authorized', authorizedAt: at(-5 * MINUTE), expiresAt: at(25 * MINUTE) });
    const error = await refusal(completeSession(ucOf(p.patient), { patientId: p.patient.patientId, sessionId, ...post }));
    expect([error.code, error.message]).toEqual(['CONFLICT', 'An authorized session cannot be completed.']);
  });
});

describe('abortSession', () => {
  const alerts = (patientId: string) => t.database.db.selectFrom('alerts').select(['id', 'code', 'cause', 'evidence']).where('patient_id', '=', patientId).execute();

  it('before the dose: aborted with its reason, the reserved units returned, no alert', async () => {
    const p = await people();
    const { sessionId, entryId } = await reserved(p, 2, at(20 * MINUTE));
    await abortSession(ucOf(p.patient), { patientId: p.patient.patientId, sessionId, reason: 'Felt unwell' });

    expect(await sessionRow(sessionId)).toMatchObject({ status: 'aborted', aborted_at: new Date(T0), abort_reason: 'Felt unwell', started_at: null });
    expect(await liveEvents(sessionId)).toEqual([{ kind: 'session.aborted', at: new Date(T0), patient_id: p.patient.patientId }]);
    const [correction] = await corrections(p.patient.patientId);
    expect([correction?.units, correction?.corrects_id, correction?.recorded_by, correction?.note]).toEqual([2, entryId, p.patient.id, ABORTED_NOTE]);
    expect(await onHand(p.patient.patientId)).toBe(5);
    expect(await alerts(p.patient.patientId)).toEqual([]);
    expect(await auditRows(p.patient.patientId)).toEqual([
      { action: 'ledger.correction', resource_type: 'ledger', resource_id: correction?.id, patient_id: p.patient.patientId, outcome: 'success', actor_id: p.patient.id, detail: { correctsId: entryId, deltaUnits: 2, sessionId, cause: 'dose_not_taken' } },
      { action: 'session.abort', resource_type: 'session', resource_id: sessionId, patient_id: p.patient.patientId, outcome: 'success', actor_id: p.patient.id, detail: { fromStatus: 'authorized', afterDose: false, alertIds: [] } },
    ]);
  });

  it('after the dose, by the patient: the clinician is alerted and nothing goes back on hand', async () => {
    const p = await people();
    const sessionId = await plantSession(p, { status: 'in_progress', authorizedAt: at(-25 * MINUTE), expiresAt: at(5 * MINUTE), startedAt: at(-20 * MINUTE) });
    await insertDispense(t, p.patient.patientId, p.clinician.id, 5, at(-DAY));
    await insertLedger(t, p.patient.patientId, p.patient.id, { kind: 'administered', units: 1, at: at(-25 * MINUTE), sessionId });
    await abortSession(ucOf(p.patient), { patientId: p.patient.patientId, sessionId, reason: 'Leaving' });

    expect(await corrections(p.patient.patientId)).toEqual([]);
    const [alert, ...more] = await alerts(p.patient.patientId);
    expect(more).toEqual([]);
    expect(alert).toEqual({
      id: expect.any(String),
      code: 'SESSION_ABORTED_AFTER_DOSE',
      cause: `session-aborted:${sessionId}`,
      evidence: [{ type: 'session', id: sessionId, summary: 'Dose taken at 2026-06-01T11:40:00.000Z; session ended at 2026-06-01T12:00:00.000Z' }],
    });
    expect((await auditRows(p.patient.patientId)).map((r) => [r.action, r.detail])).toEqual([['session.abort', { fromStatus: 'in_progress', afterDose: true, alertIds: [alert!.id] }]]);
  });

  it('after the dose, by the clinician: no alert to themself; a scheduled session returns nothing', async () => {
    const p = await people();
    const sessionId = await plantSession(p, { status: 'in_progress', authorizedAt: at(-25 * MINUTE), expiresAt: at(5 * MINUTE), startedAt: at(-20 * MINUTE) });
    await abortSession(ucOf(p.clinician), { patientId: p.patient.patientId, sessionId, reason: 'Clinical decision' });
    expect(await alerts(p.patient.patientId)).toEqual([]);
    expect((await auditRows(p.patient.patientId)).map((r) => [r.action, r.actor_id, r.detail])).toEqual([['session.abort', p.clinician.id, { fromStatus: 'in_progress', afterDose: true, alertIds: [] }]]);

    const scheduled = await plantSession(p, { status: 'scheduled' });
    await abortSession(ucOf(p.patient), { patientId: p.patient.patientId, sessionId: scheduled, reason: 'Not today' });
    expect(await sessionRow(scheduled)).toMatchObject({ status: 'aborted', abort_reason: 'Not today' });
    expect(await corrections(p.patient.patientId)).toEqual([]);
    expect(await alerts(p.patient.patientId)).toEqual([]);
  });

  it('refuses to end a session that is over', async () => {
    const p = await people();
    const sessionId = await plantSession(p, { status: 'completed', startedAt: at(-3 * 60 * MINUTE) });
    const error = await refusal(abortSession(ucOf(p.patient), { patientId: p.patient.patientId, sessionId, reason: 'x' }));
    expect([error.code, error.message]).toEqual(['CONFLICT', 'A completed session cannot be ended.']);
  });
});
