import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignCareTeam, bearer, createPatient, createUser, signIn } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import {
  daysAgo,
  enrolledDaysAgo,
  insertAssessment,
  insertCheckIn,
  insertIntake,
  insertSession,
  raiseFor,
} from './monitoring-fixtures.ts';
import { evaluateAndRecordRisk } from '../../src/use-cases/monitoring/risk-evaluation.ts';
import { systemContext } from '../../src/use-cases/alerts/escalate-alerts.ts';
import { defaultInstrumentSettings, defaultMonitoringSettings } from '@keel/domain';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

interface Row {
  patientId: string;
  name: string;
  riskTier: string | null;
  riskSource: string;
  openAlerts: { critical: number; high: number; moderate: number; low: number; total: number };
  phq9: { latest: number; baseline: number | null; change: number | null } | null;
  nextSessionAt: string | null;
  overdueAssessments: number | null;
}

/**
 * A clinician with three patients:
 * - Avery: intake high, a critical alert, PHQ-9 20 → 8 across the first dose, a session tomorrow;
 * - Blake: elevated after a stored evaluation (bladder symptoms at check-in), no alerts;
 * - Casey: nothing yet.
 */
async function panelWorld() {
  const clinician = await createUser(t, 'clinician');
  const tag = crypto.randomUUID().slice(0, 6);
  const make = async (name: string) => {
    const p = await createPatient(t, { name: `${name} ${tag}` });
    await assignCareTeam(t, p.patientId, clinician.id, 'clinician');
    await enrolledDaysAgo(t, p.patientId, 40);
    return p;
  };
  const avery = await make('Avery');
  const blake = await make('Blake');
  const casey = await make('Casey');
  await insertIntake(t, avery.patientId, { tier: 'high' });
  await raiseFor(t, avery.patientId, { kind: 'cssrs_submitted', assessmentId: crypto.randomUUID(), at: t.clock.now().toISOString(), risk: 'high' });
  await insertAssessment(t, avery.patientId, avery.id, { instrument: 'phq9', total: 20, at: daysAgo(t, 30) });
  await insertSession(t, avery.patientId, clinician.id, { status: 'completed', at: daysAgo(t, 20) });
  await insertAssessment(t, avery.patientId, avery.id, { instrument: 'phq9', total: 8, at: daysAgo(t, 2) });
  await insertSession(t, avery.patientId, clinician.id, { status: 'scheduled', at: new Date(t.clock.now().getTime() + 86_400_000) });
  await insertCheckIn(t, blake.patientId, { at: daysAgo(t, 1), bladder: true });
  await t.database.db.transaction().execute((tx) =>
    evaluateAndRecordRisk(tx, { deps: t.deps, ctx: systemContext(t.clock.now(), 'test') }, blake.patientId, 'test', { monitoring: defaultMonitoringSettings, instruments: defaultInstrumentSettings }),
  );
  // Another clinician's patient, and a patient this clinician was taken off.
  const other = await createUser(t, 'clinician');
  const stranger = await createPatient(t, { name: `Aaron ${tag}` });
  await assignCareTeam(t, stranger.patientId, other.id, 'clinician');
  const former = await createPatient(t, { name: `Abe ${tag}` });
  await t.database.db
    .insertInto('care_team_members')
    .values({ id: crypto.randomUUID(), patient_id: former.patientId, user_id: clinician.id, member_role: 'clinician', is_primary: true, assigned_at: daysAgo(t, 10), assigned_by: null, unassigned_at: daysAgo(t, 1) })
    .execute();
  return { clinician, token: await signIn(t, clinician), avery, blake, casey, other, stranger };
}

const panel = async (token: string, query = '') => {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/patients${query}`, headers: bearer(token) });
  expect(res.statusCode).toBe(200);
  return res.json<{ items: Row[]; nextCursor: string | null }>();
};
const names = (rows: Row[]) => rows.map((r) => r.name.split(' ')[0]);

describe('GET /patients (the clinician panel)', () => {
  it('returns one row per care-team patient with tier, alerts, PHQ-9 change, next session and overdue count', async () => {
    const w = await panelWorld();
    const body = await panel(w.token, '?sort=name');
    expect(names(body.items)).toEqual(['Avery', 'Blake', 'Casey']);
    const [avery, blake, casey] = body.items;
    expect(avery).toMatchObject({
      riskTier: 'high',
      riskSource: 'intake',
      openAlerts: { critical: 1, high: 0, moderate: 0, low: 0, total: 1 },
      phq9: { latest: 8, baseline: 20, change: -12 },
    });
    expect(avery?.nextSessionAt).toBe(new Date(t.clock.now().getTime() + 86_400_000).toISOString());
    expect(blake).toMatchObject({ riskTier: 'elevated', riskSource: 'evaluation', phq9: null, nextSessionAt: null });
    expect(casey).toMatchObject({ riskTier: null, riskSource: 'none', openAlerts: { total: 0 } });
    // Enrolled 40 days ago with nothing completed: PHQ-9, GAD-7, AUDIT-C, DAST-10, bladder and the intake C-SSRS are overdue.
    expect(casey?.overdueAssessments).toBe(6);
    expect(avery?.overdueAssessments).toBe(5);
  });

  it('sorts by risk, alerts, PHQ-9 and next session', async () => {
    const w = await panelWorld();
    expect(names((await panel(w.token, '?sort=risk')).items)).toEqual(['Avery', 'Blake', 'Casey']);
    expect(names((await panel(w.token, '?sort=alerts')).items)[0]).toBe('Avery');
    expect(names((await panel(w.token, '?sort=phq9')).items)).toEqual(['Avery', 'Blake', 'Casey']);
    expect(names((await panel(w.token, '?sort=nextSession')).items)).toEqual(['Avery', 'Blake', 'Casey']);
    await raiseFor(t, w.casey.patientId, { kind: 'cssrs_submitted', assessmentId: crypto.randomUUID(), at: t.clock.now().toISOString(), risk: 'high' });
    await raiseFor(t, w.casey.patientId, { kind: 'adverse_event_reported', adverseEventId: crypto.randomUUID(), at: t.clock.now().toISOString(), serious: true });
    expect(names((await panel(w.token, '?sort=alerts')).items)).toEqual(['Casey', 'Avery', 'Blake']);
  });

  it('filters by risk tier and by open alerts', async () => {
    const w = await panelWorld();
    expect(names((await panel(w.token, '?risk=high')).items)).toEqual(['Avery']);
    expect(names((await panel(w.token, '?risk=elevated')).items)).toEqual(['Blake']);
    // Blake's bladder symptoms are a warning sign: it reaches the clinician as a (moderate) alert of its own.
    expect(names((await panel(w.token, '?alert=any&sort=name')).items)).toEqual(['Avery', 'Blake']);
    expect(names((await panel(w.token, '?alert=critical')).items)).toEqual(['Avery']);
    expect(names((await panel(w.token, '?alert=high')).items)).toEqual([]);
    expect(names((await panel(w.token, '?alert=none&sort=name')).items)).toEqual(['Casey']);
  });

  it('pages with limit and cursor without repeating or losing rows', async () => {
    const w = await panelWorld();
    const first = await panel(w.token, '?sort=name&limit=2');
    expect(names(first.items)).toEqual(['Avery', 'Blake']);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await panel(w.token, `?sort=name&limit=2&cursor=${first.nextCursor}`);
    expect(names(second.items)).toEqual(['Casey']);
    expect(second.nextCursor).toBeNull();
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/patients?cursor=nope', headers: bearer(w.token) });
    expect(bad.statusCode).toBe(422);
    const tooMany = await t.app.inject({ method: 'GET', url: '/api/v1/patients?limit=501', headers: bearer(w.token) });
    expect(tooMany.statusCode).toBe(422);
  });

  it('shows only the caller’s patients', async () => {
    const w = await panelWorld();
    const mine = await panel(w.token);
    expect(mine.items.map((r) => r.patientId)).not.toContain(w.stranger.patientId);
    expect(names(mine.items)).not.toContain('Abe');
    const theirs = await panel(await signIn(t, w.other));
    expect(theirs.items.map((r) => r.patientId)).toEqual([w.stranger.patientId]);
  });

  it('gives coaches their caseload without risk tiers, sessions or the schedule; patients, sitters and admins get 404', async () => {
    const w = await panelWorld();
    const coach = await createUser(t, 'coach');
    await assignCareTeam(t, w.avery.patientId, coach.id, 'coach');
    const token = await signIn(t, coach);
    const body = await panel(token, '?sort=risk');
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({ riskTier: null, riskSource: 'none', nextSessionAt: null, overdueAssessments: null, phq9: { latest: 8 } });
    const filtered = await t.app.inject({ method: 'GET', url: '/api/v1/patients?risk=high', headers: bearer(token) });
    expect(filtered.statusCode).toBe(422);
    for (const role of ['patient', 'sitter', 'admin'] as const) {
      const u = role === 'patient' ? await createPatient(t) : await createUser(t, role);
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/patients', headers: bearer(await signIn(t, u)) });
      expect(res.statusCode).toBe(404);
    }
  });
});
