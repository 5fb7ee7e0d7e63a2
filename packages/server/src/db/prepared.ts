import { createHash } from 'node:crypto';
import type { CompiledQuery } from 'kysely';
import type { ReadHandle } from './database.ts';

/**
 * Runs a compiled query as a named prepared statement on PostgreSQL, so each pooled connection parses and plans it
 * once instead of on every call. For the few large read queries a clinician runs many times a minute (the panel:
 * parsing and planning were ~1.3 ms of its ~8 ms in the database; docs/perf.md). The name is a hash of the SQL
 * text, so each shape of the query (sort, filters) is its own statement. PGlite, and PostgreSQL behind a transaction
 * pooler (`KEEL_DB_POOLING=transaction`: a name is known only to the server connection that prepared it), run it
 * unnamed, as Kysely would.
 */
export async function executePrepared<Row>(database: ReadHandle, query: CompiledQuery<Row>): Promise<Row[]> {
  if (!database.namedStatements) return (await database.db.executeQuery(query)).rows;
  const name = `keel_${createHash('sha1').update(query.sql).digest('hex').slice(0, 20)}`;
  const result = await database.pool.query<Row & Record<string, unknown>>({ name, text: query.sql, values: [...query.parameters] });
  return result.rows;
}
