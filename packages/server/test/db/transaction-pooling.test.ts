import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withDatabase } from '../support/global-setup.ts';
import { startKeel, stopKeel, type KeelProcess } from '../support/processes.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { loadConfig, ConfigError } from '../../src/config.ts';
import { openConfiguredDatabase, openOwnerDatabase } from '../../src/runtime.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { createTestDatabase, onPostgres } from '../support/test-database.ts';
import { bearer } from '../support/factories.ts';

// Keel behind PgBouncer in transaction mode (docs/scaling.md): each transaction may run on a different server
// connection, so nothing may rely on a session — no named prepared statement (db/prepared.ts runs them unnamed when
// KEEL_DB_POOLING=transaction), LISTEN on a direct connection (KEEL_DIRECT_DATABASE_URL). `.ci/run` starts the pooler
// (scripts/pgbouncer.sh, 4 server connections per database) and passes its URL as KEEL_TEST_PGBOUNCER_URL.
const pooler = process.env.KEEL_TEST_PGBOUNCER_URL;
const password = 'demo-password-for-tests';

describe.runIf(onPostgres && pooler !== undefined)('behind PgBouncer in transaction mode', () => {
  let direct: DatabaseHandle;
  let pooled: DatabaseHandle;
  let t: TestContext;
  let poolerUrl = '';
  let address = 0;
  const login = async (email: string) => {
    address += 1;
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress: `10.98.0.${address}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ token: string }>().token;
  };

  beforeAll(async () => {
    direct = await createTestDatabase();
    const directUrl = (direct.pool as unknown as { options: { connectionString: string } }).options.connectionString;
    const name = new URL(directUrl).pathname.slice(1);
    poolerUrl = `${String(pooler)}/${name}`;
    pooled = await openDatabase({ kind: 'postgres', url: poolerUrl, pooling: 'transaction', directUrl, poolSize: 24, jobsPoolSize: 3 });
    // The whole demo program is written through the pooler: thousands of statements and transactions, pg-boss's
    // queues and jobs included.
    t = await createTestApp({ database: pooled });
    await seedDemo(t.deps, { password });
  }, 240_000);
  afterAll(async () => {
    await t.close();
    await direct.close();
  });

  it('is transaction pooling: a statement prepared by name is not there on the next transaction', async () => {
    // The control: were the pooler in session mode (or absent), this would never fail, and the tests below would
    // prove nothing about transaction pooling.
    const raw = new pg.Pool({ connectionString: poolerUrl, max: 20 });
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) => raw.query({ name: 'keel_pooling_probe', text: 'SELECT pg_sleep(0.01), $1::int AS i', values: [i] })),
      );
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(refused.length).toBeGreaterThan(0);
      expect(String(refused[0]?.reason)).toMatch(/prepared statement "keel_pooling_probe" (does not exist|already exists)/);
    } finally {
      await raw.end();
    }
    expect(pooled.namedStatements).toBe(false);
  });

  it('serves the panel to 12 concurrent readers, each the same page', async () => {
    const token = await login('clinician@keel.demo');
    const pages = await Promise.all(
      Array.from({ length: 12 }, () => t.app.inject({ method: 'GET', url: '/api/v1/patients?sort=risk&limit=100', headers: bearer(token) })),
    );
    for (const page of pages) expect(page.statusCode, page.body).toBe(200);
    const names = pages.map((p) => p.json<{ items: { name: string }[] }>().items.map((i) => i.name));
    expect(names[0]).toContain('Drew Alvarez');
    for (const n of names) expect(n).toEqual(names[0]);
  });

  it('takes 16 concurrent check-ins of one patient, each written once, the craving series in step', async () => {
    const token = await login('patient@keel.demo');
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(token) });
    const patientId = me.json<{ patientId: string }>().patientId;
    const count = async () => Number((await direct.pool.query('SELECT count(*) AS n FROM check_ins WHERE patient_id = $1', [patientId])).rows[0].n);
    const before = await count();
    const answers = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        t.app.inject({
          method: 'POST',
          url: `/api/v1/patients/${patientId}/check-ins`,
          headers: bearer(token),
          payload: { mood0to10: 6, sleepHours: 7, craving0to10: i % 4, usedOutsideSession: false, bladderSymptoms: false, cognitiveComplaint: false, sideEffects: [] },
        }),
      ),
    );
    for (const a of answers) expect(a.statusCode, a.body).toBe(201);
    expect(new Set(answers.map((a) => a.json<{ checkIn: { id: string } }>().checkIn.id)).size).toBe(16);
    expect(await count()).toBe(before + 16);
    // Every scored check-in is in the series once, and each streak follows from the score before it.
    const series = await direct.pool.query<{ score: number; streak: number }>('SELECT score, streak FROM craving_series WHERE patient_id = $1 ORDER BY at, src, id', [patientId]);
    const scored = Number((await direct.pool.query("SELECT (SELECT count(*) FROM check_ins WHERE patient_id = $1 AND craving_0_10 IS NOT NULL) + (SELECT count(*) FROM assessments WHERE patient_id = $1 AND instrument = 'craving' AND total IS NOT NULL) AS n", [patientId])).rows[0].n);
    expect(series.rows.length).toBe(scored);
    for (const [i, row] of series.rows.entries()) {
      const previous = series.rows[i - 1];
      expect(row.streak).toBe(previous && row.score > previous.score ? previous.streak + 1 : 1);
    }
  });

  it('hears a notice on its direct connection, not through the pooler', async () => {
    const heard: string[] = [];
    const listen = pooled.listen;
    if (!listen) throw new Error('a PostgreSQL handle listens');
    const stop = await listen('keel_pooling_test', (payload) => heard.push(payload), () => undefined);
    try {
      await pooled.pool.query("SELECT pg_notify('keel_pooling_test', 'through the pooler')");
      for (let i = 0; i < 50 && heard.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(heard).toEqual(['through the pooler']);
    } finally {
      await stop();
    }
  });
});

describe.runIf(onPostgres && pooler !== undefined)('keel serve behind PgBouncer in transaction mode', () => {
  const template = inject('postgresTemplate') ?? '';
  const processes: KeelProcess[] = [];
  const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-pooled-'));
  afterAll(async () => {
    await Promise.all(processes.map((p) => stopKeel(p)));
  });

  it('starts two processes at once on an empty database through the pooler: migrated and seeded once, both serving', async () => {
    const name = `${new URL(template).pathname.slice(1)}_pooled_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new pg.Client({ connectionString: withDatabase(template, 'postgres') });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    const directUrl = withDatabase(template, name);
    const env = {
      DATABASE_URL: `${String(pooler)}/${name}`,
      KEEL_DB_POOLING: 'transaction',
      KEEL_DIRECT_DATABASE_URL: directUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      KEEL_DEMO: 'on',
      KEEL_JOBS: 'on',
      KEEL_DATA_DIR: path.join(dataRoot, 'data'),
      KEEL_AUDIT_CHECKPOINT_FILE: path.join(dataRoot, 'checkpoints.jsonl'),
      KEEL_MAIL_TRANSPORT: 'file',
      KEEL_MAIL_FILE: path.join(dataRoot, 'mail.log'),
    };
    for (let i = 0; i < 2; i++) processes.push(startKeel(env));
    const urls = await Promise.all(processes.map((p) => p.ready));
    const check = new pg.Client({ connectionString: directUrl });
    await check.connect();
    try {
      const users = await check.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE email = 'patient@keel.demo'`);
      expect(users.rows[0]?.n).toBe(1);
      // Each process's requests reach the database through the pooler, and a check-in goes through at each.
      for (const url of urls) {
        expect(await (await fetch(`${url}/readyz`)).json()).toMatchObject({ status: 'ready', engine: 'postgres', database: { reachable: true, migrations: 'current' } });
        const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'patient@keel.demo', password: 'keel-demo-2026' }) });
        expect(login.status).toBe(200);
        const token = ((await login.json()) as { token: string }).token;
        const me = (await (await fetch(`${url}/api/v1/me`, { headers: bearer(token) })).json()) as { patientId: string };
        const checkIn = await fetch(`${url}/api/v1/patients/${me.patientId}/check-ins`, {
          method: 'POST',
          headers: { ...bearer(token), 'content-type': 'application/json' },
          body: JSON.stringify({ mood0to10: 6, sleepHours: 7, craving0to10: 1, usedOutsideSession: false, bladderSymptoms: false, cognitiveComplaint: false, sideEffects: [] }),
        });
        expect(checkIn.status).toBe(201);
      }
      const clients = await check.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'keel-listen'`, [name]);
      // The live board's LISTEN of each process is a direct connection of its own.
      expect(clients.rows[0]?.n).toBe(2);
    } finally {
      await check.end();
    }
  }, 240_000);
});

describe('the transaction pooling setting', () => {
  it('needs the pooler and a direct URL', () => {
    const refused = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        return error instanceof ConfigError ? error.issues.map((i) => i.variable) : ['not a ConfigError'];
      }
      return [];
    };
    expect(refused({ KEEL_DB_POOLING: 'transaction', DATABASE_URL: 'postgres://app@pooler:6432/keel' })).toEqual(['KEEL_DB_POOLING']);
    expect(refused({ KEEL_DB_POOLING: 'transaction', KEEL_DIRECT_DATABASE_URL: 'postgres://app@db:5432/keel' })).toEqual(['KEEL_DB_POOLING']);
    expect(refused({ KEEL_DB_POOLING: 'transaction', DATABASE_URL: 'postgres://app@pooler:6432/keel', KEEL_DIRECT_DATABASE_URL: 'postgres://app@db:5432/keel' })).toEqual([]);
    expect(refused({ KEEL_DB_POOLING: 'statement', DATABASE_URL: 'postgres://app@pooler:6432/keel' })).toEqual(['KEEL_DB_POOLING']);
  });

  it('sends requests through the pooler unprepared, and LISTEN and the start-up work (a session-level lock) to PostgreSQL itself', async () => {
    const urlOf = (h: DatabaseHandle) => (h.pool as unknown as { options: { connectionString: string } }).options.connectionString;
    const pooledEnv = { KEEL_DB_POOLING: 'transaction', DATABASE_URL: 'postgres://app@pooler:6432/keel', KEEL_DIRECT_DATABASE_URL: 'postgres://app@db:5432/keel' };
    // No connection is opened until a query: these handles are only looked at.
    const server = await openConfiguredDatabase(loadConfig(pooledEnv));
    const owner = await openOwnerDatabase(loadConfig(pooledEnv));
    const ownerOwn = await openOwnerDatabase(loadConfig({ ...pooledEnv, KEEL_MIGRATION_DATABASE_URL: 'postgres://owner@db:5432/keel' }));
    const plain = await openConfiguredDatabase(loadConfig({ DATABASE_URL: 'postgres://app@db:5432/keel' }));
    try {
      expect([urlOf(server), server.namedStatements]).toEqual(['postgres://app@pooler:6432/keel', false]);
      expect(urlOf(owner)).toBe('postgres://app@db:5432/keel');
      expect(urlOf(ownerOwn)).toBe('postgres://owner@db:5432/keel');
      expect([urlOf(plain), plain.namedStatements]).toEqual(['postgres://app@db:5432/keel', true]);
    } finally {
      for (const h of [server, owner, ownerOwn, plain]) await h.close();
    }
  });
});
