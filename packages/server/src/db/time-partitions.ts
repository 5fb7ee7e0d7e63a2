import { sql, type Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from './schema.ts';

/** A partition maintenance made: a month created, or one past its retention detached as `archived_…`. */
export interface PartitionChange {
  table: string;
  partition: string;
  action: 'created' | 'detached';
}

type Db = Kysely<Database>;

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
 * Maintenance as of `at` (the owner at start-up, and tests): the current month and the `monthsAhead` after it
 * created, every row of a default partition moved into its month, each month past its retention detached.
 */
export async function maintainTimePartitionsAt(owner: Db, at: Date, monthsAhead = 3): Promise<PartitionChange[]> {
  const result = await sql<{ table_name: string; partition_name: string; action: PartitionChange['action'] }>`
    SELECT table_name, partition_name, action FROM time_partitions_maintain_at(${at}::timestamptz, ${monthsAhead}::integer)`.execute(owner);
  return result.rows.map((r) => ({ table: r.table_name, partition: r.partition_name, action: r.action }));
}

/** The daily job's maintenance (the server's role): as of the database's clock, three months ahead, the owner's policy. */
export async function maintainTimePartitions(db: Db): Promise<PartitionChange[]> {
  const result = await sql<{ table_name: string; partition_name: string; action: PartitionChange['action'] }>`
    SELECT table_name, partition_name, action FROM time_partitions_maintain()`.execute(db);
  return result.rows.map((r) => ({ table: r.table_name, partition: r.partition_name, action: r.action }));
}
