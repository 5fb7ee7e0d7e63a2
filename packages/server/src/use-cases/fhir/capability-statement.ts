import { profiles, supportedSearchParams, type FhirProgram, type FhirResource } from '@keel/domain';
import { patientCompartmentTypes } from './resource-owner.ts';

/** The US Core profiles each type's resources declare (supportedProfile). */
const supportedProfiles: Record<string, string[]> = {
  Patient: [profiles.patient],
  Practitioner: [profiles.practitioner],
  Organization: [profiles.organization],
  RelatedPerson: [profiles.relatedPerson],
  CareTeam: [profiles.careTeam],
  Condition: [profiles.condition],
  Observation: [profiles.bloodPressure, profiles.heartRate, profiles.pulseOximetry, profiles.screeningAssessment],
  QuestionnaireResponse: [profiles.questionnaireResponse],
  MedicationRequest: [profiles.medicationRequest],
  MedicationDispense: [profiles.medicationDispense],
  Encounter: [profiles.encounter],
  CarePlan: [profiles.carePlan],
  Goal: [profiles.goal],
  Provenance: [profiles.provenance],
};

const paramType: Record<string, string> = {
  _id: 'token',
  _lastUpdated: 'date',
  patient: 'reference',
  subject: 'reference',
  code: 'token',
  category: 'token',
  date: 'date',
  birthdate: 'date',
  status: 'token',
  identifier: 'token',
  name: 'string',
  gender: 'token',
  url: 'uri',
};

const searchParamDefinition = (type: string, name: string): string =>
  name.startsWith('_') ? `http://hl7.org/fhir/SearchParameter/Resource-${name.slice(1)}` : `http://hl7.org/fhir/SearchParameter/${type}-${name}`;

/** What this server can do, as FHIR says a server describes itself (`GET /metadata`). */
export function capabilityStatement(program: FhirProgram, date: string, softwareVersion: string): FhirResource {
  const resource = (type: string, interactions: string[], params: string[], extra: Record<string, unknown> = {}) => ({
    type,
    ...(supportedProfiles[type] ? { supportedProfile: supportedProfiles[type] } : {}),
    interaction: interactions.map((code) => ({ code })),
    ...(params.length ? { searchParam: params.map((name) => ({ name, definition: searchParamDefinition(type, name), type: paramType[name] ?? 'token' })) } : {}),
    ...extra,
  });
  return {
    resourceType: 'CapabilityStatement',
    id: 'keel',
    url: `${program.fhirBase}/metadata`,
    version: softwareVersion,
    name: 'KeelFhirServer',
    title: 'Keel FHIR R4 API',
    status: 'active',
    experimental: false,
    date,
    publisher: 'Keel',
    description:
      'Read and search access to the records of a supervised at-home ketamine therapy program, with US Core 6.1 profiles where US Core has one. Searches cover one patient: give `patient` (or `subject`), except a patient, whose searches cover their own record.',
    kind: 'instance',
    software: { name: 'Keel', version: softwareVersion },
    implementation: { description: program.organizationName, url: program.fhirBase },
    fhirVersion: '4.0.1',
    format: ['json', 'application/fhir+json'],
    rest: [
      {
        mode: 'server',
        documentation: 'Errors are OperationOutcome resources. A record the caller may not see is reported as not found (404).',
        security: {
          cors: false,
          description: 'Sign in to Keel; send the session token as `Authorization: Bearer <token>` (or the session cookie). Patients read their own record; clinicians the records of patients on their care team; administrators run bulk exports.',
        },
        resource: [
          resource('Patient', ['read', 'search-type'], supportedSearchParams('Patient'), {
            operation: [
              { name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' },
              { name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export' },
            ],
          }),
          ...patientCompartmentTypes.filter((t) => t !== 'Patient').sort().map((t) => resource(t, ['read', 'search-type'], supportedSearchParams(t))),
          resource('Practitioner', ['read'], []),
          resource('Organization', ['read'], []),
          resource('Questionnaire', ['read', 'search-type'], ['url', '_id']),
        ],
        operation: [{ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export' }],
      },
    ],
  };
}
