// The clinician's alert queue and the alert lifecycle (use-cases/alerts/alert-queue.ts), called directly on alerts
// planted as rows: the queue's order (severity, then age, then id), its filters (care team, status, patient) and
// pages, and the audit row of each read; one alert read in full as a clinician and as a coach; acknowledging and
// resolving, each read back in full with its audit row and live event, and refused in words when the alert is in
// another state; the patient of an alert; the crisis resources. The expected values are written out by hand; the
// clock starts at 2026-06-01T12:00:00.000Z in every test.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../src/audit/audit-log.ts';
import { AppError } from '../../src/http/problem.ts';
import { acknowledgeAlert, crisisFor, getAlert, listAlerts, patientOfAlert, resolveAlert } from '../../src/use-cases/alerts/alert-queue.ts';
import { assignCareTeam, createPatient, createUser, type TestUser } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { insertSession } from './monitoring-fixtures.ts';

const T0 = '2026-06-01T12:00:00.000Z';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  t.clock.set(T0);
});

const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000);

const ctxOf = (actor: TestUser): RequestContext => ({
  actorId: actor.id,
  actorRole: actor.role,
  requestId: 'req-alert-queue',
  clientAddress: '203.0.113.8',
  now: t.clock.now(),
});
const ucOf = (actor: TestUser) => ({ deps: t.deps, ctx: ctxOf(actor) });

/** A patient named `name` with `clinician` (and a coach) on the care team. */
async function people(name = 'Quinn Example') {
  const clinician = await createUser(t, 'clinician', { name: 'Dr Ada Owner' });
  const coach = await createUser(t, 'coach', { name: 'Cal Coach' });
  const patient = await createPatient(t, { name });
  await assignCareTeam(t, patient.patientId, clinician.id, 'clinician');
  await assignCareTeam(t, patient.patientId, coach.id, 'coach');
  return { clinician, coach, patient };
}

interface Planted {
  id?: string;
  code?: string;
  severity?: 'critical' | 'high' | 'moderate' | 'low';
  holdsDosing?: boolean;
  status?: 'open' | 'acknowledged' | 'resolved';
  raisedAt?: Date;
  patientMessage?: string | null;
  ownerId?: string | null;
  escalatedTo?: string | null;
  acknowledgedBy?: string | null;
  resolvedBy?: string | null;
}

const EVIDENCE = [{ kind: 'assessment', id: 'as-1', at: '2026-06-01T11:00:00.000Z', summary: 'PHQ-9 item 9 answered 2' }];

async function plant(patientId: string, a: Planted = {}): Promise<string> {
  const id = a.id ?? crypto.randomUUID();
  const status = a.status ?? 'open';
  await t.database.db
    .insertInto('alerts')
    .values({
      id,
      patient_id: patientId,
      code: a.code ?? 'SUICIDE_RISK_PHQ9_ITEM9',
      severity: a.severity ?? 'high',
      holds_dosing: a.holdsDosing ?? true,
      cause: `test:${id}`,
      title: 'Thoughts of self-harm reported',
      evidence: JSON.stringify(EVIDENCE),
      recommended_actions: JSON.stringify(['Call the patient today']),
      patient_message: a.patientMessage === undefined ? null : a.patientMessage,
      status,
      owner_id: a.ownerId ?? null,
      raised_at: a.raisedAt ?? at(-60),
      escalate_at: at(-30),
      escalated_at: a.escalatedTo ? at(-30) : null,
      escalated_to: a.escalatedTo ?? null,
      acknowledged_at: status === 'open' ? null : at(-20),
      acknowledged_by: status === 'open' ? null : (a.acknowledgedBy ?? null),
      resolved_at: status === 'resolved' ? at(-10) : null,
      resolved_by: status === 'resolved' ? (a.resolvedBy ?? null) : null,
      resolution_action: status === 'resolved' ? 'contacted_patient' : null,
      resolution_note: status === 'resolved' ? 'Called; safe at home.' : null,
    })
    .execute();
  return id;
}

const audit = (action: string, actorId: string) =>
  t.database.db
    .selectFrom('audit_log')
    .select(['action', 'actor_id', 'resource_type', 'resource_id', 'patient_id', 'outcome', 'detail'])
    .where('action', '=', action)
    .where('actor_id', '=', actorId)
    .orderBy('id')
    .execute();

async function refusal(p: Promise<unknown>): Promise<{ code: string; detail: string; extensions: Record<string, unknown> }> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return { code: error.code, detail: error.detail, extensions: error.extensions };
}

const list = (viewer: TestUser, query: { status: 'open' | 'acknowledged' | 'resolved' | 'all'; patientId?: string; limit?: number; cursor?: string }) =>
  listAlerts(ucOf(viewer), { userId: viewer.id, role: viewer.role }, { limit: 50, ...query });

describe('getAlert and toAlert', () => {
  it('reads an alert in full for a clinician, with every person named', async () => {
    const { clinician, coach, patient } = await people('Rowan Full');
    const backup = await createUser(t, 'clinician', { name: 'Dr Bea Backup' });
    const resolver = await createUser(t, 'clinician', { name: 'Dr Rex Resolver' });
    const id = await plant(patient.patientId, { status: 'resolved', ownerId: clinician.id, escalatedTo: backup.id, acknowledgedBy: coach.id, resolvedBy: resolver.id });
    const alert = await getAlert(ucOf(clinician), id, 'clinician');
    expect(alert).toEqual({
      id,
      patientId: patient.patientId,
      patientName: 'Rowan Full',
      code: 'SUICIDE_RISK_PHQ9_ITEM9',
      severity: 'high',
      holdsDosing: true,
      title: 'Thoughts of self-harm reported',
      status: 'resolved',
      evidence: EVIDENCE,
      recommendedActions: ['Call the patient today'],
      owner: { id: clinician.id, name: 'Dr Ada Owner' },
      raisedAt: '2026-06-01T11:00:00.000Z',
      escalateAt: '2026-06-01T11:30:00.000Z',
      escalatedAt: '2026-06-01T11:30:00.000Z',
      escalatedTo: { id: backup.id, name: 'Dr Bea Backup' },
      acknowledgedAt: '2026-06-01T11:40:00.000Z',
      acknowledgedBy: { id: coach.id, name: 'Cal Coach' },
      resolvedAt: '2026-06-01T11:50:00.000Z',
      resolvedBy: { id: resolver.id, name: 'Dr Rex Resolver' },
      resolutionAction: 'contacted_patient',
      resolutionNote: 'Called; safe at home.',
    });
    // A coach sees the same alert without the evidence and the clinician's note.
    expect(await getAlert(ucOf(coach), id, 'coach')).toEqual({ ...alert, evidence: null, resolutionNote: null });
  });

  it('reads an open alert with nobody named and no times after the escalation time as null', async () => {
    const { clinician, patient } = await people('Sam Open');
    const id = await plant(patient.patientId, { severity: 'low', holdsDosing: false });
    expect(await getAlert(ucOf(clinician), id, 'clinician')).toEqual({
      id,
      patientId: patient.patientId,
      patientName: 'Sam Open',
      code: 'SUICIDE_RISK_PHQ9_ITEM9',
      severity: 'low',
      holdsDosing: false,
      title: 'Thoughts of self-harm reported',
      status: 'open',
      evidence: EVIDENCE,
      recommendedActions: ['Call the patient today'],
      owner: null,
      raisedAt: '2026-06-01T11:00:00.000Z',
      escalateAt: '2026-06-01T11:30:00.000Z',
      escalatedAt: null,
      escalatedTo: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      resolvedBy: null,
      resolutionAction: null,
      resolutionNote: null,
    });
  });

  it('an unknown alert is a 404 in words', async () => {
    const { clinician } = await people();
    expect(await refusal(getAlert(ucOf(clinician), crypto.randomUUID(), 'clinician'))).toEqual({
      code: 'NOT_FOUND',
      detail: 'No alert here, or you do not have access to it.',
      extensions: {},
    });
  });
});

describe('patientOfAlert', () => {
  it('names the alert’s patient, and nobody for an unknown id or one that is not a string', async () => {
    const { patient } = await people();
    const id = await plant(patient.patientId);
    expect(await patientOfAlert(t.database.db, id)).toBe(patient.patientId);
    expect(await patientOfAlert(t.database.db, crypto.randomUUID())).toBeNull();
    expect(await patientOfAlert(t.database.db, 42)).toBeNull();
    expect(await patientOfAlert(t.database.db, undefined)).toBeNull();
  });
});

describe('listAlerts', () => {
  it('lists the viewer’s care-team patients’ alerts by severity, then oldest first, then by id; and audits the read', async () => {
    const { clinician, patient } = await people('Lee Queue');
    const other = await createPatient(t, { name: 'Not Mine' });
    const left = await createPatient(t, { name: 'Left Team' });
    await assignCareTeam(t, left.patientId, clinician.id, 'clinician');
    await t.database.db.updateTable('care_team_members').set({ unassigned_at: at(-1) }).where('patient_id', '=', left.patientId).execute();
    await plant(other.patientId, { severity: 'critical' });
    await plant(left.patientId, { severity: 'critical' });
    const low = await plant(patient.patientId, { severity: 'low', raisedAt: at(-300) });
    const moderate = await plant(patient.patientId, { severity: 'moderate', raisedAt: at(-5) });
    const highLater = await plant(patient.patientId, { severity: 'high', raisedAt: at(-10) });
    const highEarlier = await plant(patient.patientId, { severity: 'high', raisedAt: at(-20) });
    // Two critical alerts raised at the same instant: by id.
    const criticalB = await plant(patient.patientId, { id: '00000000-0000-4000-8000-00000000000b', severity: 'critical', raisedAt: at(-1) });
    const criticalA = await plant(patient.patientId, { id: '00000000-0000-4000-8000-00000000000a', severity: 'critical', raisedAt: at(-1) });
    const acknowledged = await plant(patient.patientId, { severity: 'critical', status: 'acknowledged', raisedAt: at(-400) });
    const resolved = await plant(patient.patientId, { severity: 'critical', status: 'resolved', raisedAt: at(-500) });

    const open = await list(clinician, { status: 'open' });
    expect(open.items.map((a) => a.id)).toEqual([criticalA, criticalB, highEarlier, highLater, moderate, low]);
    expect(open.nextCursor).toBeNull();
    expect(open.items[0]).toMatchObject({ patientName: 'Lee Queue', severity: 'critical', evidence: EVIDENCE });

    const all = await list(clinician, { status: 'all', patientId: patient.patientId });
    expect(all.items.map((a) => a.id)).toEqual([resolved, acknowledged, criticalA, criticalB, highEarlier, highLater, moderate, low]);
    expect((await list(clinician, { status: 'acknowledged' })).items.map((a) => a.id)).toEqual([acknowledged]);
    expect((await list(clinician, { status: 'resolved' })).items.map((a) => a.id)).toEqual([resolved]);

    expect(await audit('alert.list', clinician.id)).toEqual([
      { action: 'alert.list', actor_id: clinician.id, resource_type: 'alert_queue', resource_id: null, patient_id: null, outcome: 'success', detail: { status: 'open', count: 6 } },
      { action: 'alert.list', actor_id: clinician.id, resource_type: 'alert_queue', resource_id: null, patient_id: patient.patientId, outcome: 'success', detail: { status: 'all', count: 8 } },
      { action: 'alert.list', actor_id: clinician.id, resource_type: 'alert_queue', resource_id: null, patient_id: null, outcome: 'success', detail: { status: 'acknowledged', count: 1 } },
      { action: 'alert.list', actor_id: clinician.id, resource_type: 'alert_queue', resource_id: null, patient_id: null, outcome: 'success', detail: { status: 'resolved', count: 1 } },
    ]);
  });

  it('filters by patient among the viewer’s patients, and shows a coach no evidence or note', async () => {
    const { clinician, coach, patient } = await people('First Patient');
    const second = await createPatient(t, { name: 'Second Patient' });
    await assignCareTeam(t, second.patientId, clinician.id, 'clinician');
    // Same severity and time: the queue orders them by id, so the ids are chosen in order.
    const [low, high] = [crypto.randomUUID(), crypto.randomUUID()].sort();
    const mine = await plant(patient.patientId, { status: 'resolved', id: high });
    const theirs = await plant(second.patientId, { id: low });
    expect((await list(clinician, { status: 'all', patientId: patient.patientId })).items.map((a) => a.id)).toEqual([mine]);
    expect((await list(clinician, { status: 'all', patientId: second.patientId })).items.map((a) => a.id)).toEqual([theirs]);
    expect((await list(clinician, { status: 'all' })).items.map((a) => a.id)).toEqual([theirs, mine]);
    const asCoach = await list(coach, { status: 'all' });
    expect(asCoach.items.map((a) => [a.id, a.evidence, a.resolutionNote, a.resolutionAction])).toEqual([[mine, null, null, 'contacted_patient']]);
  });

  it('pages: a full page and a cursor, then the rest; the audit counts what each page shows', async () => {
    const { clinician, patient } = await people();
    const first = await plant(patient.patientId, { raisedAt: at(-30) });
    const second = await plant(patient.patientId, { raisedAt: at(-20) });
    const third = await plant(patient.patientId, { raisedAt: at(-10) });
    const page1 = await list(clinician, { status: 'open', limit: 2 });
    expect(page1).toMatchObject({ nextCursor: Buffer.from('o:2').toString('base64url') });
    expect(page1.items.map((a) => a.id)).toEqual([first, second]);
    const page2 = await list(clinician, { status: 'open', limit: 2, cursor: page1.nextCursor! });
    expect(page2.items.map((a) => a.id)).toEqual([third]);
    expect(page2.nextCursor).toBeNull();
    // Exactly a page: no cursor.
    const exact = await list(clinician, { status: 'open', limit: 3 });
    expect(exact.items.map((a) => a.id)).toEqual([first, second, third]);
    expect(exact.nextCursor).toBeNull();
    expect((await audit('alert.list', clinician.id)).map((a) => a.detail)).toEqual([
      { status: 'open', count: 2 },
      { status: 'open', count: 1 },
      { status: 'open', count: 3 },
    ]);
  });
});

const liveEvents = (sessionId: string) => t.database.db.selectFrom('live_events').select(['kind', 'at', 'patient_id', 'payload']).where('session_id', '=', sessionId).orderBy('id').execute();

describe('acknowledgeAlert', () => {
  it('acknowledges an open alert: the alert read back in full, the audit row, and the live session told', async () => {
    const { clinician, patient } = await people('Ack Patient');
    const sessionId = await insertSession(t, patient.patientId, patient.id, { status: 'in_progress', at: at(-30) });
    const id = await plant(patient.patientId, { code: 'SESSION_VITALS_ABOVE_LIMITS', severity: 'critical', ownerId: clinician.id });
    t.clock.set(at(5));

    const alert = await acknowledgeAlert(ucOf(clinician), id);

    expect(alert).toEqual({
      id,
      patientId: patient.patientId,
      patientName: 'Ack Patient',
      code: 'SESSION_VITALS_ABOVE_LIMITS',
      severity: 'critical',
      holdsDosing: true,
      title: 'Thoughts of self-harm reported',
      status: 'acknowledged',
      evidence: EVIDENCE,
      recommendedActions: ['Call the patient today'],
      owner: { id: clinician.id, name: 'Dr Ada Owner' },
      raisedAt: '2026-06-01T11:00:00.000Z',
      escalateAt: '2026-06-01T11:30:00.000Z',
      escalatedAt: null,
      escalatedTo: null,
      acknowledgedAt: '2026-06-01T12:05:00.000Z',
      acknowledgedBy: { id: clinician.id, name: 'Dr Ada Owner' },
      resolvedAt: null,
      resolvedBy: null,
      resolutionAction: null,
      resolutionNote: null,
    });
    expect(await audit('alert.acknowledge', clinician.id)).toEqual([
      { action: 'alert.acknowledge', actor_id: clinician.id, resource_type: 'alert', resource_id: id, patient_id: patient.patientId, outcome: 'success', detail: { code: 'SESSION_VITALS_ABOVE_LIMITS' } },
    ]);
    expect(await liveEvents(sessionId)).toEqual([{ kind: 'alert.acknowledged', at: at(5), patient_id: patient.patientId, payload: { alertId: id } }]);
  });

  it('refuses an alert that is not open (409 naming its state) and an unknown one (404); nothing is written', async () => {
    const { clinician, patient } = await people();
    const acknowledged = await plant(patient.patientId, { status: 'acknowledged', acknowledgedBy: clinician.id });
    const resolved = await plant(patient.patientId, { status: 'resolved' });
    expect(await refusal(acknowledgeAlert(ucOf(clinician), acknowledged))).toEqual({
      code: 'CONFLICT',
      detail: 'This alert is acknowledged; it can only be acknowledged while open.',
      extensions: { alertStatus: 'acknowledged' },
    });
    expect(await refusal(acknowledgeAlert(ucOf(clinician), resolved))).toEqual({
      code: 'CONFLICT',
      detail: 'This alert is resolved; it can only be acknowledged while open.',
      extensions: { alertStatus: 'resolved' },
    });
    expect(await refusal(acknowledgeAlert(ucOf(clinician), crypto.randomUUID()))).toEqual({
      code: 'NOT_FOUND',
      detail: 'No alert here, or you do not have access to it.',
      extensions: {},
    });
    const rows = await t.database.db.selectFrom('alerts').select(['id', 'status', 'acknowledged_at']).where('patient_id', '=', patient.patientId).orderBy('status').execute();
    expect(rows).toEqual([
      { id: acknowledged, status: 'acknowledged', acknowledged_at: at(-20) },
      { id: resolved, status: 'resolved', acknowledged_at: at(-20) },
    ]);
    expect(await audit('alert.acknowledge', clinician.id)).toEqual([]);
  });
});

describe('resolveAlert', () => {
  it('resolves an acknowledged alert: the alert read back in full, and the audit row without the note', async () => {
    const { clinician, coach, patient } = await people('Res Patient');
    const id = await plant(patient.patientId, { status: 'acknowledged', acknowledgedBy: coach.id, ownerId: clinician.id });
    t.clock.set(at(7));

    const alert = await resolveAlert(ucOf(clinician), id, { action: 'cleared_to_dose', note: 'Spoke with the patient; safety plan reviewed.' });

    expect(alert).toEqual({
      id,
      patientId: patient.patientId,
      patientName: 'Res Patient',
      code: 'SUICIDE_RISK_PHQ9_ITEM9',
      severity: 'high',
      holdsDosing: true,
      title: 'Thoughts of self-harm reported',
      status: 'resolved',
      evidence: EVIDENCE,
      recommendedActions: ['Call the patient today'],
      owner: { id: clinician.id, name: 'Dr Ada Owner' },
      raisedAt: '2026-06-01T11:00:00.000Z',
      escalateAt: '2026-06-01T11:30:00.000Z',
      escalatedAt: null,
      escalatedTo: null,
      acknowledgedAt: '2026-06-01T11:40:00.000Z',
      acknowledgedBy: { id: coach.id, name: 'Cal Coach' },
      resolvedAt: '2026-06-01T12:07:00.000Z',
      resolvedBy: { id: clinician.id, name: 'Dr Ada Owner' },
      resolutionAction: 'cleared_to_dose',
      resolutionNote: 'Spoke with the patient; safety plan reviewed.',
    });
    expect(await audit('alert.resolve', clinician.id)).toEqual([
      {
        action: 'alert.resolve',
        actor_id: clinician.id,
        resource_type: 'alert',
        resource_id: id,
        patient_id: patient.patientId,
        outcome: 'success',
        detail: { code: 'SUICIDE_RISK_PHQ9_ITEM9', action: 'cleared_to_dose', releasedDosingHold: true },
      },
    ]);
  });

  it('an alert that held no dosing is audited as releasing none', async () => {
    const { clinician, patient } = await people();
    const id = await plant(patient.patientId, { status: 'acknowledged', holdsDosing: false, code: 'INTERVAL_PRESSURE' });
    await resolveAlert(ucOf(clinician), id, { action: 'contacted_patient', note: 'Discussed pacing.' });
    expect((await audit('alert.resolve', clinician.id)).map((a) => a.detail)).toEqual([{ code: 'INTERVAL_PRESSURE', action: 'contacted_patient', releasedDosingHold: false }]);
  });

  it('refuses an alert that is not acknowledged (409 naming its state) and an unknown one (404); nothing is written', async () => {
    const { clinician, patient } = await people();
    const open = await plant(patient.patientId);
    const resolved = await plant(patient.patientId, { status: 'resolved' });
    const body = { action: 'contacted_patient', note: 'Called.' } as const;
    expect(await refusal(resolveAlert(ucOf(clinician), open, body))).toEqual({
      code: 'CONFLICT',
      detail: 'This alert is open; it can only be resolved once acknowledged.',
      extensions: { alertStatus: 'open' },
    });
    expect(await refusal(resolveAlert(ucOf(clinician), resolved, body))).toEqual({
      code: 'CONFLICT',
      detail: 'This alert is resolved; it can only be resolved once acknowledged.',
      extensions: { alertStatus: 'resolved' },
    });
    expect(await refusal(resolveAlert(ucOf(clinician), crypto.randomUUID(), body))).toEqual({
      code: 'NOT_FOUND',
      detail: 'No alert here, or you do not have access to it.',
      extensions: {},
    });
    const rows = await t.database.db.selectFrom('alerts').select(['id', 'status', 'resolution_note']).where('patient_id', '=', patient.patientId).orderBy('status').execute();
    expect(rows).toEqual([
      { id: open, status: 'open', resolution_note: null },
      { id: resolved, status: 'resolved', resolution_note: 'Called; safe at home.' },
    ]);
    expect(await audit('alert.resolve', clinician.id)).toEqual([]);
  });
});

const CRISIS_MESSAGE =
  'If you are thinking about harming yourself or are in danger, please reach out now. ' +
  'Call or text 988 (Suicide & Crisis Lifeline), chat at 988lifeline.org, or text HOME to 741741. ' +
  'Veterans: call 988 and press 1. In an emergency, call 911. Your care team has been notified.';

const RESOURCES = [
  { id: 'lifeline-988-call', name: '988 Suicide & Crisis Lifeline', instruction: 'Call 988', contact: { kind: 'call', value: '988', href: 'tel:988' } },
  { id: 'lifeline-988-text', name: '988 Suicide & Crisis Lifeline', instruction: 'Text 988', contact: { kind: 'text', value: '988', href: 'sms:988' } },
  { id: 'lifeline-988-chat', name: '988 Suicide & Crisis Lifeline', instruction: 'Chat at 988lifeline.org', contact: { kind: 'chat', value: '988lifeline.org', href: 'https://988lifeline.org' } },
  { id: 'veterans-crisis-line', name: 'Veterans Crisis Line', instruction: 'Call 988, then press 1', contact: { kind: 'call', value: '988, press 1', href: 'tel:988' } },
  { id: 'crisis-text-line', name: 'Crisis Text Line', instruction: 'Text HOME to 741741', contact: { kind: 'text', value: '741741', href: 'sms:741741?body=HOME' } },
  { id: 'emergency-911', name: 'Emergency services', instruction: 'Call 911 if you are in immediate danger', contact: { kind: 'call', value: '911', href: 'tel:911' } },
];

describe('crisisFor', () => {
  it('with no safety alert open: the resources, no message', async () => {
    const { clinician, patient } = await people();
    await plant(patient.patientId, { code: 'SUICIDE_RISK_CSSRS_HIGH', status: 'resolved', patientMessage: 'Resolved message' });
    await plant(patient.patientId, { code: 'INTERVAL_PRESSURE', patientMessage: 'Not a safety alert' });
    expect(await crisisFor(ucOf(clinician), patient.patientId)).toEqual({ safetyAlertOpen: false, messages: [], resources: RESOURCES });
  });

  it('each safety alert code, open or acknowledged, counts; its message, newest first, once each; the default message without one', async () => {
    const { clinician, patient } = await people();
    const codes = ['SUICIDE_RISK_PHQ9_ITEM9', 'SUICIDE_RISK_CSSRS_LOW', 'SUICIDE_RISK_CSSRS_MODERATE', 'SUICIDE_RISK_CSSRS_HIGH', 'URGENT_MESSAGE_LANGUAGE', 'SERIOUS_ADVERSE_EVENT_REPORTED', 'SESSION_VITALS_ABOVE_LIMITS'];
    for (const [i, code] of codes.entries()) {
      const other = await people();
      await plant(other.patient.patientId, { code, status: i % 2 === 0 ? 'open' : 'acknowledged', patientMessage: `Message for ${code}` });
      expect(await crisisFor(ucOf(clinician), other.patient.patientId)).toEqual({ safetyAlertOpen: true, messages: [`Message for ${code}`], resources: RESOURCES });
    }
    await plant(patient.patientId, { code: 'SUICIDE_RISK_CSSRS_LOW', raisedAt: at(-50), patientMessage: 'Older' });
    await plant(patient.patientId, { code: 'SUICIDE_RISK_CSSRS_HIGH', raisedAt: at(-10), patientMessage: 'Newest' });
    await plant(patient.patientId, { code: 'SUICIDE_RISK_PHQ9_ITEM9', raisedAt: at(-30), patientMessage: 'Older', status: 'acknowledged' });
    await plant(patient.patientId, { code: 'URGENT_MESSAGE_LANGUAGE', raisedAt: at(-20), patientMessage: null });
    const answer = await crisisFor(ucOf(clinician), patient.patientId);
    expect(answer).toEqual({ safetyAlertOpen: true, messages: ['Newest', CRISIS_MESSAGE, 'Older'], resources: RESOURCES });
  });
});
