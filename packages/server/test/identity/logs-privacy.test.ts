import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { bearer, createCareWorld, testPassword } from '../support/factories.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('server logs', () => {
  it('never contain names, emails, passwords, tokens or request bodies', async () => {
    const world = await createCareWorld(t);
    const secrets = [world.patient.email, world.patient.name, world.clinician.email, testPassword, ...Object.values(world.tokens)];
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: world.patient.email, password: 'wrong-password-here' } });
    await t.app.inject({ method: 'GET', url: `/api/v1/patients/${world.patient.patientId}/sitters?note=${encodeURIComponent(world.patient.name)}`, headers: bearer(world.tokens.patient) });
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/signup', payload: { email: 'malformed', password: testPassword, name: world.patient.name } });
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: `{"email":"${world.patient.email}",` });
    const logs = t.logs.text();
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).toMatch(/"reqId"/);
    for (const secret of secrets) expect(logs).not.toContain(secret);
    expect(logs).not.toMatch(/"(authorization|cookie|password|token)"\s*:|Bearer\s/i);
  });
});
