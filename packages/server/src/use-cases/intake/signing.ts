import { writeAudit } from '../../audit/audit-log.ts';
import { hitRateLimit, rateLimits } from '../../auth/rate-limit.ts';
import { inTransaction, type Tx } from '../../db/transaction.ts';
import { AppError } from '../../http/problem.ts';
import type { UseCase } from '../deps.ts';
import { signRecord, type SignatureRecord } from '../identity/signatures.ts';

export type SignInput = Parameters<typeof signRecord>[2];
export type Signer = (input: SignInput) => Promise<SignatureRecord>;

const isPasswordMismatch = (error: unknown): boolean =>
  error instanceof AppError && error.code === 'VALIDATION_FAILED' && (error.errors ?? []).some((e) => e.field === 'signature.password');

/**
 * Runs `work` in one transaction with a signer bound to it, so a record and its signature commit together.
 *
 * Why not call `signRecord(tx, uc, …)` directly: it counts the attempt against the rate limit and audits a wrong
 * password on the pool, outside the caller's transaction, so those survive the rollback. PGlite runs one
 * transaction at a time, so a pool query made while our transaction holds the only connection waits forever.
 * Here the signer runs entirely inside the transaction; when the password is wrong (and the transaction rolls
 * back), the attempt is counted and audited again on the pool, after the rollback — the same effect on both
 * engines, with no deadlock.
 */
export async function inSigningTransaction<T>(
  uc: UseCase,
  attempt: { signerId: string; recordType: string; recordId: string; patientId: string },
  work: (tx: Tx, sign: Signer) => Promise<T>,
): Promise<T> {
  const { deps, ctx } = uc;
  try {
    return await inTransaction(deps.database.db, (tx) => {
      const scoped: UseCase = { deps: { ...deps, database: { ...deps.database, db: tx } }, ctx };
      return work(tx, (input) => signRecord(tx, scoped, input));
    });
  } catch (error) {
    if (isPasswordMismatch(error)) {
      await hitRateLimit(deps.database.db, `sign:acct:${attempt.signerId}`, rateLimits.signatureAccount, ctx.now);
      await writeAudit(deps.database.db, ctx, {
        action: 'signature.sign',
        resourceType: attempt.recordType,
        resourceId: attempt.recordId,
        patientId: attempt.patientId,
        outcome: 'failure',
        detail: { reason: 'password' },
      });
    }
    throw error;
  }
}
