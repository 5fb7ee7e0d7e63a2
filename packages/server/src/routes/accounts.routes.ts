import { z } from 'zod';
import {
  accountList,
  accountSchema,
  careTeamAssignRequest,
  changeReasonRequest,
  careTeamResponse,
  createUserRequest,
  createUserResponse,
  idParams,
  patientParams,
  sitterAcceptRequest,
  sitterInviteRequest,
  sitterList,
  uuid,
} from '@keel/contract';
import type { KeelApp } from '../app.ts';
import type { Db } from '../db/transaction.ts';
import { writeAudit } from '../audit/audit-log.ts';
import { actorOf, iso, patientAccessOf, useCaseOf } from '../http/route-helpers.ts';
import { createInvitedUser, setAccountStatus } from '../use-cases/identity/accounts.ts';
import { assignCareTeamMember, listCareTeam, unassignCareTeamMember } from '../use-cases/identity/care-team.ts';
import { acceptSitterInvitation, approveSitter, inviteSitter, listSitters, removeSitter } from '../use-cases/identity/sitters.ts';

type AccountRow = { id: string; email: string; name: string; role: 'patient' | 'sitter' | 'clinician' | 'coach' | 'admin'; status: 'invited' | 'active' | 'deactivated'; mfa_enabled: boolean; created_at: Date; state_licenses: string[]; patient_id: string | null };
const toAccount = (r: AccountRow) => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  status: r.status,
  mfaEnabled: r.mfa_enabled,
  createdAt: iso(r.created_at),
  stateLicenses: r.state_licenses,
  patientId: r.patient_id,
});
const accountColumns = ['u.id', 'u.email', 'u.name', 'u.role', 'u.status', 'u.mfa_enabled', 'u.created_at', 'u.state_licenses', 'p.id as patient_id'] as const;
const accounts = (db: Db) => db.selectFrom('users as u').leftJoin('patients as p', 'p.user_id', 'u.id').select(accountColumns);

export function accountRoutes(app: KeelApp): void {
  app.get(
    '/api/v1/users',
    {
      config: { access: { kind: 'program', resource: 'account', action: 'read' } },
      schema: {
        tags: ['admin'],
        summary: 'Accounts (admin)',
        querystring: z.strictObject({ role: z.enum(['patient', 'sitter', 'clinician', 'coach', 'admin']).optional(), q: z.string().max(100).optional() }),
        response: { 200: accountList },
      },
    },
    async (request) => {
      const { deps, ctx } = useCaseOf(request);
      let query = accounts(deps.database.db).orderBy('u.role').orderBy('u.name').limit(500);
      if (request.query.role) query = query.where('u.role', '=', request.query.role);
      if (request.query.q) {
        const q = `%${request.query.q.toLowerCase()}%`;
        query = query.where((eb) => eb.or([eb(eb.fn('lower', ['u.name']), 'like', q), eb(eb.fn('lower', ['u.email']), 'like', q)]));
      }
      const rows = await query.execute();
      await writeAudit(deps.database.db, ctx, { action: 'account.list', resourceType: 'account', outcome: 'success' });
      return { items: rows.map(toAccount) };
    },
  );

  app.post(
    '/api/v1/users',
    {
      config: { access: { kind: 'program', resource: 'account', action: 'write' } },
      schema: { tags: ['admin'], summary: 'Create a staff or sitter account; an invitation link sets the password', body: createUserRequest, response: { 201: createUserResponse } },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const created = await createInvitedUser(uc, request.body);
      const row = await accounts(uc.deps.database.db).where('u.id', '=', created.userId).executeTakeFirstOrThrow();
      return reply.code(201).send({ user: toAccount(row), invitationExpiresAt: iso(created.expiresAt) });
    },
  );

  app.post(
    '/api/v1/users/:id/deactivate',
    {
      config: { access: { kind: 'program', resource: 'account', action: 'write' } },
      schema: { tags: ['admin'], summary: 'Deactivate an account: every session ends at once (optional reason, audited)', params: idParams, body: changeReasonRequest, response: { 200: accountSchema } },
    },
    async (request) => {
      const uc = useCaseOf(request);
      await setAccountStatus(uc, request.params.id, false, request.body?.reason);
      return toAccount(await accounts(uc.deps.database.db).where('u.id', '=', request.params.id).executeTakeFirstOrThrow());
    },
  );

  app.post(
    '/api/v1/users/:id/reactivate',
    {
      config: { access: { kind: 'program', resource: 'account', action: 'write' } },
      schema: { tags: ['admin'], summary: 'Reactivate an account', params: idParams, response: { 200: accountSchema } },
    },
    async (request) => {
      const uc = useCaseOf(request);
      await setAccountStatus(uc, request.params.id, true);
      return toAccount(await accounts(uc.deps.database.db).where('u.id', '=', request.params.id).executeTakeFirstOrThrow());
    },
  );

  app.get(
    '/api/v1/patients/:patientId/care-team',
    {
      config: { access: { kind: 'patient', resource: 'care_team', action: 'read' } },
      schema: { tags: ['care team'], summary: "The patient's clinicians and coaches", params: patientParams, response: { 200: careTeamResponse } },
    },
    async (request) => ({ members: await listCareTeam(useCaseOf(request), patientAccessOf(request).patientId) }),
  );

  // Care-team changes are made by an admin, or by a clinician already on the patient's team.
  const careTeamWriteAccess = { kind: 'patient', resource: 'care_team', action: 'write' } as const;

  app.post(
    '/api/v1/patients/:patientId/care-team',
    {
      config: { access: careTeamWriteAccess },
      schema: { tags: ['care team'], summary: 'Assign a clinician or coach', params: patientParams, body: careTeamAssignRequest, response: { 200: careTeamResponse } },
    },
    async (request) => {
      const uc = useCaseOf(request);
      await assignCareTeamMember(uc, { patientId: request.params.patientId, ...request.body });
      return { members: await listCareTeam(uc, request.params.patientId) };
    },
  );

  app.delete(
    '/api/v1/patients/:patientId/care-team/:userId',
    {
      config: { access: careTeamWriteAccess },
      schema: { tags: ['care team'], summary: 'Unassign a clinician or coach (optional reason, audited)', params: z.strictObject({ patientId: uuid, userId: uuid }), body: changeReasonRequest, response: { 200: careTeamResponse } },
    },
    async (request) => {
      const uc = useCaseOf(request);
      await unassignCareTeamMember(uc, { ...request.params, reason: request.body?.reason });
      return { members: await listCareTeam(uc, request.params.patientId) };
    },
  );

  app.get(
    '/api/v1/patients/:patientId/sitters',
    {
      config: { access: { kind: 'patient', resource: 'sitters', action: 'read' } },
      schema: { tags: ['care team'], summary: "The patient's sitters", params: patientParams, response: { 200: sitterList } },
    },
    async (request) => ({ items: await listSitters(useCaseOf(request), patientAccessOf(request).patientId) }),
  );

  app.post(
    '/api/v1/patients/:patientId/sitters',
    {
      config: { access: { kind: 'patient', resource: 'sitters', action: 'write' } },
      schema: { tags: ['care team'], summary: 'Invite an adult sitter by email', params: patientParams, body: sitterInviteRequest, response: { 201: sitterList } },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const patientId = patientAccessOf(request).patientId;
      await inviteSitter(uc, { patientId, email: request.body.email, name: request.body.name, relationship: request.body.relationship });
      return reply.code(201).send({ items: await listSitters(uc, patientId) });
    },
  );

  app.delete(
    '/api/v1/patients/:patientId/sitters/:id',
    {
      config: { access: { kind: 'patient', resource: 'sitters', action: 'write' } },
      schema: { tags: ['care team'], summary: 'Remove a sitter: their access ends at once', params: z.strictObject({ patientId: uuid, id: uuid }), response: { 200: sitterList } },
    },
    async (request) => {
      const uc = useCaseOf(request);
      const patientId = patientAccessOf(request).patientId;
      await removeSitter(uc, { patientId, assignmentId: request.params.id });
      return { items: await listSitters(uc, patientId) };
    },
  );

  app.post(
    '/api/v1/patients/:patientId/sitters/:id/approve',
    {
      config: { access: { kind: 'patient', resource: 'sitters', action: 'decide' } },
      schema: {
        tags: ['care team'],
        summary: 'Approve a sitter the patient invited (a clinician on the care team): their access starts now',
        params: z.strictObject({ patientId: uuid, id: uuid }),
        response: { 200: sitterList },
      },
    },
    async (request) => {
      const uc = useCaseOf(request);
      const patientId = patientAccessOf(request).patientId;
      await approveSitter(uc, { patientId, assignmentId: request.params.id });
      return { items: await listSitters(uc, patientId) };
    },
  );

  app.post(
    '/api/v1/sitter-invitations/accept',
    {
      config: { access: { kind: 'public' } },
      schema: {
        tags: ['care team'],
        summary: 'Accept a sitter invitation (new account with a password, or signed in as the invited sitter)',
        body: sitterAcceptRequest,
        response: { 200: z.object({ patientId: uuid, createdAccount: z.boolean() }) },
      },
    },
    async (request) => {
      const result = await acceptSitterInvitation(useCaseOf(request), { ...request.body, signedInUserId: request.actor?.userId ?? null });
      return { patientId: result.patientId, createdAccount: result.createdAccount };
    },
  );

  app.get(
    '/api/v1/sitter/patients',
    {
      config: { access: { kind: 'signed-in', roles: ['sitter'] }, auditPatientsShown: 'sitter_patients.list' },
      schema: {
        tags: ['care team'],
        summary: 'The patients the signed-in sitter is assigned to',
        response: { 200: z.object({ items: z.array(z.object({ patientId: uuid, name: z.string(), since: z.string() })) }) },
      },
    },
    async (request) => {
      const { deps } = useCaseOf(request);
      const rows = await deps.database.db
        .selectFrom('sitter_assignments as s')
        .innerJoin('patients as p', 'p.id', 's.patient_id')
        .select(['p.id', 'p.name', 's.accepted_at'])
        .where('s.sitter_user_id', '=', actorOf(request).userId)
        .where('s.status', '=', 'active')
        .execute();
      return { items: rows.map((r) => ({ patientId: r.id, name: r.name, since: iso(r.accepted_at ?? new Date(0)) })) };
    },
  );
}
