import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoStepsWithoutAlumni, seedDemo } from '../../src/demo/seed-demo.ts';
import type { DemoContext } from '../../src/demo/demo-context.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { bearer, signIn, testPassword } from '../support/factories.ts';
import { fhirPackageErrors, unresolvedReferences, validationErrors } from './fhir-validator.ts';
import { usCoreKeyConstraints } from './us-core-constraints.ts';

type Resource = Record<string, unknown> & { resourceType: string; id: string; meta?: { profile?: string[] } };
interface ExportBundle {
  resourceType: string;
  type: string;
  entry: { fullUrl: string; resource: Resource }[];
}

let t: TestContext;
let demo: DemoContext;
let clinicianToken: string;
const bundles = new Map<string, ExportBundle>();

beforeAll(async () => {
  t = await createTestApp();
  demo = await seedDemo(t.deps, { password: testPassword, steps: demoStepsWithoutAlumni });
  clinicianToken = await signIn(t, { email: 'clinician@keel.demo' });
  for (const [key, patientId] of Object.entries(demo.patients)) {
    const response = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${patientId}/fhir`, headers: bearer(clinicianToken) });
    expect(response.statusCode, key).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/fhir\+json/);
    bundles.set(key, response.json<ExportBundle>());
  }
}, 300_000);
afterAll(async () => {
  await t.close();
});

/** Every problem an independent validator and the R4 reference rules find in one bundle. */
function problemsOf(bundle: ExportBundle): { errors: string[]; unresolved: string[]; usCore: string[]; checks: number } {
  const errors = bundle.entry.flatMap((e) => validationErrors(e.resource));
  errors.push(...validationErrors(bundle));
  const unresolved = unresolvedReferences(bundle);
  let checks = 0;
  const usCore = bundle.entry.flatMap((e) => {
    const report = usCoreKeyConstraints(e.resource);
    checks += report.checks;
    return report.violations;
  });
  return { errors, unresolved, usCore, checks };
}

const ofType = (bundle: ExportBundle, type: string) => bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === type);

describe('FHIR export of the demo program', () => {
  it('exports every demo patient', () => {
    expect([...bundles.keys()].sort()).toEqual(Object.keys(demo.patients).sort());
    expect(bundles.size).toBeGreaterThanOrEqual(8);
  });

  it('validates every resource of every demo patient with 0 errors and 0 unresolved references', () => {
    let resources = 0;
    for (const [key, bundle] of bundles) {
      const { errors, unresolved } = problemsOf(bundle);
      expect(errors, key).toEqual([]);
      expect(unresolved, key).toEqual([]);
      resources += bundle.entry.length;
    }
    expect(resources).toBeGreaterThan(300);
  });

  it('meets the key constraints of every US Core 6.1 profile it declares, and declares them where US Core has one', () => {
    let checks = 0;
    for (const [key, bundle] of bundles) {
      const report = problemsOf(bundle);
      expect(report.usCore, key).toEqual([]);
      checks += report.checks;
      const usCoreTypes = ['Patient', 'Practitioner', 'Organization', 'Condition', 'MedicationRequest', 'MedicationDispense', 'Encounter', 'CarePlan', 'CareTeam', 'QuestionnaireResponse', 'Provenance', 'Goal', 'RelatedPerson'];
      for (const r of bundle.entry.map((e) => e.resource).filter((x) => usCoreTypes.includes(x.resourceType))) {
        expect(r.meta?.profile?.some((p) => p.startsWith('http://hl7.org/fhir/us/core/StructureDefinition/')), `${r.resourceType}/${r.id}`).toBe(true);
      }
    }
    expect(checks).toBeGreaterThan(500);
  });

  it('uses the server FHIR base for every fullUrl, each resource once', () => {
    for (const bundle of bundles.values()) {
      for (const e of bundle.entry) expect(e.fullUrl).toBe(`http://keel.test/fhir/R4/${e.resource.resourceType}/${e.resource.id}`);
      expect(new Set(bundle.entry.map((e) => e.fullUrl)).size).toBe(bundle.entry.length);
    }
  });

  it('carries what a receiving clinician needs for the patient mid-induction', () => {
    const sam = bundles.get('patient')!;
    const patient = ofType(sam, 'Patient')[0]!;
    expect(patient).toMatchObject({ id: demo.patients.patient, birthDate: '1988-04-12', identifier: [{ system: 'http://keel.test/fhir/sid/mrn', value: demo.patients.patient }] });
    expect(patient['extension']).toEqual([{ url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex', valueCode: 'M' }]);
    const codes = (r: Resource) => ((r['code'] as { coding?: { code: string }[] } | undefined)?.coding ?? []).map((c) => c.code);
    const observations = ofType(sam, 'Observation');
    // Three sessions, each with pre-dose and in-session vitals: blood pressure, heart rate, SpO2.
    expect(observations.filter((o) => codes(o).includes('85354-9'))).toHaveLength(6);
    expect(observations.filter((o) => codes(o).includes('8867-4'))).toHaveLength(6);
    expect(observations.filter((o) => codes(o).includes('59408-5'))).toHaveLength(6);
    expect(observations.filter((o) => codes(o).includes('44249-1')).length).toBeGreaterThan(0);
    expect(observations.filter((o) => codes(o).includes('44260-8')).length).toBeGreaterThan(0);
    expect(ofType(sam, 'Condition')[0]).toMatchObject({ code: { coding: [{ system: 'http://snomed.info/sct' }, { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'F33.9' }] } });
    expect(ofType(sam, 'MedicationRequest')[0]).toMatchObject({ requester: { display: 'Dr. Casey Morgan' }, dispenseRequest: { numberOfRepeatsAllowed: 5, quantity: { value: 6 } } });
    const request = ofType(sam, 'MedicationRequest')[0]!;
    expect(ofType(sam, 'MedicationDispense')[0]).toMatchObject({ authorizingPrescription: [{ reference: `MedicationRequest/${request.id}` }] });
    expect(ofType(sam, 'MedicationAdministration')).toHaveLength(3);
    expect(ofType(sam, 'Encounter').length).toBeGreaterThanOrEqual(5);
    expect(ofType(sam, 'Consent')[0]).toMatchObject({ sourceAttachment: { contentType: 'application/pdf' } });
    const pdf = Buffer.from(String((ofType(sam, 'Consent')[0]!['sourceAttachment'] as { data: string }).data), 'base64');
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    for (const type of ['Practitioner', 'Organization', 'CareTeam', 'CarePlan', 'Goal', 'Provenance', 'RelatedPerson', 'QuestionnaireResponse', 'Questionnaire']) expect(ofType(sam, type).length, type).toBeGreaterThan(0);
  });

  it('puts every export on the audit record', async () => {
    const audit = await t.database.db.selectFrom('audit_log').select('action').where('patient_id', '=', demo.patients.patient).where('action', '=', 'fhir_export.read').execute();
    expect(audit.length).toBeGreaterThan(0);
  });

  it('lets the patient export their own record and nobody outside the care team', async () => {
    const own = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${demo.patients.patient}/fhir`, headers: bearer(await signIn(t, { email: 'patient@keel.demo' })) });
    expect(own.statusCode).toBe(200);
    for (const email of ['sitter@keel.demo', 'coach@keel.demo', 'admin@keel.demo', 'applicant@keel.demo']) {
      const response = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${demo.patients.patient}/fhir`, headers: bearer(await signIn(t, { email })) });
      expect(response.statusCode).toBe(404);
    }
  });
});

describe('the checks themselves', () => {
  it('reject what the old export produced: a day-name birth date, a relative reference against urn:uuid fullUrls', () => {
    expect(validationErrors({ resourceType: 'Patient', id: 'p1', birthDate: 'Tue Apr 12' } as never).length).toBeGreaterThan(0);
    expect(fhirPackageErrors({ resourceType: 'Patient', id: 'p1', birthDate: 'Tue Apr 12' } as never).length).toBeGreaterThan(0);
    const broken = {
      entry: [
        { fullUrl: 'urn:uuid:7d3b4c1e-8a8e-4a4e-9d55-0d1c1f7e2a11', resource: { resourceType: 'Patient', id: '7d3b4c1e-8a8e-4a4e-9d55-0d1c1f7e2a11' } },
        { fullUrl: 'urn:uuid:0f0e2d8c-6a5b-4c1e-8f7a-1b2c3d4e5f60', resource: { resourceType: 'Observation', id: '0f0e2d8c-6a5b-4c1e-8f7a-1b2c3d4e5f60', subject: { reference: 'Patient/7d3b4c1e-8a8e-4a4e-9d55-0d1c1f7e2a11' } } },
      ],
    };
    expect(unresolvedReferences(broken)).toHaveLength(1);
    expect(usCoreKeyConstraints({ resourceType: 'Patient', id: 'x', meta: { profile: ['http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient'] } }).violations.length).toBe(3);
  });
});
