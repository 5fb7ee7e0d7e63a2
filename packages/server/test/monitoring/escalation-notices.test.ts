// What an escalation writes, in full: the backup's email and the paging webhook (a sign-in link, no health
// details), and the audit row the job leaves under the system's name; who the backup is, in order; the deadline
// itself. A PHQ-9 item 9 alert is `high` and escalates 30 minutes after it is raised (docs/monitoring.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalateAlerts } from '../../src/use-cases/alerts/escalate-alerts.ts';
import { assignCareTeam, createPatient, createUser } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { phq9Item9 } from './monitoring-fixtures.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp({ config: { KEEL_WEBHOOK_URL: 'https://paging.example.test/hook', KEEL_WEBHOOK_SECRET: 'test-secret-for-paging' } });
});
afterAll(async () => {
  await t.close();
});

async function addClinician(ctx: TestContext, patientId: string, userId: string, assignedAt: Date, unassignedAt: Date | null = null): Promise<void> {
  await ctx.database.db
    .insertInto('care_team_members')
    .values({ id: crypto.randomUUID(), patient_id: patientId, user_id: userId, member_role: 'clinician', is_primary: false, assigned_at: assignedAt, assigned_by: null, unassigned_at: unassignedAt })
    .execute();
}

const notices = (ctx: TestContext, alertId: string) =>
  ctx.database.db
    .selectFrom('notification_outbox')
    .select(['cause', 'channel', 'recipient', 'subject', 'body'])
    .where('cause', 'like', `alert:${alertId}:escalation%`)
    .orderBy('cause')
    .execute();

describe('an escalation, in full', () => {
  it('emails the backup and pages the clinic with a sign-in link only, and audits the job under the system name', async () => {
    const owner = await createUser(t, 'clinician');
    const backup = await createUser(t, 'clinician');
    const patient = await createPatient(t);
    await assignCareTeam(t, patient.patientId, owner.id, 'clinician');
    await addClinician(t, patient.patientId, backup.id, t.clock.now());
    const { alert } = await phq9Item9(t, patient.patientId, patient.id);
    const alertId = alert?.id ?? '';
    // Exactly at the deadline (30 minutes) the alert is due.
    t.clock.advanceMinutes(30);
    const at = t.clock.now();
    expect(await escalateAlerts(t.deps, { alertId }, at)).toEqual({ escalated: [alertId] });

    expect(await notices(t, alertId)).toEqual([
      {
        cause: `alert:${alertId}:escalation`,
        channel: 'email',
        recipient: backup.email,
        subject: 'Keel: an unacknowledged high alert was escalated to you',
        body: 'An alert was not acknowledged in time and has been escalated to you. Sign in to Keel to review it:\nhttp://keel.test/clinician/alerts\n',
      },
      {
        cause: `alert:${alertId}:escalation:webhook`,
        channel: 'webhook',
        recipient: 'paging',
        subject: 'Unacknowledged high alert escalated',
        body: 'Sign in to Keel to review: http://keel.test/clinician/alerts',
      },
    ]);
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['at', 'actor_id', 'actor_role', 'request_id', 'client_address', 'resource_type', 'patient_id', 'outcome', 'detail'])
      .where('action', '=', 'alert.escalate')
      .where('resource_id', '=', alertId)
      .execute();
    expect(audit).toEqual([
      {
        at,
        actor_id: null,
        actor_role: 'system',
        request_id: 'job:alerts.escalate',
        client_address: null,
        resource_type: 'alert',
        patient_id: patient.patientId,
        outcome: 'success',
        // Nobody is on call in this test, so the backup comes from the care team.
        detail: { escalatedTo: backup.id, severity: 'high', onCallShiftId: null, viaOnCall: false },
      },
    ]);
    const row = await t.database.db.selectFrom('alerts').select(['escalated_at', 'escalated_to']).where('id', '=', alertId).executeTakeFirstOrThrow();
    expect(row).toEqual({ escalated_at: at, escalated_to: backup.id });
  });

  it('picks the earliest-assigned active clinician on the care team, never the owner or one who left the team', async () => {
    const owner = await createUser(t, 'clinician');
    const left = await createUser(t, 'clinician');
    const later = await createUser(t, 'clinician');
    const earlier = await createUser(t, 'clinician');
    const patient = await createPatient(t);
    await assignCareTeam(t, patient.patientId, owner.id, 'clinician');
    const now = t.clock.now().getTime();
    await addClinician(t, patient.patientId, left.id, new Date(now - 9 * 86_400_000), new Date(now - 86_400_000));
    await addClinician(t, patient.patientId, later.id, new Date(now - 2 * 86_400_000));
    await addClinician(t, patient.patientId, earlier.id, new Date(now - 5 * 86_400_000));
    const { alert } = await phq9Item9(t, patient.patientId, patient.id);
    t.clock.advanceMinutes(31);
    expect((await escalateAlerts(t.deps, { alertId: alert?.id }, t.clock.now())).escalated).toEqual([alert?.id]);
    const row = await t.database.db.selectFrom('alerts').select('escalated_to').where('id', '=', alert?.id ?? '').executeTakeFirstOrThrow();
    expect(row.escalated_to).toBe(earlier.id);
  });

  it('ignores an alert id that is not a UUID instead of sweeping every due alert', async () => {
    const owner = await createUser(t, 'clinician');
    const patient = await createPatient(t);
    await assignCareTeam(t, patient.patientId, owner.id, 'clinician');
    const { alert } = await phq9Item9(t, patient.patientId, patient.id);
    t.clock.advanceMinutes(31);
    expect(await escalateAlerts(t.deps, { alertId: 'not-a-uuid' }, t.clock.now())).toEqual({ escalated: [] });
    const row = await t.database.db.selectFrom('alerts').select('escalated_at').where('id', '=', alert?.id ?? '').executeTakeFirstOrThrow();
    expect(row.escalated_at).toBeNull();
    // The sweep (no id) does find it.
    expect((await escalateAlerts(t.deps, {}, t.clock.now())).escalated).toContain(alert?.id);
  });

  it('in a one-clinician program escalates to the owner again; without a webhook configured nothing is paged', async () => {
    const own = await createTestApp();
    try {
      const owner = await createUser(own, 'clinician');
      const patient = await createPatient(own);
      await assignCareTeam(own, patient.patientId, owner.id, 'clinician');
      const { alert } = await phq9Item9(own, patient.patientId, patient.id);
      const alertId = alert?.id ?? '';
      own.clock.advanceMinutes(31);
      expect(await escalateAlerts(own.deps, {}, own.clock.now())).toEqual({ escalated: [alertId] });
      const row = await own.database.db.selectFrom('alerts').select('escalated_to').where('id', '=', alertId).executeTakeFirstOrThrow();
      expect(row.escalated_to).toBe(owner.id);
      expect((await notices(own, alertId)).map((n) => [n.channel, n.recipient])).toEqual([['email', owner.email]]);
    } finally {
      await own.close();
    }
  });
});
