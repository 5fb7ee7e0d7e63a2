// The records prescribing compliance rests on (docs/compliance.md): the patient's prescribing pathway (e-signed by a
// prescriber; a new one supersedes the last, history kept), prescriber credentials (entered by an administrator with
// the document) and PDMP checks. Every write is audited in its transaction; reads of a patient's records are audited
// by the access check, reads of credentials here.
import { pathwayDetailErrors, type PathwayKind } from '@keel/domain';
import { writeAudit } from '../../audit/audit-log.ts';
import { inTransaction, type Db } from '../../db/transaction.ts';
import { AppError, notFound, validationFailed } from '../../http/problem.ts';
import type { UseCase } from '../deps.ts';
import { inSigningTransaction } from '../identity/signatures.ts';
import { reevaluateWarningSigns } from '../monitoring/risk-evaluation.ts';
import { iso, isoOrNull } from '../treatment/treatment-common.ts';
import { currentPathwayRow } from './compliance-input.ts';

// ---------- pathway ----------

type PathwayRow = NonNullable<Awaited<ReturnType<typeof currentPathwayRow>>>;

export function pathwayView(row: PathwayRow) {
  return {
    id: row.id,
    kind: row.kind,
    details: row.details,
    prescriberId: row.prescriber_id,
    prescriberName: row.prescriber_name,
    signedAt: iso(row.signed_at),
    supersededAt: isoOrNull(row.superseded_at),
  };
}

export async function getPathway(db: Db, patientId: string) {
  const row = await currentPathwayRow(db, patientId);
  return row ? pathwayView(row) : null;
}

const DETAIL_FIELDS: Record<PathwayKind, readonly string[]> = {
  in_person_evaluation: ['evaluatedOn', 'location', 'attestation'],
  telemedicine_flexibility: [],
  special_registration: ['registrationNumber', 'registrationType'],
  referral_from_in_person_clinician: ['referringClinician', 'referredOn', 'documentReference'],
};

export interface RecordPathwayInput {
  patientId: string;
  kind: PathwayKind;
  evaluatedOn?: string | undefined;
  location?: string | undefined;
  attestation?: true | undefined;
  registrationNumber?: string | undefined;
  registrationType?: string | undefined;
  referringClinician?: string | undefined;
  referredOn?: string | undefined;
  documentReference?: string | undefined;
  password: string;
}

/** A prescriber on the care team records the pathway with their e-signature; the previous one is superseded. */
export async function recordPathway(uc: UseCase, input: RecordPathwayInput) {
  const { ctx } = uc;
  const signerId = ctx.actorId ?? '';
  const all = input as unknown as Record<string, unknown>;
  const fields = DETAIL_FIELDS[input.kind];
  const details: Record<string, unknown> = Object.fromEntries(fields.filter((f) => all[f] !== undefined).map((f) => [f, all[f]]));
  const missing = pathwayDetailErrors(input.kind, details);
  const extra = Object.values(DETAIL_FIELDS)
    .flat()
    .filter((f) => !fields.includes(f) && all[f] !== undefined);
  if (missing.length > 0 || extra.length > 0) {
    throw validationFailed([
      ...missing.map((f) => ({ field: f, message: `is required for ${input.kind.replaceAll('_', ' ')}` })),
      ...[...new Set(extra)].map((f) => ({ field: f, message: `does not belong to ${input.kind.replaceAll('_', ' ')}` })),
    ]);
  }
  const today = ctx.now.toISOString().slice(0, 10);
  for (const f of ['evaluatedOn', 'referredOn'] as const) {
    const v = details[f];
    if (typeof v === 'string' && v > today) throw validationFailed([{ field: f, message: 'cannot be in the future' }]);
  }
  const id = crypto.randomUUID();
  return inSigningTransaction(uc, { signerId, recordType: 'prescribing_pathway', recordId: id, patientId: input.patientId }, async (tx, sign) => {
    const signer = await tx.selectFrom('users').select(['role', 'status']).where('id', '=', signerId).executeTakeFirst();
    if (!signer || signer.role !== 'clinician' || signer.status !== 'active') {
      throw new AppError('VALIDATION_FAILED', 'Only a prescriber on the care team can record a prescribing pathway.', [{ field: 'signer', message: 'needs to be a prescriber' }]);
    }
    await tx.selectFrom('patients').select('id').where('id', '=', input.patientId).forUpdate().executeTakeFirstOrThrow();
    const previous = await tx.selectFrom('prescribing_pathways').select('id').where('patient_id', '=', input.patientId).where('superseded_at', 'is', null).executeTakeFirst();
    const record = { pathwayId: id, patientId: input.patientId, kind: input.kind, details };
    const signature = await sign({ signerId, password: input.password, meaning: 'attested', recordType: 'prescribing_pathway', recordId: id, record, patientId: input.patientId });
    // Superseded first (one current pathway per patient), linked to its successor once that exists.
    if (previous) await tx.updateTable('prescribing_pathways').set({ superseded_at: ctx.now }).where('id', '=', previous.id).execute();
    await tx
      .insertInto('prescribing_pathways')
      .values({ id, patient_id: input.patientId, kind: input.kind, details: JSON.stringify(details), prescriber_id: signerId, signature_id: signature.id, signed_at: ctx.now, superseded_at: null, superseded_by: null })
      .execute();
    if (previous) await tx.updateTable('prescribing_pathways').set({ superseded_by: id }).where('id', '=', previous.id).execute();
    await writeAudit(tx, ctx, {
      action: 'prescribing_pathway.record',
      resourceType: 'prescribing_pathway',
      resourceId: id,
      patientId: input.patientId,
      outcome: 'success',
      detail: { kind: input.kind, signatureId: signature.id, supersedes: previous?.id ?? null },
    });
    const row = await currentPathwayRow(tx, input.patientId);
    if (!row) throw new AppError('INTERNAL', 'The pathway was not stored.');
    return pathwayView(row);
  });
}

// ---------- credentials ----------

const credentialColumns = ['c.id', 'c.clinician_id', 'c.kind', 'c.number', 'c.state', 'c.schedules', 'c.expires_on', 'c.document_name', 'c.created_at', 'c.created_by'] as const;
type CredentialRow = { id: string; clinician_id: string; kind: 'state_licence' | 'dea_registration'; number: string; state: string; schedules: string[]; expires_on: string; document_name: string; created_at: Date | string; created_by: string | null };

function credentialView(r: CredentialRow) {
  return {
    id: r.id,
    clinicianId: r.clinician_id,
    kind: r.kind,
    number: r.number,
    state: r.state,
    schedules: r.schedules,
    expiresOn: r.expires_on,
    documentName: r.document_name,
    createdAt: iso(r.created_at),
    // Credentials seeded before any administrator existed (the demo) carry the clinician as their author.
    createdBy: r.created_by ?? r.clinician_id,
  };
}

/** An administrator, or the clinician reading their own: anyone else gets the same 404 as an unknown id. */
async function assertCredentialReader(db: Db, uc: UseCase, clinicianId: string): Promise<void> {
  const { ctx } = uc;
  const allowed = ctx.actorRole === 'admin' || (ctx.actorRole === 'clinician' && ctx.actorId === clinicianId);
  if (!allowed) {
    await writeAudit(db, ctx, { action: 'credentials.read', resourceType: 'credentials', resourceId: clinicianId, outcome: 'denied', detail: { reason: 'not the clinician nor an administrator' } });
    throw notFound('clinician');
  }
}

export async function listCredentials(uc: UseCase, clinicianId: string) {
  const db = uc.deps.database.db;
  await assertCredentialReader(db, uc, clinicianId);
  const clinician = await db.selectFrom('users').select(['id', 'role']).where('id', '=', clinicianId).executeTakeFirst();
  if (!clinician || clinician.role !== 'clinician') throw notFound('clinician');
  const rows = await db.selectFrom('prescriber_credentials as c').select(credentialColumns).where('c.clinician_id', '=', clinicianId).orderBy('c.kind').orderBy('c.state').orderBy('c.expires_on', 'desc').execute();
  await writeAudit(db, uc.ctx, { action: 'credentials.read', resourceType: 'credentials', resourceId: clinicianId, outcome: 'success', detail: { count: rows.length } });
  return rows.map(credentialView);
}

export interface CreateCredentialInput {
  clinicianId: string;
  kind: 'state_licence' | 'dea_registration';
  number: string;
  state: string;
  schedules?: string[] | undefined;
  expiresOn: string;
  document: { filename: string; contentType: string; base64: string };
}

const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

export async function createCredential({ deps, ctx }: UseCase, input: CreateCredentialInput) {
  const schedules = input.kind === 'dea_registration' ? [...new Set(input.schedules ?? [])] : [];
  const errors: { field: string; message: string }[] = [];
  if (input.kind === 'state_licence' && input.schedules !== undefined && input.schedules.length > 0) errors.push({ field: 'schedules', message: 'belong to a DEA registration, not a licence' });
  if (input.kind === 'dea_registration' && schedules.length === 0) errors.push({ field: 'schedules', message: 'list the schedules the registration covers' });
  const bytes = Buffer.from(input.document.base64, 'base64');
  if (bytes.length === 0) errors.push({ field: 'document.base64', message: 'is empty' });
  if (bytes.length > MAX_DOCUMENT_BYTES) errors.push({ field: 'document.base64', message: 'is larger than 5 MB' });
  if (errors.length > 0) throw validationFailed(errors);
  return inTransaction(deps.database.db, async (tx) => {
    const clinician = await tx.selectFrom('users').select(['id', 'role']).where('id', '=', input.clinicianId).executeTakeFirst();
    if (!clinician || clinician.role !== 'clinician') throw notFound('clinician');
    const id = crypto.randomUUID();
    await tx
      .insertInto('prescriber_credentials')
      .values({
        id,
        clinician_id: input.clinicianId,
        kind: input.kind,
        number: input.number,
        state: input.state,
        schedules,
        expires_on: input.expiresOn,
        document_name: input.document.filename,
        document_content_type: input.document.contentType,
        document: bytes,
        created_at: ctx.now,
        created_by: ctx.actorId,
      })
      .execute();
    await writeAudit(tx, ctx, {
      action: 'credentials.create',
      resourceType: 'credentials',
      resourceId: id,
      outcome: 'success',
      detail: { clinicianId: input.clinicianId, kind: input.kind, state: input.state, schedules, expiresOn: input.expiresOn },
    });
    const row = await tx.selectFrom('prescriber_credentials as c').select(credentialColumns).where('c.id', '=', id).executeTakeFirstOrThrow();
    return credentialView(row);
  });
}

export async function credentialDocument(uc: UseCase, credentialId: string) {
  const db = uc.deps.database.db;
  const row = await db.selectFrom('prescriber_credentials').select(['clinician_id', 'document', 'document_name', 'document_content_type']).where('id', '=', credentialId).executeTakeFirst();
  if (!row) throw notFound('credential');
  await assertCredentialReader(db, uc, row.clinician_id);
  await writeAudit(db, uc.ctx, { action: 'credentials.document_read', resourceType: 'credentials', resourceId: credentialId, outcome: 'success' });
  return { bytes: Buffer.from(row.document), filename: row.document_name, contentType: row.document_content_type };
}

/** Credentials expiring within `withinDays` of the program's date (expired ones included, negative days left). */
export async function expiringCredentials(uc: UseCase, input: { withinDays: number; today: string; until: string }) {
  const db = uc.deps.database.db;
  const rows = await db
    .selectFrom('prescriber_credentials as c')
    .innerJoin('users as u', 'u.id', 'c.clinician_id')
    .select(credentialColumns)
    .select('u.name as clinician_name')
    .where('c.expires_on', '<=', input.until)
    .where('u.deactivated_at', 'is', null)
    .orderBy('c.expires_on')
    .limit(500)
    .execute();
  await writeAudit(db, uc.ctx, { action: 'credentials.read', resourceType: 'credentials', resourceId: null, outcome: 'success', detail: { list: 'expiring', withinDays: input.withinDays, count: rows.length } });
  const day = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
  return rows.map((r) => ({ ...credentialView(r), clinicianName: r.clinician_name, daysLeft: Math.round((day(r.expires_on) - day(input.today)) / 86_400_000) }));
}

// ---------- PDMP checks ----------

type PdmpRow = {
  id: string;
  checked_at: Date | string;
  states: string[];
  result_summary: string | null;
  other_prescriptions: { drug: string; prescriber: string; filledOn: string }[];
  other_controlled_prescriptions: boolean;
  checked_by: string;
  name: string;
  recorded_at: Date | string | null;
  note: string | null;
};

function pdmpView(r: PdmpRow) {
  return {
    id: r.id,
    checkedAt: iso(r.checked_at),
    states: r.states,
    // Checks recorded before the fuller form carry their note as the summary.
    resultSummary: r.result_summary ?? r.note ?? '',
    otherControlledPrescriptions: r.other_prescriptions,
    otherPrescriberFound: r.other_controlled_prescriptions,
    checkedBy: r.checked_by,
    checkedByName: r.name,
    recordedAt: iso(r.recorded_at ?? r.checked_at),
  };
}

const pdmpColumns = ['c.id', 'c.checked_at', 'c.states', 'c.result_summary', 'c.other_prescriptions', 'c.other_controlled_prescriptions', 'c.checked_by', 'u.name', 'c.recorded_at', 'c.note'] as const;

export async function listPdmpChecks(db: Db, patientId: string) {
  const rows = await db
    .selectFrom('pdmp_checks as c')
    .innerJoin('users as u', 'u.id', 'c.checked_by')
    .select(pdmpColumns)
    .where('c.patient_id', '=', patientId)
    .orderBy('c.checked_at', 'desc')
    .limit(200)
    .execute();
  return rows.map(pdmpView);
}

export interface RecordPdmpInput {
  patientId: string;
  checkedAt: string;
  states: string[];
  resultSummary: string;
  otherControlledPrescriptions: { drug: string; prescriber: string; filledOn: string }[];
  otherPrescriberFound: boolean;
}

/** A clinician on the care team records a PDMP check; "another prescriber found" re-evaluates the warning signs. */
export async function recordPdmpCheck(uc: UseCase, input: RecordPdmpInput) {
  const { deps, ctx } = uc;
  const checkedMs = Date.parse(input.checkedAt);
  if (checkedMs > ctx.now.getTime() + 60_000) throw validationFailed([{ field: 'checkedAt', message: 'cannot be in the future' }]);
  const today = ctx.now.toISOString().slice(0, 10);
  const lateFill = input.otherControlledPrescriptions.findIndex((p) => p.filledOn > today);
  if (lateFill >= 0) throw validationFailed([{ field: `otherControlledPrescriptions.${lateFill}.filledOn`, message: 'cannot be in the future' }]);
  const checkedBy = ctx.actorId;
  if (!checkedBy) throw new AppError('UNAUTHENTICATED', 'Sign in to continue.');
  return inTransaction(deps.database.db, async (tx) => {
    const id = crypto.randomUUID();
    await tx
      .insertInto('pdmp_checks')
      .values({
        id,
        patient_id: input.patientId,
        checked_at: new Date(Math.min(checkedMs, ctx.now.getTime())),
        checked_by: checkedBy,
        other_controlled_prescriptions: input.otherPrescriberFound,
        note: null,
        states: [...new Set(input.states)],
        result_summary: input.resultSummary,
        other_prescriptions: JSON.stringify(input.otherControlledPrescriptions),
        recorded_at: ctx.now,
      })
      .execute();
    // Before the write's own audit row (the lock order of risk-evaluation.ts).
    await reevaluateWarningSigns(tx, uc, input.patientId, 'pdmp_check');
    await writeAudit(tx, ctx, {
      action: 'pdmp.check',
      resourceType: 'pdmp_check',
      resourceId: id,
      patientId: input.patientId,
      outcome: 'success',
      detail: { states: input.states, otherPrescriberFound: input.otherPrescriberFound, otherPrescriptions: input.otherControlledPrescriptions.length },
    });
    const row = await tx.selectFrom('pdmp_checks as c').innerJoin('users as u', 'u.id', 'c.checked_by').select(pdmpColumns).where('c.id', '=', id).executeTakeFirstOrThrow();
    return pdmpView(row);
  });
}
