import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { PgBossJobQueue } from '../../src/jobs/job-queue.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresTemplate: string | null;
    /** PGlite: a tarball of a migrated data directory (pg-boss's schema included) that each test file loads. */
    pgliteTemplate: string | null;
  }
}

/**
 * Migrate once per run, then give every test file its own copy. On PostgreSQL the copy is a database made from a
 * template (CREATE DATABASE … TEMPLATE), which takes milliseconds. On PGlite it is an in-memory instance loaded from
 * a dump of a migrated data directory, which skips initdb and the migrations (seconds per file on two cores).
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const url = process.env['KEEL_TEST_ENGINE'] === 'postgres' ? process.env['KEEL_TEST_DATABASE_URL'] : undefined;
  if (!url) {
    project.provide('postgresTemplate', null);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-pglite-template-'));
    project.provide('pgliteTemplate', await migratedPgliteDump(dir));
    return async () => {
      fs.rmSync(dir, { recursive: true, force: true });
    };
  }
  project.provide('pgliteTemplate', null);
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

/** Migrates an on-disk PGlite in `dir`/data, then writes its data directory as a tarball to `dir`/template.tar. */
async function migratedPgliteDump(dir: string): Promise<string> {
  const dataDir = path.join(dir, 'data');
  const handle = await openDatabase({ kind: 'pglite', dataDir });
  await migrateToLatest(handle.db);
  const jobs = new PgBossJobQueue(handle.pool);
  await jobs.start();
  await jobs.stop();
  await handle.close();
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = await PGlite.create(dataDir);
  const dump = await pglite.dumpDataDir('none');
  await pglite.close();
  const file = path.join(dir, 'template.tar');
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  return file;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
