import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { ReadHandle } from './database.ts';
import type { Database } from './schema.ts';

/** A streaming replica for the reads that tolerate lag (DATABASE_READ_URL; docs/scaling.md). */
export interface Replica {
  readonly handle: ReadHandle;
  /** Reachable and at most `maxLagMs` behind at the last measurement (false until the first one). */
  fit(): boolean;
  close(): Promise<void>;
}

// Zero when the replica has replayed everything it received (an idle primary is not lag).
const lagSql = `SELECT pg_is_in_recovery() AS standby,
  CASE WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
       ELSE extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000 END AS lag_ms`;

/**
 * Opens the replica's pool and measures its lag every second. It is reached the way the primary is (through a
 * transaction pooler, no named statements there either: `namedStatements`).
 */
export function openReplica(
  url: string,
  options: { poolSize: number; connectTimeoutMs: number; namedStatements: boolean; maxLagMs: number },
  guard: (pool: pg.Pool) => pg.Pool,
): Replica {
  const pool = guard(new pg.Pool({ connectionString: url, connectionTimeoutMillis: options.connectTimeoutMs, max: options.poolSize, fallback_application_name: 'keel-reads' }));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let fit = false;
  const measure = async () => {
    try {
      const row = (await pool.query<{ lag_ms: number | null; standby: boolean }>(lagSql)).rows[0];
      fit = row !== undefined && (!row.standby || (row.lag_ms !== null && Number(row.lag_ms) <= options.maxLagMs));
    } catch {
      fit = false;
    }
  };
  const timer = setInterval(() => void measure(), 1000);
  timer.unref();
  void measure();
  return {
    handle: { db, pool, engine: 'postgres', namedStatements: options.namedStatements },
    fit: () => fit,
    async close() {
      clearInterval(timer);
      await db.destroy();
    },
  };
}
