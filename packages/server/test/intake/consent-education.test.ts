import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { currentConsent } from '../../src/use-cases/intake/consent-document.ts';
import { educationModules, requiredEducationSlugs } from '../../src/use-cases/intake/education-library.ts';
import { bearer, createCareWorld } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { onPostgres } from '../support/test-database.ts';
import { testPassword } from './intake-helpers.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  await t.database.db.deleteFrom('rate_limits').execute();
});

const sign = (token: string, patientId: string, version: number, password = testPassword) =>
  t.app.inject({ method: 'POST', url: `/api/v1/patients/${patientId}/consents`, headers: bearer(token), payload: { version, signature: { password } } });

describe('informed consent', () => {
  it('serves the current consent document with its version and the SHA-256 of its exact text', async () => {
    const world = await createCareWorld(t);
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/consent/current', headers: bearer(world.tokens.sitter) });
    expect(response.statusCode).toBe(200);
    const doc = response.json<{ version: number; sha256: string; title: string; body: string }>();
    expect(doc.version).toBe(currentConsent().version);
    expect(doc.sha256).toBe(createHash('sha256').update(doc.body).digest('hex'));
    expect(doc.title).toMatch(/consent/i);
    for (const topic of [/dissociation/i, /blood pressure/i, /nausea/i, /bladder/i, /dependence/i, /sitter/i, /pill counts/i, /early refills/i, /988/, /911/, /right to stop/i]) {
      expect(doc.body).toMatch(topic);
    }
  });

  it('refuses a wrong password with a 422 and stores nothing', async () => {
    const world = await createCareWorld(t);
    const id = world.patient.patientId;
    const response = await sign(world.tokens.patient, id, currentConsent().version, 'wrong-password-entirely');
    expect(response.statusCode).toBe(422);
    expect(response.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toEqual(['signature.password']);
    expect(await t.database.db.selectFrom('consent_signatures').select('id').where('patient_id', '=', id).execute()).toHaveLength(0);
    expect(await t.database.db.selectFrom('signatures').select('id').where('signer_id', '=', world.patient.id).execute()).toHaveLength(0);
    const failures = await t.database.db.selectFrom('audit_log').select('action').where('patient_id', '=', id).where('outcome', '=', 'failure').execute();
    expect(failures.map((f) => f.action)).toEqual(['signature.sign']);
    const limit = await t.database.db.selectFrom('rate_limits').select('attempts').where('key', '=', `sign:acct:${world.patient.id}`).executeTakeFirst();
    expect(limit?.attempts).toBe(1);
  });

  it('refuses a version that is not current (409) and stores nothing', async () => {
    const world = await createCareWorld(t);
    const response = await sign(world.tokens.patient, world.patient.patientId, currentConsent().version + 1);
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ currentVersion: currentConsent().version });
    expect(await t.database.db.selectFrom('consent_signatures').select('id').where('patient_id', '=', world.patient.patientId).execute()).toHaveLength(0);
  });

  it('signs the current version, bound to the document hash; a second signature of the same version is refused', async () => {
    const world = await createCareWorld(t);
    const id = world.patient.patientId;
    const before = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${id}/consents`, headers: bearer(world.tokens.clinician) });
    expect(before.json()).toMatchObject({ signedCurrent: false, items: [] });
    const signed = await sign(world.tokens.patient, id, currentConsent().version);
    expect(signed.statusCode, signed.body).toBe(201);
    expect(signed.json()).toMatchObject({
      version: currentConsent().version,
      documentSha256: currentConsent().sha256,
      current: true,
      signatureValid: true,
      signature: { meaning: 'consented', printedName: world.patient.name, signerId: world.patient.id },
    });
    const after = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${id}/consents`, headers: bearer(world.tokens.clinician) });
    expect(after.json()).toMatchObject({ currentVersion: currentConsent().version, signedCurrent: true });
    expect((await sign(world.tokens.patient, id, currentConsent().version)).statusCode).toBe(409);
  });

  it.runIf(onPostgres)('records one signature when the same consent is signed twice at once', async () => {
    const world = await createCareWorld(t);
    const id = world.patient.patientId;
    const results = await Promise.all([sign(world.tokens.patient, id, currentConsent().version), sign(world.tokens.patient, id, currentConsent().version)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect(await t.database.db.selectFrom('consent_signatures').select('id').where('patient_id', '=', id).execute()).toHaveLength(1);
  });

  it('lets only the patient sign, and hides consents from the sitter, the coach and other patients', async () => {
    const world = await createCareWorld(t);
    const id = world.patient.patientId;
    for (const token of [world.tokens.clinician, world.tokens.coach, world.tokens.sitter, world.tokens.otherPatient, world.tokens.admin]) {
      expect((await sign(token, id, currentConsent().version)).statusCode).toBe(404);
    }
    for (const token of [world.tokens.coach, world.tokens.sitter, world.tokens.otherPatient]) {
      expect((await t.app.inject({ method: 'GET', url: `/api/v1/patients/${id}/consents`, headers: bearer(token) })).statusCode).toBe(404);
    }
    expect(await t.database.db.selectFrom('consent_signatures').select('id').where('patient_id', '=', id).execute()).toHaveLength(0);
  });
});

describe('education', () => {
  it('lists the modules in order from the repository, with the required ones the gate checks', async () => {
    expect(educationModules().map((m) => m.slug)).toEqual([
      'what-to-expect',
      'at-home-safety-rules',
      'the-sitters-role',
      'dependence-and-warning-signs',
      'integration',
      'when-to-call-for-help',
    ]);
    expect(requiredEducationSlugs()).toEqual(['what-to-expect', 'at-home-safety-rules', 'the-sitters-role', 'dependence-and-warning-signs', 'when-to-call-for-help']);
  });

  it("tracks the patient's completions; the required list shrinks to empty", async () => {
    const world = await createCareWorld(t);
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/education', headers: bearer(world.tokens.patient) });
    expect(list.statusCode).toBe(200);
    expect(list.json<{ requiredRemaining: string[] }>().requiredRemaining).toEqual(requiredEducationSlugs());

    const one = await t.app.inject({ method: 'GET', url: '/api/v1/education/the-sitters-role', headers: bearer(world.tokens.sitter) });
    expect(one.json()).toMatchObject({ slug: 'the-sitters-role', required: true, completedAt: null, body: expect.stringMatching(/present and sober/) });

    let remaining: string[] = [];
    for (const slug of requiredEducationSlugs()) {
      const done = await t.app.inject({ method: 'POST', url: `/api/v1/education/${slug}/complete`, headers: bearer(world.tokens.patient) });
      expect(done.statusCode, done.body).toBe(200);
      remaining = done.json<{ requiredRemaining: string[] }>().requiredRemaining;
    }
    expect(remaining).toEqual([]);
    const first = await t.database.db.selectFrom('education_completions').select('completed_at').where('patient_id', '=', world.patient.patientId).where('slug', '=', 'what-to-expect').executeTakeFirstOrThrow();
    t.clock.advanceMinutes(1);
    const again = await t.app.inject({ method: 'POST', url: '/api/v1/education/what-to-expect/complete', headers: bearer(world.tokens.patient) });
    expect(again.json()).toMatchObject({ completedAt: first.completed_at.toISOString() });

    const coachView = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${world.patient.patientId}/education`, headers: bearer(world.tokens.coach) });
    expect(coachView.json()).toMatchObject({ requiredRemaining: [] });
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/patients/${world.patient.patientId}/education`, headers: bearer(world.tokens.sitter) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/patients/${world.patient.patientId}/education`, headers: bearer(world.tokens.otherPatient) })).statusCode).toBe(404);
  });

  it('accepts completions only from patients, and only of modules that exist', async () => {
    const world = await createCareWorld(t);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/education/no-such-module/complete', headers: bearer(world.tokens.patient) })).statusCode).toBe(404);
    for (const token of [world.tokens.clinician, world.tokens.sitter, world.tokens.coach]) {
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/education/integration/complete', headers: bearer(token) })).statusCode).toBe(404);
    }
    expect(await t.database.db.selectFrom('education_completions').select('slug').where('patient_id', '=', world.patient.patientId).execute()).toHaveLength(0);
  });
});
