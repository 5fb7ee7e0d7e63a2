import type { Selectable } from 'kysely';
import { writeAudit } from '../../audit/audit-log.ts';
import type { ConsentSignaturesTable } from '../../db/tables/intake.tables.ts';
import type { Db } from '../../db/transaction.ts';
import { AppError } from '../../http/problem.ts';
import type { UseCase } from '../deps.ts';
import { loadSignature, verifySignature } from '../identity/signatures.ts';
import { currentConsent } from './consent-document.ts';
import { inSigningTransaction } from '../identity/signatures.ts';

export type ConsentSignatureRow = Selectable<ConsentSignaturesTable>;

/** What a consent signature is bound to: the patient, the version, and the hash of that version's exact text. */
export function consentRecord(row: Pick<ConsentSignatureRow, 'id' | 'patient_id' | 'version' | 'document_sha256'>) {
  return { type: 'consent', id: row.id, patientId: row.patient_id, version: row.version, documentSha256: row.document_sha256 };
}

/**
 * The patient signs the current consent version (re-entering their password). Signing a version that is not
 * current is refused: the person must have read the text in force now.
 */
export async function signConsent(uc: UseCase, input: { patientId: string; signerId: string; version: number; password: string }) {
  const { ctx } = uc;
  const current = currentConsent();
  if (input.version !== current.version) {
    throw new AppError(
      'CONFLICT',
      `Consent version ${input.version} is not the current version (${current.version}). Read the current version and sign it.`,
      [{ field: 'version', message: `must be the current consent version, ${current.version}` }],
      { currentVersion: current.version },
    );
  }
  const id = crypto.randomUUID();
  return inSigningTransaction(uc, { signerId: input.signerId, recordType: 'consent', recordId: id, patientId: input.patientId }, async (tx, sign) => {
    // One signature per patient and version: concurrent attempts queue on the patient row, the later one sees
    // the first and is refused (the unique key is the backstop).
    await tx.selectFrom('patients').select('id').where('id', '=', input.patientId).forUpdate().execute();
    const existing = await tx
      .selectFrom('consent_signatures')
      .select('id')
      .where('patient_id', '=', input.patientId)
      .where('version', '=', current.version)
      .executeTakeFirst();
    if (existing) {
      throw new AppError('CONFLICT', `You have already signed consent version ${current.version}.`, undefined, { currentVersion: current.version });
    }
    const base = { id, patient_id: input.patientId, version: current.version, document_sha256: current.sha256 };
    const signature = await sign({
      signerId: input.signerId,
      password: input.password,
      meaning: 'consented',
      recordType: 'consent',
      recordId: id,
      record: consentRecord(base),
      patientId: input.patientId,
    });
    const row = await tx
      .insertInto('consent_signatures')
      .values({ ...base, signature_id: signature.id, signed_at: ctx.now })
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeAudit(tx, ctx, {
      action: 'consent.sign',
      resourceType: 'consent',
      resourceId: id,
      patientId: input.patientId,
      outcome: 'success',
      detail: { version: current.version, signatureId: signature.id },
    });
    return row;
  });
}

export async function consentView(db: Db, row: ConsentSignatureRow) {
  const signature = await loadSignature(db, row.signature_id);
  if (!signature) throw new AppError('INTERNAL', 'A consent signature is missing its signature record.');
  return {
    id: row.id,
    patientId: row.patient_id,
    version: row.version,
    documentSha256: row.document_sha256,
    signedAt: new Date(row.signed_at).toISOString(),
    current: row.version === currentConsent().version,
    signature,
    signatureValid: signature.recordId === row.id && verifySignature(signature, consentRecord(row)),
  };
}

export async function listConsents(db: Db, patientId: string) {
  const rows = await db.selectFrom('consent_signatures').selectAll().where('patient_id', '=', patientId).orderBy('version', 'desc').execute();
  const items = await Promise.all(rows.map((r) => consentView(db, r)));
  const currentVersion = currentConsent().version;
  return { currentVersion, signedCurrent: items.some((i) => i.current && i.signatureValid), items };
}
