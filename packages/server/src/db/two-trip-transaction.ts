import pg from 'pg';
import type { DatabaseHandle } from './database.ts';

/**
 * A transaction in two round trips, for a hot path whose common case is "one statement that reads and locks, a
 * decision in the server, one statement that writes" (the check-in, docs/perf.md):
 *
 *   trip 1: `BEGIN; <open>`      — the opening statement's row comes back, its locks held;
 *   trip 2: `<close>; COMMIT`    — or `ROLLBACK` when the decision is to take another path.
 *
 * Each trip is one simple-protocol message holding two statements, which is what makes it one round trip: the
 * extended protocol (bind parameters) allows one statement per message and node-postgres does not pipeline. So
 * the statements carry their values as literals, written by `literal` below and by nothing else. If any statement
 * fails, PostgreSQL skips the rest of that message (the COMMIT too) and the transaction is rolled back here.
 * Both engines take the same path: PGlite's node-postgres adapter accepts the same messages.
 */
export async function twoTripTransaction<Row, T>(
  database: DatabaseHandle,
  open: string,
  decide: (row: Row) => { close: string; value: T } | null,
): Promise<{ value: T } | null> {
  const client = await database.pool.connect();
  let broken: Error | undefined;
  try {
    const opened = (await client.query(`BEGIN;\n${open}`)) as unknown as pg.QueryResult[];
    const row = opened[1]?.rows[0] as Row | undefined;
    if (row === undefined) throw new Error('the opening statement returned no row');
    const decision = decide(row);
    if (decision === null) {
      await client.query('ROLLBACK');
      return null;
    }
    await client.query(`${decision.close};\nCOMMIT`);
    return { value: decision.value };
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      // A connection that cannot roll back is not handed to the next request.
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    }
    throw error;
  } finally {
    client.release(broken);
  }
}

/**
 * A value written into SQL text: strings through node-postgres's `escapeLiteral` (quotes doubled, and backslashes
 * doubled in an `E''` literal when there are any, so the text means the same whatever `standard_conforming_strings`
 * says); finite numbers and booleans as themselves; null as NULL. Anything else is refused.
 */
export function literal(value: string | number | boolean | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('a non-finite number cannot be written as a literal');
    return String(value);
  }
  return pg.escapeLiteral(value);
}
