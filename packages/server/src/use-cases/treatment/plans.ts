// Treatment plans: a clinician drafts a version, a prescriber signs it, and the signed version becomes the one
// active plan (the previous active one is superseded). A signed version never changes (I9; the database refuses
// it too): changing anything is a new draft based on it, signed again.
import { canonicalJson, planVersionChange, validatePlanTerms, type TreatmentPlanTerms } from '@keel/domain';
import { writeAudit } from '../../audit/audit-log.ts';
import { sha256Hex } from '../../auth/tokens.ts';
import { inTransaction, type Db } from '../../db/transaction.ts';
import { AppError, notFound, validationFailed } from '../../http/problem.ts';
import { assertCompliant } from '../compliance/compliance-input.ts';
import type { UseCase } from '../deps.ts';
import { loadSignature, verifySignature } from '../identity/signatures.ts';
import { inSigningTransaction } from '../identity/signatures.ts';
import { loadProgramSettings } from '../settings/program-settings.service.ts';
import { iso, isoOrNull, lockPatient, notPrescriber, planTerms, prescriberFor, type PlanRow } from './treatment-common.ts';

export const termsDigest = (terms: TreatmentPlanTerms): string => sha256Hex(canonicalJson(terms));

function assertTermsValid(terms: TreatmentPlanTerms, settings: Parameters<typeof validatePlanTerms>[1]): void {
  const errors = validatePlanTerms(terms, settings);
  if (errors.length > 0) {
    throw validationFailed(
      errors.map((e) => ({ field: `terms.${e.field}`, message: e.message })),
      `The plan cannot be saved: ${errors.map((e) => e.message).join(' ')}`,
    );
  }
}

export async function createPlanDraft(
  { deps, ctx }: UseCase,
  input: { patientId: string; terms: TreatmentPlanTerms; basedOn?: string | undefined },
): Promise<string> {
  return inTransaction(deps.database.db, async (tx) => {
    await lockPatient(tx, input.patientId);
    const settings = await loadProgramSettings(tx);
    if (input.basedOn !== undefined) {
      const base = await tx.selectFrom('treatment_plans').select(['id', 'status']).where('id', '=', input.basedOn).where('patient_id', '=', input.patientId).executeTakeFirst();
      if (!base) throw validationFailed([{ field: 'basedOn', message: 'is not a plan version of this patient' }]);
    }
    assertTermsValid(input.terms, settings.dosing);
    const last = await tx.selectFrom('treatment_plans').select((eb) => eb.fn.max('version').as('v')).where('patient_id', '=', input.patientId).executeTakeFirst();
    const version = (last?.v ?? 0) + 1;
    const id = crypto.randomUUID();
    await tx
      .insertInto('treatment_plans')
      .values({
        id,
        patient_id: input.patientId,
        version,
        status: 'draft',
        terms: JSON.stringify(input.terms),
        terms_sha256: termsDigest(input.terms),
        created_by: ctx.actorId ?? '',
        created_at: ctx.now,
        updated_at: ctx.now,
        based_on_id: input.basedOn ?? null,
        signed_by: null,
        signed_at: null,
        signature_id: null,
        supersedes_id: null,
      })
      .execute();
    await writeAudit(tx, ctx, { action: 'plan.draft', resourceType: 'plan', resourceId: id, patientId: input.patientId, outcome: 'success', detail: { version } });
    return id;
  });
}

/** Parses If-Match: a plain or quoted revision number, optionally weak (W/"3"). */
export function ifMatchRevision(header: string | string[] | undefined): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') {
    throw new AppError('PRECONDITION_REQUIRED', 'Send If-Match with the revision you are changing (from the ETag or `revision`).');
  }
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(value);
  if (!match?.[1]) throw validationFailed([{ field: 'If-Match', message: 'must be the revision number you read, e.g. "3"' }]);
  return Number(match[1]);
}

export async function updatePlanDraft(
  { deps, ctx }: UseCase,
  input: { patientId: string; planId: string; terms: TreatmentPlanTerms; expectedRevision: number },
): Promise<void> {
  await inTransaction(deps.database.db, async (tx) => {
    await lockPatient(tx, input.patientId);
    const plan = await tx.selectFrom('treatment_plans').selectAll().where('id', '=', input.planId).where('patient_id', '=', input.patientId).forUpdate().executeTakeFirst();
    if (!plan) throw notFound('plan');
    if (plan.status !== 'draft') throw new AppError('CONFLICT', 'A signed plan cannot be edited. Create a new version based on it.');
    if (plan.revision !== input.expectedRevision) {
      throw new AppError('PRECONDITION_FAILED', `The draft changed since you read it (now revision ${plan.revision}). Reload it and apply your edit again.`, undefined, {
        currentRevision: plan.revision,
      });
    }
    const settings = await loadProgramSettings(tx);
    assertTermsValid(input.terms, settings.dosing);
    await tx
      .updateTable('treatment_plans')
      .set({ terms: JSON.stringify(input.terms), terms_sha256: termsDigest(input.terms), revision: plan.revision + 1, updated_at: ctx.now })
      .where('id', '=', plan.id)
      .where('revision', '=', plan.revision)
      .execute();
    await writeAudit(tx, ctx, { action: 'plan.edit', resourceType: 'plan', resourceId: plan.id, patientId: input.patientId, outcome: 'success', detail: { revision: plan.revision + 1 } });
  });
}

export async function signPlan(uc: UseCase, input: { patientId: string; planId: string; password: string }): Promise<void> {
  const { ctx } = uc;
  // The intake area's signing transaction: signRecord's rate limit and failure audit run inside it (PGlite has one
  // connection), and a wrong password is counted and audited again after the rollback.
  const attempt = { signerId: ctx.actorId ?? '', recordType: 'plan', recordId: input.planId, patientId: input.patientId };
  await inSigningTransaction(uc, attempt, async (tx, sign) => {
    const patient = await lockPatient(tx, input.patientId);
    const plan = await tx.selectFrom('treatment_plans').selectAll().where('id', '=', input.planId).where('patient_id', '=', input.patientId).forUpdate().executeTakeFirst();
    if (!plan) throw notFound('plan');
    if (plan.status !== 'draft') throw new AppError('CONFLICT', 'This plan version is already signed. Create a new version to change it.');
    const prescriber = await prescriberFor(tx, ctx.actorId ?? '', patient.state);
    if (!prescriber) throw notPrescriber(patient.state);
    // Re-validate under the settings in force now: they may have tightened since the draft was written.
    const settings = await loadProgramSettings(tx);
    const terms = planTerms(plan);
    assertTermsValid(terms, settings.dosing);
    // Prescribing compliance (docs/compliance.md): pathway, the signer's licence and DEA registration, a recent PDMP check.
    await assertCompliant(tx, { patientId: input.patientId, action: 'sign_plan', prescriberId: prescriber.id }, settings.dosing, ctx.now);
    const signature = await sign({
      signerId: prescriber.id,
      password: input.password,
      meaning: 'prescribed',
      recordType: 'plan',
      recordId: plan.id,
      record: terms,
      patientId: input.patientId,
    });
    const previous = await tx.selectFrom('treatment_plans').select('id').where('patient_id', '=', input.patientId).where('status', '=', 'active').forUpdate().executeTakeFirst();
    if (previous) {
      await tx.updateTable('treatment_plans').set({ status: 'superseded', updated_at: ctx.now }).where('id', '=', previous.id).execute();
    }
    await tx
      .updateTable('treatment_plans')
      .set({
        status: 'active',
        terms_sha256: signature.recordSha256,
        signed_by: prescriber.id,
        signed_at: ctx.now,
        signature_id: signature.id,
        supersedes_id: previous?.id ?? null,
        updated_at: ctx.now,
      })
      .where('id', '=', plan.id)
      .execute();
    // An approved patient with a signed plan is in treatment.
    if (patient.status === 'approved') {
      await tx.updateTable('patients').set({ status: 'active' }).where('id', '=', input.patientId).execute();
    }
    await writeAudit(tx, ctx, {
      action: 'plan.sign',
      resourceType: 'plan',
      resourceId: plan.id,
      patientId: input.patientId,
      outcome: 'success',
      detail: { version: plan.version, signatureId: signature.id, supersedes: previous?.id ?? null },
    });
  });
}

export async function planView(db: Db, row: PlanRow) {
  const terms = planTerms(row);
  const signature = row.signature_id ? await loadSignature(db, row.signature_id) : undefined;
  return {
    id: row.id,
    patientId: row.patient_id,
    version: row.version,
    revision: row.revision,
    status: row.status,
    terms,
    termsSha256: row.terms_sha256,
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    basedOnId: row.based_on_id,
    supersedesId: row.supersedes_id,
    signedBy: row.signed_by,
    signedAt: isoOrNull(row.signed_at),
    signature: signature
      ? {
          id: signature.id,
          signerId: signature.signerId,
          printedName: signature.printedName,
          meaning: signature.meaning,
          signedAt: signature.signedAt,
          recordSha256: signature.recordSha256,
          verified: verifySignature(signature, terms),
        }
      : null,
  };
}

export async function getPlan(db: Db, patientId: string, planId: string) {
  const row = await db.selectFrom('treatment_plans').selectAll().where('id', '=', planId).where('patient_id', '=', patientId).executeTakeFirst();
  if (!row) throw notFound('plan');
  return planView(db, row);
}

export async function getActivePlan({ deps }: UseCase, patientId: string) {
  const db = deps.database.db;
  const row = await db.selectFrom('treatment_plans').selectAll().where('patient_id', '=', patientId).where('status', '=', 'active').executeTakeFirst();
  if (!row) throw notFound('active plan');
  return planView(db, row);
}

/** Every version, oldest first, each with what changed from the version it was based on (or the one before). */
export async function planHistory({ deps, ctx }: UseCase, patientId: string) {
  const db = deps.database.db;
  const rows = await db.selectFrom('treatment_plans').selectAll().where('patient_id', '=', patientId).orderBy('version').execute();
  const byId = new Map(rows.map((r) => [r.id, r] as const));
  const items = [];
  let previous: PlanRow | undefined;
  for (const row of rows) {
    const base = row.based_on_id ? byId.get(row.based_on_id) : previous;
    const change = planVersionChange(base ? planTerms(base) : null, planTerms(row));
    items.push({ ...(await planView(db, row)), change: change.kind === 'initial' ? { kind: 'initial' as const } : change });
    previous = row;
  }
  await writeAudit(db, ctx, { action: 'plan.history', resourceType: 'plan', patientId, outcome: 'success', detail: { versions: rows.length } });
  return items;
}
