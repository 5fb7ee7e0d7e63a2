import { toFhirBundle, type Bundle } from '@keel/domain';
import { inTransaction } from '../../db/transaction.ts';
import { notFound } from '../../http/problem.ts';
import type { UseCase } from '../deps.ts';
import { fhirProgram } from './fhir-program.ts';
import { loadPatientRecord } from './load-patient-record.ts';

/**
 * The patient's record as a FHIR R4 Bundle, read in one transaction so the export is a consistent snapshot. The
 * access hook has already put the export on the audit record (`fhir_export.read`).
 */
export async function exportPatientRecord({ deps, ctx }: UseCase, patientId: string): Promise<Bundle> {
  return inTransaction(deps.database.db, async (tx) => {
    const record = await loadPatientRecord(tx, patientId, { consentPdf: true });
    if (!record) throw notFound('patient');
    return toFhirBundle(fhirProgram(deps), record, ctx.now.toISOString());
  });
}
