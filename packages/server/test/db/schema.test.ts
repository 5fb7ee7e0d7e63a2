import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { writeAudit } from '../../src/audit/audit-log.ts';
import { schemaSnapshot } from '../../src/db/schema-snapshot.ts';
import { applyGrants } from '../../src/db/roles.ts';
import { migrateToLatest, migrationsCurrent } from '../../src/db/migrate.ts';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { createTestDatabase, testEngine } from '../support/test-database.ts';

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

describe(`schema on ${testEngine}`, () => {
  it('matches the checked-in snapshot (run `npm run schema:snapshot` after changing a migration)', async () => {
    const expected = fs.readFileSync(new URL('../../src/db/schema.snapshot.sql', import.meta.url), 'utf8');
    // As the server's start-up leaves it: migrated, then the least-privilege grants.
    expect(await applyGrants(database.db)).toBe(true);
    expect(await schemaSnapshot(database.db)).toBe(expected);
  });

  it('reports migrations as current, and a second migrate applies nothing', async () => {
    expect(await migrationsCurrent(database.db)).toBe(true);
    expect(await migrateToLatest(database.db)).toEqual([]);
  });

  it('refuses UPDATE, DELETE and TRUNCATE on the audit log, and a row the application did not seal', async () => {
    await writeAudit(database.db, { actorId: null, actorRole: null, requestId: null, clientAddress: null, now: new Date('2026-06-01T12:00:00Z') }, { action: 'test.write', resourceType: 'test', outcome: 'success' });
    // A row without the application's seal (key id, sequence, previous hash, HMAC) is refused by the trigger.
    await expect(
      sql`INSERT INTO audit_log (at, action, resource_type, outcome, chain_key, seq, prev_hash, hash) VALUES (now(), 'forged', 'test', 'success', 'system', 99, '', 'x')`.execute(database.db),
    ).rejects.toThrow(/sealed by the application/);
    // A sealed-looking row that does not continue the head is refused too.
    await expect(
      sql`INSERT INTO audit_log (at, action, resource_type, outcome, chain_key, seq, prev_hash, hash, key_id) VALUES (now(), 'forged', 'test', 'success', 'system', 99, '', 'x', 'test-1')`.execute(database.db),
    ).rejects.toThrow(/does not continue/);
    await expect(sql`UPDATE audit_log SET action = 'tampered'`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE audit_log`.execute(database.db)).rejects.toThrow(/append-only/);
  });
});
