/** The slice of FHIR R4 that Keel exports. Plain data: every resource serialises to standard FHIR JSON. */
export interface Coding {
  system: string;
  code: string;
  display?: string;
}
export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}
export interface Reference {
  reference: string;
  display?: string;
}
export interface Quantity {
  value: number;
  unit: string;
  system?: string;
  code?: string;
}
export interface FhirResource {
  resourceType: string;
  id: string;
  [key: string]: unknown;
}
export interface BundleEntry {
  fullUrl: string;
  resource: FhirResource;
}
export interface Bundle {
  resourceType: 'Bundle';
  id: string;
  type: 'collection';
  timestamp: string;
  meta: { profile?: string[]; tag?: Coding[] };
  entry: BundleEntry[];
  [key: string]: unknown;
}
