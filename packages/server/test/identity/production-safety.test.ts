import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deactivateDemoAccounts, refuseDemoAccountsInProduction } from '../../src/use-cases/identity/production-safety.ts';
import { demoEnabled, loadConfig } from '../../src/config.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { createUser, testPassword } from '../support/factories.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const production = loadConfig({ NODE_ENV: 'production', KEEL_AUDIT_KEY: 'ab'.repeat(32), DATABASE_URL: 'postgres://keel@db.invalid/keel' });

describe('production safety', () => {
  it('needs an audit key, and never seeds the demo, in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/KEEL_AUDIT_KEY/);
    expect(demoEnabled(loadConfig({ NODE_ENV: 'production', KEEL_AUDIT_KEY: 'ab'.repeat(32), KEEL_DEMO: 'on' }))).toBe(false);
  });

  it('refuses to start while a demo account can sign in, and starts once they are deactivated', async () => {
    const demo = await createUser(t, 'clinician');
    await t.database.db.updateTable('users').set({ is_demo: true }).where('id', '=', demo.id).execute();
    await expect(refuseDemoAccountsInProduction(t.database.db, production)).rejects.toThrow(/demo account/);
    // Outside production the demo is welcome.
    await expect(refuseDemoAccountsInProduction(t.database.db, t.deps.config)).resolves.toBeUndefined();
    expect(await deactivateDemoAccounts(t.database.db, t.clock.now())).toBe(1);
    await expect(refuseDemoAccountsInProduction(t.database.db, production)).resolves.toBeUndefined();
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: demo.email, password: testPassword } });
    expect(login.statusCode).toBe(401);
  });
});
