import { canonicalJson } from '@keel/domain';
import { writeAudit } from '../../audit/audit-log.ts';
import { verifyPassword } from '../../auth/passwords.ts';
import { hitRateLimit, peekRateLimit, rateLimits } from '../../auth/rate-limit.ts';
import { sha256Hex } from '../../auth/tokens.ts';
import { inTransaction, type Db, type Tx } from '../../db/transaction.ts';
import { AppError } from '../../http/problem.ts';
import type { UseCase } from '../deps.ts';

export type SignatureMeaning = 'approved' | 'declined' | 'requested_information' | 'consented' | 'prescribed' | 'discharged' | 'attested';

export interface SignatureRecord {
  id: string;
  signerId: string;
  printedName: string;
  meaning: string;
  signedAt: string;
  recordType: string;
  recordId: string;
  recordSha256: string;
}

/** The hash a signature binds to: SHA-256 of the record's canonical JSON (sorted keys, no whitespace). */
export function recordDigest(record: unknown): string {
  return sha256Hex(canonicalJson(record));
}

const wrongPassword = () =>
  new AppError('VALIDATION_FAILED', 'Your password is needed to sign, and it did not match.', [
    { field: 'signature.password', message: 'does not match your account password' },
  ]);

/**
 * An electronic signature (21 CFR 11 style): the signer re-enters their password; the signature stores the
 * printed name, time, meaning, and the hash of the exact record version signed. Runs inside the caller's
 * transaction, so the record and its signature commit together.
 */
export async function signRecord(
  tx: Db,
  { ctx }: UseCase,
  input: { signerId: string; password: string; meaning: SignatureMeaning; recordType: string; recordId: string; record: unknown; patientId?: string | null },
): Promise<SignatureRecord> {
  // Everything here runs on the caller's transaction (never the root handle: the embedded database has a single
  // connection). The password is checked again so a signature can never be made without it.
  const signer = await tx.selectFrom('users').select(['name', 'password_hash']).where('id', '=', input.signerId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(signer.password_hash, input.password))) throw wrongPassword();
  const signature: SignatureRecord = {
    id: crypto.randomUUID(),
    signerId: input.signerId,
    printedName: signer.name,
    meaning: input.meaning,
    signedAt: ctx.now.toISOString(),
    recordType: input.recordType,
    recordId: input.recordId,
    recordSha256: recordDigest(input.record),
  };
  await tx
    .insertInto('signatures')
    .values({
      id: signature.id,
      signer_id: signature.signerId,
      printed_name: signature.printedName,
      meaning: signature.meaning,
      signed_at: ctx.now,
      record_type: signature.recordType,
      record_id: signature.recordId,
      record_sha256: signature.recordSha256,
    })
    .execute();
  await writeAudit(tx, ctx, {
    action: 'signature.sign',
    resourceType: input.recordType,
    resourceId: input.recordId,
    patientId: input.patientId ?? null,
    outcome: 'success',
    detail: { meaning: input.meaning, signatureId: signature.id },
  });
  return signature;
}

/** A signature verifies only against the exact record it was made on. */
export function verifySignature(signature: Pick<SignatureRecord, 'recordSha256'>, record: unknown): boolean {
  return recordDigest(record) === signature.recordSha256;
}

export async function loadSignature(db: Db, signatureId: string): Promise<SignatureRecord | undefined> {
  const row = await db.selectFrom('signatures').selectAll().where('id', '=', signatureId).executeTakeFirst();
  return row
    ? {
        id: row.id,
        signerId: row.signer_id,
        printedName: row.printed_name,
        meaning: row.meaning,
        signedAt: new Date(row.signed_at).toISOString(),
        recordType: row.record_type,
        recordId: row.record_id,
        recordSha256: row.record_sha256,
      }
    : undefined;
}

export type SignInput = Parameters<typeof signRecord>[2];
export type Signer = (input: SignInput) => Promise<SignatureRecord>;

const isPasswordMismatch = (error: unknown): boolean =>
  error instanceof AppError && error.code === 'VALIDATION_FAILED' && (error.errors ?? []).some((e) => e.field === 'signature.password');

/**
 * Runs `work` in one transaction with a signer bound to it, so a record and its signature commit together.
 *
 * Wrong passwords are rate-limited per signer. The limit is checked before the transaction opens, and a failed
 * attempt is counted and audited after it has rolled back, on the root handle: inside the transaction those
 * writes would be undone, and on the embedded database (one connection) a root-handle query made while the
 * transaction holds the connection would wait for ever.
 */
export async function inSigningTransaction<T>(
  uc: UseCase,
  attempt: { signerId: string; recordType: string; recordId: string; patientId: string | null },
  work: (tx: Tx, sign: Signer) => Promise<T>,
): Promise<T> {
  const { deps, ctx } = uc;
  const key = `sign:acct:${attempt.signerId}`;
  const limit = await peekRateLimit(deps.database.db, key, rateLimits.signatureAccount, ctx.now);
  if (!limit.allowed) {
    throw new AppError('RATE_LIMITED', 'Too many wrong signature passwords. Wait a few minutes.', undefined, { retryAfterSeconds: limit.retryAfterSeconds });
  }
  try {
    return await inTransaction(deps.database.db, (tx) => {
      const scoped: UseCase = { deps: { ...deps, database: { ...deps.database, db: tx } }, ctx };
      return work(tx, (input) => signRecord(tx, scoped, input));
    });
  } catch (error) {
    if (isPasswordMismatch(error)) {
      await hitRateLimit(deps.database.db, key, rateLimits.signatureAccount, ctx.now);
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
