// Small helpers for the safety attack tests, on top of the treatment world (packages/server/test/treatment).
import { expect } from 'vitest';
import { testPassword } from '../support/factories.ts';
import type { TestContext } from '../support/test-app.ts';
import { authorize, expectStatus, login, prepare, schedule, type World } from '../treatment/treatment-world.ts';

export const post = (w: World, who: Parameters<World['call']>[0], path: string, body?: unknown, headers?: Record<string, string>) => w.call(who, 'POST', path, body, headers);

export async function authorizedSession(w: World): Promise<string> {
  const id = await schedule(w);
  await prepare(w, id);
  const r = await authorize(w, id);
  expect(r.outcome, JSON.stringify(r.reasons)).toBe('authorized');
  return id;
}

export async function openAlerts(w: World) {
  return (await expectStatus(w.call('clinician', 'GET', '/api/v1/alerts?status=open&limit=200'), 200))
    .json<{ items: { id: string; code: string; severity: string; holdsDosing: boolean; patientId: string }[] }>()
    .items.filter((a) => a.patientId === w.patient.patientId);
}

export async function sessionStatus(w: World, id: string): Promise<string> {
  return (await expectStatus(w.call('patient', 'GET', `/api/v1/sessions/${id}`), 200)).json<{ session: { status: string } }>().session.status;
}

/** The token of the latest outbox message to `recipient` whose body carries `#token=` (what the mailbox receives). */
export async function tokenSentTo(t: TestContext, recipient: string): Promise<string> {
  const row = await t.database.db
    .selectFrom('notification_outbox')
    .select('body')
    .where('recipient', '=', recipient)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  const m = /#token=([^\s]+)/.exec(row.body);
  if (!m?.[1]) throw new Error(`no token in the message to ${recipient}`);
  return m[1];
}

/**
 * The patient invites another adult as a sitter through the API; the invitee accepts through the public route with a
 * new sitter account. Returns a signed-in token for the new sitter.
 */
export async function inviteAndAcceptSitter(w: World, email: string): Promise<{ token: string; userId: string }> {
  await expectStatus(post(w, 'patient', `/api/v1/patients/${w.patient.patientId}/sitters`, { email, name: 'Second Sitter', relationship: 'friend', confirmsAdult: true }), 201);
  const token = await tokenSentTo(w.t, email);
  await expectStatus(w.t.app.inject({ method: 'POST', url: '/api/v1/sitter-invitations/accept', payload: { token, password: testPassword } }), 200);
  // A sitter the patient invited serves only once the care team approves them.
  const sitters = (await expectStatus(w.call('clinician', 'GET', `/api/v1/patients/${w.patient.patientId}/sitters`), 200)).json<{ items: { id: string; email: string }[] }>().items;
  const invited = sitters.find((x) => x.email === email);
  await expectStatus(post(w, 'clinician', `/api/v1/patients/${w.patient.patientId}/sitters/${invited?.id ?? ''}/approve`, {}), 200);
  const user = await w.t.database.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow();
  return { token: await login(w.t, { email }), userId: user.id };
}
