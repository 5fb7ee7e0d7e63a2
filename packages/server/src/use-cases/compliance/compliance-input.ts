// Loads the facts the prescribing-compliance rules judge (docs/compliance.md), inside the caller's transaction, and
// refuses an action that is not compliant with every reason. Nothing here decides: `evaluatePrescribingCompliance`
// (domain) does.
import {
  evaluatePrescribingCompliance,
  type ComplianceAction,
  type ComplianceCredential,
  type ComplianceDecision,
  type ComplianceInput,
  type DosingSettings,
} from '@keel/domain';
import type { Db } from '../../db/transaction.ts';
import { AppError } from '../../http/problem.ts';
import { primaryClinicianOf } from '../identity/care-team.ts';
import { iso } from '../treatment/treatment-common.ts';

/** The patient's current pathway row (not superseded), or undefined. */
export async function currentPathwayRow(db: Db, patientId: string) {
  return db
    .selectFrom('prescribing_pathways as pw')
    .innerJoin('users as u', 'u.id', 'pw.prescriber_id')
    .selectAll('pw')
    .select('u.name as prescriber_name')
    .where('pw.patient_id', '=', patientId)
    .where('pw.superseded_at', 'is', null)
    .executeTakeFirst();
}

export async function credentialsOf(db: Db, clinicianId: string): Promise<ComplianceCredential[]> {
  const rows = await db.selectFrom('prescriber_credentials').select(['kind', 'state', 'schedules', 'expires_on']).where('clinician_id', '=', clinicianId).execute();
  return rows.map((r) => ({ kind: r.kind, state: r.state, schedules: r.schedules, expiresOn: r.expires_on }));
}

/** The instants of the patient's PDMP checks, newest first (the rules need only the recent ones). */
export async function pdmpCheckTimes(db: Db, patientId: string): Promise<string[]> {
  const rows = await db.selectFrom('pdmp_checks').select('checked_at').where('patient_id', '=', patientId).orderBy('checked_at', 'desc').limit(100).execute();
  return rows.map((r) => iso(r.checked_at));
}

/**
 * Every fact for `action`. The prescriber is `prescriberId` when given (the clinician signing a plan), otherwise the
 * signer of the active plan (whose prescription a fill or a dose rests on).
 */
export async function loadComplianceInput(db: Db, args: { patientId: string; action: ComplianceAction; prescriberId?: string | null }): Promise<ComplianceInput> {
  const patient = await db.selectFrom('patients').select(['state']).where('id', '=', args.patientId).executeTakeFirst();
  const plan = await db
    .selectFrom('treatment_plans')
    .select(['id', 'signed_by', 'signed_at'])
    .where('patient_id', '=', args.patientId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  // Without a signed active plan, the patient's primary clinician is the prescriber the rules look at.
  const prescriberId = args.prescriberId ?? plan?.signed_by ?? (await primaryClinicianOf(db, args.patientId));
  const pathway = await currentPathwayRow(db, args.patientId);
  const input: {
    -readonly [K in keyof ComplianceInput]: ComplianceInput[K];
  } = {
    action: args.action,
    patientState: patient?.state ?? null,
    pathway: pathway ? { kind: pathway.kind, details: pathway.details } : null,
    prescriber: prescriberId ? { id: prescriberId, credentials: await credentialsOf(db, prescriberId) } : null,
    pdmpCheckedAt: await pdmpCheckTimes(db, args.patientId),
  };
  if (args.action === 'dispense') {
    const previous = await db.selectFrom('dispenses').select('dispensed_at').where('patient_id', '=', args.patientId).orderBy('dispensed_at', 'desc').limit(1).executeTakeFirst();
    input.previousDispenseAt = previous ? iso(previous.dispensed_at) : null;
    if (plan?.signed_at) {
      const fills = await db.selectFrom('dispenses').select((eb) => eb.fn.countAll<number>().as('n')).where('plan_id', '=', plan.id).executeTakeFirstOrThrow();
      input.prescription = { signedAt: iso(plan.signed_at), fillsSoFar: Number(fills.n) };
    } else {
      input.prescription = null;
    }
  }
  return input;
}

const ACTION_TITLES: Record<ComplianceAction, string> = {
  sign_plan: 'The plan cannot be signed',
  dispense: 'The dispense cannot be recorded',
  dose: 'The dose cannot be authorized',
};

/** A 422 carrying every reason (like BOOKING_REFUSED): `reasons: [{code, message}]`. */
export function notCompliant(action: ComplianceAction, decision: ComplianceDecision): AppError {
  const reasons = decision.reasons.map((r) => ({ code: r.code, message: r.message }));
  return new AppError('PRESCRIBING_NOT_COMPLIANT', `${ACTION_TITLES[action]}: ${reasons.map((r) => r.message).join(' ')}`, undefined, { action, reasons });
}

/** Evaluates `action` on the facts as they stand in `db` and throws the 422 unless it is compliant. */
export async function assertCompliant(
  db: Db,
  args: { patientId: string; action: ComplianceAction; prescriberId?: string | null },
  settings: DosingSettings,
  now: Date,
): Promise<ComplianceInput> {
  const input = await loadComplianceInput(db, args);
  const decision = evaluatePrescribingCompliance(input, settings, now);
  if (!decision.ok) throw notCompliant(args.action, decision);
  return input;
}
