import { completeEligibleIntake, type IntakeAnswers } from '@keel/domain';
import type { RequestContext } from '../audit/audit-log.ts';
import type { Tx } from '../db/transaction.ts';
import type { UseCase } from '../use-cases/deps.ts';
import { recordDigest, type SignatureMeaning, type SignatureRecord } from '../use-cases/identity/signatures.ts';
import { consentRecord } from '../use-cases/intake/consent.ts';
import { currentConsent } from '../use-cases/intake/consent-document.ts';
import { educationModules, requiredEducationSlugs } from '../use-cases/intake/education-library.ts';
import { replaceDraftAnswers, submitIntakeInTransaction } from '../use-cases/intake/intake-flow.ts';
import { recordDecision } from '../use-cases/intake/review.ts';
import type { DemoContext, DemoStep } from './demo-context.ts';

const dayMs = 24 * 60 * 60 * 1000;
const daysAgo = (ctx: DemoContext, days: number): Date => new Date(ctx.now.getTime() - days * dayMs);

/** A use-case view for a seeded action: who did it, and when (in the past, so the story has a history). */
function actingAs(ctx: DemoContext, actorId: string, role: string, at: Date): UseCase {
  const request: RequestContext = { actorId, actorRole: role, requestId: null, clientAddress: null, now: at };
  return { deps: ctx.deps, ctx: request };
}

/**
 * The demo has no password to re-enter, so it writes the signature row itself — the same shape `signRecord`
 * writes (printed name, meaning, time, hash of the canonical record), so verification works on seeded records too.
 */
async function seedSignature(
  tx: Tx,
  input: { signerId: string; meaning: SignatureMeaning; recordType: string; recordId: string; record: unknown; at: Date },
): Promise<SignatureRecord> {
  const signer = await tx.selectFrom('users').select('name').where('id', '=', input.signerId).executeTakeFirstOrThrow();
  const signature: SignatureRecord = {
    id: crypto.randomUUID(),
    signerId: input.signerId,
    printedName: signer.name,
    meaning: input.meaning,
    signedAt: input.at.toISOString(),
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
      signed_at: input.at,
      record_type: signature.recordType,
      record_id: signature.recordId,
      record_sha256: signature.recordSha256,
    })
    .execute();
  return signature;
}

/** Intake answers for a demo person: the complete eligible fixture, with their own demographics. */
function answersFor(person: { dateOfBirth: string; sexAtBirth: 'female' | 'male'; state: string }, change?: (a: IntakeAnswers) => void): IntakeAnswers {
  const answers = completeEligibleIntake();
  answers.demographics = { ...answers.demographics, dateOfBirth: person.dateOfBirth, sexAtBirth: person.sexAtBirth, state: person.state };
  if (person.sexAtBirth === 'male' && answers.medicalHistory) {
    // Not asked when sex at birth is male.
    delete answers.medicalHistory.pregnant;
    delete answers.medicalHistory.breastfeeding;
  }
  change?.(answers);
  return answers;
}

async function submitAt(ctx: DemoContext, patientId: string, userId: string, answers: IntakeAnswers, at: Date): Promise<void> {
  await replaceDraftAnswers(ctx.tx, patientId, answers, at);
  await submitIntakeInTransaction(ctx.tx, actingAs(ctx, userId, 'patient', at), patientId, userId);
}

async function decideAt(ctx: DemoContext, patientId: string, decision: 'approve' | 'decline' | 'request_info', note: string, at: Date): Promise<void> {
  const clinicianId = ctx.users.clinician;
  await recordDecision(ctx.tx, actingAs(ctx, clinicianId, 'clinician', at), { decisionId: crypto.randomUUID(), clinicianId, patientId, decision, note }, (record, meaning, id) =>
    seedSignature(ctx.tx, { signerId: clinicianId, meaning, recordType: 'intake_decision', recordId: id, record, at }),
  );
}

/** Sam (patient@): approved, signed intake (decided by clinician@), signed current consent, every module done. */
const approvedPatientStep: DemoStep = async (ctx) => {
  const patientId = ctx.patients.patient;
  const userId = ctx.users.patient;
  await submitAt(ctx, patientId, userId, answersFor({ dateOfBirth: '1988-04-12', sexAtBirth: 'male', state: 'CA' }), daysAgo(ctx, 30));
  await decideAt(
    ctx,
    patientId,
    'approve',
    'Treatment-resistant MDD after two adequate trials; no exclusions; BP controlled; sitter (partner) named. Approved for the at-home program.',
    daysAgo(ctx, 28),
  );

  const consent = currentConsent();
  const signedAt = daysAgo(ctx, 27);
  const base = { id: crypto.randomUUID(), patient_id: patientId, version: consent.version, document_sha256: consent.sha256 };
  const signature = await seedSignature(ctx.tx, { signerId: userId, meaning: 'consented', recordType: 'consent', recordId: base.id, record: consentRecord(base), at: signedAt });
  await ctx.tx.insertInto('consent_signatures').values({ ...base, signature_id: signature.id, signed_at: signedAt }).execute();

  const slugs = new Set([...requiredEducationSlugs(), ...educationModules().map((m) => m.slug)]);
  for (const slug of slugs) {
    await ctx.tx.insertInto('education_completions').values({ patient_id: patientId, slug, completed_at: daysAgo(ctx, 26) }).execute();
  }
};

/** Alex (applicant@): a submitted intake awaiting review; a family history of substance use raises the risk tier. */
const applicantStep: DemoStep = async (ctx) => {
  const answers = answersFor({ dateOfBirth: '1992-09-30', sexAtBirth: 'female', state: 'NY' }, (a) => {
    a.substanceUse = { ...a.substanceUse, familyHistoryOfSud: true };
    a.supportSystem = { hasSitter: true, sitter: { name: 'Jordan Kim', relationship: 'sibling', isAdult: true, canAttendEverySession: true } };
  });
  await submitAt(ctx, ctx.patients.applicant, ctx.users.applicant, answers, daysAgo(ctx, 2));
};

interface SyntheticApplicant {
  key: string;
  email: string;
  name: string;
  dateOfBirth: string;
  sexAtBirth: 'female' | 'male';
  state: string;
  submittedDaysAgo: number;
  change?: (a: IntakeAnswers) => void;
}

/** Synthetic applicants, one per eligibility outcome, on clinician@'s care team and waiting in the review queue. */
const syntheticApplicants: SyntheticApplicant[] = [
  { key: 'eligibleApplicant', email: 'taylor.demo@keel.demo', name: 'Taylor Brooks', dateOfBirth: '1984-02-17', sexAtBirth: 'female', state: 'CA', submittedDaysAgo: 1 },
  {
    key: 'benzodiazepineApplicant',
    email: 'morgan.demo@keel.demo',
    name: 'Morgan Lee',
    dateOfBirth: '1979-11-03',
    sexAtBirth: 'male',
    state: 'NY',
    submittedDaysAgo: 3,
    change: (a) => {
      a.medications = { none: false, list: [{ name: 'clonazepam', class: 'benzodiazepine', diazepamEquivalentMgPerDay: 10 }] };
    },
  },
  {
    key: 'aneurysmApplicant',
    email: 'jamie.demo@keel.demo',
    name: 'Jamie Chen',
    dateOfBirth: '1990-07-22',
    sexAtBirth: 'female',
    state: 'TX',
    submittedDaysAgo: 5,
    change: (a) => {
      a.medicalHistory = { ...a.medicalHistory, aneurysmalVascularDisease: true };
    },
  },
];

const syntheticApplicantsStep: DemoStep = async (ctx) => {
  for (const person of syntheticApplicants) {
    const userId = crypto.randomUUID();
    const patientId = crypto.randomUUID();
    await ctx.tx
      .insertInto('users')
      .values({ id: userId, email: person.email, name: person.name, role: 'patient', password_hash: ctx.passwordHash, mfa_secret: null, mfa_last_step: null, dea_registration: null, is_demo: true, deactivated_at: null })
      .execute();
    await ctx.tx
      .insertInto('patients')
      .values({ id: patientId, user_id: userId, name: person.name, date_of_birth: person.dateOfBirth, state: person.state, sex_at_birth: person.sexAtBirth, address: null, is_demo: true, status: 'intake' })
      .execute();
    await ctx.tx
      .insertInto('care_team_members')
      .values({ id: crypto.randomUUID(), patient_id: patientId, user_id: ctx.users.clinician, member_role: 'clinician', is_primary: true, assigned_at: daysAgo(ctx, person.submittedDaysAgo), assigned_by: ctx.users.admin, unassigned_at: null })
      .execute();
    ctx.patients[person.key] = patientId;
    await submitAt(ctx, patientId, userId, answersFor(person, person.change), daysAgo(ctx, person.submittedDaysAgo));
  }
};

/** Demo data for the intake part of the program. */
export const intakeDemoSteps: DemoStep[] = [approvedPatientStep, applicantStep, syntheticApplicantsStep];
