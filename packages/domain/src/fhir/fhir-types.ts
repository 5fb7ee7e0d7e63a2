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
export interface Meta {
  profile?: string[];
  lastUpdated?: string;
  tag?: Coding[];
}
export interface FhirResource {
  resourceType: string;
  id: string;
  meta?: Meta;
  [key: string]: unknown;
}
export interface BundleEntry {
  fullUrl: string;
  resource: FhirResource;
  search?: { mode: 'match' | 'include' | 'outcome' };
}
export interface BundleLink {
  relation: string;
  url: string;
}
export interface Bundle {
  resourceType: 'Bundle';
  id: string;
  type: 'collection' | 'searchset';
  timestamp: string;
  meta?: Meta;
  total?: number;
  link?: BundleLink[];
  entry: BundleEntry[];
  [key: string]: unknown;
}

/** Where the export lives: the server's FHIR base and the program's identifier namespaces. */
export interface FhirProgram {
  /** The FHIR base of this server, e.g. `https://keel.example.org/fhir/R4`: fullUrls and canonical URLs use it. */
  fhirBase: string;
  /** The program's medical record number namespace (Patient.identifier.system). */
  mrnSystem: string;
  /** The program's staff identifier namespace (Practitioner.identifier.system). */
  staffIdSystem: string;
  organizationName: string;
}

/** The Organization that is the program itself. */
export const programOrganizationId = 'keel-program';
