import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/test-app.ts';

// One line per request at info, written when the response is done (docs/perf.md).
let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('request log', () => {
  it('writes exactly one line per request with method, path (no query), status, time and request id', async () => {
    const before = t.logs.lines.length;
    const ids = ['req-log-aaaaaaaa', 'req-log-bbbbbbbb', 'req-log-cccccccc'];
    await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': ids[0] } });
    await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here?secret=zebra', headers: { 'x-request-id': ids[1] } });
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'nobody@example.test', password: 'not-the-password' }, headers: { 'x-request-id': ids[2] } });
    const lines = t.logs.lines.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const id of ids) expect(lines.filter((l) => l['reqId'] === id && l['msg'] === 'request')).toHaveLength(1);
    expect(lines.some((l) => l['msg'] === 'incoming request' || l['msg'] === 'request completed')).toBe(false);
    const [health, missing, login] = ids.map((id) => lines.find((l) => l['reqId'] === id && l['msg'] === 'request'));
    expect(health).toMatchObject({ level: 30, method: 'GET', path: '/healthz', status: 200 });
    expect(missing).toMatchObject({ method: 'GET', path: '/api/v1/nothing-here', status: 404 });
    expect(login).toMatchObject({ method: 'POST', path: '/api/v1/auth/login', status: 401 });
    expect(typeof health?.['ms']).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('zebra');
  });
});
