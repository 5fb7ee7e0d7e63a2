import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { bearer, createPatient, createUser, signIn, signUpByEmail, testPassword } from '../support/factories.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const login = (payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload, headers });
const me = (token: string) => t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(token) });
let address = 0;
/** A distinct client address per test, so per-address limits from one test never touch another. */
const fromAddress = () => ({ remoteAddress: `10.9.${Math.floor(++address / 250)}.${address % 250}` });

describe('patient self-signup', () => {
  const form = (email: string, extra: Record<string, unknown> = {}) => ({ email, password: 'correct horse battery staple 9', name: 'New Person', dateOfBirth: '1990-02-03', state: 'CA', ...extra });

  it('emails a confirmation link; following it creates the patient account, signs in, and sets a strict httpOnly cookie', async () => {
    const email = `New.Person.${Date.now()}@Example.test`;
    const response = await signUpByEmail(t, form(email));
    expect(response.statusCode).toBe(201);
    const body = response.json<{ user: { role: string; patientId: string; email: string }; token: string }>();
    expect(body.user.role).toBe('patient');
    expect(body.user.patientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.user.email).toBe(body.user.email.toLowerCase());
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/keel_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toMatch(/Secure/i);
    expect((await me(body.token)).statusCode).toBe(200);
    // Nothing existed before the link was followed, and the link works once.
    const token = /#token=([A-Za-z0-9_-]+)/.exec(t.mail.sent.filter((m) => m.recipient === email.toLowerCase()).at(-1)?.body ?? '')?.[1];
    expect(token).toBeDefined();
    const again = await t.app.inject({ method: 'POST', url: '/api/v1/auth/signup/confirm', payload: { token } });
    expect(again.statusCode).toBe(404);
  });

  it('creates nothing until the link is followed, and the link expires after 24 hours', async () => {
    const email = `late.${Date.now()}@example.test`;
    const requested = await t.app.inject({ method: 'POST', url: '/api/v1/auth/signup', payload: form(email), ...fromAddress() });
    expect(requested.statusCode).toBe(202);
    expect((await login({ email, password: 'correct horse battery staple 9' })).statusCode).toBe(401);
    await t.deps.notifier.deliverPending(t.database.db, t.clock.now());
    const token = /signup\/confirm#token=([A-Za-z0-9_-]+)/.exec(t.mail.sent.filter((m) => m.recipient === email).at(-1)?.body ?? '')?.[1];
    expect(token).toBeDefined();
    const started = t.clock.now();
    t.clock.set(new Date(started.getTime() + 24 * 3_600_000 + 1_000));
    try {
      const late = await t.app.inject({ method: 'POST', url: '/api/v1/auth/signup/confirm', payload: { token } });
      expect(late.statusCode).toBe(404);
    } finally {
      t.clock.set(started);
    }
  });

  it.each([
    ['too short', 'short-pass', /at least 12/],
    ['common', 'password1234', /too common/],
    ['repeated', 'aaaaaaaaaaaaaaaa', /repeated/],
  ])('refuses a %s password', async (_name, password, message) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email: `weak.${Date.now()}.${Math.random()}@example.test`, password, name: 'Weak Password', dateOfBirth: '1990-02-03', state: 'CA' },
      ...fromAddress(),
    });
    expect(response.statusCode).toBe(422);
    expect(JSON.stringify(response.json())).toMatch(message);
  });

  it('does not reveal whether an email is registered: the same answer, and the owner is told by email', async () => {
    const user = await createPatient(t);
    const unknownEmail = `nobody.${Date.now()}@example.test`;
    const taken = await t.app.inject({ method: 'POST', url: '/api/v1/auth/signup', payload: form(user.email.toUpperCase(), { name: 'Twin' }), ...fromAddress() });
    const free = await t.app.inject({ method: 'POST', url: '/api/v1/auth/signup', payload: form(unknownEmail, { name: 'Twin' }), ...fromAddress() });
    expect(taken.statusCode).toBe(202);
    expect(free.statusCode).toBe(202);
    expect(Object.keys(taken.json<object>()).sort()).toEqual(['email', 'expiresInHours', 'status']);
    expect(taken.json()).toMatchObject({ status: 'confirmation_sent', expiresInHours: 24 });
    expect(free.json()).toMatchObject({ status: 'confirmation_sent', expiresInHours: 24 });
    await t.deps.notifier.deliverPending(t.database.db, t.clock.now());
    const toOwner = t.mail.sent.filter((m) => m.recipient.toLowerCase() === user.email.toLowerCase());
    expect(toOwner.at(-1)?.subject).toBe('You already have a Keel account');
    expect(toOwner.at(-1)?.body).not.toMatch(/token=/);
    expect(t.mail.sent.filter((m) => m.recipient === unknownEmail).at(-1)?.body).toMatch(/signup\/confirm#token=/);
    // Still exactly one account for that address.
    const accounts = await t.database.db.selectFrom('users').select('id').where((eb) => eb(eb.fn('lower', ['email']), '=', user.email.toLowerCase())).execute();
    expect(accounts).toHaveLength(1);
  });

  it('refuses the second of two links for one address once the first made the account', async () => {
    const email = `twice.${Date.now()}@example.test`;
    for (let i = 0; i < 2; i++) expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/signup', payload: form(email), ...fromAddress() })).statusCode).toBe(202);
    await t.deps.notifier.deliverPending(t.database.db, t.clock.now());
    const tokens = t.mail.sent.filter((m) => m.recipient === email).map((m) => /#token=([A-Za-z0-9_-]+)/.exec(m.body)?.[1]);
    expect(tokens).toHaveLength(2);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/signup/confirm', payload: { token: tokens[1] } })).statusCode).toBe(201);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/signup/confirm', payload: { token: tokens[0] } })).statusCode).toBe(409);
  });
});

describe('sign-in', () => {
  it('gives the same answer for a wrong password and an unknown email, in about the same time', async () => {
    const user = await createPatient(t);
    const timeOf = async (payload: Record<string, unknown>) => {
      const started = performance.now();
      const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload, ...fromAddress() });
      return { response, ms: performance.now() - started };
    };
    const wrong = await timeOf({ email: user.email, password: 'not the right password' });
    const unknown = await timeOf({ email: `nobody.${Date.now()}@example.test`, password: 'not the right password' });
    expect(wrong.response.statusCode).toBe(401);
    expect(unknown.response.statusCode).toBe(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, instance: undefined });
    expect(strip(wrong.response.json())).toEqual(strip(unknown.response.json()));
    // Both verify an argon2id hash; neither returns early. Generous bound: timing noise on a shared CI machine.
    expect(Math.abs(wrong.ms - unknown.ms)).toBeLessThan(Math.max(wrong.ms, unknown.ms) * 0.75 + 25);
  });

  it('slows strangers guessing one account from many addresses, without locking its owner out (state in the database)', async () => {
    const user = await createPatient(t);
    const second = await createTestApp({ database: t.database });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const app = i % 2 === 0 ? t.app : second.app; // two server processes sharing one database
        const response = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password: 'wrong wrong wrong' }, ...fromAddress() });
        statuses.push(response.statusCode);
        t.clock.advance(1000);
        second.clock.advance(1000);
      }
      // Five failures are free; from then on each costs a doubling wait (1 s, 2 s, …, at most 30 s).
      expect(statuses.slice(0, 6)).toEqual([401, 401, 401, 401, 401, 401]);
      expect(statuses.slice(6)).toContain(429);
      const owner = fromAddress();
      const waiting = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password: testPassword }, ...owner });
      expect(waiting.statusCode).toBe(429);
      expect(waiting.json<{ retryAfterSeconds: number }>().retryAfterSeconds).toBeLessThanOrEqual(30);
      t.clock.advance(31_000);
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password: testPassword }, ...owner })).statusCode).toBe(200);
    } finally {
      await second.app.close();
      await second.jobs.stop();
    }
  });

  it('rate-limits one address across accounts', async () => {
    const remote = fromAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: `spray.${i}.${Date.now()}@example.test`, password: 'guess guess guess' }, ...remote });
      statuses.push(response.statusCode);
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(30);
    expect(statuses.at(-1)).toBe(429);
  });

  it('audits sign-ins and failed sign-ins', async () => {
    const user = await createPatient(t);
    await login({ email: user.email, password: 'nope nope nope' }, {});
    await signIn(t, user);
    const rows = await t.database.db.selectFrom('audit_log').select(['action', 'outcome']).where('actor_id', '=', user.id).where('action', '=', 'auth.login').execute();
    expect(rows.map((r) => r.outcome).sort()).toEqual(['failure', 'success']);
  });
});

describe('sessions', () => {
  it('ends a patient session after 30 idle minutes, and keeps it alive with activity', async () => {
    const user = await createPatient(t);
    const token = await signIn(t, user);
    t.clock.advanceMinutes(29);
    expect((await me(token)).statusCode).toBe(200);
    t.clock.advanceMinutes(29);
    expect((await me(token)).statusCode).toBe(200);
    t.clock.advanceMinutes(31);
    expect((await me(token)).statusCode).toBe(401);
  });

  it('ends a staff session after 15 idle minutes', async () => {
    const clinician = await createUser(t, 'clinician');
    const token = await signIn(t, clinician);
    t.clock.advanceMinutes(16);
    expect((await me(token)).statusCode).toBe(401);
  });

  it('ends every session at the absolute lifetime, however active', async () => {
    const user = await createPatient(t);
    const token = await signIn(t, user);
    for (let i = 0; i < 24; i++) {
      t.clock.advanceMinutes(29);
      expect((await me(token)).statusCode).toBe(200);
    }
    t.clock.advanceMinutes(29);
    expect((await me(token)).statusCode).toBe(401);
  });

  it('logout ends the token and the cookie at once', async () => {
    const user = await createPatient(t);
    const response = await login({ email: user.email, password: testPassword });
    const token = response.json<{ token: string }>().token;
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(token) });
    expect(out.statusCode).toBe(204);
    expect((await me(token)).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', cookies: { keel_session: token } })).statusCode).toBe(401);
  });

  it('answers the start-up session question with null instead of a 401, and with the user when signed in', async () => {
    const nobody = await t.app.inject({ method: 'GET', url: '/api/v1/auth/session' });
    expect(nobody.statusCode).toBe(200);
    expect(nobody.json()).toEqual({ user: null });
    const user = await createPatient(t);
    const token = (await login({ email: user.email, password: testPassword })).json<{ token: string }>().token;
    const signedIn = await t.app.inject({ method: 'GET', url: '/api/v1/auth/session', cookies: { keel_session: token } });
    expect(signedIn.json()).toMatchObject({ user: { id: user.id, role: 'patient', mfaRequired: false } });
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(token) });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/session', cookies: { keel_session: token } })).json()).toEqual({ user: null });
  });

  it('deactivation ends every session of the account immediately', async () => {
    const admin = await createUser(t, 'admin');
    const user = await createUser(t, 'coach');
    const tokens = [await signIn(t, user), await signIn(t, user)];
    const adminToken = await signIn(t, admin);
    const response = await t.app.inject({ method: 'POST', url: `/api/v1/users/${user.id}/deactivate`, headers: bearer(adminToken), payload: { reason: 'Left the clinic' } });
    expect(response.statusCode).toBe(200);
    for (const token of tokens) expect((await me(token)).statusCode).toBe(401);
    expect((await login({ email: user.email, password: testPassword })).statusCode).toBe(401);
    const audit = await t.database.db.selectFrom('audit_log').select('detail').where('action', '=', 'account.deactivate').where('resource_id', '=', user.id).executeTakeFirstOrThrow();
    expect(audit.detail).toEqual({ sessionsEnded: 2, reason: 'Left the clinic' });
  });
});

describe('CSRF defence for cookie sessions', () => {
  it('refuses a cookie-authenticated write from another origin, and accepts it from Keel', async () => {
    const user = await createPatient(t);
    const token = await signIn(t, user);
    const foreign = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', cookies: { keel_session: token }, headers: { origin: 'https://evil.example' } });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json()).toMatchObject({ code: 'CROSS_ORIGIN_REFUSED' });
    const missing = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', cookies: { keel_session: token } });
    expect(missing.statusCode).toBe(403);
    expect((await me(token)).statusCode).toBe(200);
    const own = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', cookies: { keel_session: token }, headers: { origin: 'http://keel.test' } });
    expect(own.statusCode).toBe(204);
  });

  it('does not ask bearer-token clients for an Origin', async () => {
    const user = await createPatient(t);
    const token = await signIn(t, user);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(token) })).statusCode).toBe(204);
  });
});

describe('multi-factor sign-in', () => {
  it('requires staff to enrol when MFA is required, then accepts each code once', async () => {
    const strict = await createTestApp({ database: t.database, config: { KEEL_STAFF_MFA: 'required' } });
    strict.clock.set(t.clock.now());
    try {
      const clinician = await createUser(t, 'clinician');
      const first = await strict.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: clinician.email, password: testPassword } });
      expect(first.statusCode).toBe(200);
      const token = first.json<{ token: string; user: { mfaVerified: boolean } }>().token;
      expect(first.json<{ user: { mfaVerified: boolean } }>().user.mfaVerified).toBe(false);
      const blocked = await strict.app.inject({ method: 'GET', url: '/api/v1/review-queue', headers: bearer(token) });
      expect([401, 404]).toContain(blocked.statusCode);
      const panel = await strict.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(token) });
      expect(panel.statusCode).not.toBe(200);

      const enrol = await strict.app.inject({ method: 'POST', url: '/api/v1/auth/mfa/enroll', headers: bearer(token) });
      expect(enrol.statusCode).toBe(200);
      const { secret, otpauthUrl } = enrol.json<{ secret: string; otpauthUrl: string }>();
      expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\/Keel/);
      const code = await totpAt(secret, strict.clock.now());
      const verified = await strict.app.inject({ method: 'POST', url: '/api/v1/auth/mfa/verify', headers: bearer(token), payload: { code } });
      expect(verified.statusCode).toBe(200);
      const recoveryCodes = verified.json<{ recoveryCodes: string[] }>().recoveryCodes;
      expect(recoveryCodes).toHaveLength(10);
      expect((await strict.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(token) })).json()).toMatchObject({ mfaVerified: true, mfaEnabled: true });

      // The same code again: refused (a code is accepted once).
      const reuse = await strict.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: clinician.email, password: testPassword, totp: code } });
      expect(reuse.statusCode).toBe(401);
      expect(reuse.json()).toMatchObject({ code: 'MFA_REQUIRED' });
      // Without a code: told a code is needed.
      const noCode = await strict.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: clinician.email, password: testPassword } });
      expect(noCode.json()).toMatchObject({ code: 'MFA_REQUIRED' });
      // The next period's code works once.
      strict.clock.advance(30_000);
      const next = await totpAt(secret, strict.clock.now());
      expect((await strict.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: clinician.email, password: testPassword, totp: next } })).statusCode).toBe(200);
      expect((await strict.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: clinician.email, password: testPassword, totp: next } })).statusCode).toBe(401);
      // A recovery code works once.
      const recovery = recoveryCodes[0]!;
      expect((await strict.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: clinician.email, password: testPassword, recoveryCode: recovery } })).statusCode).toBe(200);
      expect((await strict.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: clinician.email, password: testPassword, recoveryCode: recovery } })).statusCode).toBe(401);
    } finally {
      await strict.app.close();
      await strict.jobs.stop();
    }
  });

  it('rate-limits MFA codes per account', async () => {
    const patient = await createPatient(t);
    const token = await signIn(t, patient);
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/mfa/enroll', headers: bearer(token) });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await t.app.inject({ method: 'POST', url: '/api/v1/auth/mfa/verify', headers: bearer(token), payload: { code: '000000' } })).statusCode);
    }
    expect(statuses.slice(0, 5).every((s) => s === 422)).toBe(true);
    expect(statuses[5]).toBe(429);
  });
});

describe('invitations and password reset', () => {
  it('creates a staff account by invitation; the link sets the password once and expires', async () => {
    const admin = await createUser(t, 'admin');
    const adminToken = await signIn(t, admin);
    const email = `coach.${Date.now()}@example.test`;
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: bearer(adminToken), payload: { email, name: 'Invited Coach', role: 'coach' } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ user: { status: 'invited', role: 'coach' } });
    await t.deps.notifier.deliverPending(t.database.db, t.clock.now());
    const mail = t.mail.sent.find((m) => m.recipient === email);
    const token = /#token=([A-Za-z0-9_-]+)/.exec(mail?.body ?? '')?.[1];
    expect(token).toBeDefined();
    expect((await login({ email, password: 'a brand new passphrase' })).statusCode).toBe(401);
    const accept = await t.app.inject({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token, password: 'a brand new passphrase' } });
    expect(accept.statusCode).toBe(204);
    expect((await login({ email, password: 'a brand new passphrase' })).statusCode).toBe(200);
    const again = await t.app.inject({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token, password: 'another new passphrase' } });
    expect(again.statusCode).toBe(404);
  });

  it('refuses an expired invitation', async () => {
    const admin = await createUser(t, 'admin');
    const adminToken = await signIn(t, admin);
    const email = `late.${Date.now()}@example.test`;
    await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: bearer(adminToken), payload: { email, name: 'Late Sitter', role: 'sitter' } });
    await t.deps.notifier.deliverPending(t.database.db, t.clock.now());
    const token = /#token=([A-Za-z0-9_-]+)/.exec(t.mail.sent.find((m) => m.recipient === email)?.body ?? '')?.[1];
    t.clock.advance(8 * 24 * 3_600_000);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token, password: 'a brand new passphrase' } })).statusCode).toBe(404);
  });

  it('resets a password by emailed link and ends existing sessions; unknown emails get the same answer', async () => {
    const user = await createPatient(t);
    const oldToken = await signIn(t, user);
    const known = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: user.email }, ...fromAddress() });
    const unknown = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: `ghost.${Date.now()}@example.test` }, ...fromAddress() });
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(known.body).toBe(unknown.body);
    await t.deps.notifier.deliverPending(t.database.db, t.clock.now());
    const mail = t.mail.sent.filter((m) => m.recipient === user.email).at(-1);
    expect(mail?.body).not.toMatch(/PHQ|ketamine|dose/i);
    const token = /#token=([A-Za-z0-9_-]+)/.exec(mail?.body ?? '')?.[1];
    const done = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/complete', payload: { token, password: 'my new long passphrase' } });
    expect(done.statusCode).toBe(204);
    expect((await me(oldToken)).statusCode).toBe(401);
    expect((await login({ email: user.email, password: 'my new long passphrase' })).statusCode).toBe(200);
  });
});
