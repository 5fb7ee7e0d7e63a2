// Who an unacknowledged alert is escalated to, in order (docs/monitoring.md, docs/live-board.md "Routing"): the
// clinician on call (primary, then backup, never the owner or someone deactivated), else the care team's primary
// clinician before the earliest-assigned one (never a coach, someone deactivated or someone who left the team), else
// the earliest-created active clinician of the program other than the owner, else the owner, else nobody. Each test
// reads the stored alert, the notices and the audit row in full. A PHQ-9 item 9 alert is `high` and escalates 30
// minutes after it is raised.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/db/schema.ts';
import { escalateAlerts } from '../../src/use-cases/alerts/escalate-alerts.ts';
import { createPatient, createUser } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { phq9Item9 } from './monitoring-fixtures.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

async function teamMember(
  ctx: TestContext,
  patientId: string,
  userId: string,
  m: { role?: 'clinician' | 'coach'; primary?: boolean; assignedAt: Date; unassignedAt?: Date },
): Promise<void> {
  await ctx.database.db
    .insertInto('care_team_members')
    .values({
      id: crypto.randomUUID(),
      patient_id: patientId,
      user_id: userId,
      member_role: m.role ?? 'clinician',
      is_primary: m.primary ?? false,
      assigned_at: m.assignedAt,
      assigned_by: null,
      unassigned_at: m.unassignedAt ?? null,
    })
    .execute();
}

/** A user row with a chosen id, creation time and status (the program-wide fallback orders by these). */
async function userRow(ctx: TestContext, role: Role, createdAt: Date, opts: { id?: string; status?: 'active' | 'deactivated' } = {}) {
  const id = opts.id ?? crypto.randomUUID();
  const email = `${role}-${id}@example.test`;
  await ctx.database.db
    .insertInto('users')
    .values({ id, email, name: `Test ${role}`, role, status: opts.status ?? 'active', password_hash: null, mfa_secret: null, mfa_last_step: null, dea_registration: null, deactivated_at: null, created_at: createdAt })
    .execute();
  return { id, email };
}

async function deactivate(ctx: TestContext, userId: string): Promise<void> {
  await ctx.database.db.updateTable('users').set({ status: 'deactivated', deactivated_at: ctx.clock.now() }).where('id', '=', userId).execute();
}

async function onCallShift(ctx: TestContext, primaryId: string, backupId: string | null, from: Date, hours: number): Promise<string> {
  const id = crypto.randomUUID();
  await ctx.database.db
    .insertInto('on_call_shifts')
    .values({ id, clinician_id: primaryId, backup_clinician_id: backupId, starts_at: from, ends_at: new Date(from.getTime() + hours * HOUR), time_zone: 'UTC', created_by: null, created_at: from, cancelled_at: null, cancelled_by: null })
    .execute();
  return id;
}

const notices = (ctx: TestContext, alertId: string) =>
  ctx.database.db.selectFrom('notification_outbox').select(['cause', 'channel', 'recipient']).where('cause', 'like', `alert:${alertId}:escalation%`).orderBy('cause').execute();

const stored = (ctx: TestContext, alertId: string) =>
  ctx.database.db.selectFrom('alerts').select(['status', 'escalated_at', 'escalated_to', 'on_call_notified']).where('id', '=', alertId).executeTakeFirstOrThrow();

const escalationAudit = (ctx: TestContext, alertId: string) =>
  ctx.database.db
    .selectFrom('audit_log')
    .select(['actor_id', 'actor_role', 'request_id', 'patient_id', 'outcome', 'detail'])
    .where('action', '=', 'alert.escalate')
    .where('resource_id', '=', alertId)
    .execute();

/** A patient whose alert is raised now; `owner` is made their primary clinician first unless null. */
async function alertFor(ctx: TestContext, owner: { id: string } | null) {
  const patient = await createPatient(ctx);
  if (owner) await teamMember(ctx, patient.patientId, owner.id, { primary: true, assignedAt: new Date(ctx.clock.now().getTime() - 30 * DAY) });
  const { alert } = await phq9Item9(ctx, patient.patientId, patient.id);
  expect(alert).toMatchObject({ severity: 'high', created: true });
  return { patient, alertId: alert?.id ?? '' };
}

describe('escalation while someone is on call', () => {
  it('goes to the on-call primary before the care team, and the shift is stored and audited', async () => {
    t.clock.advanceMinutes(24 * 60);
    const owner = await createUser(t, 'clinician');
    const teamBackup = await createUser(t, 'clinician');
    const onCall = await createUser(t, 'clinician');
    const shiftId = await onCallShift(t, onCall.id, null, new Date(t.clock.now().getTime() - HOUR), 2);
    const { patient, alertId } = await alertFor(t, owner);
    await teamMember(t, patient.patientId, teamBackup.id, { assignedAt: new Date(t.clock.now().getTime() - DAY) });
    t.clock.advanceMinutes(30);
    const at = t.clock.now();

    expect(await escalateAlerts(t.deps, { alertId }, at)).toEqual({ escalated: [alertId] });
    const record = { shiftId, primaryId: onCall.id, backupId: null, notified: [onCall.id] };
    expect(await stored(t, alertId)).toEqual({ status: 'open', escalated_at: at, escalated_to: onCall.id, on_call_notified: { raised: record, escalation: record } });
    expect(await notices(t, alertId)).toEqual([{ cause: `alert:${alertId}:escalation`, channel: 'email', recipient: onCall.email }]);
    expect(await escalationAudit(t, alertId)).toEqual([
      {
        actor_id: null,
        actor_role: 'system',
        request_id: 'job:alerts.escalate',
        patient_id: patient.patientId,
        outcome: 'success',
        detail: { escalatedTo: onCall.id, severity: 'high', onCallShiftId: shiftId, viaOnCall: true },
      },
    ]);
  });

  it('falls back to the care team when nobody on call can take it (the owner on call, the backup deactivated), recording the shift', async () => {
    t.clock.advanceMinutes(24 * 60);
    const owner = await createUser(t, 'clinician');
    const goneBackup = await createUser(t, 'clinician');
    const teamBackup = await createUser(t, 'clinician');
    const shiftId = await onCallShift(t, owner.id, goneBackup.id, new Date(t.clock.now().getTime() - HOUR), 2);
    await deactivate(t, goneBackup.id);
    const { patient, alertId } = await alertFor(t, owner);
    await teamMember(t, patient.patientId, teamBackup.id, { assignedAt: new Date(t.clock.now().getTime() - DAY) });
    t.clock.advanceMinutes(30);
    const at = t.clock.now();

    expect(await escalateAlerts(t.deps, { alertId }, at)).toEqual({ escalated: [alertId] });
    const record = { shiftId, primaryId: owner.id, backupId: goneBackup.id, notified: [] };
    expect(await stored(t, alertId)).toEqual({ status: 'open', escalated_at: at, escalated_to: teamBackup.id, on_call_notified: { raised: record, escalation: record } });
    expect(await notices(t, alertId)).toEqual([{ cause: `alert:${alertId}:escalation`, channel: 'email', recipient: teamBackup.email }]);
    expect((await escalationAudit(t, alertId)).map((a) => a.detail)).toEqual([{ escalatedTo: teamBackup.id, severity: 'high', onCallShiftId: shiftId, viaOnCall: false }]);
  });
});

describe('escalation to the care team', () => {
  it('takes a primary clinician before an earlier-assigned one, and never a coach, a deactivated clinician or one who left (an alert with no owner)', async () => {
    t.clock.advanceMinutes(24 * 60);
    // Raised while the patient had no clinician on the team, so the alert has no owner.
    const { patient, alertId } = await alertFor(t, null);
    expect((await t.database.db.selectFrom('alerts').select('owner_id').where('id', '=', alertId).executeTakeFirstOrThrow()).owner_id).toBeNull();
    const now = t.clock.now().getTime();
    const coach = await createUser(t, 'coach');
    const deactivated = await createUser(t, 'clinician');
    const left = await createUser(t, 'clinician');
    const earlier = await createUser(t, 'clinician');
    const primary = await createUser(t, 'clinician');
    await teamMember(t, patient.patientId, coach.id, { role: 'coach', primary: true, assignedAt: new Date(now - 20 * DAY) });
    await teamMember(t, patient.patientId, deactivated.id, { primary: true, assignedAt: new Date(now - 15 * DAY) });
    await deactivate(t, deactivated.id);
    await teamMember(t, patient.patientId, left.id, { primary: true, assignedAt: new Date(now - 12 * DAY), unassignedAt: new Date(now - DAY) });
    await teamMember(t, patient.patientId, earlier.id, { assignedAt: new Date(now - 10 * DAY) });
    await teamMember(t, patient.patientId, primary.id, { primary: true, assignedAt: new Date(now - 2 * DAY) });
    t.clock.advanceMinutes(30);
    const at = t.clock.now();

    expect(await escalateAlerts(t.deps, {}, at)).toEqual({ escalated: [alertId] });
    expect(await stored(t, alertId)).toEqual({ status: 'open', escalated_at: at, escalated_to: primary.id, on_call_notified: { raised: null, escalation: null } });
    expect(await notices(t, alertId)).toEqual([{ cause: `alert:${alertId}:escalation`, channel: 'email', recipient: primary.email }]);
    expect((await escalationAudit(t, alertId)).map((a) => a.detail)).toEqual([{ escalatedTo: primary.id, severity: 'high', onCallShiftId: null, viaOnCall: false }]);
  });
});

describe('escalation without a second clinician on the care team', () => {
  it('goes to the earliest-created active clinician of the program other than the owner (ties by id); a webhook without its secret pages nobody', async () => {
    const own = await createTestApp({ config: { KEEL_WEBHOOK_URL: 'https://paging.example.test/hook' } });
    try {
      const owner = await userRow(own, 'clinician', new Date('2026-01-01T00:00:00Z'));
      await userRow(own, 'admin', new Date('2026-01-02T00:00:00Z'));
      await userRow(own, 'coach', new Date('2026-01-02T00:00:00Z'));
      await userRow(own, 'clinician', new Date('2026-01-03T00:00:00Z'), { status: 'deactivated' });
      // Two clinicians created at the same instant: the lower id is chosen, whichever was stored first.
      await userRow(own, 'clinician', new Date('2026-01-04T00:00:00Z'), { id: '00000000-0000-4000-8000-000000000002' });
      const tieWinner = await userRow(own, 'clinician', new Date('2026-01-04T00:00:00Z'), { id: '00000000-0000-4000-8000-000000000001' });
      await userRow(own, 'clinician', new Date('2026-01-05T00:00:00Z'));
      const { patient, alertId } = await alertFor(own, owner);
      own.clock.advanceMinutes(30);
      const at = own.clock.now();

      expect(await escalateAlerts(own.deps, { alertId }, at)).toEqual({ escalated: [alertId] });
      expect(await stored(own, alertId)).toEqual({ status: 'open', escalated_at: at, escalated_to: tieWinner.id, on_call_notified: { raised: null, escalation: null } });
      expect(await notices(own, alertId)).toEqual([{ cause: `alert:${alertId}:escalation`, channel: 'email', recipient: tieWinner.email }]);
      expect(await escalationAudit(own, alertId)).toEqual([
        {
          actor_id: null,
          actor_role: 'system',
          request_id: 'job:alerts.escalate',
          patient_id: patient.patientId,
          outcome: 'success',
          detail: { escalatedTo: tieWinner.id, severity: 'high', onCallShiftId: null, viaOnCall: false },
        },
      ]);
    } finally {
      await own.close();
    }
  });

  it('with no clinician at all and no owner is still escalated, to nobody: no email, the clinic is paged, the audit says so', async () => {
    const own = await createTestApp({ config: { KEEL_WEBHOOK_URL: 'https://paging.example.test/hook', KEEL_WEBHOOK_SECRET: 'test-secret-for-paging' } });
    try {
      const { patient, alertId } = await alertFor(own, null);
      own.clock.advanceMinutes(30);
      const at = own.clock.now();

      expect(await escalateAlerts(own.deps, { alertId }, at)).toEqual({ escalated: [alertId] });
      expect(await stored(own, alertId)).toEqual({ status: 'open', escalated_at: at, escalated_to: null, on_call_notified: { raised: null, escalation: null } });
      expect(await notices(own, alertId)).toEqual([{ cause: `alert:${alertId}:escalation:webhook`, channel: 'webhook', recipient: 'paging' }]);
      expect(await escalationAudit(own, alertId)).toEqual([
        {
          actor_id: null,
          actor_role: 'system',
          request_id: 'job:alerts.escalate',
          patient_id: patient.patientId,
          outcome: 'success',
          detail: { escalatedTo: null, severity: 'high', onCallShiftId: null, viaOnCall: false },
        },
      ]);
      // Once: a second run finds nothing to do.
      expect(await escalateAlerts(own.deps, {}, at)).toEqual({ escalated: [] });
    } finally {
      await own.close();
    }
  });
});
