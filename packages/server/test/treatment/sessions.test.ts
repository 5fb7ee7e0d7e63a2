import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { MINUTE, authorize, expectStatus, goodVitals, prepare, readyWorld, schedule, type World } from './treatment-world.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const post = (w: World, who: Parameters<World['call']>[0], sessionId: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  w.call(who, 'POST', `/api/v1/sessions/${sessionId}/${path}`, body, headers);

const assessment = { sideEffects: ['nausea', 'dizziness'], dissociation0to10: 6, nausea0to10: 3, mood0to10: 7, sitterConfirmsBaseline: true };

async function authorizedSession(w: World): Promise<string> {
  const sessionId = await schedule(w);
  await prepare(w, sessionId);
  expect((await authorize(w, sessionId)).outcome).toBe('authorized');
  return sessionId;
}

describe('inputs before the dose', () => {
  it('rejects vitals outside human range with 422 naming the field, and stores nothing', async () => {
    const w = await readyWorld(t);
    const sessionId = await schedule(w);
    const response = await expectStatus(post(w, 'patient', sessionId, 'vitals', { ...goodVitals, systolicMmHg: 400 }), 422);
    expect(response.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toEqual(['systolicMmHg']);
    await expectStatus(post(w, 'patient', sessionId, 'vitals', { ...goodVitals, diastolicMmHg: 130, systolicMmHg: 120 }), 422);
    expect(await t.database.db.selectFrom('session_vitals').select('id').where('session_id', '=', sessionId).execute()).toHaveLength(0);
  });

  it('takes the sitter attestation only from the assigned sitter, storing their own login session', async () => {
    const w = await readyWorld(t);
    const sessionId = await schedule(w);
    await expectStatus(post(w, 'patient', sessionId, 'sitter-attestation', { present: true, sober: true }), 404);
    await expectStatus(post(w, 'otherSitter', sessionId, 'sitter-attestation', { present: true, sober: true }), 404);
    await expectStatus(post(w, 'clinician', sessionId, 'sitter-attestation', { present: true, sober: true }), 404);
    await expectStatus(post(w, 'sitter', sessionId, 'sitter-attestation', { present: true, sober: true }), 201);
    const row = await t.database.db
      .selectFrom('sitter_attestations as a')
      .innerJoin('auth_sessions as s', 's.id', 'a.auth_session_id')
      .select(['a.sitter_user_id', 's.user_id'])
      .where('a.session_id', '=', sessionId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ sitter_user_id: w.sitter.id, user_id: w.sitter.id });
  });

  it('shows a sitter of another patient nothing (404) and lets them change nothing', async () => {
    const w = await readyWorld(t);
    const sessionId = await schedule(w);
    await expectStatus(w.call('otherSitter', 'GET', `/api/v1/sessions/${sessionId}`), 404);
    await expectStatus(post(w, 'otherSitter', sessionId, 'vitals', goodVitals), 404);
    await expectStatus(post(w, 'otherSitter', sessionId, 'check-ins', { responsive: true, breathingNormally: true, concern: false }), 404);
    await expectStatus(w.call('otherPatient', 'GET', `/api/v1/patients/${w.patient.patientId}/sessions`), 404);
    await expectStatus(post(w, 'otherPatient', sessionId, 'authorize'), 404);
    expect(await t.database.db.selectFrom('session_vitals').select('id').where('session_id', '=', sessionId).execute()).toHaveLength(0);
    const denied = await t.database.db.selectFrom('audit_log').select('outcome').where('patient_id', '=', w.patient.patientId).where('outcome', '=', 'denied').execute();
    expect(denied.length).toBeGreaterThan(0);
  });

  it('lets only the patient authorize; the sitter and the clinician cannot (404)', async () => {
    const w = await readyWorld(t);
    const sessionId = await schedule(w);
    await prepare(w, sessionId);
    await expectStatus(post(w, 'sitter', sessionId, 'authorize'), 404);
    await expectStatus(post(w, 'clinician', sessionId, 'authorize'), 404);
    expect(await t.database.db.selectFrom('gate_evaluations').select('id').where('session_id', '=', sessionId).execute()).toHaveLength(0);
  });
});

describe('idempotent authorization', () => {
  it('the same key twice has one effect and returns the same body; a different body with the key is a 422', async () => {
    const w = await readyWorld(t);
    const sessionId = await schedule(w);
    await prepare(w, sessionId);
    const key = { 'idempotency-key': `authorize-${crypto.randomUUID()}` };
    const first = await expectStatus(post(w, 'patient', sessionId, 'authorize', undefined, key), 200);
    const second = await expectStatus(post(w, 'patient', sessionId, 'authorize', undefined, key), 200);
    expect(first.json()).toMatchObject({ outcome: 'authorized', doseMg: 300 });
    expect(second.json()).toEqual(first.json());
    const db = t.database.db;
    expect(await db.selectFrom('gate_evaluations').select('id').where('session_id', '=', sessionId).execute()).toHaveLength(1);
    expect(await db.selectFrom('ledger_entries').select('id').where('session_id', '=', sessionId).execute()).toHaveLength(1);
    const reused = await expectStatus(post(w, 'patient', sessionId, 'authorize', { doseMg: 250 }, key), 422);
    expect(reused.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    // Without the key a second authorization of the same session is an illegal transition, not a second dose.
    await expectStatus(post(w, 'patient', sessionId, 'authorize'), 409);
    expect(await db.selectFrom('ledger_entries').select('id').where('session_id', '=', sessionId).execute()).toHaveLength(1);
  });

  it('a blocked answer is replayed too, even after the condition changed', async () => {
    const w = await readyWorld(t);
    const sessionId = await schedule(w);
    await prepare(w, sessionId, ['vitals']);
    const key = { 'idempotency-key': `authorize-${crypto.randomUUID()}` };
    const first = await expectStatus(post(w, 'patient', sessionId, 'authorize', undefined, key), 200);
    expect(first.json()).toMatchObject({ outcome: 'blocked', reasons: [{ code: 'VITALS_MISSING' }] });
    await expectStatus(post(w, 'patient', sessionId, 'vitals', goodVitals), 201);
    expect((await expectStatus(post(w, 'patient', sessionId, 'authorize', undefined, key), 200)).json()).toEqual(first.json());
    expect((await authorize(w, sessionId)).outcome).toBe('authorized');
  });

  it('rejects a malformed key', async () => {
    const w = await readyWorld(t);
    const sessionId = await schedule(w);
    await expectStatus(post(w, 'patient', sessionId, 'authorize', undefined, { 'idempotency-key': 'no spaces allowed here' }), 422);
  });
});

describe('the session lifecycle', () => {
  it('runs scheduled → authorized → in progress → completed, refusing illegal moves with 409', async () => {
    const w = await readyWorld(t);
    const sessionId = await schedule(w);
    await expectStatus(post(w, 'patient', sessionId, 'start'), 409);
    await expectStatus(post(w, 'sitter', sessionId, 'complete', assessment), 409);
    await prepare(w, sessionId);
    expect((await authorize(w, sessionId)).outcome).toBe('authorized');
    // While the go-ahead is open the pre-dose inputs may be refreshed (the start checks them again); not afterwards.
    await expectStatus(post(w, 'sitter', sessionId, 'sitter-attestation', { present: true, sober: true }), 201);
    await expectStatus(post(w, 'sitter', sessionId, 'complete', assessment), 409);
    await expectStatus(post(w, 'patient', sessionId, 'authorize'), 409);
    const started = await expectStatus(post(w, 'patient', sessionId, 'start'), 200);
    expect(started.json()).toMatchObject({ session: { status: 'in_progress' } });
    await expectStatus(post(w, 'sitter', sessionId, 'vitals', { ...goodVitals, phase: 'pre' }), 409);
    await expectStatus(post(w, 'sitter', sessionId, 'sitter-attestation', { present: true, sober: true }), 409);
    t.clock.advanceMinutes(60);
    await w.refresh();
    await expectStatus(post(w, 'sitter', sessionId, 'baseline', { backToBaseline: true }), 201);
    const completed = await expectStatus(post(w, 'sitter', sessionId, 'complete', assessment), 200);
    expect(completed.json()).toMatchObject({ session: { status: 'completed', doseMg: 300 } });
    await expectStatus(post(w, 'patient', sessionId, 'abort', { reason: 'too late' }), 409);
    const detail = await expectStatus(w.call('clinician', 'GET', `/api/v1/sessions/${sessionId}`), 200);
    expect(detail.json()).toMatchObject({ session: { assessment: { dissociation0to10: 6, sitterConfirmsBaseline: true, sideEffects: ['nausea', 'dizziness'] } } });
  });

  it('aborts a scheduled session with a reason', async () => {
    const w = await readyWorld(t);
    const sessionId = await schedule(w);
    const aborted = await expectStatus(post(w, 'patient', sessionId, 'abort', { reason: 'Feeling unwell today' }), 200);
    expect(aborted.json()).toMatchObject({ session: { status: 'aborted', abortReason: 'Feeling unwell today' } });
    await expectStatus(post(w, 'patient', sessionId, 'authorize'), 409);
  });

  it('shows the sitter’s 15-minute checks expected against recorded, marking the missed ones', async () => {
    const w = await readyWorld(t);
    const sessionId = await authorizedSession(w);
    await expectStatus(post(w, 'patient', sessionId, 'start'), 200);
    t.clock.advance(14 * MINUTE);
    await expectStatus(post(w, 'sitter', sessionId, 'check-ins', { responsive: true, breathingNormally: true, concern: false }), 201);
    t.clock.advance(25 * MINUTE); // 39 min: the 30-minute check was missed (grace 5 minutes)
    await w.refresh();
    const detail = (await expectStatus(w.call('clinician', 'GET', `/api/v1/sessions/${sessionId}`), 200)).json<{
      session: { sitterChecks: { expected: { status: string }[]; missedCount: number; recorded: unknown[] } };
    }>();
    expect(detail.session.sitterChecks.expected.map((s) => s.status)).toEqual(['recorded', 'missed']);
    expect(detail.session.sitterChecks.missedCount).toBe(1);
    expect(detail.session.sitterChecks.recorded).toHaveLength(1);
    const unresponsive = await expectStatus(post(w, 'sitter', sessionId, 'check-ins', { responsive: false, breathingNormally: true, concern: true, note: 'Cannot wake him' }), 201);
    expect(unresponsive.json()).toMatchObject({ emergencyGuidance: expect.stringMatching(/^Call 911/) });
  });

  it('lets only the assigned sitter confirm, from their own account, that the patient is back to baseline', async () => {
    const w = await readyWorld(t);
    const sessionId = await authorizedSession(w);
    await expectStatus(post(w, 'sitter', sessionId, 'baseline', { backToBaseline: true }), 409);
    await expectStatus(post(w, 'patient', sessionId, 'start'), 200);
    await expectStatus(post(w, 'patient', sessionId, 'baseline', { backToBaseline: true }), 404);
    await expectStatus(post(w, 'otherSitter', sessionId, 'baseline', { backToBaseline: true }), 404);
    const notYet = await expectStatus(post(w, 'sitter', sessionId, 'baseline', { backToBaseline: false, note: 'Still a little dizzy' }), 201);
    expect(notYet.json()).toMatchObject({ baseline: { backToBaseline: false } });
    t.clock.advance(30 * MINUTE);
    await w.refresh();
    await expectStatus(post(w, 'sitter', sessionId, 'baseline', { backToBaseline: true }), 201);
    const detail = await expectStatus(w.call('clinician', 'GET', `/api/v1/sessions/${sessionId}`), 200);
    expect(detail.json()).toMatchObject({ session: { sitterBaseline: { backToBaseline: true, sitterUserId: w.sitter.id } } });
  });

  it('raises SESSION_VITALS_ABOVE_LIMITS for a high reading during the session', async () => {
    const w = await readyWorld(t);
    const sessionId = await authorizedSession(w);
    await expectStatus(post(w, 'patient', sessionId, 'start'), 200);
    const high = await expectStatus(post(w, 'sitter', sessionId, 'vitals', { phase: 'during', systolicMmHg: 182, diastolicMmHg: 104, heartRateBpm: 96 }), 201);
    expect(high.json()).toMatchObject({ aboveHold: true, alerts: [{ code: 'SESSION_VITALS_ABOVE_LIMITS' }] });
    const alert = await t.database.db.selectFrom('alerts').selectAll().where('patient_id', '=', w.patient.patientId).executeTakeFirstOrThrow();
    expect(alert).toMatchObject({ code: 'SESSION_VITALS_ABOVE_LIMITS', status: 'open' });
    const normal = await expectStatus(post(w, 'sitter', sessionId, 'vitals', { phase: 'during', systolicMmHg: 140, diastolicMmHg: 85, heartRateBpm: 90 }), 201);
    expect(normal.json()).toMatchObject({ aboveHold: false, alerts: [] });
  });

  it('records a sitter concern, with emergency guidance first', async () => {
    const w = await readyWorld(t);
    const sessionId = await authorizedSession(w);
    await expectStatus(post(w, 'patient', sessionId, 'start'), 200);
    const concern = await expectStatus(post(w, 'sitter', sessionId, 'concerns', { emergency: true, note: 'Breathing is very slow' }), 201);
    expect(Object.keys(concern.json<Record<string, unknown>>())[0]).toBe('emergencyGuidance');
    expect(concern.json()).toMatchObject({ emergencyGuidance: expect.stringMatching(/911/), concern: { emergency: true } });
    await expectStatus(post(w, 'patient', sessionId, 'concerns', { emergency: false }), 404);
    const rows = await t.database.db.selectFrom('sitter_concerns').select(['emergency', 'sitter_user_id']).where('session_id', '=', sessionId).execute();
    expect(rows).toEqual([{ emergency: true, sitter_user_id: w.sitter.id }]);
  });

  it('keeps notes and free text out of the audit log and the server log', async () => {
    const w = await readyWorld(t);
    const sessionId = await authorizedSession(w);
    await expectStatus(post(w, 'patient', sessionId, 'start'), 200);
    await expectStatus(post(w, 'sitter', sessionId, 'concerns', { emergency: false, note: 'ZEBRA-NOTE-TEXT' }), 201);
    await expectStatus(post(w, 'patient', sessionId, 'abort', { reason: 'ZEBRA-ABORT-TEXT' }), 200);
    const audit = await t.database.db.selectFrom('audit_log').select('detail').where('patient_id', '=', w.patient.patientId).execute();
    expect(JSON.stringify(audit)).not.toMatch(/ZEBRA/);
    expect(t.logs.text()).not.toMatch(/ZEBRA/);
  });
});
