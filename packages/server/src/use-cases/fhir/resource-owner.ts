import type { Db } from '../../db/transaction.ts';
import { isUuid } from '../../http/access-control.ts';

/**
 * FHIR logical ids of the export are a Keel row's UUID, optionally followed by a suffix for the several resources
 * one row yields (`<uuid>-bp`, `<uuid>-q9`, `<uuid>-goal-1`). Anything else is an unknown id.
 */
export function sourceRowId(fhirId: string): string | null {
  if (!/^[A-Za-z0-9\-.]{1,64}$/.test(fhirId)) return null;
  const head = fhirId.slice(0, 36);
  if (!isUuid(head)) return null;
  const rest = fhirId.slice(36);
  return rest === '' || /^-[A-Za-z0-9.-]+$/.test(rest) ? head.toLowerCase() : null;
}

type OwnerQuery = (db: Db, id: string) => Promise<string | undefined>;

const byTable =
  (table: 'patients' | 'assessments' | 'session_vitals' | 'intake_decisions' | 'treatment_plans' | 'dispenses' | 'dosing_sessions' | 'clinician_visits' | 'adverse_events' | 'alerts' | 'risk_evaluations' | 'consent_signatures' | 'sitter_assignments'): OwnerQuery =>
  async (db, id) => {
    const column = table === 'patients' ? 'id' : 'patient_id';
    const row = await db.selectFrom(table).select(`${column} as patient_id` as 'patient_id').where('id', '=', id).executeTakeFirst();
    return (row as { patient_id?: string } | undefined)?.patient_id;
  };

const firstOf =
  (...queries: OwnerQuery[]): OwnerQuery =>
  async (db, id) => {
    for (const q of queries) {
      const owner = await q(db, id);
      if (owner) return owner;
    }
    return undefined;
  };

/** A signature belongs to the patient whose plan, consent or intake decision it signs. */
const signatureOwner: OwnerQuery = async (db, id) => {
  const row = await db
    .selectFrom('signatures as s')
    .leftJoin('treatment_plans as p', 'p.signature_id', 's.id')
    .leftJoin('consent_signatures as c', 'c.signature_id', 's.id')
    .leftJoin('intake_decisions as d', 'd.signature_id', 's.id')
    .select((eb) => eb.fn.coalesce('p.patient_id', 'c.patient_id', 'd.patient_id').as('patient_id'))
    .where('s.id', '=', id)
    .executeTakeFirst();
  return row?.patient_id ?? undefined;
};

/** For each patient-compartment type of the export: which rows its ids come from. */
export const ownerQueries: Readonly<Record<string, OwnerQuery>> = {
  Patient: byTable('patients'),
  CareTeam: byTable('patients'),
  Observation: firstOf(byTable('assessments'), byTable('session_vitals')),
  QuestionnaireResponse: byTable('assessments'),
  Condition: byTable('intake_decisions'),
  MedicationRequest: byTable('treatment_plans'),
  CarePlan: byTable('treatment_plans'),
  Goal: byTable('treatment_plans'),
  MedicationDispense: byTable('dispenses'),
  MedicationAdministration: byTable('dosing_sessions'),
  Encounter: firstOf(byTable('dosing_sessions'), byTable('clinician_visits')),
  AdverseEvent: byTable('adverse_events'),
  Flag: byTable('alerts'),
  DetectedIssue: firstOf(byTable('alerts'), byTable('risk_evaluations')),
  Consent: byTable('consent_signatures'),
  RelatedPerson: byTable('sitter_assignments'),
  Provenance: signatureOwner,
};

export const patientCompartmentTypes = Object.keys(ownerQueries);

/** The patient whose record holds `Type/fhirId`, or null (unknown type, malformed or unknown id). */
export async function ownerOf(db: Db, type: string, fhirId: string): Promise<string | null> {
  const query = ownerQueries[type];
  const rowId = sourceRowId(fhirId);
  if (!query || !rowId) return null;
  return (await query(db, rowId)) ?? null;
}
