import {
  instrumentDefinition,
  listInstruments,
  organizationResource,
  patientRecordResources,
  practitionerResource,
  questionnaireResource,
  type FhirResource,
} from '@keel/domain';
import { inTransaction } from '../../db/transaction.ts';
import type { UseCaseDeps } from '../deps.ts';
import { fhirProgram } from './fhir-program.ts';
import { loadPatientRecord, programUpdatedAt, type LoadOptions } from './load-patient-record.ts';

const iso = (value: Date | string): string => new Date(value).toISOString();

/**
 * Every resource of one patient's record, as the export maps it (one transaction: a consistent snapshot). Read on the
 * primary, never a replica: a client syncing with `_since` takes the bundle's time as its next starting point, so a
 * row the replica had not yet replayed would never reach it (docs/scaling.md).
 */
export async function patientResources(deps: UseCaseDeps, patientId: string, now: Date, options: LoadOptions = {}): Promise<FhirResource[] | null> {
  return inTransaction(deps.database.db, async (tx) => {
    const record = await loadPatientRecord(tx, patientId, options);
    return record ? patientRecordResources(fhirProgram(deps), record, now.toISOString()) : null;
  });
}

/** A staff member as a Practitioner; patients and sitters are not practitioners. */
export async function readPractitioner(deps: UseCaseDeps, id: string): Promise<FhirResource | null> {
  const row = await deps.database.db
    .selectFrom('users')
    .select(['id', 'name', 'role', 'dea_registration', 'state_licenses', 'status', 'updated_at'])
    .where('id', '=', id)
    .where('role', 'in', ['clinician', 'coach', 'admin'])
    .executeTakeFirst();
  if (!row) return null;
  return practitionerResource(
    fhirProgram(deps),
    { id: row.id, name: row.name, role: row.role, deaRegistration: row.dea_registration, stateLicenses: [...row.state_licenses], active: row.status === 'active', updatedAt: iso(row.updated_at) },
    iso(row.updated_at),
  );
}

/** The program as an Organization; it changes when the program settings do. */
export async function readOrganization(deps: UseCaseDeps): Promise<FhirResource> {
  return organizationResource(fhirProgram(deps), await programUpdatedAt(deps.database.db));
}

/** The instruments as Questionnaires (reference data: their canonical URLs resolve here). */
export function questionnaires(deps: UseCaseDeps, now: Date): FhirResource[] {
  const base = fhirProgram(deps).fhirBase;
  return listInstruments().map((d) => questionnaireResource(base, d, now.toISOString()));
}

export function questionnaire(deps: UseCaseDeps, code: string, now: Date): FhirResource | null {
  const d = instrumentDefinition(code);
  return d ? questionnaireResource(fhirProgram(deps).fhirBase, d, now.toISOString()) : null;
}
