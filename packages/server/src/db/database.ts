import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { lockDataDir } from './data-dir-lock.ts';

export type Engine = 'pglite' | 'postgres';

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly pool: pg.Pool;
  readonly engine: Engine;
  close(): Promise<void>;
}

// Postgres returns BIGINT/NUMERIC as strings to avoid precision loss; Keel's counts and units fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number.parseFloat(v));

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolSize?: number }
  | { kind: 'pglite'; dataDir: string }
  | { kind: 'pglite-memory'; loadDataDir?: Blob };

/**
 * The one way Keel reaches its database: Kysely over a `pg.Pool`, whether the pool speaks to PostgreSQL or to the
 * embedded PGlite through its node-postgres adapter. Code outside `db/` never asks which engine it is.
 */
export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize ?? 10 });
    pool.on('error', () => {
      // An idle client lost its connection; the pool replaces it. Queries in flight see their own error.
    });
    return wrap(pool, 'postgres', async () => undefined);
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
  let release: () => void = () => undefined;
  let dataDir: string | undefined;
  if (target.kind === 'pglite') {
    dataDir = path.resolve(target.dataDir);
    release = lockDataDir(dataDir).release;
    fs.mkdirSync(dataDir, { recursive: true });
  }
  try {
    const pglite = await PGlite.create(
      dataDir ?? 'memory://',
      target.kind === 'pglite-memory' && target.loadDataDir ? { loadDataDir: target.loadDataDir } : {},
    );
    const pool = new pg.Pool(createPgConfig(pglite));
    return wrap(pool, 'pglite', async () => {
      await pglite.close();
      release();
    });
  } catch (error) {
    release();
    throw error;
  }
}

function wrap(pool: pg.Pool, engine: Engine, after: () => Promise<void>): DatabaseHandle {
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    db,
    pool,
    engine,
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      await after();
    },
  };
}
