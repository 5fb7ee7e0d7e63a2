import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { createTestDatabase } from '../support/test-database.ts';
import type { DatabaseHandle } from '../../src/db/database.ts';

/** Which address Keel records and limits: only proxies it was told to trust may name the client. */
const opened: TestContext[] = [];
let database: DatabaseHandle | undefined;
afterAll(async () => {
  for (const t of opened) await t.app.close().then(() => t.jobs.stop());
  await database?.close();
});

async function appTrusting(trust: string): Promise<TestContext> {
  database ??= await createTestDatabase();
  const t = await createTestApp({ config: { KEEL_TRUST_PROXY: trust }, database });
  opened.push(t);
  return t;
}

async function recordedAddress(t: TestContext, remoteAddress: string, forwardedFor?: string): Promise<string | null> {
  const email = `nobody.${Math.random().toString(36).slice(2)}@example.test`;
  await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: 'not the password' }, remoteAddress, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} });
  const row = await t.database.db.selectFrom('audit_log').select('client_address').where('action', '=', 'auth.login').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
  return row.client_address;
}

describe('KEEL_TRUST_PROXY', () => {
  it('parses off, on, a number of hops, and a list of proxies; refuses anything else', () => {
    expect(loadConfig({}).KEEL_TRUST_PROXY).toBe(false);
    expect(loadConfig({ KEEL_TRUST_PROXY: 'on' }).KEEL_TRUST_PROXY).toBe(1);
    expect(loadConfig({ KEEL_TRUST_PROXY: '2' }).KEEL_TRUST_PROXY).toBe(2);
    expect(loadConfig({ KEEL_TRUST_PROXY: '10.0.0.1, 192.168.0.0/16' }).KEEL_TRUST_PROXY).toEqual(['10.0.0.1', '192.168.0.0/16']);
    expect(() => loadConfig({ KEEL_TRUST_PROXY: 'everyone' })).toThrow(/KEEL_TRUST_PROXY/);
  });

  it('off: the peer is the client, whatever X-Forwarded-For says', async () => {
    const t = await appTrusting('off');
    expect(await recordedAddress(t, '198.51.100.20', '203.0.113.66')).toBe('198.51.100.20');
  });

  it('one hop: the address the proxy appended, never the one the client put first', async () => {
    const t = await appTrusting('1');
    // The client sent "X-Forwarded-For: 203.0.113.66" itself; the proxy (10.0.0.1) appended the real peer.
    expect(await recordedAddress(t, '10.0.0.1', '203.0.113.66, 198.51.100.7')).toBe('198.51.100.7');
  });

  it('a list: only the listed proxy may name the client; anyone else is the client', async () => {
    const t = await appTrusting('10.0.0.1');
    expect(await recordedAddress(t, '10.0.0.1', '203.0.113.66, 198.51.100.8')).toBe('198.51.100.8');
    expect(await recordedAddress(t, '198.51.100.9', '203.0.113.66')).toBe('198.51.100.9');
  });

  it('a client rotating forged X-Forwarded-For entries still meets the per-address limit', async () => {
    const t = await appTrusting('1');
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: `spray.${i}.${Date.now()}@example.test`, password: 'guess guess guess' },
        remoteAddress: '10.0.0.1',
        headers: { 'x-forwarded-for': `203.0.113.${i + 1}, 198.51.100.99` },
      });
      statuses.push(response.statusCode);
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(30);
    expect(statuses.at(-1)).toBe(429);
  });
});
