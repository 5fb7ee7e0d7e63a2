import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createCareWorld, createPatient, createUser, signIn } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { phq9 } from './intake-helpers.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});
// Every test signs several people in from one address; the per-address login limit is not what these test.
beforeEach(async () => {
  await t.database.db.deleteFrom('rate_limits').execute();
});

const score = async (token: string, code: string, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: `/api/v1/instruments/${code}/score`, headers: bearer(token), payload });

describe('instrument library over HTTP', () => {
  it('lists every instrument with its items, options and points, for any signed-in role', async () => {
    const sitter = await createUser(t, 'sitter');
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/instruments', headers: bearer(await signIn(t, sitter)) });
    expect(response.statusCode).toBe(200);
    const items = response.json<{ items: { code: string; items: { id: string; options: { points: number }[] }[] }[] }>().items;
    expect(items.map((i) => i.code)).toEqual(['phq9', 'gad7', 'cssrs-screen', 'audit', 'audit-c', 'dast10', 'bladder', 'craving']);
    expect(items.find((i) => i.code === 'phq9')?.items).toHaveLength(10);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/instruments' })).statusCode).toBe(401);
  });

  it('documents the intake routes in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/instruments/{code}/score',
        '/api/v1/patients/{patientId}/intake',
        '/api/v1/patients/{patientId}/intake/decision',
        '/api/v1/review-queue',
        '/api/v1/consent/current',
        '/api/v1/education/{slug}/complete',
      ]),
    );
  });

  it.each([
    { code: 'phq9', answers: phq9([1, 1, 1, 1, 0, 0, 0, 0, 0]), total: 4, band: 'minimal' },
    { code: 'phq9', answers: phq9([1, 1, 1, 1, 1, 0, 0, 0, 0]), total: 5, band: 'mild' },
    { code: 'phq9', answers: phq9([3, 3, 3, 3, 3, 2, 2, 0, 0]), total: 19, band: 'moderately_severe' },
    { code: 'phq9', answers: phq9([3, 3, 3, 3, 3, 3, 2, 0, 0]), total: 20, band: 'severe' },
    { code: 'gad7', answers: { q1: 2, q2: 2, q3: 2, q4: 1, q5: 1, q6: 1, q7: 0 }, total: 9, band: 'mild' },
    { code: 'gad7', answers: { q1: 2, q2: 2, q3: 2, q4: 2, q5: 1, q6: 1, q7: 0 }, total: 10, band: 'moderate' },
  ])('scores $code at a band boundary (total $total → $band)', async ({ code, answers, total, band }) => {
    const patient = await createPatient(t);
    const response = await score(await signIn(t, patient), code, { answers });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ code, total, band });
  });

  it('reverse-scores DAST-10 item 3 and flags a positive screen at 3', async () => {
    const token = await signIn(t, await createPatient(t));
    const no = { q1: true, q2: true, q3: false, q4: false, q5: false, q6: false, q7: false, q8: false, q9: false, q10: false };
    const response = await score(token, 'dast10', { answers: no });
    expect(response.json()).toMatchObject({ total: 3, band: 'moderate', flags: ['DAST10_POSITIVE'] });
  });

  it('gives the C-SSRS screener a risk level, not a total', async () => {
    const token = await signIn(t, await createPatient(t));
    const response = await score(token, 'cssrs-screen', { answers: { q1: true, q2: true, q3: true, q4: true, q5: false, q6: false } });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ total: null, risk: 'high', flags: ['CSSRS_HIGH'] });
  });

  it('refuses an incomplete or out-of-range answer set with a 422 naming each item, never a partial score', async () => {
    const token = await signIn(t, await createPatient(t));
    const answers: Record<string, unknown> = { ...phq9([1, 1, 4, 1, 1, 1, 1, 1, 0]) };
    delete answers['q5'];
    const response = await score(token, 'phq9', { answers });
    expect(response.statusCode).toBe(422);
    const body = response.json<{ code: string; errors: { field: string }[]; total?: number }>();
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.errors.map((e) => e.field).sort()).toEqual(['answers.q3', 'answers.q5']);
    expect(body.total).toBeUndefined();
  });

  it('answers 404 for an unknown instrument code', async () => {
    const token = await signIn(t, await createPatient(t));
    const response = await score(token, 'beck-depression', { answers: { q1: 1 } });
    expect(response.statusCode).toBe(404);
  });

  it("scores AUDIT-C with the patient's recorded sex at birth, and asks for it otherwise", async () => {
    const patient = await createPatient(t); // recorded female: positive at 3
    const answers = { q1: 1, q2: 1, q3: 1 };
    const own = await score(await signIn(t, patient), 'audit-c', { answers });
    expect(own.json()).toMatchObject({ total: 3, band: 'positive', flags: ['AUDITC_POSITIVE'] });
    const clinicianToken = await signIn(t, await createUser(t, 'clinician'));
    const male = await score(clinicianToken, 'audit-c', { answers, sexAtBirth: 'male' });
    expect(male.json()).toMatchObject({ total: 3, band: 'negative' });
    const unknown = await score(clinicianToken, 'audit-c', { answers });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toEqual(['sexAtBirth']);
  });
});

describe('assessments', () => {
  it('stores a positive PHQ-9 item 9 item by item and raises the safety alert with it, citing the assessment, with crisis resources', async () => {
    const world = await createCareWorld(t);
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/v1/patients/${world.patient.patientId}/assessments`,
      headers: bearer(world.tokens.patient),
      payload: { instrument: 'phq9', answers: phq9([2, 2, 1, 1, 1, 1, 1, 0, 1]), context: 'followup' },
    });
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json<{ id: string; total: number; flags: string[]; answers: Record<string, number>; alerts: { id: string; code: string; created: boolean }[]; crisisResources?: { contact: { value: string } }[] }>();
    expect(body).toMatchObject({ total: 10, flags: ['PHQ9_ITEM9_POSITIVE'] });
    expect(body.answers['q9']).toBe(1);
    expect(body.alerts).toEqual([expect.objectContaining({ code: 'SUICIDE_RISK_PHQ9_ITEM9', created: true })]);
    expect(body.crisisResources?.map((r) => r.contact.value)).toEqual(expect.arrayContaining(['988', '741741', '911']));

    const stored = await t.database.db.selectFrom('assessments').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow();
    expect(stored.answers).toMatchObject({ q9: 1, q10: 1 });
    const alert = await t.database.db.selectFrom('alerts').selectAll().where('id', '=', body.alerts[0]!.id).executeTakeFirstOrThrow();
    expect(alert).toMatchObject({ patient_id: world.patient.patientId, severity: 'high', holds_dosing: true, owner_id: world.clinician.id, cause: `assessment:${body.id}` });
    expect(alert.evidence).toEqual([expect.objectContaining({ type: 'assessment', id: body.id })]);
    // Same transaction: the escalation job was enqueued with the alert.
    expect(alert.raised_at.getTime()).toBe(stored.submitted_at.getTime());
  });

  it('raises no alert and shows no crisis resources for a negative item 9', async () => {
    const world = await createCareWorld(t);
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/v1/patients/${world.patient.patientId}/assessments`,
      headers: bearer(world.tokens.patient),
      payload: { instrument: 'phq9', answers: phq9([3, 3, 3, 3, 3, 3, 3, 3, 0]), context: 'checkin' },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ total: 24, band: 'severe', alerts: [] });
    expect(response.json()).not.toHaveProperty('crisisResources');
    const alerts = await t.database.db.selectFrom('alerts').select('id').where('patient_id', '=', world.patient.patientId).execute();
    expect(alerts).toHaveLength(0);
  });

  it('raises a critical C-SSRS high alert when a clinician records the screener', async () => {
    const world = await createCareWorld(t);
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/v1/patients/${world.patient.patientId}/assessments`,
      headers: bearer(world.tokens.clinician),
      payload: { instrument: 'cssrs-screen', answers: { q1: true, q2: true, q3: true, q4: false, q5: false, q6: true, q6_recent: true }, context: 'followup' },
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ risk: 'high', submittedBy: world.clinician.id, alerts: [expect.objectContaining({ code: 'SUICIDE_RISK_CSSRS_HIGH', severity: 'critical' })] });
    expect(response.json()).toHaveProperty('crisisResources');
  });

  it('stores nothing, and raises nothing, when the answers are invalid', async () => {
    const world = await createCareWorld(t);
    const answers: Record<string, unknown> = phq9([1, 1, 1, 1, 1, 1, 1, 1, 3]);
    answers['q4'] = 7;
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/v1/patients/${world.patient.patientId}/assessments`,
      headers: bearer(world.tokens.patient),
      payload: { instrument: 'phq9', answers, context: 'followup' },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toEqual(['answers.q4']);
    expect(await t.database.db.selectFrom('assessments').select('id').where('patient_id', '=', world.patient.patientId).execute()).toHaveLength(0);
    expect(await t.database.db.selectFrom('alerts').select('id').where('patient_id', '=', world.patient.patientId).execute()).toHaveLength(0);
  });

  it('lists the history newest first, filtered by instrument', async () => {
    const world = await createCareWorld(t);
    const post = (answers: Record<string, number>) =>
      t.app.inject({ method: 'POST', url: `/api/v1/patients/${world.patient.patientId}/assessments`, headers: bearer(world.tokens.patient), payload: { instrument: 'gad7', answers, context: 'followup' } });
    await post({ q1: 3, q2: 3, q3: 3, q4: 3, q5: 3, q6: 3, q7: 3 });
    t.clock.advanceMinutes(1);
    await post({ q1: 0, q2: 0, q3: 0, q4: 0, q5: 0, q6: 0, q7: 1 });
    await t.app.inject({ method: 'POST', url: `/api/v1/patients/${world.patient.patientId}/assessments`, headers: bearer(world.tokens.patient), payload: { instrument: 'phq9', answers: phq9([0, 0, 0, 0, 0, 0, 0, 0, 0]), context: 'followup' } });
    const response = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${world.patient.patientId}/assessments?instrument=gad7`, headers: bearer(world.tokens.clinician) });
    expect(response.statusCode).toBe(200);
    expect(response.json<{ items: { total: number }[] }>().items.map((i) => i.total)).toEqual([1, 21]);
  });

  it('hides assessments from the sitter, the coach and other patients (404) and stores nothing for them', async () => {
    const world = await createCareWorld(t);
    const url = `/api/v1/patients/${world.patient.patientId}/assessments`;
    const payload = { instrument: 'phq9', answers: phq9([0, 0, 0, 0, 0, 0, 0, 0, 2]), context: 'followup' };
    for (const token of [world.tokens.sitter, world.tokens.coach, world.tokens.otherPatient, world.tokens.admin]) {
      expect((await t.app.inject({ method: 'GET', url, headers: bearer(token) })).statusCode).toBe(404);
      expect((await t.app.inject({ method: 'POST', url, headers: bearer(token), payload })).statusCode).toBe(404);
    }
    expect(await t.database.db.selectFrom('assessments').select('id').where('patient_id', '=', world.patient.patientId).execute()).toHaveLength(0);
    expect(await t.database.db.selectFrom('alerts').select('id').where('patient_id', '=', world.patient.patientId).execute()).toHaveLength(0);
  });
});
