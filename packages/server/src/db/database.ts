import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { openReplica, type Replica } from './replica.ts';

export type Engine = 'pglite' | 'postgres';

/** What a read runs on: the database itself, or its streaming replica (`reads`). */
export interface ReadHandle {
  readonly db: Kysely<Database>;
  readonly pool: pg.Pool;
  readonly engine: Engine;
  readonly namedStatements: boolean;
}

export interface DatabaseHandle extends ReadHandle {
  readonly db: Kysely<Database>;
  /** The requests' pool (Kysely's). */
  readonly pool: pg.Pool;
  /** A small separate pool for pg-boss's fetching and maintenance, so jobs never starve requests (PGlite: the same). */
  readonly jobsPool: pg.Pool;
  readonly engine: Engine;
  /**
   * Whether a statement may be prepared under a name and reused on later calls (db/prepared.ts): PostgreSQL reached
   * directly or through a session pooler. Not the embedded database, not a transaction pooler (PgBouncer in
   * transaction mode hands each transaction any server connection, where the name is unknown).
   */
  readonly namedStatements: boolean;
  /**
   * PostgreSQL only: LISTEN on `channel` over a dedicated connection outside the pools (a pooled connection would
   * be handed to other work); `onNotify` gets each payload, `onLost` is called once if the connection drops.
   * Resolves to a function that closes it. The embedded database has no other process to hear from: undefined.
   */
  readonly listen?: (channel: string, onNotify: (payload: string) => void, onLost: () => void) => Promise<() => Promise<void>>;
  /**
   * Where reads that tolerate replication lag go (DATABASE_READ_URL): the panel, timelines, the outcomes report,
   * FHIR reads and search — never a safety decision, never a read inside a write transaction (docs/scaling.md).
   * Without a replica, this handle itself.
   */
  readonly reads: ReadHandle;
  close(): Promise<void>;
}

// Postgres returns BIGINT/NUMERIC as strings to avoid precision loss; Keel's counts and units fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number.parseFloat(v));

export type DatabaseTarget =
  | {
      kind: 'postgres';
      url: string;
      poolSize?: number;
      jobsPoolSize?: number;
      connectTimeoutMs?: number;
      /** `transaction`: `url` is PgBouncer in transaction mode (docs/scaling.md); default `session`. */
      pooling?: 'session' | 'transaction';
      /** PostgreSQL itself, for LISTEN (default `url`); required in practice with transaction pooling. */
      directUrl?: string;
      /** A streaming replica for the reads that tolerate lag (`reads`); its pool has `poolSize` connections. */
      readUrl?: string;
      /** The most replication lag `reads` accepts (default 5,000 ms); past it, or with the replica unreachable, reads go to the primary. */
      readMaxLagMs?: number;
    }
  | { kind: 'pglite'; dataDir: string }
  | { kind: 'pglite-memory'; loadDataDir?: Blob };

/**
 * The one way Keel reaches its database: Kysely over a `pg.Pool`, whether the pool speaks to PostgreSQL or to the
 * embedded PGlite through its node-postgres adapter. Code outside `db/` never asks which engine it is.
 */
export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (target.kind === 'postgres') {
    const options = { connectionString: target.url, connectionTimeoutMillis: target.connectTimeoutMs ?? 10_000 };
    const pool = guardPool(new pg.Pool({ ...options, max: target.poolSize ?? 10, fallback_application_name: 'keel' }));
    const jobsPool = guardPool(new pg.Pool({ ...options, max: target.jobsPoolSize ?? 3, fallback_application_name: 'keel-jobs' }));
    // LISTEN holds its connection's session: never through a transaction pooler.
    const listenOptions = { ...options, connectionString: target.directUrl ?? target.url };
    const listen = async (channel: string, onNotify: (payload: string) => void, onLost: () => void) => {
      const client = new pg.Client({ ...listenOptions, application_name: 'keel-listen' });
      let lost = false;
      const lose = () => {
        if (!lost) {
          lost = true;
          onLost();
        }
      };
      client.on('error', lose);
      client.on('end', lose);
      client.on('notification', (m) => onNotify(m.payload ?? ''));
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
      return async () => {
        lost = true;
        await client.end().catch(() => undefined);
      };
    };
    const namedStatements = (target.pooling ?? 'session') === 'session';
    // The replica serves reads only while it is reachable and at most `readMaxLagMs` behind; otherwise (and until
    // it is first measured) they go to the primary.
    const replica = target.readUrl
      ? openReplica(target.readUrl, { poolSize: target.poolSize ?? 10, connectTimeoutMs: options.connectionTimeoutMillis, namedStatements, maxLagMs: target.readMaxLagMs ?? 5000 }, guardPool)
      : undefined;
    return wrap(pool, jobsPool, 'postgres', namedStatements, async () => {
      await jobsPool.end();
      await replica?.close();
    }, { listen, replica });
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
    const pool = guardPool(new pg.Pool(createPgConfig(pglite)));
    return wrap(pool, pool, 'pglite', false, async () => {
      await pglite.close();
      release();
    });
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * A connection that PostgreSQL terminates (an administrator's pg_terminate_backend, a failover, a restart) makes
 * its client emit 'error'. The pool listens only while the client is idle; a client checked out by Kysely or
 * pg-boss has no listener, and an unhandled 'error' event would end the process. Every client gets a permanent
 * listener: the error is dropped here because the query in flight (if any) fails with it, and the broken client is
 * not queryable, so the pool discards it on release (`_queryable` is false) and opens a new one for the next
 * request.
 */
export function guardPool(pool: pg.Pool): pg.Pool {
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool has already removed it.
  });
  return pool;
}

function wrap(
  pool: pg.Pool,
  jobsPool: pg.Pool,
  engine: Engine,
  namedStatements: boolean,
  after: () => Promise<void>,
  postgres: { listen?: DatabaseHandle['listen']; replica?: Replica | undefined } = {},
): DatabaseHandle {
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  const handle: DatabaseHandle = {
    db,
    pool,
    jobsPool,
    engine,
    namedStatements,
    ...(postgres.listen ? { listen: postgres.listen } : {}),
    get reads() {
      return postgres.replica?.fit() ? postgres.replica.handle : handle;
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      await after();
    },
  };
  return handle;
}
