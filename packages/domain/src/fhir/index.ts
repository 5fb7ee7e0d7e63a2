export * from './fhir-types.ts';
export * from './patient-record.ts';
export * from './terminology.ts';
export * from './fhir-export.ts';
export * from './questionnaires.ts';
export { sessionEncounterStatus, administrationStatus, medicationRequestStatus, carePlanStatus } from './map-treatment.ts';
export { assessmentIds } from './map-assessments.ts';
export { vitalsIds } from './map-vitals.ts';
