import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapabilityTool, Client } from 'fhir-kit-client';
import { demoStepsWithoutAlumni, seedDemo } from '../../src/demo/seed-demo.ts';
import type { DemoContext } from '../../src/demo/demo-context.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { signIn, testPassword } from '../support/factories.ts';
import { validationErrors } from './fhir-validator.ts';

// A third-party FHIR client (fhir-kit-client) against the server listening on a real socket: what an EHR
// integration does, over HTTP, with the client's own request building, paging and error handling.
type Resource = Record<string, unknown> & { resourceType: string; id: string };
type Bundle = Resource & { total?: number; entry?: { resource: Resource }[]; link?: { relation: string; url: string }[] };

let t: TestContext;
let demo: DemoContext;
let baseUrl: string;
let client: Client;

beforeAll(async () => {
  t = await createTestApp();
  demo = await seedDemo(t.deps, { password: testPassword, steps: demoStepsWithoutAlumni });
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `${address}/fhir/R4`;
  client = new Client({ baseUrl, bearerToken: await signIn(t, { email: 'clinician@keel.demo' }) });
}, 300_000);
afterAll(async () => {
  await t.close();
});

describe('a FHIR client library against the running server', () => {
  it('reads the CapabilityStatement and finds read and search for the types it needs', async () => {
    const statement = (await client.capabilityStatement()) as Resource;
    expect(statement.resourceType).toBe('CapabilityStatement');
    expect(validationErrors(statement)).toEqual([]);
    const capabilities = new CapabilityTool(statement);
    for (const type of ['Patient', 'Observation', 'Encounter', 'MedicationRequest', 'Condition']) {
      expect(capabilities.resourceCan(type, 'read'), type).toBe(true);
      expect(capabilities.resourceCan(type, 'search-type'), type).toBe(true);
    }
    expect(capabilities.resourceSearch('Observation', 'code')).toBe(true);
  });

  it('reads a Patient', async () => {
    const patient = (await client.read({ resourceType: 'Patient', id: demo.patients.patient })) as Resource;
    expect(patient).toMatchObject({ resourceType: 'Patient', id: demo.patients.patient, birthDate: '1988-04-12' });
    expect(validationErrors(patient)).toEqual([]);
  });

  it('searches Observations by code and pages through them with the next links', async () => {
    const first = (await client.search({ resourceType: 'Observation', searchParams: { patient: demo.patients.patient, code: 'http://loinc.org|8867-4', _count: '4' } })) as Bundle;
    expect(first).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 6 });
    const seen = (first.entry ?? []).map((e) => e.resource);
    let page: Bundle | undefined = first;
    while (page) {
      const next = client.nextPage({ bundle: page as never }) as Promise<Bundle> | undefined;
      page = next ? await next : undefined;
      if (page) seen.push(...(page.entry ?? []).map((e) => e.resource));
    }
    expect(seen).toHaveLength(6);
    for (const o of seen) {
      expect(JSON.stringify(o['code'])).toContain('"8867-4"');
      expect(o['valueQuantity']).toMatchObject({ system: 'http://unitsofmeasure.org', code: '/min' });
    }
  });

  it('searches a patient’s compartment and runs $everything', async () => {
    const compartment = (await client.search({ resourceType: 'Observation', compartment: { resourceType: 'Patient', id: demo.patients.patient }, searchParams: { code: '44249-1' } })) as Bundle;
    expect(compartment.total).toBeGreaterThan(0);
    const everything = (await client.operation({ name: '$everything', resourceType: 'Patient', id: demo.patients.patient, method: 'GET' })) as Bundle;
    expect(everything.total).toBeGreaterThan(100);
  });

  it('reports a record the caller may not see as not found, with an OperationOutcome', async () => {
    const patientClient = new Client({ baseUrl, bearerToken: await signIn(t, { email: 'patient@keel.demo' }) });
    const failure = await patientClient.read({ resourceType: 'Patient', id: demo.patients.applicant }).then(
      () => null,
      (error: { response?: { status?: number; data?: Resource } }) => error,
    );
    expect(failure?.response?.status).toBe(404);
    expect(failure?.response?.data?.resourceType).toBe('OperationOutcome');
  });
});
