// The patient-level read models: assessment schedule, outcomes (and the program report) and the timeline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignCareTeam, assignSitter, bearer, createPatient, createUser, signIn, type TestUser } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import {
  checkInBody,
  daysAgo,
  enrolledDaysAgo,
  insertActivePlan,
  insertAppointment,
  insertAssessment,
  insertCheckIn,
  insertLedger,
  insertSession,
  phq9Item9,
} from './monitoring-fixtures.ts';

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

async function enrolled(days = 30) {
  const p = await createPatient(t);
  await assignCareTeam(t, p.patientId, clinician.id, 'clinician');
  await enrolledDaysAgo(t, p.patientId, days);
  return { ...p, token: await signIn(t, p) };
}
const get = (url: string, token: string) => t.app.inject({ method: 'GET', url, headers: bearer(token) });

describe('GET /patients/:id/assessment-schedule', () => {
  interface Schedule {
    phase: string | null;
    items: { code: string; status: string; dueAt: string }[];
    overdueCount: number;
  }
  it('lists the daily check-in in induction, weekly PHQ-9/GAD-7 from the last completion, and marks overdue', async () => {
    const p = await enrolled(30);
    await insertActivePlan(t, p.patientId, clinician.id, 'induction');
    await insertAssessment(t, p.patientId, p.id, { instrument: 'phq9', total: 10, at: daysAgo(t, 8) });
    await insertAssessment(t, p.patientId, p.id, { instrument: 'gad7', total: 8, at: daysAgo(t, 2) });
    await insertAssessment(t, p.patientId, p.id, { instrument: 'cssrs-screen', total: null, at: daysAgo(t, 29), context: 'intake' });
    for (const a of ['audit-c', 'dast10', 'bladder']) await insertAssessment(t, p.patientId, p.id, { instrument: a, total: 0, at: daysAgo(t, 5) });
    await insertCheckIn(t, p.patientId, { at: daysAgo(t, 3) });
    const res = await get(`/api/v1/patients/${p.patientId}/assessment-schedule`, p.token);
    expect(res.statusCode).toBe(200);
    const body = res.json<Schedule>();
    expect(body.phase).toBe('induction');
    const status = Object.fromEntries(body.items.map((i) => [i.code, i.status]));
    expect(status).toEqual({ checkin: 'overdue', phq9: 'due', gad7: 'upcoming', 'audit-c': 'upcoming', dast10: 'upcoming', bladder: 'upcoming' });
    expect(body.items.find((i) => i.code === 'phq9')?.dueAt).toBe(daysAgo(t, 1).toISOString());
    expect(body.overdueCount).toBe(1);
    // The care team sees the same; a coach does not see the schedule.
    expect((await get(`/api/v1/patients/${p.patientId}/assessment-schedule`, clinicianToken)).json<Schedule>().items).toHaveLength(6);
    const coach = await createUser(t, 'coach');
    await assignCareTeam(t, p.patientId, coach.id, 'coach');
    expect((await get(`/api/v1/patients/${p.patientId}/assessment-schedule`, await signIn(t, coach))).statusCode).toBe(404);
  });

  it('asks for a C-SSRS after a positive PHQ-9 item 9, and drops the check-in outside induction', async () => {
    const p = await enrolled(10);
    await insertActivePlan(t, p.patientId, clinician.id, 'maintenance');
    await insertAssessment(t, p.patientId, p.id, { instrument: 'cssrs-screen', total: null, at: daysAgo(t, 9), context: 'intake' });
    await phq9Item9(t, p.patientId, p.id);
    const body = (await get(`/api/v1/patients/${p.patientId}/assessment-schedule`, p.token)).json<Schedule>();
    expect(body.items.map((i) => i.code)).not.toContain('checkin');
    expect(body.items.find((i) => i.code === 'cssrs-screen')).toMatchObject({ status: 'due' });
    await t.app.inject({ method: 'POST', url: `/api/v1/patients/${p.patientId}/check-ins`, headers: bearer(p.token), payload: checkInBody() });
    await insertAssessment(t, p.patientId, p.id, { instrument: 'cssrs-screen', total: null, at: t.clock.now() });
    const after = (await get(`/api/v1/patients/${p.patientId}/assessment-schedule`, p.token)).json<Schedule>();
    expect(after.items.map((i) => i.code)).not.toContain('cssrs-screen');
  });
});

describe('GET /patients/:id/outcomes', () => {
  it('computes baseline before the first dose, change, response, remission and trajectory', async () => {
    const p = await enrolled(40);
    const scores: [number, number][] = [[30, 18], [20, 16], [10, 10], [3, 7], [1, 4]];
    for (const [d, total] of scores) await insertAssessment(t, p.patientId, p.id, { instrument: 'phq9', total, at: daysAgo(t, d) });
    await insertAssessment(t, p.patientId, p.id, { instrument: 'gad7', total: 9, at: daysAgo(t, 3) });
    const firstDose = daysAgo(t, 15);
    await insertSession(t, p.patientId, clinician.id, { status: 'completed', at: firstDose });
    await insertSession(t, p.patientId, clinician.id, { status: 'missed', at: daysAgo(t, 25) });
    const res = await get(`/api/v1/patients/${p.patientId}/outcomes`, p.token);
    expect(res.statusCode).toBe(200);
    const body = res.json<{ firstDoseAt: string; phq9: Record<string, unknown>; gad7: Record<string, unknown> }>();
    expect(body.firstDoseAt).toBe(firstDose.toISOString());
    expect(body.phq9).toMatchObject({
      baseline: { kind: 'pre_dose', score: { total: 16 } },
      latest: { total: 4 },
      change: -12,
      changePct: -75,
      response: true,
      remission: true,
      meaningfulChange: 'improvement',
      trajectory: 'improving',
    });
    expect(body.phq9['series']).toHaveLength(5);
    expect(body.gad7).toMatchObject({ baseline: { kind: 'missing' }, response: null, trajectory: 'insufficient_data' });
    const coach = await createUser(t, 'coach');
    await assignCareTeam(t, p.patientId, coach.id, 'coach');
    expect((await get(`/api/v1/patients/${p.patientId}/outcomes`, await signIn(t, coach))).statusCode).toBe(200);
    const sitter = await createUser(t, 'sitter');
    await assignSitter(t, p.patientId, sitter.id, p.id);
    expect((await get(`/api/v1/patients/${p.patientId}/outcomes`, await signIn(t, sitter))).statusCode).toBe(404);
  });

  it('reports program response and remission at 4 and 8 weeks by cohort month, to clinicians and admins only', async () => {
    const p = await enrolled(90);
    const dose = daysAgo(t, 70);
    await insertAssessment(t, p.patientId, p.id, { instrument: 'phq9', total: 20, at: daysAgo(t, 72) });
    await insertSession(t, p.patientId, clinician.id, { status: 'completed', at: dose });
    await insertAssessment(t, p.patientId, p.id, { instrument: 'phq9', total: 9, at: new Date(dose.getTime() + 28 * 86_400_000) });
    await insertAssessment(t, p.patientId, p.id, { instrument: 'phq9', total: 3, at: new Date(dose.getTime() + 56 * 86_400_000) });
    const admin = await createUser(t, 'admin');
    const res = await get('/api/v1/program/outcomes', await signIn(t, admin));
    expect(res.statusCode).toBe(200);
    const body = res.json<{ cohorts: { cohort: string; instruments: { phq9: { weeksAfterFirstDose: number; responders: number; remitters: number; measured: number }[] } }[] }>();
    const cohort = body.cohorts.find((c) => c.cohort === dose.toISOString().slice(0, 7));
    expect(cohort?.instruments.phq9.map((c) => [c.weeksAfterFirstDose, c.measured, c.responders, c.remitters])).toEqual([
      [4, 1, 1, 0],
      [8, 1, 1, 1],
    ]);
    expect((await get('/api/v1/program/outcomes', clinicianToken)).statusCode).toBe(200);
    const coach = await createUser(t, 'coach');
    expect((await get('/api/v1/program/outcomes', await signIn(t, coach))).statusCode).toBe(404);
  });
});

describe('GET /patients/:id/timeline', () => {
  it('merges every kind of record newest first, pages by cursor, and hides alerts from the patient', async () => {
    const p = await enrolled(20);
    const coach = await createUser(t, 'coach');
    const session = await insertSession(t, p.patientId, clinician.id, { status: 'completed', at: daysAgo(t, 6) });
    await insertAssessment(t, p.patientId, p.id, { instrument: 'gad7', total: 6, at: daysAgo(t, 7) });
    await insertCheckIn(t, p.patientId, { at: daysAgo(t, 5) });
    await t.database.db
      .insertInto('gate_evaluations')
      .values({ id: crypto.randomUUID(), patient_id: p.patientId, session_id: session, evaluated_at: daysAgo(t, 6.1), outcome: 'authorized', reason_codes: [], reasons: '[]', dose_mg: 300, actor_id: p.id, inputs: '{}' })
      .execute();
    await insertLedger(t, p.patientId, clinician.id, { kind: 'counted', units: 0, at: daysAgo(t, 4), counted: 2, expected: 2 });
    await insertAppointment(t, p.patientId, coach.id, { kind: 'integration', status: 'completed', daysAgo: 3 });
    await phq9Item9(t, p.patientId, p.id);

    const all = (await get(`/api/v1/patients/${p.patientId}/timeline?limit=50`, clinicianToken)).json<{ items: { type: string; at: string; summary: string }[] }>();
    // The PHQ-9 and its alert share a time; the rest are strictly ordered.
    expect(all.items.slice(0, 2).map((i) => i.type).sort()).toEqual(['alert', 'assessment']);
    expect(all.items.slice(2).map((i) => i.type)).toEqual(['appointment', 'ledger_entry', 'check_in', 'session', 'gate_evaluation', 'assessment']);
    const times = all.items.map((i) => i.at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(all.items.find((i) => i.type === 'gate_evaluation')?.summary).toBe('Gate: authorized');

    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const url: string = `/api/v1/patients/${p.patientId}/timeline?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const body = (await get(url, clinicianToken)).json<{ items: { id: string }[]; nextCursor: string | null }>();
      seen.push(...body.items.map((i) => i.id));
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);

    const mine = (await get(`/api/v1/patients/${p.patientId}/timeline`, p.token)).json<{ items: { type: string }[] }>();
    expect(mine.items.map((i) => i.type)).not.toContain('alert');
    expect(mine.items).toHaveLength(7);
    await assignCareTeam(t, p.patientId, coach.id, 'coach');
    expect((await get(`/api/v1/patients/${p.patientId}/timeline`, await signIn(t, coach))).statusCode).toBe(404);
  });
});
