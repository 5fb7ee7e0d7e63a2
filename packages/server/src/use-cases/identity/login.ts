import { sql } from 'kysely';
import { writeAudit } from '../../audit/audit-log.ts';
import { verifyPassword } from '../../auth/passwords.ts';
import { clearRateLimit, hitRateLimit, peekRateLimit, pendingDelay, rateLimits, signInDelays } from '../../auth/rate-limit.ts';
import { createSession, isStaff, revokeSession } from '../../auth/session.service.ts';
import { checkTotp, recoveryCodeHash } from '../../auth/totp.ts';
import { staffMfaRequired } from '../../config.ts';
import { inTransaction, type Db } from '../../db/transaction.ts';
import { AppError } from '../../http/problem.ts';
import type { UseCase } from '../deps.ts';

const invalidCredentials = () =>
  new AppError('UNAUTHENTICATED', 'The email or password is not right, or the account is not active.');

export interface LoginInput {
  email: string;
  password: string;
  totp?: string | undefined;
  recoveryCode?: string | undefined;
}

/**
 * Checks a second factor and burns it: a TOTP code's time step must be later than the last one accepted, and a
 * recovery code is marked used. Both updates are conditional, so two racing requests cannot both use one code.
 */
export async function consumeSecondFactor(
  tx: Db,
  user: { id: string; mfa_secret: string | null; mfa_last_step: number | null },
  input: { totp?: string | undefined; recoveryCode?: string | undefined },
  now: Date,
): Promise<boolean> {
  if (input.totp && user.mfa_secret) {
    const check = await checkTotp(user.mfa_secret, input.totp, now, user.mfa_last_step);
    if (!check.valid) return false;
    const updated = await tx
      .updateTable('users')
      .set({ mfa_last_step: check.step })
      .where('id', '=', user.id)
      .where((eb) => eb.or([eb('mfa_last_step', 'is', null), eb('mfa_last_step', '<', check.step)]))
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }
  if (input.recoveryCode) {
    const updated = await tx
      .updateTable('mfa_recovery_codes')
      .set({ used_at: now })
      .where('user_id', '=', user.id)
      .where('code_hash', '=', recoveryCodeHash(input.recoveryCode))
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }
  return false;
}

export async function login(
  { deps, ctx }: UseCase,
  input: LoginInput,
): Promise<{ token: string; expiresAt: Date; userId: string; mfaVerified: boolean }> {
  const db = deps.database.db;
  const email = input.email.toLowerCase();
  // Only failures count (a clinic where thirty people sign in from one address is never stopped), and no limit
  // locks a named account: strangers only slow it down (signInDelays), and the owner's own address is let through.
  const keys = {
    address: `login:fail:addr:${ctx.clientAddress}`,
    pair: `login:fail:pair:${email}:${ctx.clientAddress}`,
    account: `login:fail:acct:${email}`,
  };
  const user = await db
    .selectFrom('users')
    .selectAll()
    .where(sql<boolean>`lower(email) = ${email}`)
    .executeTakeFirst();
  const [byAddress, pairWait, accountWait, knownAddress] = await Promise.all([
    peekRateLimit(db, keys.address, rateLimits.loginAddressFailures, ctx.now),
    pendingDelay(db, keys.pair, signInDelays.accountFromAddress, ctx.now),
    pendingDelay(db, keys.account, signInDelays.account, ctx.now),
    user && ctx.clientAddress
      ? db.selectFrom('auth_sessions').select('id').where('user_id', '=', user.id).where('client_address', '=', ctx.clientAddress).limit(1).executeTakeFirst()
      : Promise.resolve(undefined),
  ]);
  const wait = Math.max(byAddress.allowed ? 0 : byAddress.retryAfterSeconds, pairWait, knownAddress ? 0 : accountWait);
  if (wait > 0) {
    await writeAudit(db, { ...ctx, actorId: user?.id ?? null, actorRole: user?.role ?? null }, {
      action: 'auth.login',
      resourceType: 'session',
      outcome: 'denied',
      detail: { reason: 'rate_limited' },
    });
    throw new AppError('RATE_LIMITED', `Too many failed sign-ins. Wait ${wait} second${wait === 1 ? '' : 's'} and try again.`, undefined, {
      retryAfterSeconds: wait,
    });
  }
  // The password is checked even for an unknown account (against a dummy hash): same answer, same time.
  const passwordOk = await verifyPassword(user?.password_hash, input.password);
  if (!user || !passwordOk || user.status !== 'active') {
    await Promise.all([
      hitRateLimit(db, keys.address, rateLimits.loginAddressFailures, ctx.now),
      hitRateLimit(db, keys.pair, { limit: Number.MAX_SAFE_INTEGER, windowSeconds: signInDelays.accountFromAddress.windowSeconds }, ctx.now),
      hitRateLimit(db, keys.account, { limit: Number.MAX_SAFE_INTEGER, windowSeconds: signInDelays.account.windowSeconds }, ctx.now),
    ]);
    await writeAudit(db, { ...ctx, actorId: user?.id ?? null, actorRole: user?.role ?? null }, {
      action: 'auth.login',
      resourceType: 'session',
      outcome: 'failure',
      detail: { reason: 'invalid_credentials' },
    });
    throw invalidCredentials();
  }
  const mfaRequired = user.mfa_enabled || (isStaff(user.role) && staffMfaRequired(deps.config));
  if (user.mfa_enabled) {
    if (!input.totp && !input.recoveryCode) {
      throw new AppError('MFA_REQUIRED', 'Enter the 6-digit code from your authenticator app.', undefined, { mfaEnrolled: true });
    }
    // Counted outside the transaction below, so a failed code still counts after that transaction rolls back.
    const mfaLimit = await hitRateLimit(db, `mfa:acct:${user.id}`, rateLimits.mfaAccount, ctx.now);
    if (!mfaLimit.allowed) throw new AppError('RATE_LIMITED', 'Too many codes tried. Wait a few minutes.', undefined, { retryAfterSeconds: mfaLimit.retryAfterSeconds });
  }
  const result = await inTransaction(db, async (tx) => {
    if (user.mfa_enabled && !(await consumeSecondFactor(tx, user, input, ctx.now))) return 'invalid_code' as const;
    // Staff who must use MFA but have not enrolled get a session that can only enrol (see access control).
    const sessionMfaVerified = user.mfa_enabled || !mfaRequired;
    const session = await createSession(tx, {
      userId: user.id,
      role: user.role,
      mfaVerified: sessionMfaVerified,
      clientAddress: ctx.clientAddress,
      now: ctx.now,
      config: deps.config,
    });
    await clearRateLimit(tx, keys.pair);
    await clearRateLimit(tx, keys.account);
    if (user.mfa_enabled) await clearRateLimit(tx, `mfa:acct:${user.id}`);
    await writeAudit(tx, { ...ctx, actorId: user.id, actorRole: user.role }, {
      action: 'auth.login',
      resourceType: 'session',
      resourceId: session.sessionId,
      outcome: 'success',
      detail: { mfa: user.mfa_enabled },
    });
    return { token: session.token, expiresAt: session.expiresAt, userId: user.id, mfaVerified: sessionMfaVerified };
  });
  if (result === 'invalid_code') {
    await writeAudit(db, { ...ctx, actorId: user.id, actorRole: user.role }, {
      action: 'auth.mfa',
      resourceType: 'session',
      outcome: 'failure',
      detail: { reason: 'invalid_code' },
    });
    throw new AppError('MFA_REQUIRED', 'That code is not valid or was already used. Enter the current code.', undefined, { mfaEnrolled: true });
  }
  return result;
}

export async function logout({ deps, ctx }: UseCase, sessionId: string): Promise<void> {
  await inTransaction(deps.database.db, async (tx) => {
    await revokeSession(tx, sessionId, ctx.now);
    await writeAudit(tx, ctx, { action: 'auth.logout', resourceType: 'session', resourceId: sessionId, outcome: 'success' });
  });
}
