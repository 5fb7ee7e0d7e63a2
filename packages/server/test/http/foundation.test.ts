import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const isProblem = (response: { headers: Record<string, unknown>; json: () => unknown }) => {
  expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const body = response.json() as Record<string, unknown>;
  expect(body).toMatchObject({ type: expect.any(String), title: expect.any(String), status: expect.any(Number), detail: expect.any(String) });
  expect(JSON.stringify(body)).not.toMatch(/\bat .+\.ts:\d+|node_modules|SELECT |INSERT /);
  return body;
};

describe('operations endpoints', () => {
  it('answers /healthz', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with the engine once migrations are current', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ready' });
  });

  it('serves the OpenAPI document and the browsable docs', async () => {
    const json = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(json.statusCode).toBe(200);
    const doc = json.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/login', '/api/v1/me', '/healthz']));
    const page = await t.app.inject({ method: 'GET', url: '/api/docs' });
    expect([200, 302]).toContain(page.statusCode);
  });
});

describe('problem details for every failure', () => {
  it('gives a 404 problem for an unknown API route', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/no-such-thing' });
    expect(response.statusCode).toBe(404);
    expect(isProblem(response)).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('gives a 400 problem for malformed JSON', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"email": ' });
    expect(response.statusCode).toBe(400);
    expect(isProblem(response)).toMatchObject({ code: 'MALFORMED_REQUEST' });
  });

  it('gives a 413 problem for an oversize body', async () => {
    const small = await createTestApp({ config: { KEEL_BODY_LIMIT_BYTES: '2048' }, database: t.database });
    const response = await small.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(5000) }) });
    expect(response.statusCode).toBe(413);
    expect(isProblem(response)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    await small.app.close();
    await small.jobs.stop();
  });

  it('gives a 415 problem for a body that is not JSON', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'text/plain' }, payload: 'hello' });
    expect(response.statusCode).toBe(415);
    isProblem(response);
  });

  it('gives a 422 problem naming each invalid field, and rejects unknown fields', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/signup', payload: { email: 'not-an-email', password: 'x', name: '', dateOfBirth: '1990-13-45', state: 'California', isAdmin: true } });
    expect(response.statusCode).toBe(422);
    const body = isProblem(response) as { errors: { field: string }[] };
    const fields = body.errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['email', 'name', 'dateOfBirth', 'state']));
    expect(JSON.stringify(body.errors)).toMatch(/isAdmin/);
  });

  it.each([
    ['wrong types', { email: 42, password: ['x'] }],
    ['a __proto__ key', JSON.parse('{"__proto__": {"admin": true}, "email": "a@b.co", "password": "x"}')],
    ['an SQL payload', { email: "a@b.co' OR 1=1 --", password: "' OR '1'='1" }],
    ['a script payload', { email: '<script>alert(1)</script>@x.co', password: '<img src=x onerror=alert(1)>' }],
    ['a huge string', { email: `${'a'.repeat(100_000)}@b.co`, password: 'x' }],
  ])('answers %s with a 4xx problem, never a 5xx', async (_name, payload) => {
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    isProblem(response);
  });

  it('gives 401 to an unauthenticated request for a protected route', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/me' });
    expect(response.statusCode).toBe(401);
    expect(isProblem(response)).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('security headers', () => {
  it('sets CSP, frame-ancestors none, nosniff and no-store on API responses', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-request-id']).toEqual(expect.any(String));
  });
});

describe('route registry', () => {
  it('gives every API route a declared access rule', () => {
    const missing: string[] = [];
    for (const route of t.app.keelRoutes) {
      if (route.url.startsWith('/api/v1/') && !route.access) missing.push(`${route.method} ${route.url}`);
    }
    expect(missing).toEqual([]);
    expect(t.app.keelRoutes.filter((r) => r.url.startsWith('/api/v1/')).length).toBeGreaterThan(10);
  });
});


describe('web app serving', () => {
  it('serves index.html for app paths and a problem for unknown API paths', async () => {
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-web-'));
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Keel</title><div id="root"></div>');
    fs.mkdirSync(path.join(dist, 'assets'));
    fs.writeFileSync(path.join(dist, 'assets', 'app.js'), 'console.log(1)');
    const app = await buildApp({ ...t.deps, webDist: dist });
    for (const url of ['/', '/patient/home', '/clinician']) {
      const page = await app.inject({ method: 'GET', url });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<div id="root">');
    }
    // A rebuilt app is served without a restart.
    fs.writeFileSync(path.join(dist, 'assets', 'rebuilt.js'), 'console.log(2)');
    expect((await app.inject({ method: 'GET', url: '/assets/rebuilt.js' })).statusCode).toBe(200);
    const asset = await app.inject({ method: 'GET', url: '/assets/app.js' });
    expect(asset.statusCode).toBe(200);
    const missingAsset = await app.inject({ method: 'GET', url: '/assets/missing.js' });
    expect(missingAsset.statusCode).toBe(404);
    const api = await app.inject({ method: 'GET', url: '/api/v1/nothing' });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toMatch(/problem\+json/);
    await app.close();
  });
});

