import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalateAlerts } from '../../src/use-cases/alerts/escalate-alerts.ts';
import { assignCareTeam, bearer, createPatient, createUser, signIn } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { onPostgres } from '../support/test-database.ts';
import { phq9Item9, raiseFor } from './monitoring-fixtures.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

/** A patient with a primary clinician (the alert owner) and, unless told otherwise, a second clinician (backup). */
async function world(withBackup = true) {
  const owner = await createUser(t, 'clinician');
  const backup = await createUser(t, 'clinician');
  const patient = await createPatient(t);
  await assignCareTeam(t, patient.patientId, owner.id, 'clinician');
  if (withBackup) {
    await t.database.db
      .insertInto('care_team_members')
      .values({ id: crypto.randomUUID(), patient_id: patient.patientId, user_id: backup.id, member_role: 'clinician', is_primary: false, assigned_at: t.clock.now(), assigned_by: null, unassigned_at: null })
      .execute();
  }
  return { owner, backup, patient };
}

const escalationNotices = (alertId: string) =>
  t.database.db.selectFrom('notification_outbox').selectAll().where('cause', 'like', `alert:${alertId}:escalation%`).execute();

describe('alerts.escalate', () => {
  it('enqueues the escalation job in the transaction that raised the alert, due at the deadline', async () => {
    const { patient } = await world();
    const { alert } = await phq9Item9(t, patient.patientId, patient.id);
    const row = await t.database.db.selectFrom('alerts').select(['escalate_at', 'raised_at']).where('id', '=', alert?.id ?? '').executeTakeFirstOrThrow();
    expect(new Date(row.escalate_at ?? 0).getTime() - new Date(row.raised_at).getTime()).toBe(30 * 60_000);
    const jobs = await sql<{ start_after: Date }>`SELECT start_after FROM pgboss.job WHERE name = 'alerts.escalate' AND data->>'alertId' = ${alert?.id}`.execute(t.database.db);
    expect(jobs.rows).toHaveLength(1);
    expect(new Date(jobs.rows[0]?.start_after ?? 0).getTime()).toBe(new Date(row.escalate_at ?? 0).getTime());
  });

  it('escalates an unacknowledged alert past its deadline to the backup clinician exactly once, however often it runs', async () => {
    const { owner, backup, patient } = await world();
    const { alert } = await phq9Item9(t, patient.patientId, patient.id);
    const alertId = alert?.id ?? '';
    expect((await escalateAlerts(t.deps, { alertId }, t.clock.now())).escalated).toEqual([]);
    t.clock.advanceMinutes(29);
    expect((await escalateAlerts(t.deps, { alertId }, t.clock.now())).escalated).toEqual([]);
    t.clock.advanceMinutes(2);
    expect((await escalateAlerts(t.deps, { alertId }, t.clock.now())).escalated).toEqual([alertId]);
    expect((await escalateAlerts(t.deps, { alertId }, t.clock.now())).escalated).toEqual([]);
    t.clock.advanceMinutes(60);
    expect((await escalateAlerts(t.deps, {}, t.clock.now())).escalated).not.toContain(alertId);

    const row = await t.database.db.selectFrom('alerts').select(['escalated_at', 'escalated_to', 'status', 'owner_id']).where('id', '=', alertId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ escalated_to: backup.id, status: 'open', owner_id: owner.id });
    const notices = await escalationNotices(alertId);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.recipient).toBe(backup.email);
    // A sign-in link, never the patient or what the alert is about.
    expect(`${notices[0]?.subject} ${notices[0]?.body}`).not.toMatch(new RegExp(`${patient.name}|${patient.patientId}|PHQ|suicid|item 9`, 'i'));
    const audits = await t.database.db.selectFrom('audit_log').select('action').where('resource_id', '=', alertId).where('action', '=', 'alert.escalate').execute();
    expect(audits).toHaveLength(1);
    // The backup can act on it; the queue shows it escalated.
    const token = await signIn(t, backup);
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/alerts/${alertId}`, headers: bearer(token) });
    expect(res.json<{ escalatedTo: { id: string } }>().escalatedTo.id).toBe(backup.id);
  });

  it('does not escalate an alert acknowledged before its deadline', async () => {
    const { owner, patient } = await world();
    const { alert } = await phq9Item9(t, patient.patientId, patient.id);
    const ack = await t.app.inject({ method: 'POST', url: `/api/v1/alerts/${alert?.id}/acknowledge`, headers: bearer(await signIn(t, owner)) });
    expect(ack.statusCode).toBe(200);
    t.clock.advanceMinutes(45);
    expect((await escalateAlerts(t.deps, { alertId: alert?.id }, t.clock.now())).escalated).toEqual([]);
    expect(await escalationNotices(alert?.id ?? '')).toHaveLength(0);
  });

  it('falls back to another active clinician when the care team has no second clinician; the sweep finds it', async () => {
    const { owner, patient } = await world(false);
    const [alert] = await raiseFor(t, patient.patientId, { kind: 'cssrs_submitted', assessmentId: crypto.randomUUID(), at: t.clock.now().toISOString(), risk: 'low' });
    t.clock.advanceMinutes(241);
    const result = await escalateAlerts(t.deps, {}, t.clock.now());
    expect(result.escalated).toContain(alert?.id);
    const row = await t.database.db.selectFrom('alerts').select('escalated_to').where('id', '=', alert?.id ?? '').executeTakeFirstOrThrow();
    expect(row.escalated_to).not.toBeNull();
    expect(row.escalated_to).not.toBe(owner.id);
  });

  it.runIf(onPostgres)('escalates once when many processes race on the same alert', async () => {
    const { patient } = await world();
    const { alert } = await phq9Item9(t, patient.patientId, patient.id);
    t.clock.advanceMinutes(31);
    const now = t.clock.now();
    const results = await Promise.all(Array.from({ length: 12 }, () => escalateAlerts(t.deps, { alertId: alert?.id }, now)));
    expect(results.flatMap((r) => r.escalated)).toEqual([alert?.id]);
    expect(await escalationNotices(alert?.id ?? '')).toHaveLength(1);
  });
});
