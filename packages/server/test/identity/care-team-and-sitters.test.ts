import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { assignCareTeam, bearer, createCareWorld, createPatient, createUser, signIn, testPassword } from '../support/factories.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const get = (url: string, token: string) => t.app.inject({ method: 'GET', url, headers: bearer(token) });

describe('care teams', () => {
  it('lets an admin assign and unassign a clinician, and access follows at once', async () => {
    const admin = await createUser(t, 'admin');
    const clinician = await createUser(t, 'clinician');
    const patient = await createPatient(t);
    const adminToken = await signIn(t, admin);
    const clinicianToken = await signIn(t, clinician);
    expect((await get(`/api/v1/patients/${patient.patientId}/care-team`, clinicianToken)).statusCode).toBe(404);
    const assign = await t.app.inject({ method: 'POST', url: `/api/v1/patients/${patient.patientId}/care-team`, headers: bearer(adminToken), payload: { userId: clinician.id, role: 'clinician', primary: true } });
    expect(assign.statusCode).toBe(200);
    expect(assign.json()).toMatchObject({ members: [{ userId: clinician.id, role: 'clinician', primary: true }] });
    expect((await get(`/api/v1/patients/${patient.patientId}/care-team`, clinicianToken)).statusCode).toBe(200);
    const unassign = await t.app.inject({ method: 'DELETE', url: `/api/v1/patients/${patient.patientId}/care-team/${clinician.id}`, headers: bearer(adminToken), payload: { reason: 'Moved to another state' } });
    expect(unassign.statusCode).toBe(200);
    expect((await get(`/api/v1/patients/${patient.patientId}/care-team`, clinicianToken)).statusCode).toBe(404);
    const audit = await t.database.db.selectFrom('audit_log').select('action').where('patient_id', '=', patient.patientId).where('action', 'in', ['care_team.assign', 'care_team.unassign']).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['care_team.assign', 'care_team.unassign']);
    const reason = await t.database.db.selectFrom('audit_log').select('detail').where('patient_id', '=', patient.patientId).where('action', '=', 'care_team.unassign').executeTakeFirstOrThrow();
    expect(reason.detail).toEqual({ reason: 'Moved to another state' });
  });

  it('refuses to assign an account whose role does not match', async () => {
    const admin = await createUser(t, 'admin');
    const coach = await createUser(t, 'coach');
    const patient = await createPatient(t);
    const response = await t.app.inject({ method: 'POST', url: `/api/v1/patients/${patient.patientId}/care-team`, headers: bearer(await signIn(t, admin)), payload: { userId: coach.id, role: 'clinician' } });
    expect(response.statusCode).toBe(422);
  });

  it('lets a clinician on the team add a coach, but not a clinician from outside it', async () => {
    const world = await createCareWorld(t);
    const coach = await createUser(t, 'coach');
    const outsider = await createUser(t, 'clinician');
    const ok = await t.app.inject({ method: 'POST', url: `/api/v1/patients/${world.patient.patientId}/care-team`, headers: bearer(world.tokens.clinician), payload: { userId: coach.id, role: 'coach' } });
    expect(ok.statusCode).toBe(200);
    const refused = await t.app.inject({ method: 'POST', url: `/api/v1/patients/${world.patient.patientId}/care-team`, headers: bearer(await signIn(t, outsider)), payload: { userId: outsider.id, role: 'clinician' } });
    expect(refused.statusCode).toBe(404);
    const coachToken = await signIn(t, coach);
    expect((await get(`/api/v1/patients/${world.patient.patientId}/care-team`, coachToken)).statusCode).toBe(200);
  });
});

describe('sitters', () => {
  it('invites a sitter by email; the sitter accepts with their own account; removal ends access at once', async () => {
    const patient = await createPatient(t);
    const patientToken = await signIn(t, patient);
    const email = `sitter.${Date.now()}@example.test`;
    const invite = await t.app.inject({ method: 'POST', url: `/api/v1/patients/${patient.patientId}/sitters`, headers: bearer(patientToken), payload: { email, name: 'Morgan Friend', relationship: 'friend', confirmsAdult: true } });
    expect(invite.statusCode).toBe(201);
    await t.deps.notifier.deliverPending(t.database.db, t.clock.now());
    const token = /#token=([A-Za-z0-9_-]+)/.exec(t.mail.sent.find((m) => m.recipient === email)?.body ?? '')?.[1];
    expect(token).toBeDefined();
    const accept = await t.app.inject({ method: 'POST', url: '/api/v1/sitter-invitations/accept', payload: { token, password: 'sitter long passphrase' } });
    expect(accept.statusCode).toBe(200);
    expect(accept.json()).toMatchObject({ patientId: patient.patientId, createdAccount: true });
    const sitterToken = await t.app
      .inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: 'sitter long passphrase' } })
      .then((r) => r.json<{ token: string; user: { role: string } }>());
    expect(sitterToken.user.role).toBe('sitter');
    // Invited by the patient: no access until a clinician on the care team approves.
    expect((await get('/api/v1/sitter/patients', sitterToken.token)).json()).toEqual({ items: [] });
    const list = await get(`/api/v1/patients/${patient.patientId}/sitters`, patientToken);
    const assignment = list.json<{ items: { id: string; status: string }[] }>().items[0]!;
    expect(assignment.status).toBe('pending_approval');
    const assignmentId = assignment.id;
    const approve = (token: string) => t.app.inject({ method: 'POST', url: `/api/v1/patients/${patient.patientId}/sitters/${assignmentId}/approve`, headers: bearer(token) });
    expect((await approve(patientToken)).statusCode).toBe(404);
    const clinician = await createUser(t, 'clinician');
    const clinicianToken = await signIn(t, clinician);
    expect((await approve(clinicianToken)).statusCode).toBe(404);
    await assignCareTeam(t, patient.patientId, clinician.id, 'clinician');
    expect((await approve(clinicianToken)).statusCode).toBe(200);
    expect((await approve(clinicianToken)).statusCode).toBe(409);
    const mine = await get('/api/v1/sitter/patients', sitterToken.token);
    expect(mine.json()).toMatchObject({ items: [{ patientId: patient.patientId }] });
    expect((await get(`/api/v1/patients/${patient.patientId}/care-team`, sitterToken.token)).statusCode).toBe(404);

    const removed = await t.app.inject({ method: 'DELETE', url: `/api/v1/patients/${patient.patientId}/sitters/${assignmentId}`, headers: bearer(patientToken) });
    expect(removed.statusCode).toBe(200);
    expect((await get('/api/v1/sitter/patients', sitterToken.token)).json()).toEqual({ items: [] });
  });

  it('refuses a patient as their own sitter', async () => {
    const patient = await createPatient(t);
    const patientToken = await signIn(t, patient);
    const self = await t.app.inject({ method: 'POST', url: `/api/v1/patients/${patient.patientId}/sitters`, headers: bearer(patientToken), payload: { email: patient.email.toUpperCase(), name: patient.name, confirmsAdult: true } });
    expect(self.statusCode).toBe(422);
    expect(self.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toEqual(['email']);
  });

  it('keeps a clinician on an active patient’s care team: the last one cannot be removed', async () => {
    const admin = await createUser(t, 'admin');
    const adminToken = await signIn(t, admin);
    const patient = await createPatient(t);
    await t.database.db.updateTable('patients').set({ status: 'active' }).where('id', '=', patient.patientId).execute();
    const [first, second] = [await createUser(t, 'clinician'), await createUser(t, 'clinician')];
    await assignCareTeam(t, patient.patientId, first.id, 'clinician');
    await assignCareTeam(t, patient.patientId, second.id, 'clinician');
    const remove = (userId: string) => t.app.inject({ method: 'DELETE', url: `/api/v1/patients/${patient.patientId}/care-team/${userId}`, headers: bearer(adminToken) });
    expect((await remove(first.id)).statusCode).toBe(200);
    const last = await remove(second.id);
    expect(last.statusCode).toBe(409);
    expect(last.json<{ code: string }>().code).toBe('CONFLICT');
    const team = await t.database.db.selectFrom('care_team_members').select('user_id').where('patient_id', '=', patient.patientId).where('unassigned_at', 'is', null).execute();
    expect(team.map((m) => m.user_id)).toEqual([second.id]);
  });

  it('requires the sitter to be confirmed an adult, and an invitation works once', async () => {
    const patient = await createPatient(t);
    const patientToken = await signIn(t, patient);
    const noAdult = await t.app.inject({ method: 'POST', url: `/api/v1/patients/${patient.patientId}/sitters`, headers: bearer(patientToken), payload: { email: `kid.${Date.now()}@example.test`, name: 'Young Person' } });
    expect(noAdult.statusCode).toBe(422);
    const email = `twice.${Date.now()}@example.test`;
    await t.app.inject({ method: 'POST', url: `/api/v1/patients/${patient.patientId}/sitters`, headers: bearer(patientToken), payload: { email, name: 'Twice', confirmsAdult: true } });
    await t.deps.notifier.deliverPending(t.database.db, t.clock.now());
    const token = /#token=([A-Za-z0-9_-]+)/.exec(t.mail.sent.find((m) => m.recipient === email)?.body ?? '')?.[1];
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/sitter-invitations/accept', payload: { token, password: 'sitter long passphrase' } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/sitter-invitations/accept', payload: { token, password: 'sitter long passphrase' } })).statusCode).toBe(404);
  });

  it('lets an existing sitter account accept only when signed in as that sitter', async () => {
    const patient = await createPatient(t);
    const sitter = await createUser(t, 'sitter');
    const patientToken = await signIn(t, patient);
    await t.app.inject({ method: 'POST', url: `/api/v1/patients/${patient.patientId}/sitters`, headers: bearer(patientToken), payload: { email: sitter.email, name: sitter.name, confirmsAdult: true } });
    await t.deps.notifier.deliverPending(t.database.db, t.clock.now());
    const token = /#token=([A-Za-z0-9_-]+)/.exec(t.mail.sent.filter((m) => m.recipient === sitter.email).at(-1)?.body ?? '')?.[1];
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/sitter-invitations/accept', payload: { token, password: testPassword } })).statusCode).toBe(409);
    const accepted = await t.app.inject({ method: 'POST', url: '/api/v1/sitter-invitations/accept', headers: bearer(await signIn(t, sitter)), payload: { token } });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ createdAccount: false });
  });
});
