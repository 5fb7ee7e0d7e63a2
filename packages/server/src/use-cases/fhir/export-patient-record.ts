import { toFhirBundle, type Bundle, type FhirPatientRecord, type TreatmentPlanTerms } from '@keel/domain';
import { inTransaction, type Tx } from '../../db/transaction.ts';
import { notFound } from '../../http/problem.ts';
import type { UseCase } from '../deps.ts';

const iso = (value: Date | string): string => new Date(value).toISOString();

async function loadRecord(tx: Tx, patientId: string): Promise<FhirPatientRecord | null> {
  const patient = await tx.selectFrom('patients').selectAll().where('id', '=', patientId).executeTakeFirst();
  if (!patient) return null;
  const [assessments, plans, dispenses, sessions, alerts, consents] = await Promise.all([
    tx.selectFrom('assessments').selectAll().where('patient_id', '=', patientId).orderBy('submitted_at').execute(),
    tx
      .selectFrom('treatment_plans as p')
      .leftJoin('users as u', 'u.id', 'p.signed_by')
      .select(['p.id', 'p.version', 'p.status', 'p.terms', 'p.signed_at', 'p.signed_by', 'u.name as signer_name'])
      .where('p.patient_id', '=', patientId)
      .orderBy('p.version')
      .execute(),
    tx.selectFrom('dispenses').selectAll().where('patient_id', '=', patientId).orderBy('dispensed_at').execute(),
    tx.selectFrom('dosing_sessions').selectAll().where('patient_id', '=', patientId).where('authorized_at', 'is not', null).orderBy('authorized_at').execute(),
    tx.selectFrom('alerts').selectAll().where('patient_id', '=', patientId).orderBy('raised_at').execute(),
    tx.selectFrom('consent_signatures').selectAll().where('patient_id', '=', patientId).orderBy('signed_at').execute(),
  ]);
  return {
    patient: {
      id: patient.id,
      name: patient.name,
      dateOfBirth: String(patient.date_of_birth).slice(0, 10),
      sexAtBirth: patient.sex_at_birth,
      state: patient.state,
      address: patient.address,
      status: patient.status,
    },
    assessments: assessments.map((a) => ({
      id: a.id,
      instrument: a.instrument,
      version: a.version,
      total: a.total,
      band: a.band,
      flags: a.flags,
      submittedAt: iso(a.submitted_at),
      answers: a.answers,
    })),
    plans: plans.map((p) => {
      const terms = p.terms as unknown as TreatmentPlanTerms;
      return {
        id: p.id,
        version: p.version,
        status: p.status,
        route: terms.route,
        phase: terms.phase,
        currentDoseMg: terms.currentDoseMg,
        maximumDoseMg: terms.maximumDoseMg,
        minHoursBetweenSessions: terms.minHoursBetweenSessions,
        maxSessionsPer7Days: terms.maxSessionsPer7Days,
        signedAt: p.signed_at ? iso(p.signed_at) : null,
        signedBy: p.signed_by ? { id: p.signed_by, name: p.signer_name ?? '' } : null,
        goals: [...terms.goals],
      };
    }),
    dispenses: dispenses.map((d) => ({ id: d.id, units: d.units, form: d.form, strengthMg: d.strength_mg, dispensedAt: iso(d.dispensed_at), dispenser: d.dispenser, prescriberId: d.prescriber_id })),
    administrations: sessions.map((s) => ({
      sessionId: s.id,
      doseMg: s.dose_mg ?? 0,
      authorizedAt: iso(s.authorized_at ?? s.created_at),
      completedAt: s.completed_at ? iso(s.completed_at) : null,
      status: s.status,
      planId: s.plan_id,
    })),
    alerts: alerts.map((a) => ({ id: a.id, code: a.code, severity: a.severity, title: a.title, status: a.status, raisedAt: iso(a.raised_at), resolvedAt: a.resolved_at ? iso(a.resolved_at) : null, holdsDosing: a.holds_dosing })),
    consents: consents.map((c) => ({ id: c.id, version: c.version, signedAt: iso(c.signed_at), documentSha256: c.document_sha256 })),
  };
}

/**
 * The patient's record as a FHIR R4 Bundle, read in one transaction so the export is a consistent snapshot. The
 * access hook has already put the export on the audit record (`fhir_export.read`).
 */
export async function exportPatientRecord({ deps, ctx }: UseCase, patientId: string): Promise<Bundle> {
  return inTransaction(deps.database.db, async (tx) => {
    const record = await loadRecord(tx, patientId);
    if (!record) throw notFound('patient');
    return toFhirBundle(record, ctx.now.toISOString());
  });
}
