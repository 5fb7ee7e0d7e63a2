import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withDatabase } from '../support/global-setup.ts';
import { onPostgres } from '../support/test-database.ts';
import { startKeel, stopKeel, type KeelProcess } from '../support/processes.ts';

/**
 * The faults of operating Keel, on real processes: three started at once on an empty PostgreSQL database, the
 * database terminating the connections of a process under write load, and start-ups that cannot succeed.
 */
const template = inject('postgresTemplate');
const adminUrl = template ? withDatabase(template, 'postgres') : '';
let databaseUrl = '';
let databaseName = '';
const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-ops-'));
const processes: KeelProcess[] = [];

async function admin<T extends pg.QueryResultRow>(text: string, values: unknown[] = [], url = adminUrl): Promise<pg.QueryResult<T>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query<T>(text, values);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  if (!onPostgres || !template) return;
  databaseName = `${new URL(template).pathname.slice(1)}_ops_${Math.random().toString(36).slice(2, 8)}`;
  await admin(`CREATE DATABASE ${databaseName}`);
  databaseUrl = withDatabase(template, databaseName);
});
afterAll(async () => {
  await Promise.all(processes.map((p) => stopKeel(p)));
});

const env = (extra: Record<string, string> = {}) => ({
  DATABASE_URL: databaseUrl,
  PORT: '0',
  HOST: '127.0.0.1',
  KEEL_DEMO: 'on',
  KEEL_JOBS: 'on',
  KEEL_DATA_DIR: path.join(dataRoot, 'data'),
  KEEL_AUDIT_CHECKPOINT_FILE: path.join(dataRoot, 'checkpoints.jsonl'),
  KEEL_MAIL_TRANSPORT: 'file',
  KEEL_MAIL_FILE: path.join(dataRoot, 'mail.log'),
  ...extra,
});

describe.skipIf(!onPostgres)('operating on PostgreSQL', () => {
  let urls: string[] = [];

  it('starts three processes at once on an empty database: all become ready, the demo is seeded once', async () => {
    for (let i = 0; i < 3; i++) processes.push(startKeel(env()));
    urls = await Promise.all(processes.map((p) => p.ready));
    for (const url of urls) {
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', engine: 'postgres', database: { reachable: true, migrations: 'current' } });
    }
    const users = await admin<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE email = 'patient@keel.demo'`, [], databaseUrl);
    expect(users.rows[0]?.n).toBe(1);
    const queues = await admin<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.queue`, [], databaseUrl);
    expect(queues.rows[0]?.n).toBeGreaterThanOrEqual(8);
    for (const p of processes) expect(p.child.exitCode).toBeNull();
  });

  it('keeps serving when PostgreSQL terminates its connections under write load; requests in flight fail as 503 problems', async () => {
    const url = urls[0]!;
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'patient@keel.demo', password: 'keel-demo-2026' }),
    });
    expect(login.status).toBe(200);
    const { token, user } = (await login.json()) as { token: string; user: { patientId?: string | null } };
    const me = (await (await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).json()) as { patientId?: string };
    const patientId = user.patientId ?? me.patientId;
    expect(patientId).toBeTruthy();

    const statuses = new Map<number, number>();
    const badBodies: string[] = [];
    let stop = false;
    const writer = async () => {
      while (!stop) {
        const response = await fetch(`${url}/api/v1/patients/${patientId}/journal`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ body: 'a steady day' }),
        }).catch(() => undefined);
        if (!response) {
          statuses.set(0, (statuses.get(0) ?? 0) + 1);
          continue;
        }
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const text = await response.text();
        if (response.status !== 201 && !(response.status === 503 && response.headers.get('content-type')?.startsWith('application/problem+json') && text.includes('SERVICE_UNAVAILABLE'))) {
          badBodies.push(`${response.status} ${text.slice(0, 200)}`);
        }
      }
    };
    const writers = Array.from({ length: 6 }, () => writer());
    let terminated = 0;
    for (let round = 0; round < 3; round++) {
      await new Promise((r) => setTimeout(r, 700));
      const killed = await admin<{ n: number }>(
        `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [databaseName],
      );
      terminated += killed.rows[0]?.n ?? 0;
    }
    await new Promise((r) => setTimeout(r, 700));
    stop = true;
    await Promise.all(writers);

    expect(terminated).toBeGreaterThan(0);
    expect(badBodies).toEqual([]);
    expect(statuses.get(0) ?? 0).toBe(0);
    expect(statuses.get(201) ?? 0).toBeGreaterThan(0);
    // Every process is still up, ready, and takes writes.
    for (const [i, p] of processes.entries()) {
      expect(p.child.exitCode, p.stderr()).toBeNull();
      expect((await fetch(`${urls[i]}/readyz`)).status).toBe(200);
    }
    const after = await fetch(`${url}/api/v1/patients/${patientId}/journal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ body: 'after the storm' }),
    });
    expect(after.status).toBe(201);
  });

  it('verifies the audit chain the three processes wrote together', async () => {
    const verify = startKeel(env(), ['audit', 'verify']);
    const { code } = await verify.exited;
    expect(verify.stdout() + verify.stderr()).toMatch(/Audit log intact/);
    expect(code).toBe(0);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const results = await Promise.all(processes.splice(0).map((p) => stopKeel(p)));
    for (const r of results) expect(r.code).toBe(0);
  });

  it('exits non-zero within seconds, with a one-line reason, when start-up fails after pg-boss started (port taken)', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const p = startKeel(env({ PORT: String(port), KEEL_DEMO: 'off' }));
      const { code, afterMs } = await p.exited;
      expect(code).not.toBe(0);
      expect(afterMs).toBeLessThan(30_000);
      const lines = p.stderr().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^keel serve failed: .*EADDRINUSE/);
    } finally {
      blocker.close();
    }
  });

  it('exits non-zero within seconds, with a one-line reason, when the database cannot be reached', async () => {
    const p = startKeel(env({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/keel', KEEL_DEMO: 'off' }));
    const { code, afterMs } = await p.exited;
    expect(code).not.toBe(0);
    expect(afterMs).toBeLessThan(30_000);
    const lines = p.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^keel serve failed: .*ECONNREFUSED/);
  });
});

describe('start-up failures on the embedded database', () => {
  it.each([
    ['a symbolic link to a directory that does not exist', (dir: string) => fs.symlinkSync(path.join(dir, 'missing'), path.join(dir, 'data')), /symbolic link/],
    ['a file, not a directory', (dir: string) => fs.writeFileSync(path.join(dir, 'data'), 'x'), /not a directory/],
  ])('exits non-zero with a one-line reason when the data directory is %s', async (_what, make, reason) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-dd-'));
    make(dir);
    const p = startKeel({ KEEL_DATA_DIR: path.join(dir, 'data'), PORT: '0', HOST: '127.0.0.1', KEEL_DEMO: 'off' });
    const { code, afterMs } = await p.exited;
    expect(code).not.toBe(0);
    expect(afterMs).toBeLessThan(30_000);
    const lines = p.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(reason);
    expect(lines[0]).not.toMatch(/undefined/);
  });

  it('follows a symbolic link to a real directory', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-dd-'));
    fs.mkdirSync(path.join(dir, 'real'));
    fs.symlinkSync(path.join(dir, 'real'), path.join(dir, 'data'));
    const p = startKeel({ KEEL_DATA_DIR: path.join(dir, 'data'), PORT: '0', HOST: '127.0.0.1', KEEL_DEMO: 'off', KEEL_JOBS: 'off' });
    processes.push(p);
    const url = await p.ready;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect((await stopKeel(p)).code).toBe(0);
    processes.splice(processes.indexOf(p), 1);
  });
});
