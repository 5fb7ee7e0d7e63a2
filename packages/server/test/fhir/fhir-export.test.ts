import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import type { DemoContext } from '../../src/demo/demo-context.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { bearer, signIn, testPassword } from '../support/factories.ts';

let t: TestContext;
let demo: DemoContext;
beforeAll(async () => {
  t = await createTestApp();
  demo = await seedDemo(t.deps, { password: testPassword });
}, 300_000);
afterAll(async () => {
  await t.close();
});

describe('FHIR export', () => {
  it('exports the demo patient’s record as a FHIR R4 collection bundle with every kind of resource', async () => {
    const token = await signIn(t, { email: 'clinician@keel.demo' });
    const response = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${demo.patients.patient}/fhir`, headers: bearer(token) });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/application\/fhir\+json/);
    const bundle = response.json<{ resourceType: string; type: string; entry: { fullUrl: string; resource: { resourceType: string; id: string; subject?: { reference: string } } }[] }>();
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    const types = new Set(bundle.entry.map((e) => e.resource.resourceType));
    for (const type of ['Patient', 'Observation', 'QuestionnaireResponse', 'MedicationRequest', 'MedicationDispense', 'MedicationAdministration', 'Consent']) expect(types).toContain(type);
    const patientRef = `Patient/${demo.patients.patient}`;
    expect(bundle.entry.filter((e) => e.resource.subject).every((e) => e.resource.subject?.reference === patientRef)).toBe(true);
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
