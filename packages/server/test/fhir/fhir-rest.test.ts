import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoStepsWithoutAlumni, seedDemo } from '../../src/demo/seed-demo.ts';
import type { DemoContext } from '../../src/demo/demo-context.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { bearer, signIn, testPassword } from '../support/factories.ts';
import { validationErrors } from './fhir-validator.ts';

type Resource = Record<string, unknown> & { resourceType: string; id: string; meta?: { lastUpdated?: string } };
interface SearchBundle {
  resourceType: 'Bundle';
  type: string;
  total: number;
  link: { relation: string; url: string }[];
  entry?: { fullUrl: string; resource: Resource; search: { mode: string } }[];
}

let t: TestContext;
let demo: DemoContext;
let clinician: string;
let patient: string;
let sam: string;

beforeAll(async () => {
  t = await createTestApp();
  demo = await seedDemo(t.deps, { password: testPassword, steps: demoStepsWithoutAlumni });
  clinician = await signIn(t, { email: 'clinician@keel.demo' });
  patient = await signIn(t, { email: 'patient@keel.demo' });
  sam = demo.patients.patient;
}, 300_000);
afterAll(async () => {
  await t.close();
});

const get = (url: string, token?: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers: { ...(token ? bearer(token) : {}), ...headers } });

async function everything(): Promise<Resource[]> {
  const response = await get(`/fhir/R4/Patient/${sam}/$everything?_count=500`, clinician);
  expect(response.statusCode).toBe(200);
  return (response.json<SearchBundle>().entry ?? []).map((e) => e.resource);
}

/** Follows `next` links from a first page, as a client pages through results. */
async function allPages(url: string, token: string): Promise<{ ids: string[]; totals: number[]; pages: number }> {
  const ids: string[] = [];
  const totals: number[] = [];
  let next: string | undefined = url;
  let pages = 0;
  while (next) {
    const response = await get(next.replace(/^https?:\/\/[^/]+/, ''), token);
    expect(response.statusCode).toBe(200);
    const bundle = response.json<SearchBundle>();
    totals.push(bundle.total);
    ids.push(...(bundle.entry ?? []).map((e) => e.resource.id));
    next = bundle.link.find((l) => l.relation === 'next')?.url;
    pages++;
    expect(pages).toBeLessThan(50);
  }
  return { ids, totals, pages };
}

describe('metadata', () => {
  it('is a valid CapabilityStatement, public, in FHIR JSON, naming every type it serves', async () => {
    const response = await get('/fhir/R4/metadata');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    const cs = response.json<Resource & { rest: { resource: { type: string; interaction: { code: string }[] }[] }[] }>();
    expect(validationErrors(cs)).toEqual([]);
    expect(cs).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', kind: 'instance', format: expect.arrayContaining(['json']) });
    const types = cs.rest[0]!.resource.map((r) => r.type);
    for (const type of ['Patient', 'Observation', 'QuestionnaireResponse', 'Condition', 'MedicationRequest', 'MedicationDispense', 'MedicationAdministration', 'Encounter', 'CarePlan', 'CareTeam', 'Goal', 'AdverseEvent', 'Flag', 'DetectedIssue', 'Consent', 'Provenance', 'RelatedPerson', 'Practitioner', 'Organization', 'Questionnaire']) {
      expect(types).toContain(type);
    }
  });
});

describe('read', () => {
  it('reads every resource of the record by type and id, exactly as $everything has it', async () => {
    const all = await everything();
    expect(all.length).toBeGreaterThan(100);
    for (const r of all) {
      const response = await get(`/fhir/R4/${r.resourceType}/${r.id}`, clinician);
      expect(response.statusCode, `${r.resourceType}/${r.id}`).toBe(200);
      expect(response.json()).toEqual(r);
    }
  }, 120_000);

  it('lets the patient read their own record, by token or by session cookie', async () => {
    expect((await get(`/fhir/R4/Patient/${sam}`, patient)).statusCode).toBe(200);
    const byCookie = await get(`/fhir/R4/Patient/${sam}`, undefined, { cookie: `keel_session=${patient}` });
    expect(byCookie.statusCode).toBe(200);
    expect(byCookie.json<Resource>().id).toBe(sam);
  });

  it('answers 404 OperationOutcome for another patient, a malformed id, an unknown resource, and audits the denial', async () => {
    const applicant = demo.patients.applicant;
    const requestId = `fhir-deny-${crypto.randomUUID()}`;
    const other = await get(`/fhir/R4/Patient/${applicant}`, patient, { 'x-request-id': requestId });
    expect(other.statusCode).toBe(404);
    expect(other.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(other.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] });
    const denied = await t.database.db.selectFrom('audit_log').select(['outcome', 'action']).where('request_id', '=', requestId).execute();
    expect(denied).toEqual([{ outcome: 'denied', action: 'fhir_export.read' }]);
    for (const url of [`/fhir/R4/Observation/not-an-id`, `/fhir/R4/Observation/${crypto.randomUUID()}`, `/fhir/R4/Encounter/${sam}`]) {
      const response = await get(url, clinician);
      expect(response.statusCode, url).toBe(404);
      expect(response.json<Resource>().resourceType).toBe('OperationOutcome');
    }
    for (const email of ['sitter@keel.demo', 'coach@keel.demo', 'admin@keel.demo']) {
      const response = await get(`/fhir/R4/Patient/${sam}/$everything`, await signIn(t, { email }));
      expect(response.statusCode, email).toBe(404);
    }
  });

  it('asks for sign-in with a 401 OperationOutcome', async () => {
    const response = await get(`/fhir/R4/Patient/${sam}`);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'login' }] });
  });

  it('puts every read on the patient’s audit record', async () => {
    const requestId = `fhir-read-${crypto.randomUUID()}`;
    expect((await get(`/fhir/R4/Patient/${sam}`, clinician, { 'x-request-id': requestId })).statusCode).toBe(200);
    const rows = await t.database.db.selectFrom('audit_log').select(['action', 'outcome', 'patient_id']).where('request_id', '=', requestId).execute();
    expect(rows).toEqual([{ action: 'fhir_export.read', outcome: 'success', patient_id: sam }]);
  });

  it('serves the Questionnaire a response names at its canonical URL, without sign-in', async () => {
    const qr = (await everything()).find((r) => r.resourceType === 'QuestionnaireResponse')!;
    const canonical = String(qr['questionnaire']);
    expect(canonical).toMatch(/^http:\/\/keel\.test\/fhir\/R4\/Questionnaire\/[a-z0-9-]+\|/);
    const [url] = canonical.split('|');
    const response = await get(url!.replace('http://keel.test', ''));
    expect(response.statusCode).toBe(200);
    const questionnaire = response.json<Resource>();
    expect(questionnaire['url']).toBe(url);
    expect(validationErrors(questionnaire)).toEqual([]);
  });

  it('refuses anything but JSON with 406', async () => {
    expect((await get(`/fhir/R4/Patient/${sam}?_format=xml`, clinician)).statusCode).toBe(406);
    expect((await get(`/fhir/R4/Patient/${sam}`, clinician, { accept: 'application/fhir+xml' })).statusCode).toBe(406);
    expect((await get(`/fhir/R4/Patient/${sam}?_format=json`, clinician)).statusCode).toBe(200);
  });
});

describe('search', () => {
  it('finds Observations by LOINC code, with or without the system, as a valid searchset', async () => {
    const response = await get(`/fhir/R4/Observation?patient=${sam}&code=http://loinc.org|8867-4`, clinician);
    expect(response.statusCode).toBe(200);
    const bundle = response.json<SearchBundle>();
    expect(validationErrors(bundle as never)).toEqual([]);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 6 });
    for (const e of bundle.entry!) {
      expect(e.search.mode).toBe('match');
      expect(e.fullUrl).toBe(`http://keel.test/fhir/R4/Observation/${e.resource.id}`);
      expect(JSON.stringify(e.resource['code'])).toContain('8867-4');
    }
    const bare = await get(`/fhir/R4/Observation?patient=Patient/${sam}&code=8867-4,44249-1`, clinician);
    expect(bare.json<SearchBundle>().total).toBeGreaterThan(6);
    const wrongSystem = await get(`/fhir/R4/Observation?patient=${sam}&code=http://snomed.info/sct|8867-4`, clinician);
    expect(wrongSystem.json<SearchBundle>()).toMatchObject({ total: 0 });
    expect(wrongSystem.json<SearchBundle>().entry).toBeUndefined();
  });

  it('filters by category and by date with prefixes', async () => {
    const vitals = (await get(`/fhir/R4/Observation?patient=${sam}&category=vital-signs&_count=500`, clinician)).json<SearchBundle>();
    expect(vitals.total).toBe(18);
    const times = vitals.entry!.map((e) => Date.parse(String(e.resource['effectiveDateTime']))).sort((a, b) => a - b);
    const cut = new Date(times[9]!).toISOString();
    const ge = (await get(`/fhir/R4/Observation?patient=${sam}&category=vital-signs&date=ge${cut}`, clinician)).json<SearchBundle>();
    const lt = (await get(`/fhir/R4/Observation?patient=${sam}&category=vital-signs&date=lt${cut}`, clinician)).json<SearchBundle>();
    expect(ge.total + lt.total).toBe(18);
    expect(ge.entry!.every((e) => Date.parse(String(e.resource['effectiveDateTime'])) >= Date.parse(cut))).toBe(true);
    expect(lt.entry!.every((e) => Date.parse(String(e.resource['effectiveDateTime'])) < Date.parse(cut))).toBe(true);
    const day = cut.slice(0, 10);
    const sameDay = (await get(`/fhir/R4/Observation?patient=${sam}&category=vital-signs&date=${day}`, clinician)).json<SearchBundle>();
    expect(sameDay.entry!.every((e) => String(e.resource['effectiveDateTime']).startsWith(day))).toBe(true);
    expect((await get(`/fhir/R4/Observation?patient=${sam}&date=ge2026-13-45`, clinician)).statusCode).toBe(400);
  });

  it('filters by _lastUpdated and status, and covers the other types', async () => {
    const all = (await get(`/fhir/R4/Encounter?patient=${sam}&_count=500`, clinician)).json<SearchBundle>();
    const finished = (await get(`/fhir/R4/Encounter?patient=${sam}&status=finished`, clinician)).json<SearchBundle>();
    expect(finished.total).toBeGreaterThan(0);
    expect(finished.total).toBeLessThan(all.total);
    const future = (await get(`/fhir/R4/Encounter?patient=${sam}&_lastUpdated=gt2100-01-01`, clinician)).json<SearchBundle>();
    expect(future.total).toBe(0);
    for (const type of ['Condition', 'MedicationRequest', 'MedicationDispense', 'MedicationAdministration', 'CarePlan', 'CareTeam', 'QuestionnaireResponse', 'Consent', 'Provenance', 'Goal', 'RelatedPerson', 'DetectedIssue']) {
      const response = await get(`/fhir/R4/${type}?patient=${sam}`, clinician);
      expect(response.statusCode, type).toBe(200);
      expect(response.json<SearchBundle>().total, type).toBeGreaterThan(0);
    }
  });

  it('pages with _count and next links until every match has been seen once', async () => {
    const everyOne = (await get(`/fhir/R4/Observation?patient=${sam}&_count=500`, clinician)).json<SearchBundle>();
    const paged = await allPages(`/fhir/R4/Observation?patient=${sam}&_count=7`, clinician);
    expect(paged.pages).toBe(Math.ceil(everyOne.total / 7));
    expect(paged.ids).toEqual(everyOne.entry!.map((e) => e.resource.id));
    expect(new Set(paged.totals)).toEqual(new Set([everyOne.total]));
    const first = (await get(`/fhir/R4/Observation?patient=${sam}&_count=7`, clinician)).json<SearchBundle>();
    expect(first.link.map((l) => l.relation)).toEqual(['self', 'first', 'next', 'last']);
    expect(first.link.find((l) => l.relation === 'self')!.url).toContain(`patient=${sam}`);
  });

  it('scopes a patient’s search to their own record and asks a clinician to name the patient', async () => {
    const own = (await get('/fhir/R4/Observation?code=44249-1', patient)).json<SearchBundle>();
    expect(own.total).toBeGreaterThan(0);
    expect(own.entry!.every((e) => (e.resource['subject'] as { reference: string }).reference === `Patient/${sam}`)).toBe(true);
    const other = await get(`/fhir/R4/Observation?patient=${demo.patients.applicant}`, patient);
    expect(other.statusCode).toBe(404);
    const unnamed = await get('/fhir/R4/Observation?code=44249-1', clinician);
    expect(unnamed.statusCode).toBe(400);
    expect(unnamed.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'required' }] });
  });

  it('finds patients: a patient themself, a clinician their care team, by _id and identifier', async () => {
    const self = (await get('/fhir/R4/Patient', patient)).json<SearchBundle>();
    expect(self.entry!.map((e) => e.resource.id)).toEqual([sam]);
    const team = (await get('/fhir/R4/Patient?_count=100', clinician)).json<SearchBundle>();
    expect(team.entry!.map((e) => e.resource.id).sort()).toEqual(Object.values(demo.patients).sort());
    const byId = (await get(`/fhir/R4/Patient?_id=${sam}`, clinician)).json<SearchBundle>();
    expect(byId.total).toBe(1);
    const byMrn = (await get(`/fhir/R4/Patient?identifier=http://keel.test/fhir/sid/mrn|${sam}`, clinician)).json<SearchBundle>();
    expect(byMrn.entry!.map((e) => e.resource.id)).toEqual([sam]);
    expect((await get('/fhir/R4/Patient', await signIn(t, { email: 'coach@keel.demo' }))).statusCode).toBe(404);
  });

  it('ignores a parameter it does not support, unless asked to be strict', async () => {
    const lenient = await get(`/fhir/R4/Observation?patient=${sam}&foo=bar`, clinician);
    expect(lenient.statusCode).toBe(200);
    expect(lenient.json<SearchBundle>().link[0]!.url).not.toContain('foo');
    const strict = await get(`/fhir/R4/Observation?patient=${sam}&foo=bar`, clinician, { prefer: 'handling=strict' });
    expect(strict.statusCode).toBe(400);
    expect(strict.json<Resource>().resourceType).toBe('OperationOutcome');
  });
});
