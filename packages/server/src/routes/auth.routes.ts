import { z } from 'zod';
import {
  acceptInvitationRequest,
  loginRequest,
  loginResponse,
  mfaEnrollResponse,
  mfaVerifyRequest,
  mfaVerifyResponse,
  passwordResetComplete,
  passwordResetRequest,
  signupAccepted,
  signupConfirmRequest,
  signupRequest,
  signupResponse,
  updateMeRequest,
  userSchema,
  type User,
} from '@keel/contract';
import type { KeelApp } from '../app.ts';
import { createSession, idleMinutesFor, isStaff } from '../auth/session.service.ts';
import { staffMfaRequired } from '../config.ts';
import { writeAudit } from '../audit/audit-log.ts';
import { inTransaction, type Db } from '../db/transaction.ts';
import { actorOf, clearSessionCookie, iso, setSessionCookie, useCaseOf } from '../http/route-helpers.ts';
import { acceptInvitation, completePasswordReset, confirmSignup, requestPasswordReset, requestSignup } from '../use-cases/identity/accounts.ts';
import { login, logout } from '../use-cases/identity/login.ts';
import { enrollMfa, verifyMfa } from '../use-cases/identity/mfa.ts';

const tags = ['identity'];

export async function loadUser(db: Db, userId: string, sessionMfaVerified: boolean, config: Parameters<typeof idleMinutesFor>[1]): Promise<User> {
  const row = await db
    .selectFrom('users as u')
    .leftJoin('patients as p', 'p.user_id', 'u.id')
    .select(['u.id', 'u.email', 'u.name', 'u.role', 'u.mfa_enabled', 'u.is_demo', 'u.phone', 'p.id as patientId'])
    .where('u.id', '=', userId)
    .executeTakeFirstOrThrow();
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    ...(row.patientId ? { patientId: row.patientId } : {}),
    mfaEnabled: row.mfa_enabled,
    mfaVerified: sessionMfaVerified,
    idleTimeoutMinutes: idleMinutesFor(row.role, config),
    isDemo: row.is_demo,
    phone: row.phone,
  };
}

export function authRoutes(app: KeelApp): void {
  app.post(
    '/api/v1/auth/signup',
    {
      config: { access: { kind: 'public' } },
      schema: {
        tags,
        summary: 'Patient self-signup, step one: a confirmation link by email (the same answer whether or not the email has an account)',
        body: signupRequest,
        response: { 202: signupAccepted },
      },
    },
    async (request, reply) => {
      const { expiresInHours } = await requestSignup(useCaseOf(request), request.body);
      return reply.code(202).send({ status: 'confirmation_sent' as const, email: request.body.email, expiresInHours });
    },
  );

  app.post(
    '/api/v1/auth/signup/confirm',
    {
      config: { access: { kind: 'public' } },
      schema: {
        tags,
        summary: 'Patient self-signup, step two: the emailed link creates the account and signs in',
        body: signupConfirmRequest,
        response: { 201: signupResponse },
      },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const { userId } = await confirmSignup(uc, request.body.token);
      const session = await createSession(uc.deps.database.db, {
        userId,
        role: 'patient',
        mfaVerified: true,
        clientAddress: uc.ctx.clientAddress,
        now: uc.ctx.now,
        config: uc.deps.config,
      });
      setSessionCookie(request, reply, session.token, session.expiresAt);
      const user = await loadUser(uc.deps.database.db, userId, true, uc.deps.config);
      return reply.code(201).send({ user, token: session.token, expiresAt: iso(session.expiresAt) });
    },
  );

  app.post(
    '/api/v1/auth/login',
    {
      config: { access: { kind: 'public' } },
      schema: { tags, summary: 'Sign in', body: loginRequest, response: { 200: loginResponse } },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const result = await login(uc, request.body);
      setSessionCookie(request, reply, result.token, result.expiresAt);
      const user = await loadUser(uc.deps.database.db, result.userId, result.mfaVerified, uc.deps.config);
      return { token: result.token, expiresAt: iso(result.expiresAt), user };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { access: { kind: 'signed-in', allowBeforeMfa: true } },
      schema: { tags, summary: 'Sign out: the token and cookie stop working' },
    },
    async (request, reply) => {
      await logout(useCaseOf(request), actorOf(request).sessionId);
      clearSessionCookie(request, reply);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/auth/session',
    {
      // The app's start-up question, answered without an error when nobody is signed in: a first visit then makes
      // no failing request (the console stays clean). Signed in: the same user as /me.
      config: { access: { kind: 'public' } },
      schema: {
        tags,
        summary: 'Who is signed in on this browser, or null',
        response: { 200: z.object({ user: userSchema.extend({ mfaRequired: z.boolean() }).nullable() }) },
      },
    },
    async (request) => {
      const actor = request.actor;
      if (!actor) return { user: null };
      const { deps } = useCaseOf(request);
      const user = await loadUser(deps.database.db, actor.userId, actor.mfaVerified, deps.config);
      return { user: { ...user, mfaRequired: isStaff(actor.role) && staffMfaRequired(deps.config) } };
    },
  );

  app.get(
    '/api/v1/me',
    {
      config: { access: { kind: 'signed-in', allowBeforeMfa: true } },
      schema: {
        tags,
        summary: 'The signed-in user',
        response: { 200: userSchema.extend({ mfaRequired: z.boolean() }) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const { deps } = useCaseOf(request);
      const user = await loadUser(deps.database.db, actor.userId, actor.mfaVerified, deps.config);
      return { ...user, mfaRequired: isStaff(actor.role) && staffMfaRequired(deps.config) };
    },
  );

  app.patch(
    '/api/v1/me',
    {
      config: { access: { kind: 'signed-in' } },
      schema: {
        tags,
        summary: "Change the signed-in user's own details: their phone number (E.164, or null to remove it)",
        body: updateMeRequest,
        response: { 200: userSchema.extend({ mfaRequired: z.boolean() }) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const { deps, ctx } = useCaseOf(request);
      await inTransaction(deps.database.db, async (tx) => {
        await tx.updateTable('users').set({ phone: request.body.phone, updated_at: ctx.now }).where('id', '=', actor.userId).execute();
        await writeAudit(tx, ctx, { action: 'account.update', resourceType: 'account', resourceId: actor.userId, patientId: actor.patientId ?? null, outcome: 'success', detail: { fields: ['phone'] } });
      });
      const user = await loadUser(deps.database.db, actor.userId, actor.mfaVerified, deps.config);
      return { ...user, mfaRequired: isStaff(actor.role) && staffMfaRequired(deps.config) };
    },
  );

  app.post(
    '/api/v1/auth/mfa/enroll',
    {
      config: { access: { kind: 'signed-in', allowBeforeMfa: true } },
      schema: { tags, summary: 'Start TOTP enrolment', response: { 200: mfaEnrollResponse } },
    },
    async (request) => enrollMfa(useCaseOf(request), actorOf(request).userId),
  );

  app.post(
    '/api/v1/auth/mfa/verify',
    {
      config: { access: { kind: 'signed-in', allowBeforeMfa: true } },
      schema: { tags, summary: 'Confirm a TOTP code', body: mfaVerifyRequest, response: { 200: mfaVerifyResponse } },
    },
    async (request) => {
      const actor = actorOf(request);
      const result = await verifyMfa(useCaseOf(request), { userId: actor.userId, sessionId: actor.sessionId, code: request.body.code });
      return { mfaEnabled: true as const, ...result };
    },
  );

  app.post(
    '/api/v1/auth/invitations/accept',
    {
      config: { access: { kind: 'public' } },
      schema: { tags, summary: 'Set a password from an invitation link', body: acceptInvitationRequest },
    },
    async (request, reply) => {
      await acceptInvitation(useCaseOf(request), request.body);
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/v1/auth/password-reset',
    {
      config: { access: { kind: 'public' } },
      schema: { tags, summary: 'Email a password reset link (the same answer whether or not the account exists)', body: passwordResetRequest },
    },
    async (request, reply) => {
      await requestPasswordReset(useCaseOf(request), request.body.email);
      return reply.code(202).send();
    },
  );

  app.post(
    '/api/v1/auth/password-reset/complete',
    {
      config: { access: { kind: 'public' } },
      schema: { tags, summary: 'Choose a new password from a reset link', body: passwordResetComplete },
    },
    async (request, reply) => {
      await completePasswordReset(useCaseOf(request), request.body);
      return reply.code(204).send();
    },
  );
}
