import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createCareWorld, signIn } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { testEngine } from '../support/test-database.ts';
import type { CareWorld } from './continuity-helpers.ts';

let t: TestContext;
const base = new Date('2026-06-01T12:00:00.000Z');
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  t.clock.set(base);
});

const url = (w: CareWorld) => `/api/v1/patients/${w.patient.patientId}/messages`;
const send = (w: CareWorld, who: keyof CareWorld['tokens'], payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: url(w), headers: bearer(w.tokens[who]), payload });

describe(`secure messaging on ${testEngine}`, () => {
  it('raises a safety alert for self-harm language in the same transaction and shows crisis resources', async () => {
    const w = await createCareWorld(t);
    const response = await send(w, 'patient', { subject: 'Tonight', body: "I don't want to be here anymore." });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.urgent).toBe(true);
    expect(body.crisis.resources.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining(['lifeline-988-call', 'crisis-text-line', 'emergency-911']));
    expect(body.replyExpectation.text).toMatch(/not for emergencies.*988.*911/);
    expect(body.alertIds).toHaveLength(1);
    const alert = await t.database.db.selectFrom('alerts').selectAll().where('id', '=', body.alertIds[0]).executeTakeFirstOrThrow();
    expect(alert).toMatchObject({ patient_id: w.patient.patientId, code: 'URGENT_MESSAGE_LANGUAGE', cause: `message:${body.message.id}`, status: 'open' });
    // The alert's evidence names categories, never the patient's words.
    expect(JSON.stringify(alert.evidence)).not.toContain('here anymore');

    const calm = await send(w, 'patient', { threadId: body.thread.id, body: 'Feeling better after talking to my sister.' });
    expect(calm.json()).toMatchObject({ urgent: false, crisis: null, alertIds: [] });
    // A clinician writing about risk is not a patient in crisis.
    const staff = await send(w, 'clinician', { threadId: body.thread.id, body: 'Thank you. If thoughts of suicide return, call 988.' });
    expect(staff.json()).toMatchObject({ urgent: false, alertIds: [] });
  });

  it('tracks read receipts and the care team’s response time; notices by email never carry the message', async () => {
    const w = await createCareWorld(t);
    const first = (await send(w, 'patient', { subject: 'Question about dosing day', body: 'Can I eat breakfast before the session?' })).json();
    expect(first.replyExpectation).toEqual({ businessHours: 8, text: 'The care team replies within 8 business hours; messages are not for emergencies — call 988 or 911.' });
    t.clock.advanceMinutes(10);
    await send(w, 'patient', { threadId: first.thread.id, body: 'Also, is tea fine?' });

    const clinicianList = await t.app.inject({ method: 'GET', url: url(w), headers: bearer(w.tokens.clinician) });
    expect(clinicianList.json().threads[0]).toMatchObject({ unreadCount: 2, awaitingReplySince: base.toISOString() });
    const read = await t.app.inject({ method: 'POST', url: `${url(w)}/${first.thread.id}/read`, headers: bearer(w.tokens.clinician) });
    expect(read.json()).toMatchObject({ marked: 2, thread: { unreadCount: 0 } });

    t.clock.set(new Date(base.getTime() + 95 * 60_000));
    // Idle sessions end while the clock moves: sign in again.
    w.tokens.clinician = await signIn(t, w.clinician);
    w.tokens.coach = await signIn(t, w.coach);
    w.tokens.patient = await signIn(t, w.patient);
    const reply = await send(w, 'clinician', { threadId: first.thread.id, body: 'Please fast for four hours; water is fine.' });
    expect(reply.json().message.responseMinutes).toBe(95);
    t.clock.advanceMinutes(5);
    const second = await send(w, 'coach', { threadId: first.thread.id, body: 'And journal after!' });
    expect(second.json().message.responseMinutes).toBeNull();

    const thread = await t.app.inject({ method: 'GET', url: `${url(w)}/${first.thread.id}`, headers: bearer(w.tokens.patient) });
    const messages = thread.json().messages;
    expect(messages).toHaveLength(4);
    expect(messages[0].readBy).toEqual([expect.objectContaining({ userId: w.clinician.id, readAt: new Date(base.getTime() + 10 * 60_000).toISOString() })]);
    expect(messages[2].readBy).toEqual([]);
    const patientList = await t.app.inject({ method: 'GET', url: url(w), headers: bearer(w.tokens.patient) });
    expect(patientList.json().threads[0]).toMatchObject({ unreadCount: 2, awaitingReplySince: null });
    expect(patientList.json().responseTime).toEqual({ replies: 1, medianMinutes: 95, lastMinutes: 95 });

    const notices = await t.database.db.selectFrom('notification_outbox').selectAll().where('cause', 'like', `message:${first.message.id}:%`).execute();
    expect(notices.map((n) => n.recipient).sort()).toEqual([w.clinician.email, w.coach.email].sort());
    for (const n of await t.database.db.selectFrom('notification_outbox').selectAll().where('cause', 'like', 'message:%').execute()) {
      expect(n.body).not.toMatch(/breakfast|tea|fast|journal/i);
      expect(n.body).toContain('Sign in');
    }
  });

  it('denies sitters, other patients and admins; nothing is written', async () => {
    const w = await createCareWorld(t);
    for (const who of ['sitter', 'otherPatient', 'admin'] as const) {
      expect((await send(w, who, { subject: 'hi', body: 'hello' })).statusCode).toBe(404);
      expect((await t.app.inject({ method: 'GET', url: url(w), headers: bearer(w.tokens[who]) })).statusCode).toBe(404);
    }
    expect(await t.database.db.selectFrom('messages').select('id').where('patient_id', '=', w.patient.patientId).execute()).toHaveLength(0);
    const noSubject = await send(w, 'patient', { body: 'hello' });
    expect(noSubject.statusCode).toBe(422);
    const unknownField = await send(w, 'patient', { subject: 's', body: 'hello', cc: 'someone' });
    expect(unknownField.statusCode).toBe(422);
  });
});
