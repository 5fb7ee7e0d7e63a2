// The monitoring jobs, called directly with a moved clock (the workers call the same functions).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  detectMissedCheckIns,
  detectMissedSessions,
  monitoringJobs,
  recomputeRisk,
  remindDueAssessments,
  sweepSitterChecks,
} from '../../src/jobs/monitoring-jobs.ts';
import { queueNames } from '../../src/jobs/job-queue.ts';
import { assignCareTeam, createPatient, createUser, type TestUser } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import {
  daysAgo,
  enrolledDaysAgo,
  insertActivePlan,
  insertCheckIn,
  insertSession,
  minutesAgo,
} from './monitoring-fixtures.ts';

let t: TestContext;
let clinician: TestUser;
beforeAll(async () => {
  t = await createTestApp();
  clinician = await createUser(t, 'clinician');
});
afterAll(async () => {
  await t.close();
});

async function patient(days = 20) {
  const p = await createPatient(t);
  await assignCareTeam(t, p.patientId, clinician.id, 'clinician');
  await enrolledDaysAgo(t, p.patientId, days);
  return p;
}
const outbox = (prefix: string) => t.database.db.selectFrom('notification_outbox').selectAll().where('cause', 'like', `${prefix}%`).execute();

describe('sessions.detect-missed', () => {
  it('marks scheduled sessions past their window as missed, once', async () => {
    const p = await patient();
    const late = await insertSession(t, p.patientId, clinician.id, { status: 'scheduled', at: daysAgo(t, 2) });
    const recent = await insertSession(t, p.patientId, clinician.id, { status: 'scheduled', at: minutesAgo(t, 60) });
    const done = await insertSession(t, p.patientId, clinician.id, { status: 'completed', at: daysAgo(t, 3) });
    const first = (await detectMissedSessions(t.deps, {}, t.clock.now())) as { missed: string[] };
    expect(first.missed).toContain(late);
    expect(first.missed).not.toContain(recent);
    expect(((await detectMissedSessions(t.deps, {}, t.clock.now())) as { missed: string[] }).missed).not.toContain(late);
    const rows = await t.database.db.selectFrom('dosing_sessions').select(['id', 'status']).where('id', 'in', [late, recent, done]).execute();
    expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({ [late]: 'missed', [recent]: 'scheduled', [done]: 'completed' });
  });
});

describe('checkins.detect-missed', () => {
  it('reminds induction patients without a check-in today (in their time zone), once per day', async () => {
    const inductee = await patient();
    await insertActivePlan(t, inductee.patientId, clinician.id, 'induction');
    const checkedIn = await patient();
    await insertActivePlan(t, checkedIn.patientId, clinician.id, 'induction');
    await insertCheckIn(t, checkedIn.patientId, { at: minutesAgo(t, 30) });
    const maintenance = await patient();
    await insertActivePlan(t, maintenance.patientId, clinician.id, 'maintenance');
    for (const u of [inductee, checkedIn, maintenance]) {
      await t.database.db.updateTable('users').set({ time_zone: 'UTC' }).where('id', '=', u.id).execute();
    }
    // 12:00 UTC: before the reminder hour.
    t.clock.set('2026-06-01T12:00:00.000Z');
    expect(((await detectMissedCheckIns(t.deps, {}, t.clock.now())) as { reminded: string[] }).reminded).not.toContain(inductee.patientId);
    t.clock.set('2026-06-01T19:00:00.000Z');
    const run = (await detectMissedCheckIns(t.deps, {}, t.clock.now())) as { reminded: string[] };
    expect(run.reminded).toContain(inductee.patientId);
    expect(run.reminded).not.toContain(checkedIn.patientId);
    expect(run.reminded).not.toContain(maintenance.patientId);
    await detectMissedCheckIns(t.deps, {}, t.clock.now());
    const notices = await outbox(`checkin-reminder:${inductee.patientId}:`);
    expect(notices.map((n) => n.cause)).toEqual([`checkin-reminder:${inductee.patientId}:2026-06-01`]);
    expect(notices[0]?.recipient).toBe(inductee.email);
    t.clock.set('2026-06-01T12:00:00.000Z');
  });
});

describe('assessments.remind', () => {
  it('sends one reminder per due questionnaire and due time, without health details', async () => {
    const p = await patient(20);
    await remindDueAssessments(t.deps, {}, t.clock.now());
    await remindDueAssessments(t.deps, {}, t.clock.now());
    const notices = await outbox(`assessment-reminder:${p.patientId}:`);
    expect(notices.map((n) => n.cause.split(':')[2]).sort()).toEqual(['audit-c', 'bladder', 'cssrs-screen', 'dast10', 'gad7', 'phq9']);
    for (const n of notices) expect(`${n.subject} ${n.body}`).not.toMatch(/PHQ|GAD|AUDIT|DAST|C-SSRS|bladder/i);
  });
});

describe('the sitter-check sweep', () => {
  it('raises SITTER_CHECK_OVERDUE for a session in progress with no check for 20 minutes, once per gap', async () => {
    const p = await patient();
    const sitter = await createUser(t, 'sitter');
    const overdue = await insertSession(t, p.patientId, clinician.id, { status: 'in_progress', at: minutesAgo(t, 40), startedAt: minutesAgo(t, 40) });
    await t.database.db
      .insertInto('sitter_checks')
      .values({ id: crypto.randomUUID(), patient_id: p.patientId, session_id: overdue, sitter_user_id: sitter.id, checked_at: minutesAgo(t, 25), responsive: true, breathing_normally: true, concern: false, note: null })
      .execute();
    const q = await patient();
    const fine = await insertSession(t, q.patientId, clinician.id, { status: 'in_progress', at: minutesAgo(t, 10), startedAt: minutesAgo(t, 10) });
    const first = (await sweepSitterChecks(t.deps, {}, t.clock.now())) as { raised: string[] };
    const second = (await sweepSitterChecks(t.deps, {}, t.clock.now())) as { raised: string[] };
    expect(second.raised).toEqual([]);
    const alerts = await t.database.db.selectFrom('alerts').select(['id', 'code', 'patient_id', 'evidence']).where('patient_id', 'in', [p.patientId, q.patientId]).execute();
    expect(alerts.map((a) => [a.patient_id, a.code])).toEqual([[p.patientId, 'SITTER_CHECK_OVERDUE']]);
    expect(first.raised).toEqual([alerts[0]?.id]);
    expect(JSON.stringify(alerts[0]?.evidence)).toContain(overdue);
    expect(fine).toBeDefined();
  });
});

describe('risk.recompute', () => {
  it('records a tier that changed with time (signals aging out) and leaves unchanged ones alone', async () => {
    const p = await patient();
    await insertCheckIn(t, p.patientId, { at: daysAgo(t, 85), cognitive: true });
    await insertCheckIn(t, p.patientId, { at: daysAgo(t, 85), bladder: true });
    expect(await recomputeRisk(t.deps, { patientId: p.patientId }, t.clock.now())).toEqual({ evaluated: 1, changed: 1 });
    expect(await recomputeRisk(t.deps, { patientId: p.patientId }, t.clock.now())).toEqual({ evaluated: 1, changed: 0 });
    // Ten days on, both check-ins are past the 90-day lookback: the tier falls back to low.
    const later = new Date(t.clock.now().getTime() + 10 * 86_400_000);
    await recomputeRisk(t.deps, {}, later);
    const evaluations = await t.database.db.selectFrom('risk_evaluations').select(['tier', 'trigger']).where('patient_id', '=', p.patientId).orderBy('evaluated_at').execute();
    expect(evaluations).toEqual([
      { tier: 'elevated', trigger: 'nightly' },
      { tier: 'low', trigger: 'nightly' },
    ]);
  });
});

describe('the workers', () => {
  it('register a handler and a schedule for every monitoring queue, each a known queue', () => {
    const queues = monitoringJobs.map((j) => j.queue);
    expect(new Set(queues).size).toBe(queues.length);
    for (const q of queues) expect(queueNames).toContain(q);
    expect(queues).toEqual(
      expect.arrayContaining(['alerts.escalate', 'assessments.remind', 'sessions.detect-missed', 'checkins.detect-missed', 'sessions.sitter-check-sweep', 'risk.recompute']),
    );
  });
});
