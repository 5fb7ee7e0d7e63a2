import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { schemaSnapshot } from '../../src/db/schema-snapshot.ts';
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
    expect(await schemaSnapshot(database.db)).toBe(expected);
  });

  it('reports migrations as current, and a second migrate applies nothing', async () => {
    expect(await migrationsCurrent(database.db)).toBe(true);
    expect(await migrateToLatest(database.db)).toEqual([]);
  });

  it('refuses UPDATE, DELETE and TRUNCATE on the audit log', async () => {
    await database.db
      .insertInto('audit_log')
      .values({ at: new Date(), actor_id: null, actor_role: null, action: 'test.write', resource_type: 'test', resource_id: null, patient_id: null, outcome: 'success', request_id: null, client_address: null })
      .execute();
    await expect(sql`UPDATE audit_log SET action = 'tampered'`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE audit_log`.execute(database.db)).rejects.toThrow(/append-only/);
  });
});
