import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordProblems } from '../../src/auth/passwords.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('password strength (zxcvbn-ts with its common and English dictionaries, plus the breached list)', () => {
  it.each(['123456789012', 'qwertyuiopas', 'keel-demo-2026', 'passwordpassword', 'Keel-Demo-2026', 'iloveyou1234'])('refuses %s at sign-up', async (password) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email: `strength.${password.length}.${Math.random().toString(36).slice(2)}@example.test`, password, name: 'Sam Strong', dateOfBirth: '1990-04-04', state: 'CA' },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toEqual(['password']);
  });

  it('refuses a password built from the person’s own name or email', () => {
    expect(passwordProblems('samanthastrong99', { email: 'samantha.strong@example.test', name: 'Samantha Strong' })).not.toEqual([]);
  });

  it.each(['correct horse battery staple 9', 'a sturdy passphrase for keel', 'tangerine-orbit-lantern-41'])('accepts a phrase of unrelated words: %s', (password) => {
    expect(passwordProblems(password, { email: 'someone@example.test', name: 'Some One' })).toEqual([]);
  });
});
