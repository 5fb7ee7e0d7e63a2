import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepSitterChecks } from '../../src/jobs/monitoring-jobs.ts';
import { escalateAlerts } from '../../src/use-cases/alerts/escalate-alerts.ts';
import { LiveHub, type LiveEvent } from '../../src/use-cases/live/live-hub.ts';
import { bearer, createUser, signIn, type TestUser } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { expectStatus, goodVitals, MINUTE, prepare, readyWorld, schedule, start, type World } from '../treatment/treatment-world.ts';

// The live board, its stream, the session channel and on-call routing (docs/live-board.md), over one patient in
// session. The tests run in order: the board first (a dosing hold from the routing tests would stop the session).
let t: TestContext;
let w: World & { planId: string };
let b: TestUser;
let c: TestUser;
const staff: Record<string, string> = {};
let sessionId: string;
let startedAt: Date;

beforeAll(async () => {
  t = await createTestApp();
  w = await readyWorld(t);
  b = await createUser(t, 'clinician', { name: 'Dr. B (on call)' });
  c = await createUser(t, 'clinician', { name: 'Dr. C (backup)' });
  await t.database.db.updateTable('users').set({ phone: '+15105550123' }).where('id', '=', w.patient.id).execute();
  await t.database.db.updateTable('users').set({ phone: '+15105550147' }).where('id', '=', w.sitter.id).execute();
  await relogin();
}, 180_000);
afterAll(async () => {
  await t.close();
});

async function relogin(): Promise<void> {
  await w.refresh();
  staff['b'] = await signIn(t, b);
  staff['c'] = await signIn(t, c);
}
const as = (token: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
  t.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
const board = async (token: string) => (await expectStatus(as(token, 'GET', '/api/v1/board'), 200)).json<{ now: string; items: Record<string, unknown>[] }>();
/** A shift through the administrator's API, in UTC wall time. */
async function shift(clinicianId: string, from: Date, hours: number, backupClinicianId?: string): Promise<string> {
  const local = (d: Date) => d.toISOString().slice(0, 16);
  const r = await w.call('admin', 'POST', '/api/v1/on-call/shifts', { clinicianId, ...(backupClinicianId ? { backupClinicianId } : {}), startsLocal: local(from), endsLocal: local(new Date(from.getTime() + hours * 3_600_000)), timeZone: 'UTC' });
  return (await expectStatus(r, 201)).json<{ items: { id: string }[] }>().items[0]?.id ?? '';
}

describe('the live board', () => {
  it('shows the care team an authorized session, then the dose, with phones and hold limits', async () => {
    sessionId = await schedule(w);
    await prepare(w, sessionId);
    await expectStatus(w.call('patient', 'POST', `/api/v1/sessions/${sessionId}/authorize`), 200);
    const before = await board(w.tokens.clinician);
    expect(before.items).toHaveLength(1);
    expect(before.items[0]).toMatchObject({ sessionId, status: 'authorized', dosedAt: null, minutesSinceDose: null, nextCheckDueAt: null, checkOverdue: false, coverage: 'care_team' });
    await start(w, sessionId);
    startedAt = t.clock.now();
    const row = (await board(w.tokens.clinician)).items[0];
    expect(row).toMatchObject({
      sessionId,
      patientId: w.patient.patientId,
      patientName: w.patient.name,
      patientPhone: '+15105550123',
      sitterName: w.sitter.name,
      sitterPhone: '+15105550147',
      status: 'in_progress',
      dosedAt: '2026-06-01T12:00:00.000Z',
      minutesSinceDose: 0,
      lastCheckAt: null,
      nextCheckDueAt: '2026-06-01T12:15:00.000Z',
      checkOverdue: false,
      // The program's default hold limits (no plan is stricter); no oxygen minimum is set in the program settings.
      holdLimits: { systolicMax: 160, diastolicMax: 100, heartRateMax: 110, spo2Min: null },
      latestVitals: { at: '2026-06-01T12:00:00.000Z', systolic: 124, diastolic: 78, heartRate: 72, spo2: 98 },
      vitalsOverLimit: false,
      concerns: [],
      adverseEvents: [],
      openAlerts: [],
      urgency: 5,
      urgencyReasons: [],
    });
    // One audit row for the patient shown.
    const audited = await t.database.db.selectFrom('audit_log').select('id').where('action', '=', 'live_board.read').where('patient_id', '=', w.patient.patientId).execute();
    expect(audited).toHaveLength(2);
  });

  it('marks the check overdue only once the interval and the grace have passed', async () => {
    t.clock.set(new Date(startedAt.getTime() + 20 * MINUTE));
    await relogin();
    expect((await board(w.tokens.clinician)).items[0]).toMatchObject({ checkOverdue: false, minutesSinceDose: 20, urgency: 5 });
    t.clock.set(new Date(startedAt.getTime() + 20 * MINUTE + 1000));
    expect((await board(w.tokens.clinician)).items[0]).toMatchObject({ checkOverdue: true, urgency: 0, urgencyReasons: ['check_overdue'] });
    // The sweep that raises the overdue alert tells the board once, however often it runs.
    await sweepSitterChecks(t.deps, {}, t.clock.now());
    await sweepSitterChecks(t.deps, {}, t.clock.now());
    const overdue = await t.database.db.selectFrom('live_events').select(['kind', 'session_id']).where('kind', '=', 'check.overdue').execute();
    expect(overdue).toEqual([{ kind: 'check.overdue', session_id: sessionId }]);
    await expectStatus(w.call('sitter', 'POST', `/api/v1/sessions/${sessionId}/check-ins`, { responsive: true, breathingNormally: true, concern: false }), 201);
    expect((await board(w.tokens.clinician)).items[0]).toMatchObject({ checkOverdue: false, lastCheckAt: '2026-06-01T12:20:01.000Z', nextCheckDueAt: '2026-06-01T12:35:01.000Z' });
  });

  it('shows nothing to a clinician who is neither on the team nor on call, until their shift starts', async () => {
    expect((await board(staff['b'] ?? '')).items).toEqual([]);
    const shiftStart = new Date(startedAt.getTime() + 30 * MINUTE);
    await shift(b.id, shiftStart, 2, c.id);
    t.clock.set(new Date(shiftStart.getTime() - 1000));
    await relogin();
    expect((await board(staff['b'] ?? '')).items).toEqual([]);
    t.clock.set(shiftStart);
    const seen = (await board(staff['b'] ?? '')).items;
    expect(seen.map((r) => [r['sessionId'], r['coverage']])).toEqual([[sessionId, 'on_call']]);
    // The backup covers every patient too; the care team still sees theirs as their own.
    expect((await board(staff['c'] ?? '')).items.map((r) => r['coverage'])).toEqual(['on_call']);
    expect((await board(w.tokens.clinician)).items.map((r) => r['coverage'])).toEqual(['care_team']);
    // Only clinicians have a board.
    expect((await w.call('admin', 'GET', '/api/v1/board')).statusCode).toBe(404);
    expect((await w.call('sitter', 'GET', '/api/v1/board')).statusCode).toBe(404);
  });
});

describe('the board stream', () => {
  let base = '';
  beforeAll(async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });

  interface Received {
    id: string;
    event: string;
    data: { sessionId: string; patientId: string; kind: string; at: string };
  }
  /** Opens the stream and collects its events until `stop` is called. */
  function open(token: string, lastEventId?: string) {
    const events: Received[] = [];
    let buffer = '';
    let status = 0;
    let contentType = '';
    let req: http.ClientRequest | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      req = http.get(`${base}/api/v1/board/stream`, { headers: { ...bearer(token), ...(lastEventId ? { 'last-event-id': lastEventId } : {}) } }, (res) => {
        status = res.statusCode ?? 0;
        contentType = String(res.headers['content-type']);
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':') && l.includes(': ')).map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]));
            if (fields['id']) events.push({ id: fields['id'], event: fields['event'] ?? '', data: JSON.parse(fields['data'] ?? '{}') as Received['data'] });
          }
        });
        resolve();
      });
      req.on('error', reject);
    });
    return { events, ready, status: () => status, contentType: () => contentType, stop: () => req?.destroy() };
  }
  async function until(check: () => boolean, ms = 2000): Promise<number> {
    const started = Date.now();
    while (!check()) {
      if (Date.now() - started > ms) throw new Error('timed out waiting for the stream');
      await new Promise((r) => setTimeout(r, 25));
    }
    return Date.now() - started;
  }

  it('delivers a sitter check within 2 s, and replays exactly the missed events after Last-Event-ID', async () => {
    await relogin();
    const stream = open(w.tokens.clinician);
    await stream.ready;
    expect(stream.status()).toBe(200);
    expect(stream.contentType()).toContain('text/event-stream');
    await new Promise((r) => setTimeout(r, 100));
    await expectStatus(w.call('sitter', 'POST', `/api/v1/sessions/${sessionId}/check-ins`, { responsive: true, breathingNormally: true, concern: false }), 201);
    const waited = await until(() => stream.events.some((e) => e.event === 'sitter.check'));
    expect(waited).toBeLessThan(2000);
    const check = stream.events.find((e) => e.event === 'sitter.check');
    expect(check?.data).toEqual({ sessionId, patientId: w.patient.patientId, kind: 'sitter.check', at: t.clock.now().toISOString() });
    stream.stop();

    // While away: one reading during the session (within the limits: no alert).
    await expectStatus(w.call('patient', 'POST', `/api/v1/sessions/${sessionId}/vitals`, { ...goodVitals, phase: 'during' }), 201);
    const again = open(w.tokens.clinician, check?.id);
    await again.ready;
    await until(() => again.events.length >= 1);
    await new Promise((r) => setTimeout(r, 1200));
    expect(again.events.map((e) => e.event)).toEqual(['vitals.recorded']);
    again.stop();

    // A clinician who covers nobody gets the stream but none of this patient's events.
    t.clock.advanceMinutes(200);
    await relogin();
    const outsider = open(staff['b'] ?? '', '0');
    await outsider.ready;
    await new Promise((r) => setTimeout(r, 1200));
    expect(outsider.events).toEqual([]);
    outsider.stop();
  });
});

describe('the session channel', () => {
  it('lets the patient, their sitter and the care team talk; a sitter of another patient gets 404', async () => {
    const url = `/api/v1/sessions/${sessionId}/channel`;
    const posted = await expectStatus(w.call('sitter', 'POST', url, { body: 'Resting comfortably, eyes closed.' }), 201);
    expect(posted.json()).toMatchObject({ authorId: w.sitter.id, authorName: w.sitter.name, authorRole: 'sitter', body: 'Resting comfortably, eyes closed.', urgent: false });
    await expectStatus(w.call('clinician', 'POST', url, { body: 'Thanks, keep checking every 15 minutes.' }), 201);
    const list = (await expectStatus(w.call('patient', 'GET', url), 200)).json<{ items: { authorRole: string; body: string }[] }>();
    expect(list.items.map((m) => m.authorRole)).toEqual(['sitter', 'clinician']);
    expect((await w.call('otherSitter', 'GET', url)).statusCode).toBe(404);
    expect((await w.call('otherSitter', 'POST', url, { body: 'hello' })).statusCode).toBe(404);
    expect((await w.call('otherPatient', 'GET', url)).statusCode).toBe(404);
    // Nobody is on call now: a clinician off the team is refused.
    expect((await as(staff['b'] ?? '', 'GET', url)).statusCode).toBe(404);
  });

  it('flags urgent language and raises the urgent-message alert', async () => {
    const r = await expectStatus(w.call('patient', 'POST', `/api/v1/sessions/${sessionId}/channel`, { body: 'I want to kill myself' }), 201);
    expect(r.json()).toMatchObject({ urgent: true, authorRole: 'patient' });
    const alerts = await t.database.db.selectFrom('alerts').select(['code', 'status']).where('patient_id', '=', w.patient.patientId).where('code', '=', 'URGENT_MESSAGE_LANGUAGE').execute();
    expect(alerts).toEqual([{ code: 'URGENT_MESSAGE_LANGUAGE', status: 'open' }]);
  });
});

describe('on-call routing', () => {
  const outboxTo = async (email: string, prefix: string) =>
    (await t.database.db.selectFrom('notification_outbox').select('cause').where('recipient', '=', email).where('cause', 'like', `${prefix}%`).orderBy('cause').execute()).map((r) => r.cause);

  it('tells the owner and the clinician on call of an urgent alert and a sitter concern; escalation goes to the on-call primary', async () => {
    const now = t.clock.now();
    await shift(b.id, new Date(now.getTime() - MINUTE), 6, c.id);
    await relogin();
    const concern = await expectStatus(w.call('sitter', 'POST', `/api/v1/sessions/${sessionId}/concerns`, { emergency: true, note: 'Very hard to wake' }), 201);
    const body = concern.json<{ concern: { id: string }; alerts: { id: string; code: string; severity: string }[] }>();
    const critical = body.alerts.find((a) => a.severity === 'critical');
    expect(critical).toBeDefined();
    const id = critical?.id ?? '';
    expect(await outboxTo(w.clinician.email, `alert:${id}`)).toEqual([`alert:${id}:owner`]);
    expect(await outboxTo(b.email, `alert:${id}`)).toEqual([`alert:${id}:on-call:${b.id}`]);
    expect(await outboxTo(w.clinician.email, `concern:${body.concern.id}`)).toEqual([`concern:${body.concern.id}:owner`]);
    expect(await outboxTo(b.email, `concern:${body.concern.id}`)).toEqual([`concern:${body.concern.id}:on-call:${b.id}`]);
    const stored = await t.database.db.selectFrom('alerts').select(['on_call_notified', 'escalate_at']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.on_call_notified?.raised).toMatchObject({ primaryId: b.id, backupId: c.id, notified: [b.id] });
    // The on-call clinician now sees the session and its channel.
    expect((await as(staff['b'] ?? '', 'GET', `/api/v1/sessions/${sessionId}/channel`)).statusCode).toBe(200);

    const at = new Date(stored.escalate_at ?? now);
    expect((await escalateAlerts(t.deps, { alertId: id }, at)).escalated).toEqual([id]);
    const escalated = await t.database.db.selectFrom('alerts').select(['escalated_to', 'on_call_notified']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(escalated.escalated_to).toBe(b.id);
    expect(escalated.on_call_notified?.escalation).toMatchObject({ primaryId: b.id, notified: [b.id] });
    expect(await outboxTo(b.email, `alert:${id}:escalation`)).toEqual([`alert:${id}:escalation`]);
  });

  it('sends the owner on call one notice, and escalates past them to the on-call backup', async () => {
    t.clock.advanceMinutes(7 * 60);
    await relogin();
    await shift(w.clinician.id, new Date(t.clock.now().getTime() - MINUTE), 6, c.id);
    const concern = await expectStatus(w.call('sitter', 'POST', `/api/v1/sessions/${sessionId}/concerns`, { emergency: true }), 201);
    const body = concern.json<{ concern: { id: string }; alerts: { id: string; severity: string }[] }>();
    const id = body.alerts.find((a) => a.severity === 'critical')?.id ?? '';
    expect(await outboxTo(w.clinician.email, `alert:${id}`)).toEqual([`alert:${id}:owner`]);
    expect(await outboxTo(w.clinician.email, `concern:${body.concern.id}`)).toEqual([`concern:${body.concern.id}:owner`]);
    const stored = await t.database.db.selectFrom('alerts').select(['on_call_notified', 'escalate_at']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.on_call_notified?.raised).toMatchObject({ primaryId: w.clinician.id, notified: [] });
    await escalateAlerts(t.deps, { alertId: id }, new Date(stored.escalate_at ?? t.clock.now()));
    const escalated = await t.database.db.selectFrom('alerts').select('escalated_to').where('id', '=', id).executeTakeFirstOrThrow();
    expect(escalated.escalated_to).toBe(c.id);
  });
});

describe('a phone number on the account', () => {
  it('is set, validated as E.164 and removed by the user themself', async () => {
    await relogin();
    const set = await expectStatus(w.call('sitter', 'PATCH', '/api/v1/me', { phone: '+14155550199' }), 200);
    expect(set.json()).toMatchObject({ id: w.sitter.id, phone: '+14155550199' });
    expect((await w.call('sitter', 'PATCH', '/api/v1/me', { phone: '415-555-0199' })).statusCode).toBe(422);
    expect((await w.call('sitter', 'PATCH', '/api/v1/me', { phone: '+14155550199', role: 'admin' })).statusCode).toBe(422);
    const cleared = await expectStatus(w.call('sitter', 'PATCH', '/api/v1/me', { phone: null }), 200);
    expect(cleared.json()).toMatchObject({ phone: null });
    expect((await expectStatus(w.call('sitter', 'GET', '/api/v1/me'), 200)).json()).toMatchObject({ phone: null });
  });
});

describe('the per-process reader', () => {
  it('delivers an event whose id committed after a higher one, and each event once', async () => {
    const hub = new LiveHub(t.database, { pollMs: 60_000 });
    const got: number[] = [];
    const unsubscribe = await hub.subscribe((e: LiveEvent) => got.push(e.id));
    const insert = (id: number) =>
      t.database.db.insertInto('live_events').values({ id, patient_id: w.patient.patientId, session_id: sessionId, kind: 'sitter.check', at: t.clock.now(), payload: '{}' }).execute();
    // Ids from the sequence, taken now, committed out of order: the later-committed lower id must not be lost.
    const base = Number((await t.database.db.selectFrom('live_events').select((eb) => eb.fn.max('id').as('n')).executeTakeFirstOrThrow()).n) + 1000;
    await insert(base + 2);
    await hub.settle();
    expect(got).toEqual([base + 2]);
    await insert(base + 1);
    await hub.settle();
    await hub.settle();
    expect(got).toEqual([base + 2, base + 1]);
    unsubscribe();
    await hub.stop();
  });
});
