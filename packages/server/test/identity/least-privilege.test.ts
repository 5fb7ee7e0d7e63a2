import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain, writeAudit } from '../../src/audit/audit-log.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { applyGrants } from '../../src/db/roles.ts';
import { applyRetention, maintainTimePartitionsAt } from '../../src/db/time-partitions.ts';
import { createTestDatabase, onPostgres } from '../support/test-database.ts';
import { createTestApp, testConfig, type TestContext } from '../support/test-app.ts';
import { prepareDatabase } from '../../src/runtime.ts';
import { bearer, createCareWorld } from '../support/factories.ts';
import { testAuditKeys as keys } from '../support/setup-audit-keys.ts';

/**
 * The server connects as a role that is not the owner: on the audit log it may only INSERT and SELECT, it cannot
 * alter the table or its triggers, and it has no privilege on the chain heads. Roles exist on PostgreSQL only.
 */
let owner: DatabaseHandle;
let server: DatabaseHandle;
let t: TestContext;
const role = `keel_server_test_${Math.random().toString(36).slice(2, 8)}`;

beforeAll(async () => {
  if (!onPostgres) return;
  owner = await createTestDatabase();
  expect(await applyGrants(owner.db)).toBe(true);
  await sql`CREATE ROLE ${sql.raw(role)} LOGIN IN ROLE keel_app`.execute(owner.db);
  const name = (await sql<{ d: string }>`SELECT current_database() AS d`.execute(owner.db)).rows[0]!.d;
  const url = new URL((owner.pool as unknown as { options: { connectionString: string } }).options.connectionString);
  url.username = role;
  url.pathname = `/${name}`;
  server = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 10 });
  t = await createTestApp({ database: server });
});
afterAll(async () => {
  if (!onPostgres) return;
  await t.close();
  await sql`DROP OWNED BY ${sql.raw(role)}`.execute(owner.db).catch(() => undefined);
  await sql`DROP ROLE IF EXISTS ${sql.raw(role)}`.execute(owner.db).catch(() => undefined);
  await owner.close();
});

const denied = (promise: Promise<unknown>) => expect(promise).rejects.toMatchObject({ code: expect.stringMatching(/^(42501|42939)$/) });
const ctx = { actorId: null, actorRole: 'system', requestId: null, clientAddress: null, now: new Date('2026-06-01T12:00:00Z') };

describe.skipIf(!onPostgres)('the server’s role', () => {
  it('is not the owner and not a superuser', async () => {
    const me = await sql<{ rolsuper: boolean; owner: string }>`
      SELECT r.rolsuper, pg_get_userbyid(c.relowner) AS owner FROM pg_roles r, pg_class c
      WHERE r.rolname = current_user AND c.relname = 'audit_log'`.execute(server.db);
    expect(me.rows[0]?.rolsuper).toBe(false);
    expect(me.rows[0]?.owner).not.toBe(role);
  });

  it('may append to the audit log and read it', async () => {
    await writeAudit(server.db, ctx, { action: 'test.append', resourceType: 'test', outcome: 'success' });
    const rows = await server.db.selectFrom('audit_log').select('id').where('action', '=', 'test.append').execute();
    expect(rows).toHaveLength(1);
    expect((await verifyAuditChain(server.db, { keys })).breaks).toEqual([]);
  });

  it('may not update, delete or truncate the audit log, nor change its chain heads', async () => {
    await denied(sql`UPDATE audit_log SET outcome = 'denied'`.execute(server.db));
    await denied(sql`DELETE FROM audit_log`.execute(server.db));
    await denied(sql`TRUNCATE audit_log`.execute(server.db));
    await denied(sql`UPDATE audit_chain_heads SET last_seq = 0`.execute(server.db));
    await denied(sql`DELETE FROM audit_chain_heads`.execute(server.db));
    await denied(sql`INSERT INTO audit_chain_heads (chain_key, last_seq, last_hash) VALUES ('forged', 0, '')`.execute(server.db));
  });

  it('may read the craving series but not write it or call its functions: only the triggers keep it', async () => {
    await server.db.selectFrom('craving_series').select('id').limit(1).execute();
    await denied(sql`DELETE FROM craving_series`.execute(server.db));
    await denied(sql`TRUNCATE craving_series`.execute(server.db));
    await denied(sql`INSERT INTO craving_series (patient_id, at, src, id, score, streak) VALUES (gen_random_uuid(), now(), 0, gen_random_uuid(), 5, 9)`.execute(server.db));
    await denied(sql`SELECT craving_series_add(gen_random_uuid(), now(), 0::smallint, gen_random_uuid(), 5)`.execute(server.db));
    await denied(sql`SELECT craving_series_rebuild()`.execute(server.db));
  });

  it('reaches the monthly partitions only through their table, and may not change their retention', async () => {
    const months = await sql<{ p: string }>`
      SELECT c.relname AS p FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'audit_log'::regclass ORDER BY c.relname`.execute(server.db);
    const names = months.rows.map((r) => r.p);
    expect(names).toContain('audit_log_default');
    expect(names.filter((n) => /^audit_log_\d{4}_\d{2}$/.test(n)).length).toBeGreaterThanOrEqual(4);
    for (const month of names) {
      await denied(sql`SELECT 1 FROM ${sql.table(month)} LIMIT 1`.execute(server.db));
      await denied(sql`DELETE FROM ${sql.table(month)}`.execute(server.db));
    }
    await denied(sql`INSERT INTO check_ins_default (id, patient_id, submitted_at, mood_0_10, sleep_hours, used_outside_session, bladder_symptoms, cognitive_complaint)
      VALUES (gen_random_uuid(), gen_random_uuid(), now(), 5, 7, false, false, false)`.execute(server.db));
    await denied(sql`UPDATE time_partitioned_tables SET retain_months = 0`.execute(server.db));
    await denied(sql`DELETE FROM audit_archived_heads`.execute(server.db));
    // Maintenance with a clock of its own choosing, or a month made by hand, would let it archive early.
    await denied(sql`SELECT * FROM time_partitions_maintain_at('audit_log', now() + interval '100 years', 0)`.execute(server.db));
    await denied(sql`SELECT time_partition_create('audit_log', '2040-01-01')`.execute(server.db));
    // Verification as this role reads an archived month's last rows through the owner's function, not the month.
    const chain = crypto.randomUUID();
    const at = (iso: string) => ({ ...ctx, now: new Date(iso) });
    await writeAudit(owner.db, at('2012-03-10T10:00:00Z'), { action: 'test.archived', resourceType: 'test', patientId: chain, outcome: 'success' });
    await writeAudit(owner.db, at('2012-05-10T10:00:00Z'), { action: 'test.kept', resourceType: 'test', patientId: chain, outcome: 'success' });
    await applyRetention(owner.db, { KEEL_RETAIN_AUDIT_MONTHS: 72, KEEL_RETAIN_RECORD_MONTHS: 0 });
    await maintainTimePartitionsAt(owner.db, new Date('2012-05-15T00:00:00Z'), 0);
    const { changes } = await maintainTimePartitionsAt(owner.db, new Date('2018-04-15T00:00:00Z'), 0);
    expect(changes.filter((c) => c.action === 'detached').map((c) => c.partition)).toEqual(['archived_audit_log_2012_03']);
    await denied(sql`SELECT 1 FROM archived_audit_log_2012_03`.execute(server.db));
    expect((await verifyAuditChain(server.db, { keys })).breaks).toEqual([]);
    await applyRetention(owner.db, { KEEL_RETAIN_AUDIT_MONTHS: 84, KEEL_RETAIN_RECORD_MONTHS: 0 });
    // What the daily job runs: the owner's policy as of the database's clock.
    for (const table of ['assessments', 'audit_log', 'check_ins']) await sql`SELECT * FROM time_partitions_maintain(${table})`.execute(server.db);
    expect((await verifyAuditChain(server.db, { keys })).breaks).toEqual([]);
  });

  it('may not alter the table, disable or drop its triggers, or switch triggers off for its session', async () => {
    await denied(sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`.execute(server.db));
    await denied(sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(server.db));
    await denied(sql`DROP TRIGGER audit_log_append_only ON audit_log`.execute(server.db));
    await denied(sql`ALTER TABLE audit_log ADD COLUMN x int`.execute(server.db));
    await denied(sql`CREATE OR REPLACE FUNCTION reject_modification() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`.execute(server.db));
    await denied(sql`SET session_replication_role = replica`.execute(server.db));
    await denied(sql`ALTER TABLE audit_log OWNER TO ${sql.raw(role)}`.execute(server.db));
  });

  it('may not migrate: the schema belongs to the owner', async () => {
    await denied(sql`DROP TABLE users`.execute(server.db));
    await denied(sql`DELETE FROM keel_migrations`.execute(server.db));
  });

  it('runs the program: sign-in, a patient’s writes, a clinician’s reads, all audited', async () => {
    const world = await createCareWorld(t);
    const entry = await t.app.inject({ method: 'POST', url: `/api/v1/patients/${world.patient.patientId}/journal`, headers: bearer(world.tokens.patient), payload: { body: 'written by the least-privileged role' } });
    expect(entry.statusCode).toBe(201);
    const panel = await t.app.inject({ method: 'GET', url: '/api/v1/patients', headers: bearer(world.tokens.clinician) });
    expect(panel.statusCode).toBe(200);
    expect((await verifyAuditChain(server.db, { keys })).breaks).toEqual([]);
  });
});

describe.skipIf(!onPostgres)('start-up as the server’s role alone', () => {
  it('finds the schema current and changes nothing (the owner migrated before)', async () => {
    const url = new URL((server.pool as unknown as { options: { connectionString: string } }).options.connectionString);
    const prepared = await prepareDatabase(testConfig({ DATABASE_URL: url.toString() }), () => undefined);
    expect(prepared).toEqual({ applied: [], seeded: false, grants: 'not-owner' });
  });
});

describe.skipIf(!onPostgres)('the grants', () => {
  it('are idempotent and cover tables added after them', async () => {
    await sql`CREATE TABLE later_table (id int)`.execute(owner.db);
    expect(await applyGrants(owner.db)).toBe(true);
    await sql`INSERT INTO later_table VALUES (1)`.execute(server.db);
    const client = new pg.Client({ connectionString: (owner.pool as unknown as { options: { connectionString: string } }).options.connectionString });
    await client.connect();
    await client.query('DROP TABLE later_table');
    await client.end();
  });
});
