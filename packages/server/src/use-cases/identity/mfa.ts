import { writeAudit } from '../../audit/audit-log.ts';
import { clearRateLimit, hitRateLimit, rateLimits } from '../../auth/rate-limit.ts';
import { forgetSessions } from '../../auth/session-cache.ts';
import { newRecoveryCodes, newTotpSecret, recoveryCodeHash, totpUri } from '../../auth/totp.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError } from '../../http/problem.ts';
import type { UseCase } from '../deps.ts';
import { consumeSecondFactor } from './login.ts';

/** Starts (or restarts) enrolment: a new secret that becomes active only once a code from it is verified. */
export async function enrollMfa({ deps, ctx }: UseCase, userId: string): Promise<{ secret: string; otpauthUrl: string }> {
  return inTransaction(deps.database.db, async (tx) => {
    const user = await tx.selectFrom('users').select(['email', 'mfa_enabled']).where('id', '=', userId).executeTakeFirstOrThrow();
    if (user.mfa_enabled) throw new AppError('CONFLICT', 'Two-step sign-in is already set up for this account.');
    const secret = newTotpSecret();
    await tx.updateTable('users').set({ mfa_secret: secret, mfa_last_step: null }).where('id', '=', userId).execute();
    await writeAudit(tx, ctx, { action: 'auth.mfa_enroll', resourceType: 'account', resourceId: userId, outcome: 'success' });
    return { secret, otpauthUrl: totpUri(secret, user.email) };
  });
}

/**
 * Confirms a code. The first confirmation turns MFA on and returns one-time recovery codes; the current session
 * counts as verified from then on.
 */
export async function verifyMfa(
  { deps, ctx }: UseCase,
  input: { userId: string; sessionId: string; code: string },
): Promise<{ recoveryCodes?: string[] }> {
  const db = deps.database.db;
  const limit = await hitRateLimit(db, `mfa:acct:${input.userId}`, rateLimits.mfaAccount, ctx.now);
  const byAddress = await hitRateLimit(db, `mfa:addr:${ctx.clientAddress}`, rateLimits.mfaAddress, ctx.now);
  if (!limit.allowed || !byAddress.allowed) {
    throw new AppError('RATE_LIMITED', 'Too many codes tried. Wait a few minutes.', undefined, { retryAfterSeconds: limit.retryAfterSeconds });
  }
  const result = await inTransaction(db, async (tx) => {
    const user = await tx
      .selectFrom('users')
      .select(['id', 'mfa_secret', 'mfa_last_step', 'mfa_enabled'])
      .where('id', '=', input.userId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (!user.mfa_secret) throw new AppError('CONFLICT', 'Start enrolment first.');
    if (!(await consumeSecondFactor(tx, user, { totp: input.code }, ctx.now))) return 'invalid_code' as const;
    await clearRateLimit(tx, `mfa:acct:${input.userId}`);
    forgetSessions({ sessionId: input.sessionId });
    await tx.updateTable('auth_sessions').set({ mfa_verified: true }).where('id', '=', input.sessionId).execute();
    let recoveryCodes: string[] | undefined;
    if (!user.mfa_enabled) {
      recoveryCodes = newRecoveryCodes();
      await tx.updateTable('users').set({ mfa_enabled: true, updated_at: ctx.now }).where('id', '=', input.userId).execute();
      await tx.deleteFrom('mfa_recovery_codes').where('user_id', '=', input.userId).execute();
      await tx
        .insertInto('mfa_recovery_codes')
        .values(recoveryCodes.map((code) => ({ id: crypto.randomUUID(), user_id: input.userId, code_hash: recoveryCodeHash(code), used_at: null })))
        .execute();
    }
    await writeAudit(tx, ctx, { action: 'auth.mfa_verify', resourceType: 'account', resourceId: input.userId, outcome: 'success' });
    return recoveryCodes ? { recoveryCodes } : {};
  });
  // Again after the commit: a request of this session that read it while the transaction ran holds the old state.
  forgetSessions({ sessionId: input.sessionId });
  if (result === 'invalid_code') {
    await writeAudit(db, ctx, { action: 'auth.mfa_verify', resourceType: 'account', resourceId: input.userId, outcome: 'failure' });
    throw new AppError('VALIDATION_FAILED', 'That code is not valid or was already used.', [{ field: 'code', message: 'is not valid' }]);
  }
  return result;
}
