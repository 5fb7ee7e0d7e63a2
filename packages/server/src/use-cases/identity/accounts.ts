import type { Role } from '@keel/domain';
import { writeAudit } from '../../audit/audit-log.ts';
import { hashPassword, passwordProblems } from '../../auth/passwords.ts';
import { hitRateLimit, rateLimits } from '../../auth/rate-limit.ts';
import { revokeAllSessions } from '../../auth/session.service.ts';
import { newSecret, sha256Hex } from '../../auth/tokens.ts';
import { inTransaction, type Db } from '../../db/transaction.ts';
import { AppError, notFound, validationFailed } from '../../http/problem.ts';
import { publicBaseUrl, type UseCase } from '../deps.ts';

const invitationDays = 7;
const resetMinutes = 60;

export function assertPasswordAcceptable(password: string, context: { email?: string; name?: string }): void {
  const problems = passwordProblems(password, context);
  if (problems.length > 0) {
    throw validationFailed(problems.map((message) => ({ field: 'password', message })));
  }
}

async function emailTaken(db: Db, email: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase())).executeTakeFirst();
  return row !== undefined;
}

export interface SignupInput {
  email: string;
  password: string;
  name: string;
  dateOfBirth: string;
  state: string;
}

const signupConfirmHours = 24;

/**
 * Patient self-signup, step one. The answer is the same whether or not the email already has an account, so the form
 * cannot be used to learn who is a patient here: the password is hashed either way, and the next step is in the
 * email — a confirmation link for a new address, a "you already have an account" note (sign in or reset) for a
 * registered one. Nothing is created until the link is followed (`confirmSignup`).
 */
export async function requestSignup({ deps, ctx }: UseCase, input: SignupInput): Promise<{ expiresInHours: number }> {
  const db = deps.database.db;
  const limit = await hitRateLimit(db, `signup:addr:${ctx.clientAddress}`, rateLimits.signupAddress, ctx.now);
  if (!limit.allowed) {
    throw new AppError('RATE_LIMITED', 'Too many sign-ups from this address. Try again later.', undefined, {
      retryAfterSeconds: limit.retryAfterSeconds,
    });
  }
  if (input.dateOfBirth > ctx.now.toISOString().slice(0, 10)) {
    throw validationFailed([{ field: 'dateOfBirth', message: 'must not be in the future' }]);
  }
  assertPasswordAcceptable(input.password, input);
  // Per address as well as per client: one mailbox is not flooded, and the answer stays the same for every email.
  const byEmail = await hitRateLimit(db, `signup:email:${input.email.toLowerCase()}`, rateLimits.signupEmail, ctx.now);
  const passwordHash = await hashPassword(input.password);
  const taken = await emailTaken(db, input.email);
  const base = publicBaseUrl(deps);
  await inTransaction(db, async (tx) => {
    if (!byEmail.allowed) {
      // Still the same answer; the mailbox just gets nothing more this hour.
    } else if (taken) {
      await deps.notifier.enqueue(
        tx,
        {
          cause: `signup_existing:${crypto.randomUUID()}`,
          channel: 'email',
          recipient: input.email,
          subject: 'You already have a Keel account',
          body: `Someone (perhaps you) tried to create a Keel account with this email address, which already has one.\nSign in at ${base}/ or, if you have forgotten your password, reset it at ${base}/forgot-password.\nIf it was not you, you can ignore this message: nothing was changed.\n`,
        },
        ctx.now,
      );
    } else {
      const token = newSecret();
      const id = crypto.randomUUID();
      await tx
        .insertInto('signup_requests')
        .values({
          id,
          email: input.email,
          name: input.name,
          date_of_birth: input.dateOfBirth,
          state: input.state,
          password_hash: passwordHash,
          token_hash: sha256Hex(token),
          created_at: ctx.now,
          expires_at: new Date(ctx.now.getTime() + signupConfirmHours * 3_600_000),
          used_at: null,
        })
        .execute();
      await deps.notifier.enqueue(
        tx,
        {
          cause: `signup_confirm:${id}`,
          channel: 'email',
          recipient: input.email,
          subject: 'Confirm your email to create your Keel account',
          body: `Welcome to Keel. To create your account and start your intake, open this link within ${signupConfirmHours} hours:\n${base}/signup/confirm#token=${token}\nIf you did not ask for an account, ignore this message and nothing will be created.\n`,
        },
        ctx.now,
      );
    }
    await writeAudit(tx, { ...ctx, actorId: null }, {
      action: 'account.signup_requested',
      resourceType: 'account',
      resourceId: null,
      outcome: taken || !byEmail.allowed ? 'failure' : 'success',
    });
  });
  return { expiresInHours: signupConfirmHours };
}

/**
 * Patient self-signup, step two: the link from the email creates the account (with the password chosen in step
 * one), a patient record with an empty intake, and — in the route — a signed-in session. The link works once.
 */
export async function confirmSignup({ deps, ctx }: UseCase, token: string): Promise<{ userId: string; patientId: string }> {
  return inTransaction(deps.database.db, async (tx) => {
    const request = await tx.selectFrom('signup_requests').selectAll().where('token_hash', '=', sha256Hex(token)).forUpdate().executeTakeFirst();
    if (!request || request.used_at !== null || new Date(request.expires_at).getTime() <= ctx.now.getTime()) {
      throw new AppError('NOT_FOUND', 'This sign-up link is not valid: it may have expired or been used. Sign up again to get a new one.');
    }
    await tx.updateTable('signup_requests').set({ used_at: ctx.now }).where('id', '=', request.id).execute();
    if (await emailTaken(tx, request.email)) {
      // Two pending requests for one address, and the other was confirmed first: this mailbox's owner has an account.
      throw new AppError('CONFLICT', 'This email address already has a Keel account. Sign in, or reset your password.');
    }
    const userId = crypto.randomUUID();
    const patientId = crypto.randomUUID();
    await tx
      .insertInto('users')
      .values({ id: userId, email: request.email, name: request.name, role: 'patient', password_hash: request.password_hash, mfa_secret: null, mfa_last_step: null, dea_registration: null, deactivated_at: null })
      .execute();
    await tx
      .insertInto('patients')
      .values({ id: patientId, user_id: userId, name: request.name, date_of_birth: request.date_of_birth, state: request.state, sex_at_birth: null, address: null })
      .execute();
    await writeAudit(tx, { ...ctx, actorId: userId, actorRole: 'patient' }, {
      action: 'account.signup',
      resourceType: 'account',
      resourceId: userId,
      patientId,
      outcome: 'success',
    });
    return { userId, patientId };
  });
}

async function issueAccountToken(
  tx: Db,
  input: { userId: string; purpose: 'invitation' | 'password_reset'; now: Date; minutes: number; createdBy: string | null },
): Promise<{ token: string; tokenId: string; expiresAt: Date }> {
  const token = newSecret();
  const tokenId = crypto.randomUUID();
  const expiresAt = new Date(input.now.getTime() + input.minutes * 60_000);
  // Earlier unused links of the same purpose stop working: only the newest link is live.
  await tx
    .updateTable('account_tokens')
    .set({ used_at: input.now })
    .where('user_id', '=', input.userId)
    .where('purpose', '=', input.purpose)
    .where('used_at', 'is', null)
    .execute();
  await tx
    .insertInto('account_tokens')
    .values({ id: tokenId, user_id: input.userId, purpose: input.purpose, token_hash: sha256Hex(token), created_at: input.now, expires_at: expiresAt, used_at: null, created_by: input.createdBy })
    .execute();
  return { token, tokenId, expiresAt };
}

export interface CreateUserInput {
  email: string;
  name: string;
  role: Exclude<Role, 'patient'>;
  stateLicenses?: string[] | undefined;
  deaRegistration?: string | undefined;
}

/** An admin (or the CLI) creates a staff or sitter account; the person sets their password from the invitation. */
export async function createInvitedUser(
  { deps, ctx }: UseCase,
  input: CreateUserInput,
): Promise<{ userId: string; invitationUrl: string; expiresAt: Date }> {
  const db = deps.database.db;
  if (await emailTaken(db, input.email)) throw new AppError('CONFLICT', 'An account with this email already exists.');
  const userId = crypto.randomUUID();
  return inTransaction(db, async (tx) => {
    await tx
      .insertInto('users')
      .values({
        id: userId,
        email: input.email,
        name: input.name,
        role: input.role,
        status: 'invited',
        password_hash: null,
        mfa_secret: null,
        mfa_last_step: null,
        state_licenses: input.stateLicenses ?? [],
        dea_registration: input.deaRegistration ?? null,
        deactivated_at: null,
      })
      .execute();
    const invite = await issueAccountToken(tx, { userId, purpose: 'invitation', now: ctx.now, minutes: invitationDays * 24 * 60, createdBy: ctx.actorId });
    const invitationUrl = `${publicBaseUrl(deps)}/accept-invitation#token=${invite.token}`;
    await deps.notifier.enqueue(
      tx,
      {
        cause: `invitation:${invite.tokenId}`,
        channel: 'email',
        recipient: input.email,
        subject: 'You have been invited to Keel',
        body: `You have been given a Keel account. Set your password within ${invitationDays} days here:\n${invitationUrl}\n`,
      },
      ctx.now,
    );
    await writeAudit(tx, ctx, {
      action: 'account.create',
      resourceType: 'account',
      resourceId: userId,
      outcome: 'success',
      detail: { role: input.role },
    });
    return { userId, invitationUrl, expiresAt: invite.expiresAt };
  });
}

async function consumeToken(tx: Db, token: string, purpose: 'invitation' | 'password_reset', now: Date) {
  const row = await tx
    .selectFrom('account_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select(['t.id', 't.user_id', 't.expires_at', 't.used_at', 'u.email', 'u.name', 'u.status', 'u.role'])
    .where('t.token_hash', '=', sha256Hex(token))
    .where('t.purpose', '=', purpose)
    .forUpdate()
    .executeTakeFirst();
  if (!row || row.used_at !== null || new Date(row.expires_at).getTime() <= now.getTime() || row.status === 'deactivated') {
    return null;
  }
  await tx.updateTable('account_tokens').set({ used_at: now }).where('id', '=', row.id).execute();
  return row;
}

/** Sets the password from an invitation link. The link works once and expires. */
export async function acceptInvitation({ deps, ctx }: UseCase, input: { token: string; password: string }): Promise<{ userId: string }> {
  return inTransaction(deps.database.db, async (tx) => {
    const row = await consumeToken(tx, input.token, 'invitation', ctx.now);
    if (!row) throw new AppError('NOT_FOUND', 'This invitation link is not valid: it may have expired or been used.');
    assertPasswordAcceptable(input.password, { email: row.email, name: row.name });
    await tx
      .updateTable('users')
      .set({ password_hash: await hashPassword(input.password), status: 'active', updated_at: ctx.now })
      .where('id', '=', row.user_id)
      .execute();
    await writeAudit(tx, { ...ctx, actorId: row.user_id, actorRole: row.role }, {
      action: 'account.invitation_accepted',
      resourceType: 'account',
      resourceId: row.user_id,
      outcome: 'success',
    });
    return { userId: row.user_id };
  });
}

/**
 * Always answers the same way whether or not the email has an account, so the form cannot be used to find
 * accounts; the link goes out only when there is one.
 */
export async function requestPasswordReset({ deps, ctx }: UseCase, email: string): Promise<void> {
  const db = deps.database.db;
  const byAddress = await hitRateLimit(db, `reset:addr:${ctx.clientAddress}`, rateLimits.resetAddress, ctx.now);
  const byAccount = await hitRateLimit(db, `reset:acct:${email.toLowerCase()}`, rateLimits.resetAccount, ctx.now);
  if (!byAddress.allowed || !byAccount.allowed) {
    throw new AppError('RATE_LIMITED', 'Too many reset requests. Try again later.', undefined, {
      retryAfterSeconds: Math.max(byAddress.retryAfterSeconds, byAccount.retryAfterSeconds),
    });
  }
  const user = await db
    .selectFrom('users')
    .select(['id', 'email', 'status'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .executeTakeFirst();
  await inTransaction(db, async (tx) => {
    if (user && user.status === 'active') {
      const reset = await issueAccountToken(tx, { userId: user.id, purpose: 'password_reset', now: ctx.now, minutes: resetMinutes, createdBy: null });
      const url = `${publicBaseUrl(deps)}/reset-password#token=${reset.token}`;
      await deps.notifier.enqueue(
        tx,
        {
          cause: `password_reset:${reset.tokenId}`,
          channel: 'email',
          recipient: user.email,
          subject: 'Reset your Keel password',
          body: `Someone asked to reset your Keel password. If it was you, choose a new one within ${resetMinutes} minutes:\n${url}\nIf it was not you, ignore this message.\n`,
        },
        ctx.now,
      );
    }
    await writeAudit(tx, { ...ctx, actorId: user?.id ?? null }, {
      action: 'account.password_reset_requested',
      resourceType: 'account',
      resourceId: user?.id ?? null,
      outcome: user ? 'success' : 'failure',
    });
  });
}

/** A new password from a reset link; every existing session of the account ends. */
export async function completePasswordReset({ deps, ctx }: UseCase, input: { token: string; password: string }): Promise<void> {
  await inTransaction(deps.database.db, async (tx) => {
    const row = await consumeToken(tx, input.token, 'password_reset', ctx.now);
    if (!row) throw new AppError('NOT_FOUND', 'This reset link is not valid: it may have expired or been used.');
    assertPasswordAcceptable(input.password, { email: row.email, name: row.name });
    await tx.updateTable('users').set({ password_hash: await hashPassword(input.password), updated_at: ctx.now }).where('id', '=', row.user_id).execute();
    await revokeAllSessions(tx, row.user_id, ctx.now);
    await writeAudit(tx, { ...ctx, actorId: row.user_id, actorRole: row.role }, {
      action: 'account.password_reset',
      resourceType: 'account',
      resourceId: row.user_id,
      outcome: 'success',
    });
  });
}

/** Deactivation ends every session of the account at once and keeps the record. */
export async function setAccountStatus({ deps, ctx }: UseCase, userId: string, active: boolean, reason?: string): Promise<void> {
  await inTransaction(deps.database.db, async (tx) => {
    const user = await tx.selectFrom('users').select(['id', 'status', 'password_hash']).where('id', '=', userId).forUpdate().executeTakeFirst();
    if (!user) throw notFound('account');
    if (userId === ctx.actorId && !active) throw new AppError('CONFLICT', 'You cannot deactivate your own account.');
    await tx
      .updateTable('users')
      .set({
        status: active ? (user.password_hash ? 'active' : 'invited') : 'deactivated',
        deactivated_at: active ? null : ctx.now,
        updated_at: ctx.now,
      })
      .where('id', '=', userId)
      .execute();
    const ended = active ? 0 : await revokeAllSessions(tx, userId, ctx.now);
    await writeAudit(tx, ctx, {
      action: active ? 'account.reactivate' : 'account.deactivate',
      resourceType: 'account',
      resourceId: userId,
      outcome: 'success',
      detail: { sessionsEnded: ended, ...(reason ? { reason } : {}) },
    });
  });
}
