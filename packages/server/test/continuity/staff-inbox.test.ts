import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alertOverdueRepliesJob } from '../../src/jobs/workers.ts';
import { assignCareTeam, bearer, createCareWorld, createPatient, createUser, signIn } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { testEngine } from '../support/test-database.ts';
import type { CareWorld } from './continuity-helpers.ts';

let t: TestContext;
// Monday 1 June 2026, 08:00 in New York (EDT, UTC−4): an hour before the program's office opens.
const monday0800 = new Date('2026-06-01T12:00:00.000Z');
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  t.clock.set(monday0800);
});

const url = (w: CareWorld) => `/api/v1/patients/${w.patient.patientId}/messages`;
const send = (w: CareWorld, who: keyof CareWorld['tokens'], payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: url(w), headers: bearer(w.tokens[who]), payload });
const inbox = async (token: string, query = '') => {
  const response = await t.app.inject({ method: 'GET', url: `/api/v1/inbox${query}`, headers: bearer(token) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{
    items: { patientId: string; patientName: string; thread: Record<string, unknown> & { id: string }; lastMessage: { preview: string } | null }[];
    counts: Record<string, number>;
  }>();
};
const resignIn = async (w: CareWorld) => {
  w.tokens.clinician = await signIn(t, w.clinician);
  w.tokens.coach = await signIn(t, w.coach);
  w.tokens.patient = await signIn(t, w.patient);
};

describe(`staff inbox on ${testEngine}`, () => {
  it('lists the patient’s thread for the care team with unread marker and due time; the overdue sweep alerts once; a reply stops the clock', async () => {
    const w = await createCareWorld(t);
    const first = (await send(w, 'patient', { subject: 'Dosing day', body: 'Can I eat breakfast before the session?' })).json();
    // 8 business hours from Monday 08:00 counts from 09:00 and ends at 17:00 New York = 21:00 UTC.
    expect(first.thread).toMatchObject({ recipient: 'care_team', awaitingReplySince: monday0800.toISOString(), replyDueAt: '2026-06-01T21:00:00.000Z', overdue: false, urgent: false, assignedTo: null });

    const seen = await inbox(w.tokens.clinician);
    expect(seen.items).toHaveLength(1);
    expect(seen.items[0]).toMatchObject({ patientId: w.patient.patientId, patientName: w.patient.name, thread: { id: first.thread.id, unreadCount: 1 }, lastMessage: { preview: 'Can I eat breakfast before the session?' } });
    expect(seen.counts).toEqual({ unread: 1, waiting: 1, overdue: 0, urgent: 0 });
    expect((await inbox(w.tokens.coach)).items.map((i) => i.thread.id)).toEqual([first.thread.id]);
    // Nobody outside the care team sees it; patients, sitters and admins have no inbox.
    const outsider = await signIn(t, await createUser(t, 'clinician'));
    expect((await inbox(outsider)).items).toEqual([]);
    for (const who of ['patient', 'sitter', 'admin'] as const) {
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/inbox', headers: bearer(w.tokens[who]) })).statusCode).toBe(404);
    }

    // Before the due time the sweep does nothing; at it, one alert; a second run adds none.
    t.clock.set(new Date('2026-06-01T20:59:00.000Z'));
    expect(await alertOverdueRepliesJob(t.deps, {}, t.clock.now())).toEqual({ raised: [] });
    t.clock.set(new Date('2026-06-01T21:00:00.000Z'));
    const swept = (await alertOverdueRepliesJob(t.deps, {}, t.clock.now())) as { raised: string[] };
    expect(swept.raised).toHaveLength(1);
    expect(await alertOverdueRepliesJob(t.deps, {}, t.clock.now())).toEqual({ raised: [] });
    const alert = await t.database.db.selectFrom('alerts').selectAll().where('id', '=', swept.raised[0] ?? '').executeTakeFirstOrThrow();
    expect(alert).toMatchObject({ patient_id: w.patient.patientId, code: 'MESSAGE_REPLY_OVERDUE', severity: 'moderate', holds_dosing: false, owner_id: w.clinician.id, cause: `thread:${first.thread.id}:since:${monday0800.toISOString()}` });
    // The alert never carries the patient's words.
    expect(JSON.stringify(alert)).not.toContain('breakfast');
    await resignIn(w);
    expect((await inbox(w.tokens.clinician)).items[0]?.thread).toMatchObject({ overdue: true });

    // Assignment: to the coach; never to someone off the team; never by the patient.
    const assign = (token: string, assigneeId: string | null) =>
      t.app.inject({ method: 'PUT', url: `${url(w)}/${first.thread.id}/assignment`, headers: bearer(token), payload: { assigneeId } });
    const toCoach = await assign(w.tokens.clinician, w.coach.id);
    expect(toCoach.statusCode, toCoach.body).toBe(200);
    expect(toCoach.json().thread.assignedTo).toEqual({ id: w.coach.id, name: w.coach.name });
    expect((await assign(w.tokens.clinician, crypto.randomUUID())).statusCode).toBe(422);
    expect((await assign(w.tokens.patient, w.clinician.id)).statusCode).toBe(404);
    expect((await inbox(w.tokens.coach, '?mine=true')).items.map((i) => i.thread.id)).toEqual([first.thread.id]);
    expect((await inbox(w.tokens.clinician, '?mine=true')).items).toEqual([]);

    // The clinician reads and replies: the wait ends, the thread stays with the coach, the patient sees one unread.
    await t.app.inject({ method: 'POST', url: `${url(w)}/${first.thread.id}/read`, headers: bearer(w.tokens.clinician) });
    const reply = await send(w, 'clinician', { threadId: first.thread.id, body: 'Fast for four hours; water is fine.' });
    expect(reply.json().thread).toMatchObject({ awaitingReplySince: null, replyDueAt: null, overdue: false, assignedTo: { id: w.coach.id } });
    expect((await inbox(w.tokens.clinician)).counts).toEqual({ unread: 0, waiting: 0, overdue: 0, urgent: 0 });
    const patientView = await t.app.inject({ method: 'GET', url: url(w), headers: bearer(w.tokens.patient) });
    expect(patientView.json().threads[0]).toMatchObject({ id: first.thread.id, unreadCount: 1 });
    const audit = await t.database.db.selectFrom('audit_log').select(['action', 'detail']).where('action', '=', 'message_thread.assign').where('patient_id', '=', w.patient.patientId).execute();
    expect(audit).toEqual([{ action: 'message_thread.assign', detail: { from: null, to: w.coach.id } }]);
  });

  it('puts urgent language first, counts business hours over the weekend, and gives the first replier an unassigned thread', async () => {
    const w = await createCareWorld(t);
    // Friday 5 June 2026, 16:00 New York: one business hour left that day, seven more from Monday 09:00.
    t.clock.set(new Date('2026-06-05T20:00:00.000Z'));
    await resignIn(w);
    const calm = (await send(w, 'patient', { subject: 'Parking', body: 'Where do I park for the visit?' })).json();
    expect(calm.thread.replyDueAt).toBe('2026-06-08T20:00:00.000Z');
    t.clock.advanceMinutes(5);
    const urgent = (await send(w, 'patient', { subject: 'Tonight', body: "I don't want to be here anymore." })).json();
    expect(urgent.thread.urgent).toBe(true);
    const list = await inbox(w.tokens.clinician);
    expect(list.items.map((i) => i.thread.id)).toEqual([urgent.thread.id, calm.thread.id]);
    expect(list.counts.urgent).toBe(1);

    const answered = await send(w, 'coach', { threadId: calm.thread.id, body: 'Visitor lot B.' });
    expect(answered.json().thread.assignedTo).toEqual({ id: w.coach.id, name: w.coach.name });
  });

  it('lets the patient write to the coach only when they have one, and tells only the coach', async () => {
    const w = await createCareWorld(t);
    const toCoach = await send(w, 'patient', { subject: 'Journal', body: 'A question about my practice.', recipient: 'coach' });
    expect(toCoach.statusCode, toCoach.body).toBe(201);
    expect(toCoach.json().thread.recipient).toBe('coach');
    const notices = await t.database.db.selectFrom('notification_outbox').select('recipient').where('cause', 'like', `message:${toCoach.json().message.id}:%`).execute();
    expect(notices.map((n) => n.recipient)).toEqual([w.coach.email]);

    const lone = await createPatient(t);
    const clinician = await createUser(t, 'clinician');
    await assignCareTeam(t, lone.patientId, clinician.id, 'clinician');
    const refused = await t.app.inject({
      method: 'POST',
      url: `/api/v1/patients/${lone.patientId}/messages`,
      headers: bearer(await signIn(t, lone)),
      payload: { subject: 'Hi', body: 'Hello coach', recipient: 'coach' },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors).toEqual([{ field: 'recipient', message: 'You have no integration coach yet; write to your care team instead.' }]);
  });
});

