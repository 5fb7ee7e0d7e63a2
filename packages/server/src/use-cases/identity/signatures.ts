import { canonicalJson } from '@keel/domain';
import { writeAudit } from '../../audit/audit-log.ts';
import { verifyPassword } from '../../auth/passwords.ts';
import { hitRateLimit, rateLimits } from '../../auth/rate-limit.ts';
import { sha256Hex } from '../../auth/tokens.ts';
import type { Db } from '../../db/transaction.ts';
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

/**
 * Checks the signer's password before the signing transaction opens: the attempt is rate-limited and a failure is
 * audited outside that transaction, so neither is undone when it rolls back. Call it first, then `signRecord`.
 */
export async function assertSignerPassword({ deps, ctx }: UseCase, input: { signerId: string; password: string; recordType: string; patientId?: string | null }): Promise<void> {
  const db = deps.database.db;
  const limit = await hitRateLimit(db, `sign:acct:${input.signerId}`, rateLimits.signatureAccount, ctx.now);
  if (!limit.allowed) throw new AppError('RATE_LIMITED', 'Too many signature attempts. Wait a few minutes.', undefined, { retryAfterSeconds: limit.retryAfterSeconds });
  const signer = await db.selectFrom('users').select('password_hash').where('id', '=', input.signerId).executeTakeFirst();
  if (!(await verifyPassword(signer?.password_hash, input.password))) {
    await writeAudit(db, ctx, { action: 'signature.sign', resourceType: input.recordType, patientId: input.patientId ?? null, outcome: 'failure', detail: { reason: 'password' } });
    throw wrongPassword();
  }
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
