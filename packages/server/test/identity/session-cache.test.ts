// Sessions answered from the process's cache (auth/session-cache.ts): a request within a few seconds of the last
// reads no session row, and everything that ends or changes a session still takes effect at once: sign-out, the
// idle timeout, and (PostgreSQL, where other processes exist) a revocation or deactivation made by another process.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createPatient, signIn } from '../support/factories.ts';
import { recordStatements } from '../support/statement-recorder.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { onPostgres } from '../support/test-database.ts';

let t: TestContext;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const me = (token: string) => t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(token) });
const sessionReads = (texts: string[]) => texts.filter((text) => /from "auth_sessions"/.test(text));

async function patientSignedIn() {
  const patient = await createPatient(t);
  return { ...patient, token: await signIn(t, patient) };
}

describe('the session cache', () => {
  it('answers a second request without reading the session row, with the same caller', async () => {
    const p = await patientSignedIn();
    const recorder = recordStatements(t.database);
    recorder.start();
    const first = await me(p.token);
    const firstReads = sessionReads(recorder.stop());
    recorder.start();
    const second = await me(p.token);
    const secondReads = sessionReads(recorder.stop());
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual(first.json());
    // Sign-in does not fill the cache (it writes the row); the first request reads it, the second does not.
    expect(firstReads).toHaveLength(1);
    expect(secondReads).toEqual([]);
  });

  it('forgets a session the moment it is signed out', async () => {
    const p = await patientSignedIn();
    expect((await me(p.token)).statusCode).toBe(200);
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(p.token) });
    expect(out.statusCode).toBe(204);
    expect((await me(p.token)).statusCode).toBe(401);
  });

  it('refuses and revokes a cached session past its idle timeout (30 minutes for a patient)', async () => {
    const p = await patientSignedIn();
    expect((await me(p.token)).statusCode).toBe(200);
    t.clock.advanceMinutes(29);
    expect((await me(p.token)).statusCode).toBe(200);
    // The request at 29 minutes touched the session: idle is counted from there.
    t.clock.advanceMinutes(29);
    expect((await me(p.token)).statusCode).toBe(200);
    t.clock.advanceMinutes(31);
    expect((await me(p.token)).statusCode).toBe(401);
    const row = await t.database.db
      .selectFrom('auth_sessions')
      .select(['revoked_at'])
      .where('user_id', '=', p.id)
      .executeTakeFirstOrThrow();
    expect(row.revoked_at).not.toBeNull();
  });
});

describe.runIf(onPostgres)('changes made by another process (PostgreSQL)', () => {
  // Another server process is another connection: a plain client outside the app's pools stands in for it.
  const elsewhere = async (text: string, values: unknown[]) => {
    const client = new pg.Client({ connectionString: (t.database.pool as pg.Pool & { options: { connectionString: string } }).options.connectionString });
    await client.connect();
    try {
      await client.query(text, values);
    } finally {
      await client.end();
    }
  };
  const refusedWithin = async (token: string, ms: number) => {
    const deadline = Date.now() + ms;
    for (;;) {
      if ((await me(token)).statusCode === 401) return true;
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('a session revoked by another process is refused here within a second', async () => {
    const p = await patientSignedIn();
    expect((await me(p.token)).statusCode).toBe(200);
    expect((await me(p.token)).statusCode).toBe(200);
    await elsewhere('UPDATE auth_sessions SET revoked_at = now() WHERE user_id = $1', [p.id]);
    expect(await refusedWithin(p.token, 1000)).toBe(true);
  });

  it('an account deactivated by another process is refused here within a second', async () => {
    const p = await patientSignedIn();
    expect((await me(p.token)).statusCode).toBe(200);
    await elsewhere("UPDATE users SET status = 'deactivated', deactivated_at = now() WHERE id = $1", [p.id]);
    expect(await refusedWithin(p.token, 1000)).toBe(true);
  });
});
