import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { bearer, createCareWorld } from '../support/factories.ts';

let t: TestContext;
let world: Awaited<ReturnType<typeof createCareWorld>>;
beforeAll(async () => {
  t = await createTestApp();
  world = await createCareWorld(t);
});
afterAll(async () => {
  await t.close();
});

const securityHeaders = ['content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy'];

function expectProblem(response: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number) {
  expect(response.statusCode).toBe(status);
  expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
  for (const header of securityHeaders) expect(response.headers[header], header).toBeDefined();
  const body = JSON.parse(response.body) as { status: number; code: string; errors?: { field: string }[] };
  expect(body.status).toBe(status);
  return body;
}

describe('text no database can store', () => {
  const journal = () => `/api/v1/patients/${world.patient.patientId}/journal`;

  it.each([
    ['a NUL character', 'dear diary\u0000'],
    ['a lone high surrogate', 'dear diary \ud800'],
    ['a lone low surrogate', '\udc00 dear diary'],
  ])('refuses %s in a body field with 422 naming the field', async (_what, text) => {
    const response = await t.app.inject({ method: 'POST', url: journal(), headers: { ...bearer(world.tokens.patient), 'content-type': 'application/json' }, payload: JSON.stringify({ body: text }) });
    const body = expectProblem(response, 422);
    expect(body.errors).toEqual([{ field: 'body', message: expect.any(String) }]);
  });

  it('refuses them in nested fields, in the query and in path parameters', async () => {
    const nested = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'a@example.test', password: 'x\u0000y' }),
    });
    expect(expectProblem(nested, 422).errors).toEqual([{ field: 'password', message: expect.any(String) }]);
    const query = await t.app.inject({ method: 'GET', url: `${journal()}?q=hello%00`, headers: bearer(world.tokens.patient) });
    expect(expectProblem(query, 422).errors).toEqual([{ field: 'querystring.q', message: expect.any(String) }]);
    const param = await t.app.inject({ method: 'GET', url: '/api/v1/education/intro%00', headers: bearer(world.tokens.patient) });
    expect(expectProblem(param, 422).errors).toEqual([{ field: 'params.slug', message: expect.any(String) }]);
  });

  it('still stores ordinary text, emoji and accents', async () => {
    const response = await t.app.inject({ method: 'POST', url: journal(), headers: bearer(world.tokens.patient), payload: { body: 'Calm today 🙂 — café' } });
    expect(response.statusCode).toBe(201);
  });
});

describe('dates a person could mean', () => {
  it.each(['0001-01-01', '9999-12-31', '1899-12-31'])('refuses a date of birth of %s', async (dateOfBirth) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email: `dob-${dateOfBirth}@example.test`, password: 'a sturdy passphrase for keel', name: 'Dee Obi', dateOfBirth, state: 'CA' },
    });
    expect(expectProblem(response, 422).errors?.map((e) => e.field)).toEqual(['dateOfBirth']);
  });

  it('refuses a date of birth in the future (the clock is the server’s)', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email: 'dob-future@example.test', password: 'a sturdy passphrase for keel', name: 'Dee Obi', dateOfBirth: '2026-06-02', state: 'CA' },
    });
    expect(expectProblem(response, 422).errors?.map((e) => e.field)).toEqual(['dateOfBirth']);
  });

  it.each(['0001-01-01T10:00:00Z', '9999-12-31T10:00:00Z', '1999-12-31T23:00:00Z', '2099-12-31T23:00:00-05:00'])(
    'refuses a session scheduled for %s',
    async (scheduledFor) => {
      const response = await t.app.inject({ method: 'POST', url: `/api/v1/patients/${world.patient.patientId}/sessions`, headers: bearer(world.tokens.patient), payload: { scheduledFor } });
      expect(expectProblem(response, 422).errors?.map((e) => e.field)).toEqual(['scheduledFor']);
    },
  );

  it.each([
    ['a visit', 'visits', { occurredAt: '0001-01-01T10:00:00Z' }, 'occurredAt'],
    ['a dispense', 'dispenses', { dispensedAt: '9999-01-01T10:00:00Z' }, 'dispensedAt'],
    ['a disposal (a loss)', 'ledger/losses', { occurredAt: '0001-01-01T10:00:00Z' }, 'occurredAt'],
  ])('refuses %s dated outside 2000–2099, naming the field', async (_what, path, payload, field) => {
    const response = await t.app.inject({ method: 'POST', url: `/api/v1/patients/${world.patient.patientId}/${path}`, headers: bearer(world.tokens.clinician), payload });
    const body = expectProblem(response, 422);
    expect(body.errors?.map((e) => e.field)).toContain(field);
  });
});

describe('every error is a problem document with the security headers', () => {
  it('answers an over-long path parameter with 414, not echoing the URL', async () => {
    const long = 'a'.repeat(5000);
    const response = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${long}/journal`, headers: bearer(world.tokens.patient) });
    const body = expectProblem(response, 414);
    expect(response.body).not.toContain(long.slice(0, 300));
    expect(body.code).toBe('URI_TOO_LONG');
  });

  it('answers a malformed percent-encoding with 400', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/education/%E0%A4%A', headers: bearer(world.tokens.patient) });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
  });

  it('answers a body shorter than its Content-Length (fully received) with a 400 problem', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json', 'content-length': '200' },
      payload: '{"email":"a@example.test","password":"x"}',
    });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
  });

  it('answers what the HTTP parser refuses on a real socket (a Content-Length mismatch, a bad header) with a problem', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    const raw = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = net.connect(address.port, '127.0.0.1', () => socket.write(request));
        let data = '';
        socket.on('data', (chunk) => (data += chunk.toString('utf8')));
        socket.on('end', () => resolve(data));
        socket.on('close', () => resolve(data));
        socket.on('error', reject);
        setTimeout(() => socket.destroy(), 5000);
      });
    // Two Content-Length headers that disagree: the parser refuses the request.
    const mismatch = await raw('POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}');
    const bad = await raw('GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n');
    for (const reply of [mismatch, bad]) {
      expect(reply).toMatch(/^HTTP\/1\.1 400 /);
      expect(reply.toLowerCase()).toContain('content-type: application/problem+json');
      for (const header of securityHeaders) expect(reply.toLowerCase()).toContain(`${header}:`);
      expect(reply).toContain('"code":"MALFORMED_REQUEST"');
    }
  });
});
