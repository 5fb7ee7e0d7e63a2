// The safety lifecycle around the gate, driven through the HTTP API as a clinic uses it. Each describe block is one
// way the promise "no dose outside a fresh decision, every warning sign reaches a clinician" was shown broken
// before these rules existed; each test here fails without the rule it names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireAuthorizations } from '../../src/jobs/monitoring-jobs.ts';
import { testPassword } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { onPostgres } from '../support/test-database.ts';
import {
  DAY,
  HOUR,
  MINUTE,
  authorize,
  changeSettings,
  codes,
  expectStatus,
  finish,
  postSession,
  prepare,
  readyWorld,
  schedule,
  start,
  type World,
} from './treatment-world.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp({ config: { KEEL_WEBHOOK_URL: 'https://paging.example.test/hook', KEEL_WEBHOOK_SECRET: 'test-secret-for-paging' } });
});
afterAll(async () => {
  await t.close();
});

const post = (w: World, who: Parameters<World['call']>[0], path: string, body?: unknown, headers?: Record<string, string>) => w.call(who, 'POST', path, body, headers);
const session = async (w: World, id: string) =>
  (await expectStatus(w.call('patient', 'GET', `/api/v1/sessions/${id}`), 200)).json<{
    session: {
      status: string;
      authorizationExpiresAt: string | null;
      gateEvaluations: { stage: string; outcome: string; reasons: { code: string }[] }[];
      recovery: { canComplete: boolean; sitterBaseline: string; waitingFor: { code: string }[] } | null;
      emergency: { alertId: string } | null;
    };
  }>().session;
const ledger = async (w: World) =>
  (await expectStatus(w.call('clinician', 'GET', `/api/v1/patients/${w.patient.patientId}/ledger`), 200)).json<{
    onHand: number;
    entries: { id: string; kind: string; units: number; correctsId: string | null; sessionId: string | null }[];
  }>();
const openAlerts = async (w: World) =>
  (await expectStatus(w.call('clinician', 'GET', '/api/v1/alerts?status=open&limit=200'), 200))
    .json<{ items: { id: string; code: string; severity: string; holdsDosing: boolean; patientId: string }[] }>()
    .items.filter((a) => a.patientId === w.patient.patientId);
const refusal = (r: { json: <T>() => T }) => r.json<{ code: string; reasons: { code: string }[] }>();

/** The follow-up a first dose makes due is seen to (as a visit would), so a test can look past it. */
async function seeToFollowUps(w: World): Promise<void> {
  await t.database.db.updateTable('follow_ups').set({ status: 'cancelled' }).where('patient_id', '=', w.patient.patientId).where('status', '=', 'due').execute();
}

async function authorizedSession(w: World): Promise<string> {
  const id = await schedule(w);
  await prepare(w, id);
  const r = await authorize(w, id);
  expect(r.outcome, JSON.stringify(r.reasons)).toBe('authorized');
  return id;
}

describe('1. an authorization expires, and the start decides again on fresh data', () => {
  it('refuses a start 71 hours after the go-ahead, records it expired, and returns the unit with a ledger entry', async () => {
    const w = await readyWorld(t);
    const id = await authorizedSession(w);
    expect((await ledger(w)).onHand).toBe(2);
    t.clock.advance(71 * HOUR);
    await w.refresh();
    const r = await expectStatus(post(w, 'patient', `/api/v1/sessions/${id}/start`), 409);
    expect(refusal(r).code).toBe('SESSION_START_REFUSED');
    expect(refusal(r).reasons.map((x) => x.code)).toEqual(['AUTHORIZATION_EXPIRED', 'SITTER_ATTESTATION_STALE', 'VITALS_STALE', 'CHECKLIST_STALE']);
    const s = await session(w, id);
    expect(s.status).toBe('expired');
    expect(s.gateEvaluations.map((g) => [g.stage, g.outcome])).toEqual([
      ['authorize', 'authorized'],
      ['start', 'blocked'],
    ]);
    const l = await ledger(w);
    expect(l.onHand).toBe(3);
    const administered = l.entries.find((e) => e.kind === 'administered' && e.sessionId === id);
    expect(l.entries.filter((e) => e.kind === 'correction').map((e) => [e.units, e.correctsId])).toEqual([[1, administered?.id]]);
  });

  it('a job records lapsed authorizations as expired, once', async () => {
    const w = await readyWorld(t);
    const id = await authorizedSession(w);
    t.clock.advanceMinutes(29);
    expect((await expireAuthorizations(t.deps, {}, t.clock.now())) as { expired: string[] }).not.toMatchObject({ expired: expect.arrayContaining([id]) });
    t.clock.advanceMinutes(1);
    expect(((await expireAuthorizations(t.deps, {}, t.clock.now())) as { expired: string[] }).expired).toContain(id);
    expect(((await expireAuthorizations(t.deps, {}, t.clock.now())) as { expired: string[] }).expired).not.toContain(id);
    await w.refresh();
    expect((await session(w, id)).status).toBe('expired');
    expect((await ledger(w)).onHand).toBe(3);
  });

  it('a second go-ahead cannot be issued beside an open one, nor a second dose taken an hour after the first', async () => {
    const w = await readyWorld(t);
    const second = await schedule(w);
    const first = await authorizedSession(w);
    await prepare(w, second);
    expect(codes(await authorize(w, second))).toEqual(['MIN_INTERVAL_NOT_MET']);
    await start(w, first);
    t.clock.advance(HOUR);
    await w.refresh();
    const third = await schedule(w).catch(() => null);
    // Booking itself refuses a time an hour after the dose (item 2); an authorization against an older booking:
    expect(third).toBeNull();
    await prepare(w, second);
    expect(codes(await authorize(w, second))).toContain('MIN_INTERVAL_NOT_MET');
  });

  it('a PHQ-9 with item 9 = 1 submitted after the go-ahead stops the start', async () => {
    const w = await readyWorld(t);
    const id = await authorizedSession(w);
    const phq9 = { q1: 1, q2: 1, q3: 1, q4: 1, q5: 0, q6: 0, q7: 0, q8: 0, q9: 1, q10: 0 };
    await expectStatus(post(w, 'patient', `/api/v1/patients/${w.patient.patientId}/assessments`, { instrument: 'phq9', answers: phq9, context: 'followup' }), 201);
    const r = await expectStatus(post(w, 'patient', `/api/v1/sessions/${id}/start`), 409);
    expect(refusal(r).reasons.map((x) => x.code)).toEqual(['ALERT_HOLDS_DOSING']);
    expect((await session(w, id)).status).toBe('authorized');
  });

  it('a stale sitter attestation refuses the start; a fresh one inside the window lets it through', async () => {
    const w = await readyWorld(t);
    const id = await schedule(w);
    await prepare(w, id);
    t.clock.advanceMinutes(20);
    await w.refresh();
    await prepare(w, id, ['attestation']);
    expect((await authorize(w, id)).outcome).toBe('authorized');
    t.clock.advanceMinutes(11);
    await w.refresh();
    const r = await expectStatus(post(w, 'patient', `/api/v1/sessions/${id}/start`), 409);
    expect(refusal(r).reasons.map((x) => x.code)).toEqual(['SITTER_ATTESTATION_STALE']);
    await expectStatus(post(w, 'sitter', `/api/v1/sessions/${id}/sitter-attestation`, { present: true, sober: true }), 201);
    await start(w, id);
    const s = await session(w, id);
    expect(s.status).toBe('in_progress');
    expect(s.gateEvaluations.map((g) => [g.stage, g.outcome])).toEqual([
      ['authorize', 'authorized'],
      ['start', 'blocked'],
      ['start', 'authorized'],
    ]);
  });
});

describe('2. the interval counts from the dose taken, and booking refuses a time inside it', () => {
  it('counts 72 hours from the start, not from the go-ahead', async () => {
    const w = await readyWorld(t);
    const first = await authorizedSession(w);
    t.clock.advanceMinutes(25);
    await w.refresh();
    await prepare(w, first, ['checklist']);
    await start(w, first);
    const dosedAt = t.clock.now().getTime();
    await finish(w, first);
    await seeToFollowUps(w);
    t.clock.set(new Date(dosedAt + 72 * HOUR - 10 * MINUTE));
    await w.refresh();
    const second = await schedule(w).catch((e: Error) => e.message);
    expect(String(second)).toContain('422');
    t.clock.set(new Date(dosedAt + 72 * HOUR));
    await w.refresh();
    const id = await schedule(w);
    await prepare(w, id);
    expect((await authorize(w, id)).outcome).toBe('authorized');
  });

  it('refuses a booking 24 hours after the last dose with the earliest allowed time', async () => {
    const w = await readyWorld(t);
    const id = await authorizedSession(w);
    await start(w, id);
    const dosedAt = t.clock.now().getTime();
    const r = await expectStatus(
      post(w, 'patient', `/api/v1/patients/${w.patient.patientId}/sessions`, { scheduledFor: new Date(dosedAt + DAY).toISOString() }),
      422,
    );
    const body = r.json<{ code: string; earliestAllowedAt: string; reasons: { code: string }[]; errors: { field: string }[] }>();
    expect(body.code).toBe('BOOKING_REFUSED');
    expect(body.reasons.map((x) => x.code)).toEqual(['BOOKING_INSIDE_INTERVAL']);
    expect(body.errors.map((e) => e.field)).toEqual(['scheduledFor']);
    expect(body.earliestAllowedAt).toBe(new Date(dosedAt + 72 * HOUR).toISOString());
    await expectStatus(post(w, 'patient', `/api/v1/patients/${w.patient.patientId}/sessions`, { scheduledFor: body.earliestAllowedAt }), 201);
  });
});

describe('3. a session is never finished against the sitter', () => {
  it('keeps the session open on a "not yet", one minute after the dose, whatever the patient says', async () => {
    const w = await readyWorld(t);
    const id = await authorizedSession(w);
    await start(w, id);
    await expectStatus(post(w, 'sitter', `/api/v1/sessions/${id}/baseline`, { backToBaseline: false }), 201);
    t.clock.advanceMinutes(1);
    const r = await expectStatus(post(w, 'patient', `/api/v1/sessions/${id}/complete`, { ...postSession, sitterConfirmsBaseline: true }), 409);
    expect(refusal(r).code).toBe('SESSION_NOT_READY_TO_COMPLETE');
    expect(refusal(r).reasons.map((x) => x.code)).toEqual(['OBSERVATION_TIME_NOT_MET', 'SITTER_SAYS_NOT_BASELINE']);
    const s = await session(w, id);
    expect(s.status).toBe('in_progress');
    expect(s.recovery).toMatchObject({ canComplete: false, sitterBaseline: 'not_yet' });
    // The sitter's controls stay: checks and "something is wrong" are still accepted.
    await expectStatus(post(w, 'sitter', `/api/v1/sessions/${id}/check-ins`, { responsive: true, breathingNormally: true, concern: false }), 201);
    await expectStatus(post(w, 'sitter', `/api/v1/sessions/${id}/concerns`, { emergency: false, note: 'Still very drowsy' }), 201);
  });

  it('still refuses after the observation time while the sitter says not yet, and closes once they confirm', async () => {
    const w = await readyWorld(t);
    const id = await authorizedSession(w);
    await start(w, id);
    t.clock.advanceMinutes(61);
    await w.refresh();
    await expectStatus(post(w, 'sitter', `/api/v1/sessions/${id}/baseline`, { backToBaseline: false }), 201);
    expect(refusal(await expectStatus(post(w, 'patient', `/api/v1/sessions/${id}/complete`, postSession), 409)).reasons.map((x) => x.code)).toEqual([
      'SITTER_SAYS_NOT_BASELINE',
    ]);
    t.clock.advanceMinutes(10);
    await expectStatus(post(w, 'sitter', `/api/v1/sessions/${id}/baseline`, { backToBaseline: true }), 201);
    await expectStatus(post(w, 'patient', `/api/v1/sessions/${id}/complete`, postSession), 200);
    expect((await session(w, id)).status).toBe('completed');
  });

  it('refuses at 59 minutes even with the sitter’s yes, and refuses without any sitter statement', async () => {
    const w = await readyWorld(t);
    const id = await authorizedSession(w);
    await start(w, id);
    t.clock.advanceMinutes(59);
    await w.refresh();
    expect(refusal(await expectStatus(post(w, 'patient', `/api/v1/sessions/${id}/complete`, postSession), 409)).reasons.map((x) => x.code)).toEqual([
      'OBSERVATION_TIME_NOT_MET',
      'SITTER_BASELINE_NOT_CONFIRMED',
    ]);
    await expectStatus(post(w, 'sitter', `/api/v1/sessions/${id}/baseline`, { backToBaseline: true }), 201);
    expect(refusal(await expectStatus(post(w, 'patient', `/api/v1/sessions/${id}/complete`, postSession), 409)).reasons.map((x) => x.code)).toEqual([
      'OBSERVATION_TIME_NOT_MET',
    ]);
    t.clock.advanceMinutes(1);
    await expectStatus(post(w, 'patient', `/api/v1/sessions/${id}/complete`, postSession), 200);
  });

  it('alerts the clinician when the patient leaves after the dose', async () => {
    const w = await readyWorld(t);
    const id = await authorizedSession(w);
    await start(w, id);
    await expectStatus(post(w, 'patient', `/api/v1/sessions/${id}/abort`, { reason: 'I feel fine, going out' }), 200);
    const alerts = await openAlerts(w);
    expect(alerts.map((a) => [a.code, a.severity])).toEqual([['SESSION_ABORTED_AFTER_DOSE', 'high']]);
  });
});

describe('4. an emergency reaches a clinician at once', () => {
  const emergencyCases: [string, (w: World, id: string) => Promise<unknown>][] = [
    ['a sitter check "not responsive"', (w, id) => expectStatus(post(w, 'sitter', `/api/v1/sessions/${id}/check-ins`, { responsive: false, breathingNormally: true, concern: true }), 201)],
    ['a sitter check "not breathing normally"', (w, id) => expectStatus(post(w, 'sitter', `/api/v1/sessions/${id}/check-ins`, { responsive: true, breathingNormally: false, concern: true }), 201)],
    ['a concern marked emergency', (w, id) => expectStatus(post(w, 'sitter', `/api/v1/sessions/${id}/concerns`, { emergency: true, note: 'Blue lips' }), 201)],
  ];
  it.each(emergencyCases)('%s raises a critical alert owned by the clinician, paged, holding dosing', async (_name, act) => {
    const w = await readyWorld(t);
    const id = await authorizedSession(w);
    await start(w, id);
    await act(w, id);
    const alerts = (await openAlerts(w)).filter((a) => a.code === 'SESSION_EMERGENCY');
    expect(alerts.map((a) => [a.severity, a.holdsDosing])).toEqual([['critical', true]]);
    const row = await t.database.db.selectFrom('alerts').select(['owner_id']).where('id', '=', alerts[0]?.id ?? '').executeTakeFirstOrThrow();
    expect(row.owner_id).toBe(w.clinician.id);
    const outbox = await t.database.db.selectFrom('notification_outbox').select(['channel', 'recipient']).where('cause', 'like', `alert:${alerts[0]?.id ?? ''}:%`).orderBy('channel').execute();
    expect(outbox).toEqual([
      { channel: 'email', recipient: w.clinician.email },
      { channel: 'webhook', recipient: 'paging' },
    ]);
    expect((await session(w, id)).emergency?.alertId).toBe(alerts[0]?.id);
    // Dosing holds: the next session is blocked until a clinician resolves it.
    t.clock.advance(4 * DAY);
    await w.refresh();
    const next = await schedule(w);
    await prepare(w, next);
    expect(codes(await authorize(w, next))).toContain('ALERT_HOLDS_DOSING');
  });

  it('a serious adverse event reported from the chart raises a critical alert', async () => {
    const w = await readyWorld(t);
    const r = await expectStatus(
      post(w, 'clinician', `/api/v1/patients/${w.patient.patientId}/adverse-events`, { kind: 'hypertensive episode', severity: 'severe', serious: true, description: 'ER visit the day after' }),
      201,
    );
    expect(r.json<{ alerts: { code: string; severity: string }[] }>().alerts).toEqual([expect.objectContaining({ code: 'SERIOUS_ADVERSE_EVENT_REPORTED', severity: 'critical' })]);
    const list = await expectStatus(w.call('patient', 'GET', `/api/v1/patients/${w.patient.patientId}/adverse-events`), 200);
    expect(list.json<{ items: { kind: string; reportedBy: { role: string } }[] }>().items).toEqual([expect.objectContaining({ kind: 'hypertensive episode', reportedBy: expect.objectContaining({ role: 'clinician' }) })]);
  });
});

describe('5. every warning sign reaches a clinician and holds dosing where it should', () => {
  const loss = (w: World) => expectStatus(post(w, 'patient', `/api/v1/patients/${w.patient.patientId}/ledger/losses`, { units: 1, kind: 'lost', circumstances: 'Dropped it' }), 201);

  it('two lost reports raise alerts at once and hold the next dose', async () => {
    const w = await readyWorld(t, 6);
    const first = await loss(w);
    expect(first.json<{ alerts: { code: string; holdsDosing: boolean }[] }>().alerts.map((a) => [a.code, a.holdsDosing])).toEqual([['LOST_OR_STOLEN', false]]);
    const second = await loss(w);
    const raised = second.json<{ alerts: { code: string; holdsDosing: boolean }[] }>().alerts.map((a) => [a.code, a.holdsDosing]);
    expect(raised).toEqual(expect.arrayContaining([['LOST_OR_STOLEN', true]]));
    const id = await schedule(w);
    await prepare(w, id);
    expect(codes(await authorize(w, id))).toEqual(['ALERT_HOLDS_DOSING']);
  });

  it('a second self-report of use outside a session raises a new alert after the first was resolved', async () => {
    const w = await readyWorld(t);
    const checkIn = { mood0to10: 5, sleepHours: 7, craving0to10: 2, usedOutsideSession: true, bladderSymptoms: false, cognitiveComplaint: false, sideEffects: [] };
    await expectStatus(post(w, 'patient', `/api/v1/patients/${w.patient.patientId}/check-ins`, checkIn), 201);
    const [alert] = (await openAlerts(w)).filter((a) => a.code === 'USE_OUTSIDE_SESSIONS');
    expect(alert?.holdsDosing).toBe(true);
    await expectStatus(post(w, 'clinician', `/api/v1/alerts/${alert?.id ?? ''}/acknowledge`), 200);
    await expectStatus(post(w, 'clinician', `/api/v1/alerts/${alert?.id ?? ''}/resolve`, { action: 'cleared_to_dose', note: 'Discussed; one extra tablet, counted.' }), 200);
    t.clock.advance(DAY);
    await w.refresh();
    await expectStatus(post(w, 'patient', `/api/v1/patients/${w.patient.patientId}/check-ins`, checkIn), 201);
    const again = (await openAlerts(w)).filter((a) => a.code === 'USE_OUTSIDE_SESSIONS');
    expect(again).toHaveLength(1);
    expect(again[0]?.id).not.toBe(alert?.id);
  });

  it('the craving check (urge 9, used outside a session) raises alerts and holds the next dose at once', async () => {
    const w = await readyWorld(t);
    const r = await expectStatus(
      post(w, 'patient', `/api/v1/patients/${w.patient.patientId}/assessments`, { instrument: 'craving', answers: { urge: 9, used_outside_session: true }, context: 'followup' }),
      201,
    );
    expect(r.json<{ alerts: { code: string }[] }>().alerts.map((a) => a.code).sort()).toEqual(expect.arrayContaining(['CRAVING', 'USE_OUTSIDE_SESSIONS']));
    const id = await schedule(w);
    await prepare(w, id);
    expect(codes(await authorize(w, id))).toEqual(['ALERT_HOLDS_DOSING']);
  });

  it('a bladder check with blood in the urine raises an urgent alert that holds dosing', async () => {
    const w = await readyWorld(t);
    const answers = { frequency: false, urgency: false, pain_urinating: false, bladder_pain: false, blood_in_urine: true, incontinence: false };
    await expectStatus(post(w, 'patient', `/api/v1/patients/${w.patient.patientId}/assessments`, { instrument: 'bladder', answers, context: 'followup' }), 201);
    expect((await openAlerts(w)).filter((a) => a.code === 'BLADDER_SYMPTOMS').map((a) => [a.severity, a.holdsDosing])).toEqual([['high', true]]);
    const id = await schedule(w);
    await prepare(w, id);
    expect(codes(await authorize(w, id))).toEqual(['ALERT_HOLDS_DOSING']);
  });
});

describe('6. a follow-up falls due after any dose', () => {
  it('a dosed first session that is aborted still makes the follow-up due, and it holds the next dose', async () => {
    const w = await readyWorld(t);
    const id = await authorizedSession(w);
    await start(w, id);
    await expectStatus(post(w, 'patient', `/api/v1/sessions/${id}/abort`, { reason: 'Felt sick' }), 200);
    const due = await t.database.db.selectFrom('follow_ups').select(['status', 'cause']).where('patient_id', '=', w.patient.patientId).execute();
    expect(due).toEqual([{ status: 'due', cause: 'session-count:1' }]);
    t.clock.advance(4 * DAY);
    await w.refresh();
    const next = await schedule(w);
    await prepare(w, next);
    expect(codes(await authorize(w, next))).toEqual(expect.arrayContaining(['FOLLOW_UP_DUE']));
  });

  it('a go-ahead aborted before the dose returns its unit and makes nothing due', async () => {
    const w = await readyWorld(t);
    const id = await authorizedSession(w);
    await expectStatus(post(w, 'patient', `/api/v1/sessions/${id}/abort`, { reason: 'Sitter had to leave' }), 200);
    expect((await ledger(w)).onHand).toBe(3);
    expect(await t.database.db.selectFrom('follow_ups').select('id').where('patient_id', '=', w.patient.patientId).execute()).toEqual([]);
  });
});

describe('7. clinical limits are guarded', () => {
  const settings = (w: World) => expectStatus(w.call('admin', 'GET', '/api/v1/settings'), 200);
  const put = (w: World, version: number, body: unknown) => w.call('admin', 'PUT', '/api/v1/settings', body, { 'if-match': `"${version}"` });

  it('refuses a maximum sublingual dose of 2000 mg outright, and makes 600 mg a proposal a prescriber must sign', async () => {
    const w = await readyWorld(t);
    const v0 = (await settings(w)).json<{ version: number }>().version;
    const refused = await expectStatus(put(w, v0, { settings: { dosing: { maxDoseMgByRoute: { sublingual: 2000 } } }, reason: 'More flexibility' }), 422);
    expect(refused.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toEqual(['settings.dosing.maxDoseMgByRoute.sublingual']);
    await expectStatus(put(w, v0, { settings: { dosing: { maxDoseMgByRoute: { sublingual: 600 } } } }), 422);
    const proposed = await expectStatus(put(w, v0, { settings: { dosing: { maxDoseMgByRoute: { sublingual: 600 } } }, reason: 'Two patients at 450 mg without response' }), 202);
    const proposal = proposed.json<{ proposal: { id: string; status: string; changes: { path: string; before: unknown; after: unknown; direction: string }[] } }>().proposal;
    expect(proposal.status).toBe('pending');
    expect(proposal.changes).toEqual([{ path: 'dosing.maxDoseMgByRoute.sublingual', before: 450, after: 600, direction: 'loosens' }]);
    expect((await settings(w)).json<{ version: number; settings: { dosing: { maxDoseMgByRoute: { sublingual: number } } } }>().settings.dosing.maxDoseMgByRoute.sublingual).toBe(450);
    // The admin cannot sign it; a wrong password signs nothing; the prescriber's signature applies it.
    await expectStatus(post(w, 'admin', `/api/v1/settings/proposals/${proposal.id}/sign`, { signature: { password: testPassword } }), 404);
    await expectStatus(post(w, 'clinician', `/api/v1/settings/proposals/${proposal.id}/sign`, { signature: { password: 'not-the-password' } }), 422);
    const signed = await expectStatus(post(w, 'clinician', `/api/v1/settings/proposals/${proposal.id}/sign`, { signature: { password: testPassword } }), 200);
    expect(signed.json<{ proposal: { status: string }; settings: { version: number } }>()).toMatchObject({ proposal: { status: 'applied' }, settings: { version: v0 + 1 } });
    const after = (await settings(w)).json<{ settings: { dosing: { maxDoseMgByRoute: { sublingual: number } } } }>();
    expect(after.settings.dosing.maxDoseMgByRoute.sublingual).toBe(600);
    const audit = await t.database.db.selectFrom('audit_log').select(['action', 'detail']).where('action', 'in', ['settings.propose', 'settings.update']).where('resource_id', 'in', [proposal.id, '1']).orderBy('id').execute();
    const update = audit.filter((a) => a.action === 'settings.update').at(-1);
    expect((update?.detail as { changes: unknown[] }).changes).toEqual([{ path: 'dosing.maxDoseMgByRoute.sublingual', before: 450, after: 600, direction: 'loosens' }]);
    // Back to 450: tightening applies at once.
    await expectStatus(put(w, v0 + 1, { settings: { dosing: { maxDoseMgByRoute: { sublingual: 450 } } } }), 200);
  });

  it('a proposal made stale by another change cannot be signed', async () => {
    const w = await readyWorld(t);
    const v0 = (await settings(w)).json<{ version: number }>().version;
    const proposal = (await expectStatus(put(w, v0, { settings: { dosing: { fastingHours: 3 } }, reason: 'Diabetic patients' }), 202)).json<{ proposal: { id: string } }>().proposal;
    await expectStatus(put(w, v0, { settings: { dosing: { minHoursBetweenSessions: 96 } } }), 200);
    await expectStatus(post(w, 'clinician', `/api/v1/settings/proposals/${proposal.id}/sign`, { signature: { password: testPassword } }), 412);
    const list = await expectStatus(w.call('clinician', 'GET', '/api/v1/settings/proposals?status=all'), 200);
    expect(list.json<{ items: { id: string; status: string }[] }>().items.find((p) => p.id === proposal.id)?.status).toBe('superseded');
    // Back to the default: shortening the interval loosens it, so it is signed too.
    await changeSettings(w, { dosing: { minHoursBetweenSessions: 72 } }, 'Back to the default');
    expect((await settings(w)).json<{ settings: { dosing: { minHoursBetweenSessions: number } } }>().settings.dosing.minHoursBetweenSessions).toBe(72);
  });
});

describe('8. state conflicts are 409/422, never 500', () => {
  it('a disposal or a loss past on hand is a 422 naming the units', async () => {
    const w = await readyWorld(t, 2);
    const r = await expectStatus(post(w, 'clinician', `/api/v1/patients/${w.patient.patientId}/ledger/disposals`, { kind: 'disposed', units: 5, manner: 'Witnessed destruction' }), 422);
    expect(r.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toEqual(['units']);
    await expectStatus(post(w, 'patient', `/api/v1/patients/${w.patient.patientId}/ledger/losses`, { units: 3, kind: 'stolen', circumstances: 'Bag stolen' }), 422);
  });

  it.runIf(onPostgres)('concurrent loss reports of the last units: one is recorded, the other refused with a 4xx', async () => {
    const w = await readyWorld(t, 2);
    const both = await Promise.all([
      post(w, 'patient', `/api/v1/patients/${w.patient.patientId}/ledger/losses`, { units: 2, kind: 'lost', circumstances: 'A' }),
      post(w, 'clinician', `/api/v1/patients/${w.patient.patientId}/ledger/losses`, { units: 2, kind: 'lost', circumstances: 'B' }),
    ]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([201, 422]);
    expect((await ledger(w)).onHand).toBe(0);
  });

  it('starting a session twice is a 409, not a second dose', async () => {
    const w = await readyWorld(t);
    const id = await authorizedSession(w);
    const both = await Promise.all([post(w, 'patient', `/api/v1/sessions/${id}/start`), post(w, 'patient', `/api/v1/sessions/${id}/start`)]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect((await ledger(w)).entries.filter((e) => e.kind === 'administered')).toHaveLength(1);
  });
});
