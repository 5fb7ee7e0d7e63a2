import type { Bundle, FhirProgram, FhirResource } from './fhir-types.ts';
import { createMapContext } from './map-context.ts';
import { assessmentResources } from './map-assessments.ts';
import { consentResource, provenanceResource } from './map-consent.ts';
import { careTeamResource, organizationResource, patientResource, practitionerResource, relatedPersonResource } from './map-people.ts';
import { adverseEventResource, alertResources, warningSignsIssue } from './map-safety.ts';
import { carePlanResource, conditionResource, dispenseResources, goalResources, medicationRequestResource, sessionResources, visitEncounter } from './map-treatment.ts';
import { vitalsResources } from './map-vitals.ts';
import type { FhirPatientRecord } from './patient-record.ts';
import { instrumentDefinition, questionnaireResource } from './questionnaires.ts';

export const resourceKey = (r: { resourceType: string; id: string }): string => `${r.resourceType}/${r.id}`;

/** The full URL of a resource at this server: the bundle's fullUrls, and what relative references resolve to. */
export const fullUrlOf = (fhirBase: string, r: { resourceType: string; id: string }): string => `${fhirBase}/${resourceKey(r)}`;

/**
 * Maps a patient's record to FHIR R4 resources (US Core 6.1 profiles where US Core has one). Resources keep Keel's
 * ids (with a suffix for the several Observations one record yields), so a re-export updates rather than
 * duplicates. Every reference is relative (`Type/id`) and points at a resource in the result. Pure: the record,
 * the program and `exportedAt` come from the caller.
 */
export function patientRecordResources(program: FhirProgram, record: FhirPatientRecord, exportedAt: string): FhirResource[] {
  const index = new Set<string>();
  const out: FhirResource[] = [];
  const add = (...resources: (FhirResource | undefined)[]) => {
    for (const r of resources) {
      if (!r || index.has(resourceKey(r))) continue;
      index.add(resourceKey(r));
      out.push(r);
    }
  };
  const ctx = createMapContext(program, record, index);

  add(organizationResource(program, record.programUpdatedAt), patientResource(ctx));
  for (const s of record.staff) add(practitionerResource(program, s, s.updatedAt));
  for (const s of record.sitters) add(relatedPersonResource(ctx, s));
  add(careTeamResource(ctx));

  for (const code of new Set(record.assessments.map((a) => a.instrument))) {
    const definition = instrumentDefinition(code);
    if (definition) add(questionnaireResource(program.fhirBase, definition, exportedAt));
  }
  for (const a of record.assessments) add(...assessmentResources(ctx, a));
  const condition = conditionResource(ctx);
  add(condition);

  const signed = record.plans.filter((p) => p.signedAt !== null).sort((a, b) => a.version - b.version);
  for (const plan of signed) add(medicationRequestResource(ctx, plan, condition?.id));
  for (const plan of signed) add(...goalResources(ctx, plan), carePlanResource(ctx, plan, condition?.id));
  add(...dispenseResources(ctx));
  for (const s of record.sessions) add(...sessionResources(ctx, s));
  for (const v of record.visits) add(visitEncounter(ctx, v));
  for (const v of record.vitals) add(...vitalsResources(ctx, v));
  for (const e of record.adverseEvents) add(adverseEventResource(ctx, e));

  // Resources that point at evidence come last, so they only name what the export holds.
  for (const r of record.riskEvaluations) add(warningSignsIssue(ctx, r));
  for (const a of record.alerts) add(...alertResources(ctx, a));
  for (const c of record.consents) add(consentResource(ctx, c));
  for (const s of record.signatures) add(provenanceResource(ctx, s));
  return out;
}

/** The patient's record as a FHIR R4 `collection` Bundle; fullUrls are this server's URLs of each resource. */
export function toFhirBundle(program: FhirProgram, record: FhirPatientRecord, exportedAt: string): Bundle {
  const resources = patientRecordResources(program, record, exportedAt);
  return {
    resourceType: 'Bundle',
    id: `export-${record.patient.id}`,
    meta: { lastUpdated: exportedAt },
    type: 'collection',
    timestamp: exportedAt,
    entry: resources.map((resource) => ({ fullUrl: fullUrlOf(program.fhirBase, resource), resource })),
  };
}
