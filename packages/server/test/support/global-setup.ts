import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { PgBossJobQueue } from '../../src/jobs/job-queue.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresTemplate: string | null;
  }
}

/**
 * On PostgreSQL, migrate one template database per run; every test file then gets its own copy
 * (CREATE DATABASE … TEMPLATE), which takes milliseconds. On PGlite each file makes its own in-memory instance.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const url = process.env['KEEL_TEST_ENGINE'] === 'postgres' ? process.env['KEEL_TEST_DATABASE_URL'] : undefined;
  if (!url) {
    project.provide('postgresTemplate', null);
    return;
  }
  const template = `keel_tpl_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${template}`);
  const templateUrl = withDatabase(url, template);
  const handle = await openDatabase({ kind: 'postgres', url: templateUrl, poolSize: 2 });
  await migrateToLatest(handle.db);
  const jobs = new PgBossJobQueue(handle.pool);
  await jobs.start();
  await jobs.stop();
  await handle.close();
  project.provide('postgresTemplate', templateUrl);
  return async () => {
    const dbs = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2`,
      [`${template}_%`, template],
    );
    for (const { datname } of dbs.rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await admin.end();
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
