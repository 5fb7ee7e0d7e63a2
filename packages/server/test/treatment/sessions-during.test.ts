// The gate inputs and the records made during and after a dose (use-cases/treatment/sessions.ts): the sitter's
// attestation, the vitals (pre, during, post), the pre-session checklist, the sitter's 15-minute check (an
// unresponsive patient or abnormal breathing is an emergency), the adverse event, the list of adverse events and the
// sitter's concern. Each use-case is called directly on rows planted for the test, and each test reads back what it
// wrote in full: the row, the live events, the alerts, the notices in the outbox and the audit row; a refusal by its
// code, its status and its words. Expected values are written out by hand; the clock starts at 2026-06-01T12:00Z.
import { samplePlanTerms } from '@keel/domain';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../src/audit/audit-log.ts';
import { AppError } from '../../src/http/problem.ts';
import {
  listAdverseEvents,
  raiseSitterConcern,
  recordChecklist,
  recordSitterAttestation,
  recordSitterCheck,
  recordVitals,
  reportAdverseEvent,
} from '../../src/use-cases/treatment/sessions.ts';
import { assignCareTeam, assignSitter, createPatient, createUser, type TestUser } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { insertSession } from '../monitoring/monitoring-fixtures.ts';

const T0 = '2026-06-01T12:00:00.000Z';
const MINUTE = 60_000;
const GUIDANCE =
  'Call 911 now if the person cannot be woken, is not breathing normally, has chest pain, a seizure, a sudden severe headache or trouble breathing. Stay with them, keep them on their side, and record what happened afterwards.';
const STAY = 'Stay with them. Your concern has been recorded for the care team; if anything gets worse, call 911.';
const SUBJECT = 'Keel: a sitter says something is wrong in a session';

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
  requestId: 'req-during',
  clientAddress: '203.0.113.11',
  now: t.clock.now(),
});
const ucOf = (actor: TestUser | null) => ({ deps: t.deps, ctx: ctxOf(actor) });

/** A patient with a prescriber on the care team (the alert owner) and an assigned sitter, planted as rows. */
async function people(options: { owner?: boolean } = {}) {
  const clinician = await createUser(t, 'clinician');
  const sitter = await createUser(t, 'sitter');
  const patient = await createPatient(t);
  if (options.owner !== false) await assignCareTeam(t, patient.patientId, clinician.id, 'clinician');
  await assignSitter(t, patient.patientId, sitter.id, patient.id);
  return { clinician, sitter, patient };
}
type People = Awaited<ReturnType<typeof people>>;

/** The sitter's signed-in session, planted as a row (the attestation names the session it was made from). */
async function authSession(user: TestUser): Promise<string> {
  const id = crypto.randomUUID();
  await t.database.db
    .insertInto('auth_sessions')
    .values({ id, token_hash: `hash-${id}`, user_id: user.id, created_at: at(-MINUTE), last_seen_at: at(-MINUTE), idle_timeout_minutes: 30, expires_at: at(60 * MINUTE), revoked_at: null, client_address: null })
    .execute();
  return id;
}

type Status = 'scheduled' | 'authorized' | 'in_progress' | 'completed' | 'aborted' | 'missed';
const session = (p: People, status: Status, startedAt?: Date) =>
  insertSession(t, p.patient.patientId, p.patient.id, { status, at: at(-30 * MINUTE), ...(startedAt ? { startedAt } : {}) });

/** An active plan whose vitals hold (140/90/100) is below the program's (160/100/110). */
async function lowHoldPlan(p: People): Promise<void> {
  await t.database.db
    .insertInto('treatment_plans')
    .values({
      id: crypto.randomUUID(),
      patient_id: p.patient.patientId,
      version: 1,
      status: 'active',
      terms: JSON.stringify(samplePlanTerms({ vitalsHold: { systolicMmHg: 140, diastolicMmHg: 90, heartRateBpm: 100 } })),
      terms_sha256: 'test',
      created_by: p.clinician.id,
      created_at: at(-60 * MINUTE),
      updated_at: at(-60 * MINUTE),
      based_on_id: null,
      signed_by: p.clinician.id,
      signed_at: at(-60 * MINUTE),
      signature_id: null,
      supersedes_id: null,
    })
    .execute();
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}
const refusalOf = (e: AppError) => ({ code: e.code, status: e.status, detail: e.detail, extensions: e.extensions });
const conflict = (detail: string, sessionStatus: string) => ({ code: 'CONFLICT', status: 409, detail, extensions: { sessionStatus } });
const NOT_FOUND = { code: 'NOT_FOUND', status: 404, detail: 'No session here, or you do not have access to it.', extensions: {} };

const audits = (patientId: string, action: string) =>
  t.database.db
    .selectFrom('audit_log')
    .select(['action', 'resource_type', 'resource_id', 'patient_id', 'outcome', 'actor_id', 'actor_role', 'request_id', 'detail'])
    .where('patient_id', '=', patientId)
    .where('action', '=', action)
    .orderBy('id')
    .execute();
const liveEvents = (patientId: string) =>
  t.database.db.selectFrom('live_events').select(['session_id', 'kind', 'at', 'payload']).where('patient_id', '=', patientId).orderBy('id').execute();
const alertRows = (patientId: string) =>
  t.database.db.selectFrom('alerts').select(['id', 'code', 'severity', 'holds_dosing', 'cause', 'owner_id', 'status']).where('patient_id', '=', patientId).orderBy('raised_at').orderBy('code').execute();
const outbox = (like: string) =>
  t.database.db.selectFrom('notification_outbox').select(['cause', 'channel', 'recipient', 'subject']).where('cause', 'like', like).orderBy('cause').execute();

describe('recordSitterAttestation', () => {
  it('records the attestation on a scheduled session: the row, the audit row and the answer', async () => {
    const p = await people();
    const sessionId = await session(p, 'scheduled');
    const auth = await authSession(p.sitter);
    const answer = await recordSitterAttestation(ucOf(p.sitter), { patientId: p.patient.patientId, sessionId, sitterUserId: p.sitter.id, authSessionId: auth, present: true, sober: false });
    expect(answer).toEqual({ id: answer.id, sessionId, sitterUserId: p.sitter.id, attestedAt: T0, present: true, sober: false });
    const rows = (await t.database.db.selectFrom('sitter_attestations').selectAll().where('patient_id', '=', p.patient.patientId).execute()).map(({ seq: _seq, ...row }) => row);
    expect(rows).toEqual([{ id: answer.id, patient_id: p.patient.patientId, session_id: sessionId, sitter_user_id: p.sitter.id, auth_session_id: auth, present: true, sober: false, attested_at: new Date(T0) }]);
    expect(await audits(p.patient.patientId, 'session.sitter_attestation')).toEqual([
      {
        action: 'session.sitter_attestation',
        resource_type: 'sitter_attestation',
        resource_id: answer.id,
        patient_id: p.patient.patientId,
        outcome: 'success',
        actor_id: p.sitter.id,
        actor_role: 'sitter',
        request_id: 'req-during',
        detail: { sessionId, present: true, sober: false },
      },
    ]);
  });

  it('records it again while an authorization is open, with the other answers', async () => {
    const p = await people();
    const sessionId = await session(p, 'authorized');
    const answer = await recordSitterAttestation(ucOf(p.sitter), { patientId: p.patient.patientId, sessionId, sitterUserId: p.sitter.id, authSessionId: await authSession(p.sitter), present: false, sober: true });
    expect(answer).toEqual({ id: answer.id, sessionId, sitterUserId: p.sitter.id, attestedAt: T0, present: false, sober: true });
    expect(await t.database.db.selectFrom('sitter_attestations').select(['present', 'sober']).where('session_id', '=', sessionId).execute()).toEqual([{ present: false, sober: true }]);
  });

  it('is refused once the dose is taken, and on another patient’s session, writing nothing', async () => {
    const p = await people();
    const other = await people();
    const started = await session(p, 'in_progress');
    const others = await session(other, 'scheduled');
    const input = { patientId: p.patient.patientId, sitterUserId: p.sitter.id, authSessionId: await authSession(p.sitter), present: true, sober: true };
    expect(refusalOf(await refusal(recordSitterAttestation(ucOf(p.sitter), { ...input, sessionId: started })))).toEqual(
      conflict('A sitter attestation cannot be recorded on a session in progress.', 'in_progress'),
    );
    expect(refusalOf(await refusal(recordSitterAttestation(ucOf(p.sitter), { ...input, sessionId: others })))).toEqual(NOT_FOUND);
    expect(await t.database.db.selectFrom('sitter_attestations').select('id').where('patient_id', 'in', [p.patient.patientId, other.patient.patientId]).execute()).toEqual([]);
    expect(await audits(p.patient.patientId, 'session.sitter_attestation')).toEqual([]);
  });
});

describe('recordVitals', () => {
  const vitals = (p: People, sessionId: string, phase: 'pre' | 'during' | 'post', s: number, d: number, hr: number, spo2?: number) =>
    recordVitals(ucOf(p.patient), { patientId: p.patient.patientId, sessionId, phase, systolicMmHg: s, diastolicMmHg: d, heartRateBpm: hr, ...(spo2 === undefined ? {} : { spo2Pct: spo2 }) });
  const vitalsRows = (patientId: string) =>
    t.database.db
      .selectFrom('session_vitals')
      .select(['session_id', 'phase', 'systolic_mmhg', 'diastolic_mmhg', 'heart_rate_bpm', 'spo2_pct', 'taken_at', 'recorded_by'])
      .where('patient_id', '=', patientId)
      .orderBy('systolic_mmhg')
      .execute();

  it('stores a pre-dose reading as given, with its live event and audit row; above the program hold, no alert before the dose', async () => {
    const p = await people();
    const sessionId = await session(p, 'scheduled');
    const answer = await vitals(p, sessionId, 'pre', 170, 95, 80, 97);
    expect(answer).toEqual({ vitals: { id: answer.vitals.id, phase: 'pre', takenAt: T0 }, aboveHold: true, alerts: [] });
    expect(await vitalsRows(p.patient.patientId)).toEqual([
      { session_id: sessionId, phase: 'pre', systolic_mmhg: 170, diastolic_mmhg: 95, heart_rate_bpm: 80, spo2_pct: 97, taken_at: new Date(T0), recorded_by: p.patient.id },
    ]);
    const row = await t.database.db.selectFrom('session_vitals').select('id').where('session_id', '=', sessionId).executeTakeFirstOrThrow();
    expect(row.id).toBe(answer.vitals.id);
    expect(await liveEvents(p.patient.patientId)).toEqual([{ session_id: sessionId, kind: 'vitals.recorded', at: new Date(T0), payload: { phase: 'pre' } }]);
    expect(await alertRows(p.patient.patientId)).toEqual([]);
    expect(await audits(p.patient.patientId, 'session.vitals')).toEqual([
      {
        action: 'session.vitals',
        resource_type: 'session_vitals',
        resource_id: answer.vitals.id,
        patient_id: p.patient.patientId,
        outcome: 'success',
        actor_id: p.patient.id,
        actor_role: 'patient',
        request_id: 'req-during',
        detail: { sessionId, phase: 'pre', aboveHold: true },
      },
    ]);
  });

  it('judges each measure against the hold on its own, and a reading at the hold is not above it', async () => {
    const p = await people();
    const sessionId = await session(p, 'authorized');
    expect((await vitals(p, sessionId, 'pre', 150, 101, 80)).aboveHold).toBe(true);
    expect((await vitals(p, sessionId, 'pre', 151, 80, 111)).aboveHold).toBe(true);
    const atHold = await vitals(p, sessionId, 'pre', 160, 100, 110);
    expect(atHold.aboveHold).toBe(false);
    expect(await vitalsRows(p.patient.patientId)).toEqual([
      { session_id: sessionId, phase: 'pre', systolic_mmhg: 150, diastolic_mmhg: 101, heart_rate_bpm: 80, spo2_pct: null, taken_at: new Date(T0), recorded_by: p.patient.id },
      { session_id: sessionId, phase: 'pre', systolic_mmhg: 151, diastolic_mmhg: 80, heart_rate_bpm: 111, spo2_pct: null, taken_at: new Date(T0), recorded_by: p.patient.id },
      { session_id: sessionId, phase: 'pre', systolic_mmhg: 160, diastolic_mmhg: 100, heart_rate_bpm: 110, spo2_pct: null, taken_at: new Date(T0), recorded_by: p.patient.id },
    ]);
    expect((await audits(p.patient.patientId, 'session.vitals')).map((a) => a.detail)).toEqual([
      { sessionId, phase: 'pre', aboveHold: true },
      { sessionId, phase: 'pre', aboveHold: true },
      { sessionId, phase: 'pre', aboveHold: false },
    ]);
  });

  it('reads the hold from the active plan where it is lower than the program’s', async () => {
    const p = await people();
    await lowHoldPlan(p);
    const sessionId = await session(p, 'scheduled');
    expect((await vitals(p, sessionId, 'pre', 141, 80, 70)).aboveHold).toBe(true);
    expect((await vitals(p, sessionId, 'pre', 130, 91, 70)).aboveHold).toBe(true);
    expect((await vitals(p, sessionId, 'pre', 131, 80, 101)).aboveHold).toBe(true);
    expect((await vitals(p, sessionId, 'pre', 140, 90, 100)).aboveHold).toBe(false);
  });

  it('raises the vitals alert for a reading above the limits during the dose, and after it', async () => {
    const p = await people();
    const during = await session(p, 'in_progress');
    const answer = await vitals(p, during, 'during', 170, 80, 70, 96);
    const alerts = await alertRows(p.patient.patientId);
    expect(alerts).toEqual([
      { id: alerts[0]!.id, code: 'SESSION_VITALS_ABOVE_LIMITS', severity: 'high', holds_dosing: false, cause: `vitals:${answer.vitals.id}`, owner_id: p.clinician.id, status: 'open' },
    ]);
    expect(answer).toEqual({ vitals: { id: answer.vitals.id, phase: 'during', takenAt: T0 }, aboveHold: true, alerts: [{ id: alerts[0]!.id, code: 'SESSION_VITALS_ABOVE_LIMITS', severity: 'high' }] });
    const done = await session(p, 'completed');
    const post = await vitals(p, done, 'post', 120, 70, 60);
    expect(post).toEqual({ vitals: { id: post.vitals.id, phase: 'post', takenAt: T0 }, aboveHold: false, alerts: [] });
    const postInProgress = await vitals(p, during, 'post', 121, 70, 60);
    expect(postInProgress.vitals.phase).toBe('post');
    expect((await liveEvents(p.patient.patientId)).filter((e) => e.kind === 'vitals.recorded')).toEqual([
      { session_id: during, kind: 'vitals.recorded', at: new Date(T0), payload: { phase: 'during' } },
      { session_id: done, kind: 'vitals.recorded', at: new Date(T0), payload: { phase: 'post' } },
      { session_id: during, kind: 'vitals.recorded', at: new Date(T0), payload: { phase: 'post' } },
    ]);
  });

  it('refuses a reading for the wrong moment of the session, and an implausible one, writing nothing', async () => {
    const p = await people();
    const scheduled = await session(p, 'scheduled');
    const authorized = await session(p, 'authorized');
    const started = await session(p, 'in_progress');
    const done = await session(p, 'completed');
    expect(refusalOf(await refusal(vitals(p, started, 'pre', 120, 70, 60)))).toEqual(conflict('A pre-dose reading cannot be recorded on a session in progress.', 'in_progress'));
    expect(refusalOf(await refusal(vitals(p, done, 'pre', 120, 70, 60)))).toEqual(conflict('A pre-dose reading cannot be recorded on a completed session.', 'completed'));
    expect(refusalOf(await refusal(vitals(p, authorized, 'during', 120, 70, 60)))).toEqual(conflict('A during-dose reading cannot be recorded on an authorized session.', 'authorized'));
    expect(refusalOf(await refusal(vitals(p, done, 'during', 120, 70, 60)))).toEqual(conflict('A during-dose reading cannot be recorded on a completed session.', 'completed'));
    expect(refusalOf(await refusal(vitals(p, scheduled, 'post', 120, 70, 60)))).toEqual(conflict('A post-dose reading cannot be recorded on a scheduled session.', 'scheduled'));
    const bad = await refusal(vitals(p, scheduled, 'pre', 120, 130, 60));
    expect({ ...refusalOf(bad), errors: bad.errors }).toEqual({
      code: 'VALIDATION_FAILED',
      status: 422,
      detail: 'diastolicMmHg: The lower (diastolic) number must be smaller than the upper (systolic) number. Please check the reading.',
      extensions: {},
      errors: [{ field: 'diastolicMmHg', message: 'The lower (diastolic) number must be smaller than the upper (systolic) number. Please check the reading.' }],
    });
    expect(await vitalsRows(p.patient.patientId)).toEqual([]);
    expect(await liveEvents(p.patient.patientId)).toEqual([]);
    expect(await audits(p.patient.patientId, 'session.vitals')).toEqual([]);
  });
});

describe('recordChecklist', () => {
  const checklist = { fastedHours: 5, alcohol24h: true, sedatives24h: false, cannabis24h: true, newMedication: false, safeSetting: true };

  it('stores each answer as given, with its audit row', async () => {
    const p = await people();
    const sessionId = await session(p, 'scheduled');
    const answer = await recordChecklist(ucOf(p.patient), { patientId: p.patient.patientId, sessionId, ...checklist });
    expect(answer).toEqual({ checklist: { id: answer.checklist.id, attestedAt: T0 } });
    expect((await t.database.db.selectFrom('session_checklists').selectAll().where('patient_id', '=', p.patient.patientId).execute()).map(({ seq: _seq, ...row }) => row)).toEqual([
      {
        id: answer.checklist.id,
        patient_id: p.patient.patientId,
        session_id: sessionId,
        attested_at: new Date(T0),
        fasted_hours: 5,
        alcohol_24h: true,
        sedatives_24h: false,
        cannabis_24h: true,
        new_medication: false,
        safe_setting: true,
        recorded_by: p.patient.id,
      },
    ]);
    expect(await audits(p.patient.patientId, 'session.checklist')).toEqual([
      {
        action: 'session.checklist',
        resource_type: 'session_checklist',
        resource_id: answer.checklist.id,
        patient_id: p.patient.patientId,
        outcome: 'success',
        actor_id: p.patient.id,
        actor_role: 'patient',
        request_id: 'req-during',
        detail: { sessionId },
      },
    ]);
  });

  it('takes the other answers on an authorized session', async () => {
    const p = await people();
    const sessionId = await session(p, 'authorized');
    await recordChecklist(ucOf(p.patient), { patientId: p.patient.patientId, sessionId, fastedHours: 8, alcohol24h: false, sedatives24h: true, cannabis24h: false, newMedication: true, safeSetting: false });
    expect(
      await t.database.db.selectFrom('session_checklists').select(['fasted_hours', 'alcohol_24h', 'sedatives_24h', 'cannabis_24h', 'new_medication', 'safe_setting']).where('session_id', '=', sessionId).execute(),
    ).toEqual([{ fasted_hours: 8, alcohol_24h: false, sedatives_24h: true, cannabis_24h: false, new_medication: true, safe_setting: false }]);
  });

  it('is refused after the dose, writing nothing', async () => {
    const p = await people();
    const sessionId = await session(p, 'in_progress');
    expect(refusalOf(await refusal(recordChecklist(ucOf(p.patient), { patientId: p.patient.patientId, sessionId, ...checklist })))).toEqual(
      conflict('The pre-session checklist cannot be recorded on a session in progress.', 'in_progress'),
    );
    expect(await t.database.db.selectFrom('session_checklists').select('id').where('patient_id', '=', p.patient.patientId).execute()).toEqual([]);
    expect(await audits(p.patient.patientId, 'session.checklist')).toEqual([]);
  });
});

/** The warning-sign evaluations the record set off: what set each off, and the signals it found. */
const riskEvaluations = (patientId: string) =>
  t.database.db.selectFrom('risk_evaluations').select(['trigger', 'signal_codes', 'evaluated_at']).where('patient_id', '=', patientId).orderBy('evaluated_at').execute();

const concernRows = (patientId: string) =>
  t.database.db.selectFrom('sitter_concerns').select(['id', 'session_id', 'sitter_user_id', 'raised_at', 'emergency', 'note']).where('patient_id', '=', patientId).orderBy('raised_at').execute();

describe('recordSitterCheck', () => {
  const check = (p: People, sessionId: string, fields: { responsive: boolean; breathingNormally: boolean; concern: boolean; note?: string }) =>
    recordSitterCheck(ucOf(p.sitter), { patientId: p.patient.patientId, sessionId, sitterUserId: p.sitter.id, ...fields });

  it('records a check with nothing wrong: the row, the live event and the audit row, no concern and no alert', async () => {
    const p = await people();
    const sessionId = await session(p, 'in_progress');
    const answer = await check(p, sessionId, { responsive: true, breathingNormally: true, concern: false });
    expect(answer).toEqual({ check: { id: answer.check.id, checkedAt: T0 }, emergencyGuidance: null, alerts: [] });
    expect(await t.database.db.selectFrom('sitter_checks').selectAll().where('patient_id', '=', p.patient.patientId).execute()).toEqual([
      { id: answer.check.id, patient_id: p.patient.patientId, session_id: sessionId, sitter_user_id: p.sitter.id, checked_at: new Date(T0), responsive: true, breathing_normally: true, concern: false, note: null },
    ]);
    expect(await liveEvents(p.patient.patientId)).toEqual([{ session_id: sessionId, kind: 'sitter.check', at: new Date(T0), payload: { checkId: answer.check.id } }]);
    expect(await concernRows(p.patient.patientId)).toEqual([]);
    expect(await alertRows(p.patient.patientId)).toEqual([]);
    expect(await outbox('concern:%')).toEqual([]);
    expect(await riskEvaluations(p.patient.patientId)).toEqual([]);
    expect(await audits(p.patient.patientId, 'session.sitter_check')).toEqual([
      {
        action: 'session.sitter_check',
        resource_type: 'sitter_check',
        resource_id: answer.check.id,
        patient_id: p.patient.patientId,
        outcome: 'success',
        actor_id: p.sitter.id,
        actor_role: 'sitter',
        request_id: 'req-during',
        detail: { sessionId, responsive: true, breathingNormally: true, concern: false, alertIds: [] },
      },
    ]);
  });

  it('an unresponsive patient is an emergency: the guidance, the critical alert, the concern and the owner told', async () => {
    const p = await people();
    const sessionId = await session(p, 'in_progress');
    const answer = await check(p, sessionId, { responsive: false, breathingNormally: true, concern: false, note: 'Cannot wake him' });
    const concerns = await concernRows(p.patient.patientId);
    expect(concerns).toEqual([{ id: concerns[0]!.id, session_id: sessionId, sitter_user_id: p.sitter.id, raised_at: new Date(T0), emergency: true, note: 'Cannot wake him' }]);
    const alerts = await alertRows(p.patient.patientId);
    const emergency = alerts.find((a) => a.code === 'SESSION_EMERGENCY')!;
    const warning = alerts.find((a) => a.code !== 'SESSION_EMERGENCY')!;
    expect(alerts).toEqual([
      { id: emergency.id, code: 'SESSION_EMERGENCY', severity: 'critical', holds_dosing: true, cause: `sitter-check:${answer.check.id}`, owner_id: p.clinician.id, status: 'open' },
      { id: warning.id, code: 'SITTER_CONCERN', severity: 'moderate', holds_dosing: false, cause: warning.cause, owner_id: p.clinician.id, status: 'open' },
    ]);
    expect(answer).toEqual({
      check: { id: answer.check.id, checkedAt: T0 },
      emergencyGuidance: GUIDANCE,
      alerts: [
        { id: emergency.id, code: 'SESSION_EMERGENCY', severity: 'critical' },
        { id: warning.id, code: 'SITTER_CONCERN', severity: 'moderate' },
      ],
    });
    expect((await liveEvents(p.patient.patientId)).filter((e) => e.kind.startsWith('sitter.'))).toEqual([
      { session_id: sessionId, kind: 'sitter.check', at: new Date(T0), payload: { checkId: answer.check.id } },
      { session_id: sessionId, kind: 'sitter.concern', at: new Date(T0), payload: { concernId: concerns[0]!.id } },
    ]);
    expect(await outbox(`concern:${concerns[0]!.id}:%`)).toEqual([{ cause: `concern:${concerns[0]!.id}:owner`, channel: 'email', recipient: p.clinician.email, subject: SUBJECT }]);
    expect((await audits(p.patient.patientId, 'session.sitter_check')).map((a) => a.detail)).toEqual([
      { sessionId, responsive: false, breathingNormally: true, concern: false, alertIds: [emergency.id, warning.id] },
    ]);
    expect(await riskEvaluations(p.patient.patientId)).toEqual([{ trigger: 'sitter_check', signal_codes: ['SITTER_CONCERN'], evaluated_at: new Date(T0) }]);
  });

  it('abnormal breathing alone is an emergency too', async () => {
    const p = await people();
    const sessionId = await session(p, 'in_progress');
    const answer = await check(p, sessionId, { responsive: true, breathingNormally: false, concern: false });
    expect(answer.emergencyGuidance).toBe(GUIDANCE);
    expect((await concernRows(p.patient.patientId)).map((c) => ({ emergency: c.emergency, note: c.note }))).toEqual([{ emergency: true, note: null }]);
    expect((await alertRows(p.patient.patientId)).map((a) => `${a.code} ${a.severity} ${a.cause === `sitter-check:${answer.check.id}` ? 'check' : 'other'}`)).toEqual([
      'SESSION_EMERGENCY critical check',
      'SITTER_CONCERN moderate other',
    ]);
  });

  it('a concern without an emergency joins the warning signs and reaches the owner, with no emergency alert or guidance', async () => {
    const p = await people();
    const sessionId = await session(p, 'in_progress');
    const answer = await check(p, sessionId, { responsive: true, breathingNormally: true, concern: true, note: 'Very anxious' });
    const concerns = await concernRows(p.patient.patientId);
    expect(concerns).toEqual([{ id: concerns[0]!.id, session_id: sessionId, sitter_user_id: p.sitter.id, raised_at: new Date(T0), emergency: false, note: 'Very anxious' }]);
    const alerts = await alertRows(p.patient.patientId);
    expect(alerts.map((a) => a.code)).toEqual(['SITTER_CONCERN']);
    expect(answer).toEqual({ check: { id: answer.check.id, checkedAt: T0 }, emergencyGuidance: null, alerts: [{ id: alerts[0]!.id, code: 'SITTER_CONCERN', severity: 'moderate' }] });
    expect(await t.database.db.selectFrom('sitter_checks').select(['concern', 'note']).where('id', '=', answer.check.id).execute()).toEqual([{ concern: true, note: 'Very anxious' }]);
    expect(await outbox(`concern:${concerns[0]!.id}:%`)).toEqual([{ cause: `concern:${concerns[0]!.id}:owner`, channel: 'email', recipient: p.clinician.email, subject: SUBJECT }]);
  });

  it('stays open after the dose whatever became of the session, and is refused before it', async () => {
    const p = await people();
    const completed = await session(p, 'completed');
    const abortedAfterDose = await session(p, 'aborted', at(-20 * MINUTE));
    expect((await check(p, completed, { responsive: true, breathingNormally: true, concern: false })).emergencyGuidance).toBeNull();
    expect((await check(p, abortedAfterDose, { responsive: true, breathingNormally: true, concern: false })).emergencyGuidance).toBeNull();
    expect(await t.database.db.selectFrom('sitter_checks').select('session_id').where('patient_id', '=', p.patient.patientId).orderBy('session_id').execute()).toEqual(
      [{ session_id: completed }, { session_id: abortedAfterDose }].sort((a, b) => (a.session_id < b.session_id ? -1 : 1)),
    );
    // A session marked in progress is open to checks even were its start time missing.
    const inProgress = await session(p, 'in_progress');
    await t.database.db.updateTable('dosing_sessions').set({ started_at: null }).where('id', '=', inProgress).execute();
    expect((await check(p, inProgress, { responsive: true, breathingNormally: true, concern: false })).emergencyGuidance).toBeNull();
    expect(await t.database.db.selectFrom('sitter_checks').select('session_id').where('session_id', '=', inProgress).execute()).toEqual([{ session_id: inProgress }]);
    const scheduled = await session(p, 'scheduled');
    const authorized = await session(p, 'authorized');
    const other = await people();
    const othersSession = await session(other, 'in_progress');
    expect(refusalOf(await refusal(check(p, scheduled, { responsive: false, breathingNormally: false, concern: true })))).toEqual(conflict('A sitter check cannot be recorded on a scheduled session.', 'scheduled'));
    expect(refusalOf(await refusal(check(p, authorized, { responsive: true, breathingNormally: true, concern: false })))).toEqual(
      conflict('A sitter check cannot be recorded on an authorized session.', 'authorized'),
    );
    expect(refusalOf(await refusal(check(p, othersSession, { responsive: true, breathingNormally: true, concern: false })))).toEqual(NOT_FOUND);
    expect(await t.database.db.selectFrom('sitter_checks').select('id').where('session_id', 'in', [scheduled, authorized, othersSession]).execute()).toEqual([]);
    expect(await concernRows(p.patient.patientId)).toEqual([]);
  });
});

describe('reportAdverseEvent and listAdverseEvents', () => {
  const report = (p: People, actor: TestUser, fields: { sessionId?: string; kind: string; severity: 'mild' | 'moderate' | 'severe'; serious: boolean; description: string }) =>
    reportAdverseEvent(ucOf(actor), { patientId: p.patient.patientId, ...fields });
  const eventRows = (patientId: string) => t.database.db.selectFrom('adverse_events').selectAll().where('patient_id', '=', patientId).orderBy('reported_at').execute();

  it('a mild event reported later, outside a session: the row, the audit row, no live event, no alert, no guidance', async () => {
    const p = await people();
    const answer = await report(p, p.patient, { kind: 'nausea', severity: 'mild', serious: false, description: 'Felt sick for an hour' });
    expect(answer).toEqual({ adverseEvent: { id: answer.adverseEvent.id, reportedAt: T0, serious: false }, emergencyGuidance: null, alerts: [] });
    expect(await eventRows(p.patient.patientId)).toEqual([
      {
        id: answer.adverseEvent.id,
        patient_id: p.patient.patientId,
        session_id: null,
        reported_by: p.patient.id,
        reported_at: new Date(T0),
        kind: 'nausea',
        severity: 'mild',
        serious: false,
        description: 'Felt sick for an hour',
        resolved_at: null,
        resolved_by: null,
      },
    ]);
    expect(await liveEvents(p.patient.patientId)).toEqual([]);
    expect(await alertRows(p.patient.patientId)).toEqual([]);
    expect(await audits(p.patient.patientId, 'session.adverse_event')).toEqual([
      {
        action: 'session.adverse_event',
        resource_type: 'adverse_event',
        resource_id: answer.adverseEvent.id,
        patient_id: p.patient.patientId,
        outcome: 'success',
        actor_id: p.patient.id,
        actor_role: 'patient',
        request_id: 'req-during',
        detail: { sessionId: null, severity: 'mild', serious: false },
      },
    ]);
  });

  it('a serious event in a session: the session on the row, the live event, the critical alert and the guidance', async () => {
    const p = await people();
    const sessionId = await session(p, 'in_progress');
    const answer = await report(p, p.sitter, { sessionId, kind: 'fall', severity: 'moderate', serious: true, description: 'Fell getting up' });
    const alerts = await alertRows(p.patient.patientId);
    expect(alerts).toEqual([
      { id: alerts[0]!.id, code: 'SERIOUS_ADVERSE_EVENT_REPORTED', severity: 'critical', holds_dosing: true, cause: `adverse-event:${answer.adverseEvent.id}`, owner_id: p.clinician.id, status: 'open' },
    ]);
    expect(answer).toEqual({
      adverseEvent: { id: answer.adverseEvent.id, reportedAt: T0, serious: true },
      emergencyGuidance: GUIDANCE,
      alerts: [{ id: alerts[0]!.id, code: 'SERIOUS_ADVERSE_EVENT_REPORTED', severity: 'critical' }],
    });
    expect((await eventRows(p.patient.patientId)).map((e) => ({ session_id: e.session_id, reported_by: e.reported_by, severity: e.severity, serious: e.serious }))).toEqual([
      { session_id: sessionId, reported_by: p.sitter.id, severity: 'moderate', serious: true },
    ]);
    expect((await liveEvents(p.patient.patientId)).filter((e) => e.kind === 'adverse_event.reported')).toEqual([
      { session_id: sessionId, kind: 'adverse_event.reported', at: new Date(T0), payload: { adverseEventId: answer.adverseEvent.id } },
    ]);
    expect((await audits(p.patient.patientId, 'session.adverse_event')).map((a) => a.detail)).toEqual([{ sessionId, severity: 'moderate', serious: true }]);
  });

  it('a severe event not marked serious still brings the guidance and the alert; a moderate one neither', async () => {
    const p = await people();
    const severe = await report(p, p.patient, { kind: 'chest pain', severity: 'severe', serious: false, description: 'Tight chest' });
    expect(severe.emergencyGuidance).toBe(GUIDANCE);
    expect(severe.alerts.map((a) => a.code)).toEqual(['SERIOUS_ADVERSE_EVENT_REPORTED']);
    const moderate = await report(p, p.patient, { kind: 'headache', severity: 'moderate', serious: false, description: 'Dull headache' });
    expect(moderate).toEqual({ adverseEvent: { id: moderate.adverseEvent.id, reportedAt: T0, serious: false }, emergencyGuidance: null, alerts: [] });
  });

  it('without a session, locks the patient row first: an unknown patient is refused by name, writing nothing', async () => {
    const unknown = crypto.randomUUID();
    const p = await people();
    const error = await refusal(reportAdverseEvent(ucOf(p.clinician), { patientId: unknown, kind: 'fall', severity: 'severe', serious: true, description: 'x' }));
    expect(refusalOf(error)).toEqual({ code: 'NOT_FOUND', status: 404, detail: 'No patient here, or you do not have access to it.', extensions: {} });
    expect(await eventRows(unknown)).toEqual([]);
  });

  it('refuses another patient’s session, writing nothing', async () => {
    const p = await people();
    const other = await people();
    const othersSession = await session(other, 'in_progress');
    expect(refusalOf(await refusal(report(p, p.patient, { sessionId: othersSession, kind: 'fall', severity: 'severe', serious: true, description: 'x' })))).toEqual(NOT_FOUND);
    expect(await eventRows(p.patient.patientId)).toEqual([]);
    expect(await eventRows(other.patient.patientId)).toEqual([]);
  });

  it('lists a patient’s events newest first with who reported them, and no one else’s', async () => {
    const p = await people();
    const other = await people();
    const sessionId = await session(p, 'in_progress');
    const first = await report(p, p.sitter, { sessionId, kind: 'vomiting', severity: 'moderate', serious: false, description: 'Vomited once' });
    await t.database.db.updateTable('adverse_events').set({ resolved_at: at(30 * MINUTE), resolved_by: p.clinician.id }).where('id', '=', first.adverseEvent.id).execute();
    t.clock.set(at(60 * MINUTE).toISOString());
    const second = await report(p, p.patient, { kind: 'dizziness', severity: 'mild', serious: false, description: 'Dizzy next morning' });
    await report(other, other.patient, { kind: 'rash', severity: 'mild', serious: false, description: 'Rash' });
    expect(await listAdverseEvents(ucOf(p.clinician), p.patient.patientId)).toEqual([
      {
        id: second.adverseEvent.id,
        sessionId: null,
        reportedAt: '2026-06-01T13:00:00.000Z',
        kind: 'dizziness',
        severity: 'mild',
        serious: false,
        description: 'Dizzy next morning',
        resolvedAt: null,
        reportedBy: { name: p.patient.name, role: 'patient' },
      },
      {
        id: first.adverseEvent.id,
        sessionId,
        reportedAt: T0,
        kind: 'vomiting',
        severity: 'moderate',
        serious: false,
        description: 'Vomited once',
        resolvedAt: '2026-06-01T12:30:00.000Z',
        reportedBy: { name: p.sitter.name, role: 'sitter' },
      },
    ]);
  });
});

describe('raiseSitterConcern', () => {
  const raise = (p: People, sessionId: string, emergency: boolean, note?: string) =>
    raiseSitterConcern(ucOf(p.sitter), { patientId: p.patient.patientId, sessionId, sitterUserId: p.sitter.id, emergency, ...(note === undefined ? {} : { note }) });

  async function onCallShift(primaryId: string): Promise<string> {
    const id = crypto.randomUUID();
    await t.database.db
      .insertInto('on_call_shifts')
      .values({ id, clinician_id: primaryId, backup_clinician_id: null, starts_at: at(-60 * MINUTE), ends_at: at(120 * MINUTE), time_zone: 'UTC', created_by: null, created_at: at(-60 * MINUTE), cancelled_at: null, cancelled_by: null })
      .execute();
    return id;
  }

  it('a concern that is not an emergency: what to do now, the row, the warning sign, the live event, the owner told, the audit row', async () => {
    const p = await people();
    const sessionId = await session(p, 'in_progress');
    const answer = await raise(p, sessionId, false, 'Talking about leaving');
    const alerts = await alertRows(p.patient.patientId);
    expect(alerts).toEqual([{ id: alerts[0]!.id, code: 'SITTER_CONCERN', severity: 'moderate', holds_dosing: false, cause: alerts[0]!.cause, owner_id: p.clinician.id, status: 'open' }]);
    expect(answer).toEqual({
      emergencyGuidance: STAY,
      concern: { id: answer.concern.id, raisedAt: T0, emergency: false },
      alerts: [{ id: alerts[0]!.id, code: 'SITTER_CONCERN', severity: 'moderate' }],
    });
    expect(await concernRows(p.patient.patientId)).toEqual([{ id: answer.concern.id, session_id: sessionId, sitter_user_id: p.sitter.id, raised_at: new Date(T0), emergency: false, note: 'Talking about leaving' }]);
    expect(await riskEvaluations(p.patient.patientId)).toEqual([{ trigger: 'sitter_concern', signal_codes: ['SITTER_CONCERN'], evaluated_at: new Date(T0) }]);
    expect(await liveEvents(p.patient.patientId)).toEqual([
      ...(await liveEvents(p.patient.patientId)).filter((e) => e.kind !== 'sitter.concern'),
      { session_id: sessionId, kind: 'sitter.concern', at: new Date(T0), payload: { concernId: answer.concern.id } },
    ]);
    expect((await liveEvents(p.patient.patientId)).filter((e) => e.kind === 'sitter.concern')).toHaveLength(1);
    expect(await outbox(`concern:${answer.concern.id}:%`)).toEqual([{ cause: `concern:${answer.concern.id}:owner`, channel: 'email', recipient: p.clinician.email, subject: SUBJECT }]);
    const body = await t.database.db.selectFrom('notification_outbox').select('body').where('cause', '=', `concern:${answer.concern.id}:owner`).executeTakeFirstOrThrow();
    expect(body.body).toMatch(/^A sitter raised a concern during a session\. Sign in to Keel to see the live board:\nhttps?:\/\/[^\n]+\/clinician\/board\n$/);
    expect(await audits(p.patient.patientId, 'session.sitter_concern')).toEqual([
      {
        action: 'session.sitter_concern',
        resource_type: 'sitter_check',
        resource_id: answer.concern.id,
        patient_id: p.patient.patientId,
        outcome: 'success',
        actor_id: p.sitter.id,
        actor_role: 'sitter',
        request_id: 'req-during',
        detail: { sessionId, emergency: false, alertIds: [alerts[0]!.id], notified: { ownerId: p.clinician.id, onCallShiftId: null, onCall: [] } },
      },
    ]);
  });

  it('an emergency: the guidance to call 911, the critical alert first, and the clinician on call told as well as the owner', async () => {
    const p = await people();
    const onCall = await createUser(t, 'clinician');
    const shiftId = await onCallShift(onCall.id);
    const sessionId = await session(p, 'in_progress');
    const answer = await raise(p, sessionId, true);
    const alerts = await alertRows(p.patient.patientId);
    const emergency = alerts.find((a) => a.code === 'SESSION_EMERGENCY')!;
    const warning = alerts.find((a) => a.code === 'SITTER_CONCERN')!;
    expect(emergency).toEqual({ id: emergency.id, code: 'SESSION_EMERGENCY', severity: 'critical', holds_dosing: true, cause: `sitter-concern:${answer.concern.id}`, owner_id: p.clinician.id, status: 'open' });
    expect(answer).toEqual({
      emergencyGuidance: GUIDANCE,
      concern: { id: answer.concern.id, raisedAt: T0, emergency: true },
      alerts: [
        { id: emergency.id, code: 'SESSION_EMERGENCY', severity: 'critical' },
        { id: warning.id, code: 'SITTER_CONCERN', severity: 'moderate' },
      ],
    });
    expect(await concernRows(p.patient.patientId)).toEqual([{ id: answer.concern.id, session_id: sessionId, sitter_user_id: p.sitter.id, raised_at: new Date(T0), emergency: true, note: null }]);
    expect(await outbox(`concern:${answer.concern.id}:%`)).toEqual([
      { cause: `concern:${answer.concern.id}:on-call:${onCall.id}`, channel: 'email', recipient: onCall.email, subject: SUBJECT },
      { cause: `concern:${answer.concern.id}:owner`, channel: 'email', recipient: p.clinician.email, subject: SUBJECT },
    ]);
    expect((await audits(p.patient.patientId, 'session.sitter_concern')).map((a) => a.detail)).toEqual([
      { sessionId, emergency: true, alertIds: [emergency.id, warning.id], notified: { ownerId: p.clinician.id, onCallShiftId: shiftId, onCall: [onCall.id] } },
    ]);
    await t.database.db.updateTable('on_call_shifts').set({ cancelled_at: at(0) }).where('id', '=', shiftId).execute();
  });

  it('an owner who is no longer active is not emailed; a patient without an owner reaches only whoever is on call', async () => {
    const p = await people();
    await t.database.db.updateTable('users').set({ status: 'deactivated' }).where('id', '=', p.clinician.id).execute();
    const sessionId = await session(p, 'in_progress');
    const answer = await raise(p, sessionId, false);
    expect(await outbox(`concern:${answer.concern.id}:%`)).toEqual([]);
    expect((await audits(p.patient.patientId, 'session.sitter_concern')).map((a) => (a.detail as { notified: unknown }).notified)).toEqual([{ ownerId: p.clinician.id, onCallShiftId: null, onCall: [] }]);

    const q = await people({ owner: false });
    const onCall = await createUser(t, 'clinician');
    const shiftId = await onCallShift(onCall.id);
    const qSession = await session(q, 'in_progress');
    const qAnswer = await raise(q, qSession, false);
    expect(await outbox(`concern:${qAnswer.concern.id}:%`)).toEqual([{ cause: `concern:${qAnswer.concern.id}:on-call:${onCall.id}`, channel: 'email', recipient: onCall.email, subject: SUBJECT }]);
    expect((await audits(q.patient.patientId, 'session.sitter_concern')).map((a) => (a.detail as { notified: unknown }).notified)).toEqual([{ ownerId: null, onCallShiftId: shiftId, onCall: [onCall.id] }]);
    await t.database.db.updateTable('on_call_shifts').set({ cancelled_at: at(0) }).where('id', '=', shiftId).execute();
  });

  it('refuses another patient’s session, writing nothing', async () => {
    const p = await people();
    const other = await people();
    const othersSession = await session(other, 'in_progress');
    expect(refusalOf(await refusal(raise(p, othersSession, true)))).toEqual(NOT_FOUND);
    expect(await concernRows(p.patient.patientId)).toEqual([]);
    expect(await concernRows(other.patient.patientId)).toEqual([]);
    expect(await alertRows(p.patient.patientId)).toEqual([]);
  });
});
