export * from './fhir-types.ts';
export * from './patient-record.ts';
export * from './fhir-export.ts';
