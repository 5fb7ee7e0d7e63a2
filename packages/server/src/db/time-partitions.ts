import { sql, type Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from './schema.ts';

/**
 * A partition maintenance made: a month created, one past its retention detached as `archived_…`, or an audit month
 * past retention held live because a chain in it is not whole up to its last row there (migration 0023).
 */
export interface PartitionChange {
  table: string;
  partition: string;
  action: 'created' | 'detached' | 'held';
}

/** What one run of maintenance did, and the tables it could not maintain this time (a lock not had in time). */
export interface PartitionMaintenance {
  changes: PartitionChange[];
  failed: { table: string; error: string }[];
}

type Db = Kysely<Database>;
type Row = { table_name: string; partition_name: string; action: PartitionChange['action'] };

/** The monthly-partitioned tables (migration 0023). */
export const timePartitionedTables = ['assessments', 'audit_log', 'check_ins'] as const;

/**
 * Writes the retention policy from configuration (docs/scaling.md, "Time partitions"): the audit log's months are
 * kept `KEEL_RETAIN_AUDIT_MONTHS`, the check-ins' and assessments' `KEEL_RETAIN_RECORD_MONTHS` (0: every month).
 * Owner only: the server's role may read the policy, not change it (db/roles.ts); the table refuses anything under
 * 72 months but 0.
 */
export async function applyRetention(owner: Db, config: Pick<Config, 'KEEL_RETAIN_AUDIT_MONTHS' | 'KEEL_RETAIN_RECORD_MONTHS'>): Promise<void> {
  await sql`
    UPDATE time_partitioned_tables
    SET retain_months = CASE table_name WHEN 'audit_log' THEN ${config.KEEL_RETAIN_AUDIT_MONTHS}::integer ELSE ${config.KEEL_RETAIN_RECORD_MONTHS}::integer END`.execute(owner);
}

/**
 * Each table in a transaction of its own, so that a table whose lock is not had in time (or any other failure) costs
 * that table this run, not the others; the rows a skipped month would have taken wait in the default partition.
 * A check-in or assessment month detached takes its rows out of every patient's record without a trigger firing:
 * every patient's outcome facts are marked stale (migration 0024), for the refresh job to take again.
 */
async function eachTable(db: Db, run: (table: string) => Promise<Row[]>): Promise<PartitionMaintenance> {
  const out: PartitionMaintenance = { changes: [], failed: [] };
  for (const table of timePartitionedTables) {
    try {
      const rows = await run(table);
      for (const r of rows) out.changes.push({ table: r.table_name, partition: r.partition_name, action: r.action });
      if (table !== 'audit_log' && rows.some((r) => r.action === 'detached')) {
        await sql`
          INSERT INTO outcome_facts_stale (patient_id, marked_at) SELECT id, now() FROM patients ORDER BY id
          ON CONFLICT (patient_id) DO UPDATE SET marked_at = excluded.marked_at`.execute(db);
      }
    } catch (error) {
      out.failed.push({ table, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return out;
}

/**
 * Maintenance as of `at` (the owner at start-up, and tests): the current month and the `monthsAhead` after it
 * created, the default partition's rows between the retention cut-off and those months moved into their month, each
 * month past its retention detached.
 */
export function maintainTimePartitionsAt(owner: Db, at: Date, monthsAhead = 3): Promise<PartitionMaintenance> {
  return eachTable(owner, async (table) =>
    (await sql<Row>`SELECT table_name, partition_name, action FROM time_partitions_maintain_at(${table}, ${at}::timestamptz, ${monthsAhead}::integer)`.execute(owner)).rows,
  );
}

/** The daily job's maintenance (the server's role): as of the database's clock, three months ahead, the owner's policy. */
export function maintainTimePartitions(db: Db): Promise<PartitionMaintenance> {
  return eachTable(db, async (table) => (await sql<Row>`SELECT table_name, partition_name, action FROM time_partitions_maintain(${table})`.execute(db)).rows);
}
