// Prescribing compliance in the demo program (docs/compliance.md): the demo clinician's state licences and DEA
// registrations (one registration expiring within 30 days, so the expiry list has a row), a prescribing pathway for
// every patient in treatment — one patient in each kind of pathway, and Lee Park on the telemedicine flexibilities,
// who lapses on 1 January 2027 (the default `telemedicineFlexibilityUntil` is 2026-12-31) — and PDMP checks.
import { addDays, type PathwayKind } from '@keel/domain';
import { recordDigest } from '../use-cases/identity/signatures.ts';
import type { DemoContext, DemoStep } from './demo-context.ts';

const DAY = 86_400_000;
const dateOf = (d: Date): string => d.toISOString().slice(0, 10);
const DEMO_STATES = ['CA', 'NY', 'TX', 'WA', 'CO', 'OR'] as const;

/** Which pathway each demo patient was prescribed under (by the key the demo steps give them); in person otherwise. */
const pathwayOf: Record<string, PathwayKind> = {
  patient: 'in_person_evaluation',
  remitter: 'special_registration',
  responder: 'referral_from_in_person_clinician',
  nonResponder: 'telemedicine_flexibility',
};

function detailsFor(kind: PathwayKind, at: Date): Record<string, unknown> {
  switch (kind) {
    case 'in_person_evaluation':
      return { evaluatedOn: dateOf(at), location: 'Keel Demo Clinic, 500 Harbor Way, Oakland CA', attestation: true };
    case 'telemedicine_flexibility':
      return {};
    case 'special_registration':
      return { registrationNumber: 'TR0000001', registrationType: 'Telemedicine prescribing registration (demo)' };
    case 'referral_from_in_person_clinician':
      return { referringClinician: 'Dr. Morgan Lee, MD (primary care, demo)', referredOn: dateOf(at), documentReference: 'referral-letter-demo.pdf' };
  }
}

/** The pathway a demo patient was prescribed under, signed by the demo clinician at `at`. */
export async function recordDemoPathway(ctx: DemoContext, patientId: string, key: string, at: Date): Promise<void> {
  const kind = pathwayOf[key] ?? 'in_person_evaluation';
  const id = crypto.randomUUID();
  const details = detailsFor(kind, at);
  const signer = await ctx.tx.selectFrom('users').select('name').where('id', '=', ctx.users.clinician).executeTakeFirstOrThrow();
  const signatureId = crypto.randomUUID();
  await ctx.tx
    .insertInto('signatures')
    .values({
      id: signatureId,
      signer_id: ctx.users.clinician,
      printed_name: signer.name,
      meaning: 'attested',
      signed_at: at,
      record_type: 'prescribing_pathway',
      record_id: id,
      record_sha256: recordDigest({ pathwayId: id, patientId, kind, details }),
    })
    .execute();
  await ctx.tx
    .insertInto('prescribing_pathways')
    .values({ id, patient_id: patientId, kind, details: JSON.stringify(details), prescriber_id: ctx.users.clinician, signature_id: signatureId, signed_at: at, superseded_at: null, superseded_by: null })
    .execute();
}

/** A PDMP check by the demo clinician at `at`, with nothing found. */
export async function recordDemoPdmpCheck(ctx: DemoContext, patientId: string, at: Date, state = 'CA'): Promise<void> {
  await ctx.tx
    .insertInto('pdmp_checks')
    .values({
      id: crypto.randomUUID(),
      patient_id: patientId,
      checked_at: at,
      checked_by: ctx.users.clinician,
      other_controlled_prescriptions: false,
      note: null,
      states: [state],
      result_summary: 'No other controlled-substance prescriptions in the last 12 months (demo).',
      other_prescriptions: '[]',
      recorded_at: at,
    })
    .execute();
}

/** The demo clinician's credentials: a licence and a DEA registration (II–V) per state; Washington's DEA expires soon. */
const credentialsStep: DemoStep = async (ctx) => {
  const today = dateOf(ctx.now);
  const document = Buffer.from('%PDF-1.4\n% Demo credential: synthetic, not a real licence or registration.\n');
  for (const state of DEMO_STATES) {
    for (const kind of ['state_licence', 'dea_registration'] as const) {
      const expiresOn = kind === 'dea_registration' && state === 'WA' ? addDays(today, 21) : addDays(today, 2 * 365);
      await ctx.tx
        .insertInto('prescriber_credentials')
        .values({
          id: crypto.randomUUID(),
          clinician_id: ctx.users.clinician,
          kind,
          number: kind === 'dea_registration' ? 'FM0000000' : `${state}-DEMO-${state === 'CA' ? 'A' : 'B'}12345`,
          state,
          schedules: kind === 'dea_registration' ? ['II', 'IIN', 'III', 'IIIN', 'IV', 'V'] : [],
          expires_on: expiresOn,
          document_name: `${kind === 'dea_registration' ? 'dea' : 'licence'}-${state.toLowerCase()}-demo.pdf`,
          document_content_type: 'application/pdf',
          document,
          created_at: ctx.now,
          created_by: ctx.users.admin,
        })
        .execute();
    }
  }
};

/** Sam (patient@): evaluated in person before treatment began; PDMP checks before the plan and two days ago. */
const samStep: DemoStep = async (ctx) => {
  await recordDemoPathway(ctx, ctx.patients.patient, 'patient', new Date(ctx.now.getTime() - 35 * DAY));
  await recordDemoPdmpCheck(ctx, ctx.patients.patient, new Date(ctx.now.getTime() - 18 * DAY));
  await recordDemoPdmpCheck(ctx, ctx.patients.patient, new Date(ctx.now.getTime() - 2 * DAY));
};

/** Runs before the treatment steps: their demo sessions are decided by the gate, which checks compliance. */
export const complianceDemoSteps: DemoStep[] = [credentialsStep, samStep];
