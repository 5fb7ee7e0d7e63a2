import fs from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { withDatabase } from './global-setup.ts';

export const testEngine: 'pglite' | 'postgres' = inject('postgresTemplate') ? 'postgres' : 'pglite';

/** True when the run has a real PostgreSQL: concurrency tests need one (PGlite runs one transaction at a time). */
export const onPostgres = testEngine === 'postgres';

/**
 * A fresh, migrated database for one test file. Tests in a file share it and keep to their own data (factories
 * make unique people), so they do not depend on order.
 */
export async function createTestDatabase(): Promise<DatabaseHandle> {
  const templateUrl = inject('postgresTemplate');
  if (!templateUrl) {
    // A copy of the run's migrated template; without one (a file run outside the server project), migrate here.
    const dump = inject('pgliteTemplate');
    if (dump) return openDatabase({ kind: 'pglite-memory', loadDataDir: new Blob([fs.readFileSync(dump)]) });
    const handle = await openDatabase({ kind: 'pglite-memory' });
    await migrateToLatest(handle.db);
    return handle;
  }
  const template = new URL(templateUrl).pathname.slice(1);
  const name = `${template}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: templateUrl.replace(`/${template}`, '/postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  return openDatabase({ kind: 'postgres', url: withDatabase(templateUrl, name), poolSize: 60 });
}
