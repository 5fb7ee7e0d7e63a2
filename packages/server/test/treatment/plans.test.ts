import { canonicalJson } from '@keel/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/auth/tokens.ts';
import { createUser, assignCareTeam, testPassword } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { createWorld, expectStatus, login, signedPlan, terms, type World } from './treatment-world.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

interface PlanBody {
  plan: { id: string; status: string; version: number; revision: number; termsSha256: string; signature: { verified: boolean; meaning: string; recordSha256: string } | null; supersedesId: string | null };
}

const draft = (w: World, body: Record<string, unknown>) => w.call('clinician', 'POST', `/api/v1/patients/${w.patient.patientId}/plans`, body);

describe('plan drafts', () => {
  it('creates a draft version with its revision as ETag, audited', async () => {
    const w = await createWorld(t);
    const response = await expectStatus(draft(w, { terms: terms() }), 201);
    const { plan } = response.json<PlanBody>();
    expect(plan).toMatchObject({ status: 'draft', version: 1, revision: 1, signature: null });
    expect(response.headers.etag).toBe('"1"');
    expect(plan.termsSha256).toBe(sha256Hex(canonicalJson(terms())));
    const audit = await t.database.db.selectFrom('audit_log').select('action').where('resource_id', '=', plan.id).execute();
    expect(audit.map((a) => a.action)).toContain('plan.draft');
  });

  it('refuses a plan that loosens a program limit, naming each field (422)', async () => {
    const w = await createWorld(t);
    const response = await expectStatus(
      draft(w, { terms: terms({ minHoursBetweenSessions: 48, maxSessionsPer7Days: 3, vitalsHold: { systolicMmHg: 170, diastolicMmHg: 100, heartRateBpm: 110 }, maximumDoseMg: 500 }) }),
      422,
    );
    const fields = response.json<{ errors: { field: string }[] }>().errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['terms.minHoursBetweenSessions', 'terms.maxSessionsPer7Days', 'terms.vitalsHold.systolicMmHg', 'terms.maximumDoseMg']));
    expect(await t.database.db.selectFrom('treatment_plans').select('id').where('patient_id', '=', w.patient.patientId).execute()).toHaveLength(0);
  });

  it('accepts a plan that only tightens the program limits', async () => {
    const w = await createWorld(t);
    await expectStatus(draft(w, { terms: terms({ minHoursBetweenSessions: 96, maxSessionsPer7Days: 1, vitalsHold: { systolicMmHg: 150, diastolicMmHg: 90, heartRateBpm: 100 } }) }), 201);
  });

  it('rejects unknown fields in the terms (strict body)', async () => {
    const w = await createWorld(t);
    const response = await expectStatus(draft(w, { terms: { ...terms(), extraDoseMg: 100 } }), 422);
    expect(response.json<{ errors: { field: string }[] }>().errors[0]?.field).toBe('terms.extraDoseMg');
  });

  it('edits a draft with If-Match; a stale revision is a 412, none is a 428', async () => {
    const w = await createWorld(t);
    const { plan } = (await expectStatus(draft(w, { terms: terms() }), 201)).json<PlanBody>();
    const url = `/api/v1/plans/${plan.id}`;
    await expectStatus(w.call('clinician', 'PUT', url, { terms: terms({ currentDoseMg: 350 }) }), 428);
    const edited = await expectStatus(w.call('clinician', 'PUT', url, { terms: terms({ currentDoseMg: 350 }) }, { 'if-match': '"1"' }), 200);
    expect(edited.json<PlanBody>().plan.revision).toBe(2);
    expect(edited.headers.etag).toBe('"2"');
    const stale = await expectStatus(w.call('clinician', 'PUT', url, { terms: terms({ currentDoseMg: 400 }) }, { 'if-match': '"1"' }), 412);
    expect(stale.json()).toMatchObject({ code: 'PRECONDITION_FAILED', currentRevision: 2 });
    const row = await t.database.db.selectFrom('treatment_plans').select('terms').where('id', '=', plan.id).executeTakeFirstOrThrow();
    expect(row.terms).toMatchObject({ currentDoseMg: 350 });
  });
});

describe('signing', () => {
  it('refuses a wrong password and leaves the draft unsigned', async () => {
    const w = await createWorld(t);
    const { plan } = (await expectStatus(draft(w, { terms: terms() }), 201)).json<PlanBody>();
    const response = await expectStatus(w.call('clinician', 'POST', `/api/v1/plans/${plan.id}/sign`, { signature: { password: 'not the password' } }), 422);
    expect(response.json<{ errors: { field: string }[] }>().errors[0]?.field).toBe('signature.password');
    const row = await t.database.db.selectFrom('treatment_plans').select(['status', 'signature_id']).where('id', '=', plan.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'draft', signature_id: null });
    const failures = await t.database.db.selectFrom('audit_log').select('outcome').where('action', '=', 'signature.sign').where('resource_id', '=', plan.id).execute();
    expect(failures.map((f) => f.outcome)).toEqual(['failure']);
  });

  it('refuses a clinician who is not licensed in the patient’s state', async () => {
    const w = await createWorld(t, { state: 'TX' });
    const { plan } = (await expectStatus(draft(w, { terms: terms() }), 201)).json<PlanBody>();
    const response = await expectStatus(w.call('clinician', 'POST', `/api/v1/plans/${plan.id}/sign`, { signature: { password: testPassword } }), 422);
    expect(response.json<{ errors: { field: string }[] }>().errors[0]?.field).toBe('signer');
    const licensed = await createUser(t, 'clinician', { stateLicenses: ['TX'] });
    await assignCareTeam(t, w.patient.patientId, licensed.id, 'clinician');
    const token = await login(t, licensed);
    const signed = await t.app.inject({ method: 'POST', url: `/api/v1/plans/${plan.id}/sign`, headers: { authorization: `Bearer ${token}` }, payload: { signature: { password: testPassword } } });
    expect(signed.statusCode).toBe(200);
  });

  it('activates a signed version bound to the hash of its terms; a change is a new version that supersedes it', async () => {
    const w = await createWorld(t);
    const firstId = await signedPlan(w);
    const active = (await expectStatus(w.call('patient', 'GET', `/api/v1/patients/${w.patient.patientId}/plan`), 200)).json<PlanBody>().plan;
    expect(active).toMatchObject({ id: firstId, status: 'active', signature: { meaning: 'prescribed', verified: true, recordSha256: sha256Hex(canonicalJson(terms())) } });
    expect((await t.database.db.selectFrom('patients').select('status').where('id', '=', w.patient.patientId).executeTakeFirstOrThrow()).status).toBe('active');

    // A signed version cannot be edited or signed again...
    await expectStatus(w.call('clinician', 'PUT', `/api/v1/plans/${firstId}`, { terms: terms({ currentDoseMg: 350 }) }, { 'if-match': '"1"' }), 409);
    await expectStatus(w.call('clinician', 'POST', `/api/v1/plans/${firstId}/sign`, { signature: { password: testPassword } }), 409);
    // ...and the database refuses it too.
    await expect(
      t.database.db.updateTable('treatment_plans').set({ terms: JSON.stringify(terms({ currentDoseMg: 450 })) }).where('id', '=', firstId).execute(),
    ).rejects.toThrow(/signed treatment plan cannot change/);

    const secondId = await signedPlan(w, { currentDoseMg: 350 }, firstId);
    const rows = await t.database.db.selectFrom('treatment_plans').select(['id', 'status', 'supersedes_id']).where('patient_id', '=', w.patient.patientId).orderBy('version').execute();
    expect(rows).toEqual([
      { id: firstId, status: 'superseded', supersedes_id: null },
      { id: secondId, status: 'active', supersedes_id: firstId },
    ]);
    const history = (await expectStatus(w.call('clinician', 'GET', `/api/v1/patients/${w.patient.patientId}/plans`), 200)).json<{
      items: { id: string; change: { kind: string; changes?: { field: string; from: unknown; to: unknown }[]; doseChanged?: boolean } ; signature: { verified: boolean } | null }[];
    }>();
    expect(history.items[0]).toMatchObject({ id: firstId, change: { kind: 'initial' }, signature: { verified: true } });
    expect(history.items[1]).toMatchObject({ id: secondId, change: { kind: 'changed', doseChanged: true, changes: [{ field: 'currentDoseMg', from: 300, to: 350 }] } });
  });

  it('hides plans from people outside the care team (404) and lets the patient read but not write', async () => {
    const w = await createWorld(t);
    const planId = await signedPlan(w);
    await expectStatus(w.call('otherPatient', 'GET', `/api/v1/patients/${w.patient.patientId}/plan`), 404);
    await expectStatus(w.call('sitter', 'GET', `/api/v1/patients/${w.patient.patientId}/plans`), 404);
    await expectStatus(w.call('patient', 'POST', `/api/v1/patients/${w.patient.patientId}/plans`, { terms: terms() }), 404);
    await expectStatus(w.call('patient', 'POST', `/api/v1/plans/${planId}/sign`, { signature: { password: testPassword } }), 404);
    await expectStatus(w.call('clinician', 'PUT', `/api/v1/plans/${crypto.randomUUID()}`, { terms: terms() }, { 'if-match': '"1"' }), 404);
    await expectStatus(w.call('admin', 'GET', `/api/v1/patients/${w.patient.patientId}/plan`), 404);
  });
});
