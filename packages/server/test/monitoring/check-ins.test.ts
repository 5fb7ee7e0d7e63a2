import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDosingHolds } from '../../src/use-cases/alerts/raise-alerts.ts';
import { assignCareTeam, bearer, createPatient, createUser, signIn, type TestUser } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { onPostgres } from '../support/test-database.ts';
import { checkInBody, daysAgo, insertCheckIn, insertIntake } from './monitoring-fixtures.ts';

let t: TestContext;
let clinician: TestUser;
let clinicianToken: string;

beforeAll(async () => {
  t = await createTestApp();
  clinician = await createUser(t, 'clinician');
  clinicianToken = await signIn(t, clinician);
});
afterAll(async () => {
  await t.close();
});

async function enrolled() {
  const patient = await createPatient(t);
  await assignCareTeam(t, patient.patientId, clinician.id, 'clinician');
  return { ...patient, token: await signIn(t, patient) };
}

const post = (patientId: string, token: string, payload: object) =>
  t.app.inject({ method: 'POST', url: `/api/v1/patients/${patientId}/check-ins`, headers: bearer(token), payload });

describe('POST /patients/:id/check-ins', () => {
  it('stores the check-in, evaluates risk, audits, and answers 201', async () => {
    const p = await enrolled();
    const res = await post(p.patientId, p.token, checkInBody({ sideEffects: ['nausea', 'nausea'], note: 'slept badly' }));
    expect(res.statusCode).toBe(201);
    const body = res.json<{ checkIn: { id: string; sideEffects: string[]; sleepHours: number }; risk: { tier: string; previousTier: string | null; changed: boolean }; signals: unknown[]; alerts: unknown[] }>();
    expect(body.checkIn).toMatchObject({ sideEffects: ['nausea'], sleepHours: 7.5 });
    expect(body.risk).toEqual({ tier: 'low', previousTier: null, changed: true });
    expect(body.alerts).toEqual([]);
    const stored = await t.database.db.selectFrom('check_ins').selectAll().where('id', '=', body.checkIn.id).executeTakeFirstOrThrow();
    expect(stored.patient_id).toBe(p.patientId);
    const audit = await t.database.db.selectFrom('audit_log').select(['action', 'detail']).where('resource_id', '=', body.checkIn.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['checkin.create']);
    // Audit rows hold codes and ids only: never the patient's note.
    expect(JSON.stringify(audit)).not.toContain('slept badly');
    const second = await post(p.patientId, p.token, checkInBody());
    expect(second.json<{ risk: { changed: boolean } }>().risk.changed).toBe(false);
    expect(await t.database.db.selectFrom('risk_evaluations').select('id').where('patient_id', '=', p.patientId).execute()).toHaveLength(1);
  });

  it('rejects unknown fields and out-of-range values with 422 and stores nothing', async () => {
    const p = await enrolled();
    for (const bad of [checkInBody({ extra: 1 }), checkInBody({ mood0to10: 11 }), checkInBody({ sleepHours: -1 }), checkInBody({ sideEffects: ['bad'] })]) {
      const res = await post(p.patientId, p.token, bad);
      expect(res.statusCode).toBe(422);
    }
    expect(await t.database.db.selectFrom('check_ins').select('id').where('patient_id', '=', p.patientId).execute()).toHaveLength(0);
  });

  it('is the patient’s own: the clinician, another patient and a stranger get 404', async () => {
    const p = await enrolled();
    const other = await enrolled();
    expect((await post(p.patientId, other.token, checkInBody())).statusCode).toBe(404);
    expect((await post(p.patientId, clinicianToken, checkInBody())).statusCode).toBe(404);
    expect(await t.database.db.selectFrom('check_ins').select('id').where('patient_id', '=', p.patientId).execute()).toHaveLength(0);
  });

  it('raises DEPENDENCE_RISK_BECAME_HIGH once when the tier becomes high, holding dosing, in the clinician’s queue', async () => {
    const p = await enrolled();
    const res = await post(p.patientId, p.token, checkInBody({ usedOutsideSession: true }));
    expect(res.statusCode).toBe(201);
    const body = res.json<{ risk: { tier: string }; signals: { code: string }[]; alerts: { id: string; code: string; holdsDosing: boolean }[] }>();
    expect(body.risk.tier).toBe('high');
    expect(body.signals.map((s) => s.code)).toContain('USE_OUTSIDE_SESSIONS');
    // The warning sign itself and the move into high each reach the clinician, and both hold dosing.
    expect(body.alerts.map((a) => [a.code, a.holdsDosing])).toEqual([
      ['USE_OUTSIDE_SESSIONS', true],
      ['DEPENDENCE_RISK_BECAME_HIGH', true],
    ]);
    expect((await openDosingHolds(t.database.db, p.patientId)).map((h) => h.code).sort()).toEqual(['DEPENDENCE_RISK_BECAME_HIGH', 'USE_OUTSIDE_SESSIONS']);
    // Staying high raises no second tier alert, but the new report of use is new evidence: it raises its own alert.
    const again = await post(p.patientId, p.token, checkInBody({ usedOutsideSession: true }));
    expect(again.json<{ alerts: { code: string }[] }>().alerts.map((a) => a.code)).toEqual(['USE_OUTSIDE_SESSIONS']);
    const queue = await t.app.inject({ method: 'GET', url: `/api/v1/alerts?patientId=${p.patientId}`, headers: bearer(clinicianToken) });
    expect(queue.json<{ items: { id: string; code: string }[] }>().items.map((a) => a.code).sort()).toEqual(['DEPENDENCE_RISK_BECAME_HIGH', 'USE_OUTSIDE_SESSIONS', 'USE_OUTSIDE_SESSIONS']);
    // The owner was told, with no health details.
    const tierAlert = body.alerts.find((a) => a.code === 'DEPENDENCE_RISK_BECAME_HIGH');
    const notice = await t.database.db.selectFrom('notification_outbox').selectAll().where('cause', '=', `alert:${tierAlert?.id}:owner`).executeTakeFirstOrThrow();
    expect(notice.recipient).toBe(clinician.email);
    expect(`${notice.subject} ${notice.body}`).not.toMatch(new RegExp(`${p.name}|${p.patientId}|DEPENDENCE|outside`, 'i'));
  });

  it('moves an elevated patient to high on a rising craving trend plus bladder symptoms', async () => {
    const p = await enrolled();
    await insertIntake(t, p.patientId, { tier: 'elevated', factors: [{ code: 'PERSONAL_HISTORY_SUD', detail: 'history' }] });
    await insertCheckIn(t, p.patientId, { at: daysAgo(t, 2), craving: 2 });
    await insertCheckIn(t, p.patientId, { at: daysAgo(t, 1), craving: 4 });
    const res = await post(p.patientId, p.token, checkInBody({ craving0to10: 6, bladderSymptoms: true }));
    const body = res.json<{ risk: { tier: string; previousTier: string | null }; signals: { code: string; severity: string }[]; alerts: { code: string }[] }>();
    expect(body.signals).toEqual(expect.arrayContaining([{ code: 'CRAVING', severity: 'moderate' }, { code: 'BLADDER_SYMPTOMS', severity: 'moderate' }]));
    expect(body.risk).toMatchObject({ tier: 'high', previousTier: null });
    expect(body.alerts.map((a) => a.code).sort()).toEqual(['BLADDER_SYMPTOMS', 'CRAVING', 'DEPENDENCE_RISK_BECAME_HIGH']);
    const evaluation = await t.database.db.selectFrom('risk_evaluations').selectAll().where('patient_id', '=', p.patientId).executeTakeFirstOrThrow();
    expect(evaluation).toMatchObject({ tier: 'high', trigger: 'check_in' });
    expect(evaluation.signal_codes.sort()).toEqual(['BLADDER_SYMPTOMS', 'CRAVING']);
  });

  it('notifies the owner when the tier rises short of high', async () => {
    const p = await enrolled();
    await post(p.patientId, p.token, checkInBody());
    const res = await post(p.patientId, p.token, checkInBody({ bladderSymptoms: true }));
    expect(res.json<{ risk: { tier: string; changed: boolean } }>().risk).toMatchObject({ tier: 'elevated', changed: true });
    const evaluation = await t.database.db.selectFrom('risk_evaluations').select('id').where('patient_id', '=', p.patientId).where('tier', '=', 'elevated').executeTakeFirstOrThrow();
    const notice = await t.database.db.selectFrom('notification_outbox').select(['recipient', 'body']).where('cause', '=', `risk:${evaluation.id}:owner`).executeTakeFirstOrThrow();
    expect(notice.recipient).toBe(clinician.email);
  });

  it('lists the patient’s check-ins for the patient and the clinician, newest first', async () => {
    const p = await enrolled();
    await post(p.patientId, p.token, checkInBody({ mood0to10: 3 }));
    t.clock.advanceMinutes(1);
    await post(p.patientId, p.token, checkInBody({ mood0to10: 8 }));
    for (const token of [p.token, clinicianToken]) {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${p.patientId}/check-ins`, headers: bearer(token) });
      expect(res.json<{ items: { mood0to10: number }[] }>().items.map((c) => c.mood0to10)).toEqual([8, 3]);
    }
  });
});

describe('concurrent check-ins', () => {
  it.runIf(onPostgres)('raise one DEPENDENCE_RISK_BECAME_HIGH when several check-ins of one patient commit at once', async () => {
    const p = await enrolled();
    const responses = await Promise.all(Array.from({ length: 8 }, () => post(p.patientId, p.token, checkInBody({ usedOutsideSession: true }))));
    expect(responses.map((r) => r.statusCode)).toEqual(Array.from({ length: 8 }, () => 201));
    const alerts = await t.database.db.selectFrom('alerts').select(['code', 'cause']).where('patient_id', '=', p.patientId).execute();
    // One tier alert; one warning-sign alert per report of use (each is new evidence), none twice for the same one.
    expect(alerts.filter((a) => a.code === 'DEPENDENCE_RISK_BECAME_HIGH')).toHaveLength(1);
    const perReport = alerts.filter((a) => a.code === 'USE_OUTSIDE_SESSIONS');
    expect(perReport).toHaveLength(8);
    expect(new Set(perReport.map((a) => a.cause)).size).toBe(8);
    const covered = await t.database.db.selectFrom('signal_alert_evidence').select('evidence_key').where('patient_id', '=', p.patientId).execute();
    expect(covered).toHaveLength(8);
    expect(await t.database.db.selectFrom('risk_evaluations').select('tier').where('patient_id', '=', p.patientId).execute()).toEqual([{ tier: 'high' }]);
  });
});
