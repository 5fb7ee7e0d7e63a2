import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoStepsWithoutAlumni, seedDemo } from '../../src/demo/seed-demo.ts';
import { runBulkExport } from '../../src/use-cases/fhir/bulk-export.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { bearer, signIn, testPassword } from '../support/factories.ts';
import { validationErrors } from './fhir-validator.ts';

interface Manifest {
  transactionTime: string;
  request: string;
  requiresAccessToken: boolean;
  output: { type: string; url: string; count: number }[];
  error: unknown[];
}

let t: TestContext;
let admin: string;

beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.deps, { password: testPassword, steps: demoStepsWithoutAlumni });
  admin = await signIn(t, { email: 'admin@keel.demo' });
}, 300_000);
afterAll(async () => {
  await t.close();
});

const get = (url: string, token: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers: { ...bearer(token), ...headers } });
const local = (url: string) => url.replace(/^https?:\/\/[^/]+/, '');

/** The job the kick-off enqueued: taken from pg-boss's queue, as a worker would, and run. */
async function runQueuedExport(exportId: string): Promise<void> {
  const queued = await t.database.db
    .selectFrom('pgboss.job' as never)
    .select(['data' as never])
    .where('name' as never, '=', 'fhir.bulk-export' as never)
    .execute();
  expect((queued as { data: { exportId: string } }[]).map((j) => j.data.exportId)).toContain(exportId);
  await runBulkExport(t.deps, { exportId }, t.clock.now());
}

describe('FHIR bulk export', () => {
  it('kicks off, reports progress, then serves NDJSON of every record that validates', async () => {
    const kickOff = await get('/fhir/R4/$export', admin, { prefer: 'respond-async', accept: 'application/fhir+json' });
    expect(kickOff.statusCode).toBe(202);
    const statusUrl = String(kickOff.headers['content-location']);
    expect(statusUrl).toMatch(/^http:\/\/localhost(:80)?\/fhir\/R4\/\$export-status\/[0-9a-f-]{36}$/);
    const exportId = statusUrl.split('/').pop()!;

    const pending = await get(local(statusUrl), admin);
    expect(pending.statusCode).toBe(202);
    expect(pending.headers['x-progress']).toBeDefined();

    await runQueuedExport(exportId);
    const done = await get(local(statusUrl), admin);
    expect(done.statusCode).toBe(200);
    const manifest = done.json<Manifest>();
    expect(manifest).toMatchObject({ requiresAccessToken: true, error: [], request: expect.stringContaining('/fhir/R4/$export') });
    const types = manifest.output.map((o) => o.type);
    for (const type of ['Patient', 'Observation', 'QuestionnaireResponse', 'MedicationRequest', 'Encounter', 'Practitioner', 'Organization', 'Questionnaire', 'Consent']) expect(types).toContain(type);

    const ids = new Map<string, Set<string>>();
    let lines = 0;
    for (const file of manifest.output) {
      const response = await get(local(file.url), admin, { accept: 'application/fhir+ndjson' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/fhir\+ndjson/);
      const resources = response.body.trim().split('\n').map((l) => JSON.parse(l) as { resourceType: string; id: string });
      expect(resources).toHaveLength(file.count);
      for (const r of resources) {
        expect(r.resourceType).toBe(file.type);
        expect(validationErrors(r)).toEqual([]);
        const seen = ids.get(r.resourceType) ?? new Set();
        expect(seen.has(r.id), `${r.resourceType}/${r.id} twice`).toBe(false);
        seen.add(r.id);
        ids.set(r.resourceType, seen);
      }
      lines += resources.length;
    }
    // Every patient of the program: the export is not limited to a care team or to the patients the demo names.
    const everyPatient = (await t.database.db.selectFrom('patients').select('id').execute()).map((p) => p.id);
    expect([...(ids.get('Patient') ?? [])].sort()).toEqual(everyPatient.sort());
    expect(lines).toBeGreaterThan(400);

    const audit = await t.database.db.selectFrom('audit_log').select(['action', 'patient_id']).where('resource_id', '=', exportId).execute();
    expect(audit.filter((a) => a.action === 'fhir_bulk_export.requested')).toHaveLength(1);
    expect(new Set(audit.filter((a) => a.action === 'fhir_bulk_export.included').map((a) => a.patient_id))).toEqual(new Set(everyPatient));
    expect(audit.filter((a) => a.action === 'fhir_bulk_export.read')).toHaveLength(manifest.output.length);
  }, 120_000);

  it('exports only the types asked for, and changes since a time', async () => {
    const kickOff = await get('/fhir/R4/Patient/$export?_type=Patient,Condition&_since=2000-01-01T00:00:00Z', admin, { prefer: 'respond-async' });
    expect(kickOff.statusCode).toBe(202);
    const exportId = String(kickOff.headers['content-location']).split('/').pop()!;
    await runQueuedExport(exportId);
    const manifest = (await get(local(String(kickOff.headers['content-location'])), admin)).json<Manifest>();
    expect(manifest.output.map((o) => o.type).sort()).toEqual(['Condition', 'Patient']);
    const future = await get('/fhir/R4/$export?_since=2100-01-01T00:00:00Z', admin);
    const futureId = String(future.headers['content-location']).split('/').pop()!;
    await runQueuedExport(futureId);
    expect((await get(`/fhir/R4/$export-status/${futureId}`, admin)).json<Manifest>().output).toEqual([]);
    expect((await get('/fhir/R4/$export?_type=Banana', admin)).statusCode).toBe(400);
    expect((await get('/fhir/R4/$export?_outputFormat=text/csv', admin)).statusCode).toBe(400);
  }, 120_000);

  it('cancels an export and forgets its files', async () => {
    const kickOff = await get('/fhir/R4/$export?_type=Patient', admin);
    const statusUrl = local(String(kickOff.headers['content-location']));
    const exportId = statusUrl.split('/').pop()!;
    await runQueuedExport(exportId);
    const file = (await get(statusUrl, admin)).json<Manifest>().output[0]!;
    const cancel = await t.app.inject({ method: 'DELETE', url: statusUrl, headers: bearer(admin) });
    expect(cancel.statusCode).toBe(202);
    expect((await get(statusUrl, admin)).statusCode).toBe(404);
    expect((await get(local(file.url), admin)).statusCode).toBe(404);
  }, 120_000);

  it('is for administrators only: anyone else gets a 404 OperationOutcome, audited', async () => {
    for (const email of ['clinician@keel.demo', 'patient@keel.demo', 'coach@keel.demo', 'sitter@keel.demo']) {
      const requestId = `bulk-${crypto.randomUUID()}`;
      const response = await get('/fhir/R4/$export', await signIn(t, { email }), { 'x-request-id': requestId });
      expect(response.statusCode, email).toBe(404);
      expect(response.json()).toMatchObject({ resourceType: 'OperationOutcome' });
      const audit = await t.database.db.selectFrom('audit_log').select('outcome').where('request_id', '=', requestId).execute();
      expect(audit).toEqual([{ outcome: 'denied' }]);
    }
    expect((await t.app.inject({ method: 'GET', url: '/fhir/R4/$export' })).statusCode).toBe(401);
  });
});
