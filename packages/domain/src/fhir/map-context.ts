import { programOrganizationId, type FhirProgram, type FhirResource, type Meta, type Reference } from './fhir-types.ts';
import type { FhirPatientRecord } from './patient-record.ts';

/**
 * What every mapper shares: the program, the record, and references to the people in it. A reference is only made
 * to a resource the export contains (the practitioner, the sitter, the patient), so every reference resolves inside
 * the bundle; `has` answers the same question for records mapped earlier (evidence, targets of provenance).
 */
export interface MapContext {
  program: FhirProgram;
  record: FhirPatientRecord;
  patientRef: Reference;
  organizationRef: Reference;
  practitionerRef(userId: string | null | undefined): Reference | undefined;
  /** The patient, a practitioner or the patient's sitter, whoever `userId` is; undefined for anyone else. */
  actorRef(userId: string | null | undefined): Reference | undefined;
  has(type: string, id: string): boolean;
}

export const ref = (type: string, id: string, display?: string): Reference => ({ reference: `${type}/${id}`, ...(display ? { display } : {}) });

/** A resource with its meta (profiles and last change). Undefined fields are left out, as FHIR JSON requires. */
export function resource(resourceType: string, id: string, meta: { profiles?: readonly string[]; lastUpdated: string }, body: Record<string, unknown>): FhirResource {
  const m: Meta = { lastUpdated: meta.lastUpdated, ...(meta.profiles?.length ? { profile: [...meta.profiles] } : {}) };
  return prune({ resourceType, id, meta: m, ...body }) as FhirResource;
}

/** Drops undefined values, empty arrays and empty objects, recursively: FHIR JSON forbids empty elements. */
export function prune(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(prune).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const p = prune(v);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length ? out : undefined;
  }
  if (typeof value === 'string' && value.trim() === '') return undefined;
  return value;
}

/** The latest of some instants (for meta.lastUpdated). */
export function latest(...instants: (string | null | undefined)[]): string {
  return instants.filter((i): i is string => typeof i === 'string').reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
}

export function createMapContext(program: FhirProgram, record: FhirPatientRecord, index: ReadonlySet<string>): MapContext {
  const staff = new Map(record.staff.map((s) => [s.id, s]));
  const sitterByUser = new Map<string, FhirPatientRecord['sitters'][number]>();
  for (const s of record.sitters) if (s.userId && (!sitterByUser.has(s.userId) || s.status === 'active')) sitterByUser.set(s.userId, s);
  const patientRef = ref('Patient', record.patient.id, record.patient.name);
  const practitionerRef = (userId: string | null | undefined) => {
    const s = userId ? staff.get(userId) : undefined;
    return s ? ref('Practitioner', s.id, s.name) : undefined;
  };
  return {
    program,
    record,
    patientRef,
    organizationRef: ref('Organization', programOrganizationId, program.organizationName),
    practitionerRef,
    actorRef: (userId) => {
      if (!userId) return undefined;
      if (userId === record.patient.userId) return patientRef;
      const sitter = sitterByUser.get(userId);
      if (sitter) return ref('RelatedPerson', sitter.id, sitter.name);
      return practitionerRef(userId);
    },
    has: (type, id) => index.has(`${type}/${id}`),
  };
}

/** Escapes text for an XHTML narrative. */
export const xhtml = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
