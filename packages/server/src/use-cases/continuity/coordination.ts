// Coordination of care with the patient's outside clinicians (psychiatrist, therapist, primary care). Keel discloses
// to them only under the patient's explicit, signed, revocable release-of-information consent, one consent per
// outside clinician naming what may be sent. Every disclosure is stored (the exact PDF and its hash) and audited
// against the patient, so it appears in the patient's access log.
//
// 42 CFR Part 2: substance-use history (intake answers on substance use disorder, AUDIT and DAST-10 results) is
// treated as Part 2 information. It goes into a letter only when the consent says so (`includes_substance_use`),
// and then under the §2.32 notice prohibiting re-disclosure. Without that, the letter says it was withheld.
import { interactingMedicationClasses, type Relation } from '@keel/domain';
import { writeAudit } from '../../audit/audit-log.ts';
import { sha256Hex } from '../../auth/tokens.ts';
import type { DisclosureKind, OutsideClinicianKind } from '../../db/tables/continuity.tables.ts';
import { inTransaction, type Db } from '../../db/transaction.ts';
import { AppError, notFound, validationFailed } from '../../http/problem.ts';
import type { UseCase } from '../deps.ts';
import { inSigningTransaction } from '../identity/signatures.ts';
import { activePlan, intakeAnswers } from './collaborator-reads.ts';
import { crisisFooter, dischargeBlocks, loadDischarge } from './discharge.ts';
import { renderPdf, type PdfBlock } from './pdf.ts';
import { nullableDateText } from './sql-helpers.ts';

// ---------------------------------------------------------------------------------------------------------------
// Outside clinicians

export interface OutsideClinicianInput {
  kind: OutsideClinicianKind;
  name: string;
  organization?: string | undefined;
  phone?: string | undefined;
  fax?: string | undefined;
  email?: string | undefined;
  address?: string | undefined;
}

export async function addOutsideClinician({ deps, ctx }: UseCase, patientId: string, input: OutsideClinicianInput): Promise<string> {
  return inTransaction(deps.database.db, async (tx) => {
    const id = crypto.randomUUID();
    await tx
      .insertInto('outside_clinicians')
      .values({
        id,
        patient_id: patientId,
        kind: input.kind,
        name: input.name,
        organization: input.organization ?? null,
        phone: input.phone ?? null,
        fax: input.fax ?? null,
        email: input.email ?? null,
        address: input.address ?? null,
        created_at: ctx.now,
        removed_at: null,
      })
      .execute();
    await writeAudit(tx, ctx, { action: 'outside_clinician.create', resourceType: 'outside_clinician', resourceId: id, patientId, outcome: 'success', detail: { kind: input.kind } });
    return id;
  });
}

export async function listOutsideClinicians(db: Db, patientId: string) {
  const rows = await db.selectFrom('outside_clinicians').selectAll().where('patient_id', '=', patientId).where('removed_at', 'is', null).orderBy('created_at').execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    name: r.name,
    organization: r.organization,
    phone: r.phone,
    fax: r.fax,
    email: r.email,
    address: r.address,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Release-of-information consents

export interface ConsentInput {
  outsideClinicianId: string;
  purposes: DisclosureKind[];
  includeSubstanceUse: boolean;
  expiresOn?: string | undefined;
  password: string;
}

/** The patient signs (password re-entered) a consent naming the outside clinician, the purposes and Part 2 scope. */
export async function grantDisclosureConsent(uc: UseCase, patientId: string, input: ConsentInput): Promise<string> {
  const { ctx } = uc;
  if (input.expiresOn && input.expiresOn <= ctx.now.toISOString().slice(0, 10)) throw validationFailed([{ field: 'expiresOn', message: 'must be in the future' }]);
  const id = crypto.randomUUID();
  const attempt = { signerId: ctx.actorId ?? '', recordType: 'disclosure_consent', recordId: id, patientId };
  return inSigningTransaction(uc, attempt, async (tx, sign) => {
    const oc = await tx.selectFrom('outside_clinicians').select(['id', 'name', 'kind']).where('id', '=', input.outsideClinicianId).where('patient_id', '=', patientId).where('removed_at', 'is', null).executeTakeFirst();
    if (!oc) throw validationFailed([{ field: 'outsideClinicianId', message: 'is not one of your outside clinicians' }]);
    const purposes = [...new Set(input.purposes)];
    const record = {
      type: 'release_of_information',
      id,
      patientId,
      recipient: { id: oc.id, name: oc.name, kind: oc.kind },
      purposes,
      includesSubstanceUse: input.includeSubstanceUse,
      expiresOn: input.expiresOn ?? null,
      revocable: true,
    };
    const signature = await sign({ ...attempt, password: input.password, meaning: 'consented', record });
    await tx
      .insertInto('disclosure_consents')
      .values({
        id,
        patient_id: patientId,
        outside_clinician_id: oc.id,
        purposes,
        includes_substance_use: input.includeSubstanceUse,
        expires_on: input.expiresOn ?? null,
        granted_at: ctx.now,
        signature_id: signature.id,
        revoked_at: null,
        revoked_by: null,
      })
      .execute();
    await writeAudit(tx, ctx, { action: 'disclosure_consent.grant', resourceType: 'disclosure', resourceId: id, patientId, outcome: 'success', detail: { purposes, part2: input.includeSubstanceUse } });
    return id;
  });
}

export async function revokeDisclosureConsent({ deps, ctx }: UseCase, patientId: string, consentId: string): Promise<void> {
  await inTransaction(deps.database.db, async (tx) => {
    const r = await tx
      .updateTable('disclosure_consents')
      .set({ revoked_at: ctx.now, revoked_by: ctx.actorId })
      .where('id', '=', consentId)
      .where('patient_id', '=', patientId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw notFound('active consent');
    await writeAudit(tx, ctx, { action: 'disclosure_consent.revoke', resourceType: 'disclosure', resourceId: consentId, patientId, outcome: 'success' });
  });
}

export async function listDisclosureConsents(db: Db, patientId: string, now: Date) {
  const rows = await db
    .selectFrom('disclosure_consents')
    .select(['id', 'outside_clinician_id', 'purposes', 'includes_substance_use', nullableDateText('expires_on').as('expires_on'), 'granted_at', 'signature_id', 'revoked_at'])
    .where('patient_id', '=', patientId)
    .orderBy('granted_at', 'desc')
    .execute();
  const today = now.toISOString().slice(0, 10);
  return rows.map((r) => ({
    id: r.id,
    outsideClinicianId: r.outside_clinician_id,
    purposes: r.purposes,
    includeSubstanceUse: r.includes_substance_use,
    expiresOn: r.expires_on,
    grantedAt: new Date(r.granted_at).toISOString(),
    signatureId: r.signature_id,
    revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
    active: r.revoked_at === null && (r.expires_on === null || r.expires_on >= today),
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Disclosures

const kindTitle: Record<DisclosureKind, string> = {
  start_of_treatment: 'Start-of-treatment letter',
  discharge_summary: 'Discharge summary',
};

const classLabel: Record<string, string> = {
  benzodiazepine: 'benzodiazepine',
  lamotrigine: 'lamotrigine',
  maoi: 'MAOI',
  stimulant: 'stimulant',
  opioid: 'opioid',
  other_sedative: 'other sedative',
};

interface MedicationAnswer {
  name?: unknown;
  class?: unknown;
  diazepamEquivalentMgPerDay?: unknown;
}

/** Interacting medications recorded at intake (docs/clinical-basis.md §2: benzodiazepines, stimulants, …). */
export function interactingMedications(answers: Record<string, unknown> | null): string[] {
  const meds = answers?.['medications'];
  if (typeof meds !== 'object' || meds === null) return [];
  const list = (meds as { list?: unknown }).list;
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const m of list as MedicationAnswer[]) {
    const cls = typeof m.class === 'string' ? m.class : '';
    if (!(interactingMedicationClasses as readonly string[]).includes(cls)) continue;
    const name = typeof m.name === 'string' && m.name.trim() !== '' ? m.name.trim() : 'unnamed';
    const dze = typeof m.diazepamEquivalentMgPerDay === 'number' ? `, about ${m.diazepamEquivalentMgPerDay} mg/day diazepam-equivalent` : '';
    out.push(`${name} (${classLabel[cls] ?? cls}${dze})`);
  }
  return out;
}

/** The Part 2 content: substance-use answers from intake, in plain words. */
export function substanceUseLines(answers: Record<string, unknown> | null): string[] {
  const su = answers?.['substanceUse'];
  if (typeof su !== 'object' || su === null) return ['No substance-use history was recorded at intake.'];
  const s = su as Record<string, unknown>;
  const lines: string[] = [];
  if (s['activeSud'] === true) lines.push('Reported a current substance use disorder at intake.');
  if (s['sudInRemission'] === true) lines.push(`Substance use disorder in remission${typeof s['remissionMonths'] === 'number' ? ` for ${s['remissionMonths']} months` : ''}.`);
  if (s['personalHistoryOfSud'] === true) lines.push('Personal history of substance use disorder.');
  if (s['familyHistoryOfSud'] === true) lines.push('Family history of substance use disorder.');
  if (typeof s['cageAidScore'] === 'number') lines.push(`CAGE-AID score ${s['cageAidScore']} of 4.`);
  return lines.length > 0 ? lines : ['No substance use disorder was reported at intake.'];
}

const part2Notice =
  '42 CFR PART 2 NOTICE: This information has been disclosed to you from records protected by federal confidentiality ' +
  'rules (42 CFR part 2). The federal rules prohibit you from making any further disclosure of information in this ' +
  'record that identifies a patient as having or having had a substance use disorder either directly, by reference ' +
  'to publicly available information, or through verification of such identification by another person unless further ' +
  'disclosure is expressly permitted by the written consent of the individual whose information is being disclosed or ' +
  'as otherwise permitted by 42 CFR part 2. A general authorization for the release of medical or other information is ' +
  'NOT sufficient for this purpose. The federal rules restrict any use of the information to investigate or prosecute ' +
  'with regard to a crime any patient with a substance use disorder, except as provided at §§ 2.12(c)(5) and 2.65.';

function planLines(terms: Record<string, unknown>): [string, string][] {
  const n = (key: string): string => (typeof terms[key] === 'number' || typeof terms[key] === 'string' ? String(terms[key]) : '—');
  const followUp = terms['followUp'];
  return [
    ['Phase', n('phase')],
    ['Route', n('route')],
    ['Current dose', `${n('currentDoseMg')} mg per session (plan maximum ${n('maximumDoseMg')} mg)`],
    ['Sessions planned in this phase', n('sessionsPlanned')],
    ['Spacing', `at least ${n('minHoursBetweenSessions')} hours apart, at most ${n('maxSessionsPer7Days')} in any 7 days`],
    ['Clinician follow-up cadence', typeof followUp === 'object' && followUp !== null ? JSON.stringify(followUp) : '—'],
  ];
}

async function letterBlocks(
  db: Db,
  patientId: string,
  kind: DisclosureKind,
  recipient: { name: string; kind: string; organization: string | null },
  includeSubstanceUse: boolean,
  sender: { name: string; email: string },
  now: Date,
): Promise<PdfBlock[]> {
  const patient = await db.selectFrom('patients').select(['name', 'state']).where('id', '=', patientId).executeTakeFirstOrThrow();
  const answers = await intakeAnswers(db, patientId);
  const meds = interactingMedications(answers);
  const head: PdfBlock[] = [
    { kind: 'title', text: `Keel — ${kindTitle[kind]}` },
    { kind: 'subtitle', text: `Released with the patient's signed consent on ${now.toISOString().slice(0, 10)}. Confidential health information.` },
    { kind: 'paragraph', text: `To: ${recipient.name}${recipient.organization ? `, ${recipient.organization}` : ''} (${recipient.kind.replace('_', ' ')})` },
    { kind: 'paragraph', text: `Re: ${patient.name}` },
  ];
  const medsBlocks: PdfBlock[] = [
    { kind: 'heading', text: 'Medications that interact with ketamine (from intake)' },
    meds.length > 0
      ? { kind: 'list', items: meds }
      : { kind: 'paragraph', text: 'None recorded at intake. Please tell us before starting benzodiazepines, stimulants, opioids, MAOIs, lamotrigine or other sedatives.' },
  ];
  const part2Blocks: PdfBlock[] = includeSubstanceUse
    ? [{ kind: 'heading', text: 'Substance use (42 CFR Part 2)' }, { kind: 'list', items: substanceUseLines(answers) }, { kind: 'notice', text: part2Notice }]
    : [{ kind: 'notice', text: 'Substance-use information is not included: the patient has not consented to its disclosure (42 CFR Part 2).' }];
  const contact: PdfBlock[] = [
    { kind: 'heading', text: 'Whom to call' },
    {
      kind: 'list',
      items: [
        `Prescribing clinician at Keel: ${sender.name} (${sender.email})`,
        'Questions about dosing, interactions or concerns about the patient: contact the prescribing clinician above.',
        'If the patient is in crisis: 988 Suicide & Crisis Lifeline (call or text 988); emergencies: 911.',
      ],
    },
  ];
  if (kind === 'start_of_treatment') {
    const plan = await activePlan(db, patientId);
    return [
      ...head,
      {
        kind: 'paragraph',
        text:
          `Your patient has started a medically supervised at-home ketamine treatment program with Keel for treatment-resistant depression, ` +
          `prescribed by a clinician licensed in ${patient.state}. Every session requires an adult sitter, pre-dose vitals and a safety checklist, ` +
          'and dosing is held when warning signs appear. We would be grateful for your help in coordinating care.',
      },
      { kind: 'heading', text: 'Treatment plan' },
      plan ? { kind: 'fields', rows: planLines(plan.terms) } : { kind: 'paragraph', text: 'The treatment plan has not been signed yet.' },
      ...medsBlocks,
      {
        kind: 'paragraph',
        text: 'Please avoid starting or increasing benzodiazepines, stimulants, opioids or other sedatives without talking to us: they change how ketamine acts and can make sessions unsafe.',
      },
      ...part2Blocks,
      ...contact,
    ];
  }
  const discharge = await loadDischarge(db, patientId);
  return [...head, ...dischargeBlocks(discharge), ...medsBlocks, ...part2Blocks, ...contact];
}

/**
 * A clinician sends a letter to one of the patient's outside clinicians. Refused (409) unless an active consent
 * covers this recipient and purpose; a refusal is audited too. The PDF is generated, stored with its hash, and the
 * disclosure is audited against the patient (`disclosure.<kind>`).
 */
export async function createDisclosure(
  uc: UseCase,
  patientId: string,
  relation: Relation,
  input: { outsideClinicianId: string; kind: DisclosureKind },
): Promise<string> {
  const { deps, ctx } = uc;
  if (relation !== 'clinician' || !ctx.actorId) throw notFound('patient');
  const clinicianId = ctx.actorId;
  const refuse = async (reason: string, detail: string): Promise<never> => {
    // Outside the transaction: the refusal is recorded even though nothing else is.
    await writeAudit(deps.database.db, ctx, {
      action: `disclosure.${input.kind}`,
      resourceType: 'disclosure',
      resourceId: input.outsideClinicianId,
      patientId,
      outcome: 'denied',
      detail: { reason },
    });
    throw new AppError('CONFLICT', detail, [{ field: 'outsideClinicianId', message: detail }], { reason });
  };
  const today = ctx.now.toISOString().slice(0, 10);
  const oc = await deps.database.db
    .selectFrom('outside_clinicians')
    .select(['id', 'name', 'kind', 'organization'])
    .where('id', '=', input.outsideClinicianId)
    .where('patient_id', '=', patientId)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  if (!oc) throw validationFailed([{ field: 'outsideClinicianId', message: "is not one of this patient's outside clinicians" }]);
  if (input.kind === 'discharge_summary') {
    const d = await deps.database.db.selectFrom('discharges').select('id').where('patient_id', '=', patientId).executeTakeFirst();
    if (!d) throw new AppError('CONFLICT', 'There is no discharge summary yet: discharge the patient first.');
  }
  const activeConsent = async (db: Db) => {
    const consents = await db
      .selectFrom('disclosure_consents')
      .select(['id', 'purposes', 'includes_substance_use', nullableDateText('expires_on').as('expires_on')])
      .where('patient_id', '=', patientId)
      .where('outside_clinician_id', '=', oc.id)
      .where('revoked_at', 'is', null)
      .orderBy('granted_at', 'desc')
      .execute();
    return consents.find((c) => c.purposes.includes(input.kind) && (c.expires_on === null || c.expires_on >= today));
  };
  const noConsent = 'The patient has no active release-of-information consent for this clinician and purpose.';
  // Checked (and a refusal audited) before the transaction; checked again inside it, under a row lock, so a
  // revocation that commits first always wins.
  if (!(await activeConsent(deps.database.db))) return refuse('no_active_consent', noConsent);
  return inTransaction(deps.database.db, async (tx) => {
    await tx.selectFrom('disclosure_consents').select('id').where('patient_id', '=', patientId).where('outside_clinician_id', '=', oc.id).forUpdate().execute();
    const consent = await activeConsent(tx);
    if (!consent) throw new AppError('CONFLICT', noConsent, [{ field: 'outsideClinicianId', message: noConsent }], { reason: 'no_active_consent' });
    const sender = await tx.selectFrom('users').select(['name', 'email']).where('id', '=', clinicianId).executeTakeFirstOrThrow();
    const blocks = await letterBlocks(tx, patientId, input.kind, oc, consent.includes_substance_use, sender, ctx.now);
    const pdf = await renderPdf({ title: kindTitle[input.kind], createdAt: ctx.now }, [...blocks, crisisFooter]);
    const id = crypto.randomUUID();
    const documentSha256 = sha256Hex(pdf);
    await tx
      .insertInto('disclosures')
      .values({
        id,
        patient_id: patientId,
        outside_clinician_id: oc.id,
        consent_id: consent.id,
        kind: input.kind,
        includes_substance_use: consent.includes_substance_use,
        disclosed_by: clinicianId,
        disclosed_at: ctx.now,
        document: pdf,
        document_sha256: documentSha256,
      })
      .execute();
    await writeAudit(tx, ctx, {
      action: `disclosure.${input.kind}`,
      resourceType: 'disclosure',
      resourceId: id,
      patientId,
      outcome: 'success',
      detail: { outsideClinicianId: oc.id, consentId: consent.id, part2: consent.includes_substance_use, documentSha256 },
    });
    return id;
  });
}

export async function listDisclosures(db: Db, patientId: string) {
  const rows = await db
    .selectFrom('disclosures')
    .select(['id', 'outside_clinician_id', 'consent_id', 'kind', 'includes_substance_use', 'disclosed_by', 'disclosed_at', 'document_sha256'])
    .where('patient_id', '=', patientId)
    .orderBy('disclosed_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    outsideClinicianId: r.outside_clinician_id,
    consentId: r.consent_id,
    kind: r.kind,
    includesSubstanceUse: r.includes_substance_use,
    disclosedBy: r.disclosed_by,
    disclosedAt: new Date(r.disclosed_at).toISOString(),
    documentSha256: r.document_sha256,
    documentUrl: `/api/v1/patients/${patientId}/disclosures/${r.id}/letter.pdf`,
  }));
}

export async function disclosureDocument({ deps, ctx }: UseCase, patientId: string, disclosureId: string): Promise<Buffer> {
  const row = await deps.database.db.selectFrom('disclosures').select(['document']).where('id', '=', disclosureId).where('patient_id', '=', patientId).executeTakeFirst();
  if (!row) throw notFound('disclosure');
  await writeAudit(deps.database.db, ctx, { action: 'disclosure.download', resourceType: 'disclosure', resourceId: disclosureId, patientId, outcome: 'success' });
  return row.document;
}
