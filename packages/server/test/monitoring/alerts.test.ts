import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDosingHolds } from '../../src/use-cases/alerts/raise-alerts.ts';
import { assignCareTeam, bearer, createPatient, createUser, signIn, type TestUser } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { phq9Item9, raiseFor } from './monitoring-fixtures.ts';

let t: TestContext;
let clinician: TestUser;
let coach: TestUser;
let stranger: TestUser;
const tokens: Record<'clinician' | 'coach' | 'stranger' | 'admin', string> = { clinician: '', coach: '', stranger: '', admin: '' };

beforeAll(async () => {
  t = await createTestApp();
  clinician = await createUser(t, 'clinician');
  coach = await createUser(t, 'coach');
  stranger = await createUser(t, 'clinician');
  const admin = await createUser(t, 'admin');
  tokens.clinician = await signIn(t, clinician);
  tokens.coach = await signIn(t, coach);
  tokens.stranger = await signIn(t, stranger);
  tokens.admin = await signIn(t, admin);
});
afterAll(async () => {
  await t.close();
});

async function enrolled() {
  const p = await createPatient(t);
  await assignCareTeam(t, p.patientId, clinician.id, 'clinician');
  await assignCareTeam(t, p.patientId, coach.id, 'coach');
  return p;
}

const get = (url: string, token: string) => t.app.inject({ method: 'GET', url, headers: bearer(token) });
const post = (url: string, token: string, payload?: object) =>
  t.app.inject({ method: 'POST', url, headers: bearer(token), ...(payload ? { payload } : {}) });

interface AlertBody {
  id: string;
  code: string;
  severity: string;
  status: string;
  evidence: unknown[] | null;
  resolutionNote: string | null;
  acknowledgedBy: { id: string } | null;
}

describe('the alert queue', () => {
  it('lists the caller’s patients’ alerts, most severe first then oldest, and nobody else’s', async () => {
    const p = await enrolled();
    const other = await createPatient(t);
    await assignCareTeam(t, other.patientId, stranger.id, 'clinician');
    await raiseFor(t, other.patientId, { kind: 'cssrs_submitted', assessmentId: crypto.randomUUID(), at: t.clock.now().toISOString(), risk: 'high' });
    const low = await raiseFor(t, p.patientId, { kind: 'cssrs_submitted', assessmentId: crypto.randomUUID(), at: t.clock.now().toISOString(), risk: 'low' });
    t.clock.advanceMinutes(1);
    // A serious adverse event is critical (it pages the clinician); among equals, the older comes first.
    const seriousEvent = await raiseFor(t, p.patientId, { kind: 'adverse_event_reported', adverseEventId: crypto.randomUUID(), at: t.clock.now().toISOString(), serious: true });
    t.clock.advanceMinutes(1);
    const critical = await raiseFor(t, p.patientId, { kind: 'cssrs_submitted', assessmentId: crypto.randomUUID(), at: t.clock.now().toISOString(), risk: 'high' });
    t.clock.advanceMinutes(1);
    const high = (await phq9Item9(t, p.patientId, p.id)).alert;

    const res = await get(`/api/v1/alerts?patientId=${p.patientId}`, tokens.clinician);
    expect(res.statusCode).toBe(200);
    const items = res.json<{ items: AlertBody[] }>().items;
    expect(items.map((a) => a.id)).toEqual([seriousEvent[0]?.id, critical[0]?.id, high?.id, low[0]?.id]);
    expect(items.map((a) => a.severity)).toEqual(['critical', 'critical', 'high', 'moderate']);

    const all = await get('/api/v1/alerts?status=all&limit=200', tokens.clinician);
    expect(all.json<{ items: { patientId: string }[] }>().items.every((a) => a.patientId !== other.patientId)).toBe(true);
    const strangers = await get(`/api/v1/alerts?patientId=${p.patientId}`, tokens.stranger);
    expect(strangers.json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('pages with a cursor', async () => {
    const p = await enrolled();
    for (let i = 0; i < 3; i++) {
      await raiseFor(t, p.patientId, { kind: 'adverse_event_reported', adverseEventId: crypto.randomUUID(), at: t.clock.now().toISOString(), serious: true });
    }
    const first = await get(`/api/v1/alerts?patientId=${p.patientId}&limit=2`, tokens.clinician);
    const page1 = first.json<{ items: { id: string }[]; nextCursor: string | null }>();
    expect(page1.items).toHaveLength(2);
    expect(page1.nextCursor).not.toBeNull();
    const second = await get(`/api/v1/alerts?patientId=${p.patientId}&limit=2&cursor=${page1.nextCursor}`, tokens.clinician);
    const page2 = second.json<{ items: { id: string }[]; nextCursor: string | null }>();
    expect(page2.items).toHaveLength(1);
    expect(page2.nextCursor).toBeNull();
    expect(new Set([...page1.items, ...page2.items].map((a) => a.id)).size).toBe(3);
    expect((await get('/api/v1/alerts?cursor=bogus', tokens.clinician)).statusCode).toBe(422);
  });

  it('shows coaches the alert without its evidence or the clinician’s note; patients and admins have no queue', async () => {
    const p = await enrolled();
    const { alert } = await phq9Item9(t, p.patientId, p.id);
    const asClinician = await get(`/api/v1/alerts/${alert?.id}`, tokens.clinician);
    expect(asClinician.json<AlertBody>().evidence).toHaveLength(1);
    const asCoach = await get(`/api/v1/alerts/${alert?.id}`, tokens.coach);
    expect(asCoach.statusCode).toBe(200);
    expect(asCoach.json<AlertBody>()).toMatchObject({ code: 'SUICIDE_RISK_PHQ9_ITEM9', evidence: null, resolutionNote: null });
    const queue = await get(`/api/v1/alerts?patientId=${p.patientId}`, tokens.coach);
    expect(queue.json<{ items: AlertBody[] }>().items[0]?.evidence).toBeNull();
    expect((await get('/api/v1/alerts', tokens.admin)).statusCode).toBe(404);
    expect((await get('/api/v1/alerts', await signIn(t, p))).statusCode).toBe(404);
  });
});

describe('the alert lifecycle', () => {
  it('goes open → acknowledged → resolved with the action and note; anything else is 409', async () => {
    const p = await enrolled();
    const { alert } = await phq9Item9(t, p.patientId, p.id);
    const url = `/api/v1/alerts/${alert?.id}`;
    const early = await post(`${url}/resolve`, tokens.clinician, { action: 'contacted_patient', note: 'Called.' });
    expect(early.statusCode).toBe(409);
    expect((await openDosingHolds(t.database.db, p.patientId)).map((h) => h.id)).toEqual([alert?.id]);

    const ack = await post(`${url}/acknowledge`, tokens.clinician);
    expect(ack.statusCode).toBe(200);
    expect(ack.json<AlertBody>()).toMatchObject({ status: 'acknowledged', acknowledgedBy: { id: clinician.id } });
    expect((await post(`${url}/acknowledge`, tokens.clinician)).statusCode).toBe(409);
    // Acknowledged is not cleared: the hold stands until a clinician resolves it.
    expect(await openDosingHolds(t.database.db, p.patientId)).toHaveLength(1);

    expect((await post(`${url}/resolve`, tokens.clinician, { action: 'made_up', note: 'x' })).statusCode).toBe(422);
    expect((await post(`${url}/resolve`, tokens.clinician, { action: 'cleared_to_dose', note: '' })).statusCode).toBe(422);
    const resolved = await post(`${url}/resolve`, tokens.clinician, { action: 'cleared_to_dose', note: 'Spoke with patient; safety plan reviewed.' });
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json<{ status: string; resolutionAction: string; resolutionNote: string }>()).toMatchObject({
      status: 'resolved',
      resolutionAction: 'cleared_to_dose',
      resolutionNote: 'Spoke with patient; safety plan reviewed.',
    });
    expect(await openDosingHolds(t.database.db, p.patientId)).toEqual([]);
    expect((await post(`${url}/resolve`, tokens.clinician, { action: 'cleared_to_dose', note: 'again' })).statusCode).toBe(409);

    const audit = await t.database.db.selectFrom('audit_log').select(['action', 'detail']).where('resource_id', '=', alert?.id ?? '').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['alert.raise', 'alert.acknowledge', 'alert.resolve']);
    expect(JSON.stringify(audit)).not.toContain('safety plan');
  });

  it('is refused (404, nothing changed) to clinicians off the care team, coaches, patients and unknown ids', async () => {
    const p = await enrolled();
    const { alert } = await phq9Item9(t, p.patientId, p.id);
    const patientToken = await signIn(t, p);
    for (const token of [tokens.stranger, tokens.coach, patientToken, tokens.admin]) {
      expect((await post(`/api/v1/alerts/${alert?.id}/acknowledge`, token)).statusCode).toBe(404);
    }
    expect((await get(`/api/v1/alerts/${alert?.id}`, tokens.stranger)).statusCode).toBe(404);
    expect((await post(`/api/v1/alerts/${crypto.randomUUID()}/acknowledge`, tokens.clinician)).statusCode).toBe(404);
    const row = await t.database.db.selectFrom('alerts').select('status').where('id', '=', alert?.id ?? '').executeTakeFirstOrThrow();
    expect(row.status).toBe('open');
    const denied = await t.database.db.selectFrom('audit_log').select('outcome').where('patient_id', '=', p.patientId).where('outcome', '=', 'denied').execute();
    expect(denied.length).toBeGreaterThanOrEqual(2);
  });
});

describe('crisis resources', () => {
  it('show 988 and 911 always, and flag an open safety alert until it is resolved', async () => {
    const p = await enrolled();
    const token = await signIn(t, p);
    const url = `/api/v1/patients/${p.patientId}/crisis`;
    const before = (await get(url, token)).json<{ safetyAlertOpen: boolean; resources: { contact: { value: string } }[] }>();
    expect(before.safetyAlertOpen).toBe(false);
    expect(before.resources.map((r) => r.contact.value)).toEqual(expect.arrayContaining(['988', '911']));
    const { alert } = await phq9Item9(t, p.patientId, p.id);
    const during = (await get(url, token)).json<{ safetyAlertOpen: boolean; messages: string[] }>();
    expect(during.safetyAlertOpen).toBe(true);
    expect(during.messages[0]).toContain('988');
    await post(`/api/v1/alerts/${alert?.id}/acknowledge`, tokens.clinician);
    expect((await get(url, token)).json<{ safetyAlertOpen: boolean }>().safetyAlertOpen).toBe(true);
    await post(`/api/v1/alerts/${alert?.id}/resolve`, tokens.clinician, { action: 'contacted_patient', note: 'Called; safe.' });
    expect((await get(url, token)).json<{ safetyAlertOpen: boolean }>().safetyAlertOpen).toBe(false);
    const otherPatient = await createPatient(t);
    expect((await get(url, await signIn(t, otherPatient))).statusCode).toBe(404);
  });
});
