// What raising an alert writes, in full (I8, docs/monitoring.md, docs/live-board.md "Routing"): the alert row, its
// escalation job at the deadline, the owner's email, the clinic's page for a critical alert, the notice to the
// clinician on call for an urgent (high) or critical one, the live board's event when the patient is in a session,
// and the audit row; the same cause raised again returns the stored alert and writes nothing; and the open alerts
// that hold dosing, as the session gate reads them. Candidates are written here by hand, so these tests fail only
// when the server side breaks.
import type { AlertCandidate } from '@keel/domain';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../src/audit/audit-log.ts';
import { inTransaction } from '../../src/db/transaction.ts';
import { openDosingHolds, raiseAlerts } from '../../src/use-cases/alerts/raise-alerts.ts';
import { assignCareTeam, createPatient, createUser, type TestUser } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { insertSession } from './monitoring-fixtures.ts';

const HOUR = 3_600_000;

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp({ config: { KEEL_WEBHOOK_URL: 'https://paging.example.test/hook', KEEL_WEBHOOK_SECRET: 'test-secret-for-paging' } });
});
afterAll(async () => {
  await t.close();
});

const requestContext = (ctx: TestContext, actor: TestUser): RequestContext => ({
  actorId: actor.id,
  actorRole: actor.role,
  requestId: 'req-raise-test',
  clientAddress: '203.0.113.7',
  now: ctx.clock.now(),
});

const raise = (ctx: TestContext, actor: TestUser, patientId: string, candidates: readonly AlertCandidate[]) =>
  inTransaction(ctx.database.db, (tx) => raiseAlerts(tx, { deps: ctx.deps, ctx: requestContext(ctx, actor) }, patientId, candidates));

function candidate(severity: AlertCandidate['severity'], overrides: Partial<AlertCandidate> = {}): AlertCandidate {
  const evidenceId = crypto.randomUUID();
  return {
    code: 'SUICIDE_RISK_CSSRS_LOW',
    severity,
    holdsDosing: false,
    cause: `assessment:${evidenceId}`,
    evidence: [{ type: 'assessment', id: evidenceId, summary: 'C-SSRS screen: low risk' }],
    title: 'Low suicide risk on the C-SSRS screen',
    patientMessage: 'If you are in crisis, call or text 988.',
    recommendedActions: ['Review the screen at the next visit', 'Share crisis resources'],
    escalateAfterMinutes: 240,
    ...overrides,
  };
}

/** A patient whose primary clinician (the alert owner) is `owner`. */
async function patientOf(ctx: TestContext, owner: TestUser | null) {
  const patient = await createPatient(ctx);
  if (owner) await assignCareTeam(ctx, patient.patientId, owner.id, 'clinician');
  return patient;
}

async function onCallShift(ctx: TestContext, primaryId: string): Promise<string> {
  const id = crypto.randomUUID();
  const from = new Date(ctx.clock.now().getTime() - HOUR);
  await ctx.database.db
    .insertInto('on_call_shifts')
    .values({ id, clinician_id: primaryId, backup_clinician_id: null, starts_at: from, ends_at: new Date(from.getTime() + 3 * HOUR), time_zone: 'UTC', created_by: null, created_at: from, cancelled_at: null, cancelled_by: null })
    .execute();
  return id;
}

const notices = (ctx: TestContext, alertId: string) =>
  ctx.database.db.selectFrom('notification_outbox').select(['cause', 'channel', 'recipient', 'subject', 'body']).where('cause', 'like', `alert:${alertId}:%`).orderBy('cause').execute();

const escalationJobs = async (ctx: TestContext, alertId: string) =>
  (
    await sql<{ data: unknown; start_after: Date; singleton_key: string | null }>`SELECT data, start_after, singleton_key FROM pgboss.job WHERE name = 'alerts.escalate' AND data->>'alertId' = ${alertId}`.execute(
      ctx.database.db,
    )
  ).rows;

const raiseAudits = (ctx: TestContext, alertId: string) =>
  ctx.database.db
    .selectFrom('audit_log')
    .select(['at', 'actor_id', 'actor_role', 'request_id', 'client_address', 'resource_type', 'patient_id', 'outcome', 'detail'])
    .where('action', '=', 'alert.raise')
    .where('resource_id', '=', alertId)
    .execute();

const liveEvents = (ctx: TestContext, patientId: string) =>
  ctx.database.db.selectFrom('live_events').select(['session_id', 'kind', 'at', 'payload']).where('patient_id', '=', patientId).orderBy('id').execute();

describe('raising an alert', () => {
  it('stores it in full with its escalation job at the deadline, emails the owner and audits it; a moderate alert pages nobody and skips the on-call clinician', async () => {
    t.clock.advanceMinutes(24 * 60);
    const owner = await createUser(t, 'clinician');
    const onCall = await createUser(t, 'clinician');
    await onCallShift(t, onCall.id);
    const patient = await patientOf(t, owner);
    const c = candidate('moderate');
    const now = t.clock.now();

    const raised = await raise(t, owner, patient.patientId, [c]);
    const id = raised[0]?.id ?? '';
    expect(raised).toEqual([{ id, code: 'SUICIDE_RISK_CSSRS_LOW', severity: 'moderate', holdsDosing: false, created: true, patientMessage: 'If you are in crisis, call or text 988.' }]);
    const escalateAt = new Date(now.getTime() + 240 * 60_000);
    expect(await t.database.db.selectFrom('alerts').selectAll().where('patient_id', '=', patient.patientId).execute()).toEqual([
      {
        id,
        patient_id: patient.patientId,
        code: 'SUICIDE_RISK_CSSRS_LOW',
        severity: 'moderate',
        holds_dosing: false,
        cause: c.cause,
        title: 'Low suicide risk on the C-SSRS screen',
        evidence: [{ type: 'assessment', id: c.evidence[0]?.id, summary: 'C-SSRS screen: low risk' }],
        recommended_actions: ['Review the screen at the next visit', 'Share crisis resources'],
        patient_message: 'If you are in crisis, call or text 988.',
        owner_id: owner.id,
        status: 'open',
        raised_at: now,
        escalate_at: escalateAt,
        escalated_at: null,
        escalated_to: null,
        acknowledged_at: null,
        acknowledged_by: null,
        resolved_at: null,
        resolved_by: null,
        resolution_action: null,
        resolution_note: null,
        on_call_notified: null,
      },
    ]);
    expect(await escalationJobs(t, id)).toEqual([{ data: { alertId: id }, start_after: escalateAt, singleton_key: `escalate:${id}` }]);
    expect(await notices(t, id)).toEqual([
      {
        cause: `alert:${id}:owner`,
        channel: 'email',
        recipient: owner.email,
        subject: 'Keel: a moderate alert needs your attention',
        body: 'A patient on your panel has a new moderate alert. Sign in to Keel to review it:\nhttp://keel.test/clinician/alerts\n',
      },
    ]);
    expect(await raiseAudits(t, id)).toEqual([
      {
        at: now,
        actor_id: owner.id,
        actor_role: 'clinician',
        request_id: 'req-raise-test',
        client_address: '203.0.113.7',
        resource_type: 'alert',
        patient_id: patient.patientId,
        outcome: 'success',
        detail: { code: 'SUICIDE_RISK_CSSRS_LOW', severity: 'moderate', holdsDosing: false },
      },
    ]);
    // Not in a session: nothing for the live board.
    expect(await liveEvents(t, patient.patientId)).toEqual([]);
  });

  it('pages the clinic for a critical alert, tells the owner and the clinician on call urgently, and is news for the live session', async () => {
    t.clock.advanceMinutes(24 * 60);
    const owner = await createUser(t, 'clinician');
    const onCall = await createUser(t, 'clinician');
    const shiftId = await onCallShift(t, onCall.id);
    const patient = await patientOf(t, owner);
    const sessionId = await insertSession(t, patient.patientId, owner.id, { status: 'in_progress', at: new Date(t.clock.now().getTime() - HOUR) });
    const now = t.clock.now();
    const { patientMessage: _, ...noMessage } = candidate('critical', { code: 'SESSION_EMERGENCY', holdsDosing: true, cause: `session:${sessionId}`, escalateAfterMinutes: 15 });

    const raised = await raise(t, owner, patient.patientId, [noMessage]);
    const id = raised[0]?.id ?? '';
    expect(raised).toEqual([{ id, code: 'SESSION_EMERGENCY', severity: 'critical', holdsDosing: true, created: true, patientMessage: null }]);
    const row = await t.database.db.selectFrom('alerts').select(['patient_message', 'escalate_at', 'on_call_notified']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ patient_message: null, escalate_at: new Date(now.getTime() + 15 * 60_000), on_call_notified: { raised: { shiftId, primaryId: onCall.id, backupId: null, notified: [onCall.id] } } });
    expect(await notices(t, id)).toEqual([
      {
        cause: `alert:${id}:on-call:${onCall.id}`,
        channel: 'email',
        recipient: onCall.email,
        subject: 'Keel: URGENT — a critical alert while you are on call',
        body: 'A patient has a new critical alert while you are on call. Sign in to Keel to review it:\nhttp://keel.test/clinician/board\n',
      },
      {
        cause: `alert:${id}:owner`,
        channel: 'email',
        recipient: owner.email,
        subject: 'Keel: URGENT — a critical alert needs you now',
        body: 'A patient on your panel has a new critical alert. Sign in to Keel to review it:\nhttp://keel.test/clinician/alerts\n',
      },
      {
        cause: `alert:${id}:page`,
        channel: 'webhook',
        recipient: 'paging',
        subject: 'Keel: critical alert',
        body: 'A critical alert needs a clinician now. Sign in to Keel to review it: http://keel.test/clinician/alerts',
      },
    ]);
    expect((await raiseAudits(t, id)).map((a) => a.detail)).toEqual([{ code: 'SESSION_EMERGENCY', severity: 'critical', holdsDosing: true, onCall: { shiftId, notified: [onCall.id] } }]);
    expect(await liveEvents(t, patient.patientId)).toEqual([{ session_id: sessionId, kind: 'alert.raised', at: now, payload: { alertId: id } }]);
    expect(await openDosingHolds(t.database.db, patient.patientId)).toEqual([{ id, code: 'SESSION_EMERGENCY', severity: 'critical', holdsDosing: true }]);
  });

  it('tells the clinician on call of a high alert, without paging the clinic', async () => {
    t.clock.advanceMinutes(24 * 60);
    const owner = await createUser(t, 'clinician');
    const onCall = await createUser(t, 'clinician');
    const shiftId = await onCallShift(t, onCall.id);
    const patient = await patientOf(t, owner);

    const raised = await raise(t, owner, patient.patientId, [candidate('high', { code: 'SUICIDE_RISK_PHQ9_ITEM9', escalateAfterMinutes: 30 })]);
    const id = raised[0]?.id ?? '';
    expect(await notices(t, id)).toEqual([
      {
        cause: `alert:${id}:on-call:${onCall.id}`,
        channel: 'email',
        recipient: onCall.email,
        subject: 'Keel: an urgent alert while you are on call',
        body: 'A patient has a new high alert while you are on call. Sign in to Keel to review it:\nhttp://keel.test/clinician/board\n',
      },
      {
        cause: `alert:${id}:owner`,
        channel: 'email',
        recipient: owner.email,
        subject: 'Keel: a high alert needs your attention',
        body: 'A patient on your panel has a new high alert. Sign in to Keel to review it:\nhttp://keel.test/clinician/alerts\n',
      },
    ]);
    expect((await raiseAudits(t, id)).map((a) => a.detail)).toEqual([{ code: 'SUICIDE_RISK_PHQ9_ITEM9', severity: 'high', holdsDosing: false, onCall: { shiftId, notified: [onCall.id] } }]);
  });

  it('records that nobody was on call for a high alert, and emails nobody when the patient has no clinician', async () => {
    t.clock.advanceMinutes(24 * 60);
    const coach = await createUser(t, 'coach');
    const patient = await patientOf(t, null);

    const raised = await raise(t, coach, patient.patientId, [candidate('high', { code: 'SUICIDE_RISK_PHQ9_ITEM9', escalateAfterMinutes: 30 })]);
    const id = raised[0]?.id ?? '';
    const row = await t.database.db.selectFrom('alerts').select(['owner_id', 'on_call_notified']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ owner_id: null, on_call_notified: { raised: null } });
    expect(await notices(t, id)).toEqual([]);
    expect((await raiseAudits(t, id)).map((a) => a.detail)).toEqual([{ code: 'SUICIDE_RISK_PHQ9_ITEM9', severity: 'high', holdsDosing: false }]);
    expect(await escalationJobs(t, id)).toHaveLength(1);
  });

  it('returns nothing and writes nothing for no candidates', async () => {
    const owner = await createUser(t, 'clinician');
    const patient = await patientOf(t, owner);
    expect(await raise(t, owner, patient.patientId, [])).toEqual([]);
    expect(await t.database.db.selectFrom('alerts').select('id').where('patient_id', '=', patient.patientId).execute()).toEqual([]);
  });
});

describe('the clinic’s paging webhook', () => {
  it('is not called for a critical alert when its secret is not configured', async () => {
    const own = await createTestApp({ config: { KEEL_WEBHOOK_URL: 'https://paging.example.test/hook' } });
    try {
      const owner = await createUser(own, 'clinician');
      const patient = await patientOf(own, owner);
      const [raised] = await raise(own, owner, patient.patientId, [candidate('critical', { code: 'SERIOUS_ADVERSE_EVENT_REPORTED' })]);
      expect((await notices(own, raised?.id ?? '')).map((n) => n.cause)).toEqual([`alert:${raised?.id}:owner`]);
    } finally {
      await own.close();
    }
  });
});

describe('the same cause raised again', () => {
  it('returns the stored alert as it was raised and writes no second alert, job, notice or audit row; a new cause beside it is raised', async () => {
    t.clock.advanceMinutes(24 * 60);
    const owner = await createUser(t, 'clinician');
    const patient = await patientOf(t, owner);
    const first = candidate('moderate');
    const [original] = await raise(t, owner, patient.patientId, [first]);
    const id = original?.id ?? '';
    // The same patient, code and cause with other contents (a rule that changed its mind) changes nothing stored.
    const again = { ...first, severity: 'critical' as const, holdsDosing: true, title: 'Changed', patientMessage: 'Changed' };
    const other = candidate('moderate');
    const raised = await raise(t, owner, patient.patientId, [again, other]);
    const otherId = raised[1]?.id ?? '';
    expect(raised).toEqual([
      { id, code: 'SUICIDE_RISK_CSSRS_LOW', severity: 'moderate', holdsDosing: false, created: false, patientMessage: 'If you are in crisis, call or text 988.' },
      { id: otherId, code: 'SUICIDE_RISK_CSSRS_LOW', severity: 'moderate', holdsDosing: false, created: true, patientMessage: 'If you are in crisis, call or text 988.' },
    ]);
    expect(otherId).not.toBe(id);
    expect(await t.database.db.selectFrom('alerts').select(['id', 'severity', 'holds_dosing', 'title']).where('patient_id', '=', patient.patientId).where('cause', '=', first.cause).execute()).toEqual([
      { id, severity: 'moderate', holds_dosing: false, title: 'Low suicide risk on the C-SSRS screen' },
    ]);
    expect(await t.database.db.selectFrom('alerts').select('id').where('patient_id', '=', patient.patientId).execute()).toHaveLength(2);
    expect(await escalationJobs(t, id)).toHaveLength(1);
    expect((await notices(t, id)).map((n) => n.cause)).toEqual([`alert:${id}:owner`]);
    expect(await raiseAudits(t, id)).toHaveLength(1);
    expect(await raiseAudits(t, otherId)).toHaveLength(1);
  });

  it('returns a stored alert without a patient message as null', async () => {
    const owner = await createUser(t, 'clinician');
    const patient = await patientOf(t, owner);
    const { patientMessage: _, ...noMessage } = candidate('low');
    const [original] = await raise(t, owner, patient.patientId, [noMessage]);
    expect(await raise(t, owner, patient.patientId, [{ ...noMessage, patientMessage: 'Added later' }])).toEqual([
      { id: original?.id, code: 'SUICIDE_RISK_CSSRS_LOW', severity: 'low', holdsDosing: false, created: false, patientMessage: null },
    ]);
  });
});

describe('open dosing holds', () => {
  it('are the alerts that hold dosing and are not resolved (open or acknowledged), for that patient only', async () => {
    const owner = await createUser(t, 'clinician');
    const patient = await patientOf(t, owner);
    const someoneElse = await patientOf(t, owner);
    const holds = (overrides: Partial<AlertCandidate> = {}) => candidate('high', { code: 'SUICIDE_RISK_CSSRS_MODERATE', holdsDosing: true, ...overrides });
    const [open, acknowledged, resolved, notHolding] = await raise(t, owner, patient.patientId, [holds(), holds(), holds(), candidate('moderate')]);
    await raise(t, owner, someoneElse.patientId, [holds()]);
    await t.database.db.updateTable('alerts').set({ status: 'acknowledged', acknowledged_at: t.clock.now(), acknowledged_by: owner.id }).where('id', '=', acknowledged?.id ?? '').execute();
    await t.database.db
      .updateTable('alerts')
      .set({ status: 'resolved', acknowledged_at: t.clock.now(), acknowledged_by: owner.id, resolved_at: t.clock.now(), resolved_by: owner.id, resolution_action: 'contacted_patient', resolution_note: 'Spoke with the patient.' })
      .where('id', '=', resolved?.id ?? '')
      .execute();
    expect(notHolding?.holdsDosing).toBe(false);

    const found = await openDosingHolds(t.database.db, patient.patientId);
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    expect(found.sort(byId)).toEqual(
      [
        { id: open?.id, code: 'SUICIDE_RISK_CSSRS_MODERATE', severity: 'high', holdsDosing: true },
        { id: acknowledged?.id, code: 'SUICIDE_RISK_CSSRS_MODERATE', severity: 'high', holdsDosing: true },
      ].sort((a, b) => (a.id ?? '').localeCompare(b.id ?? '')),
    );
  });
});
