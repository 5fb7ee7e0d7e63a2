import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** The group role the server's login role is a member of (docs/security.md). */
export const appRole = 'keel_app';

/**
 * Least privilege for the server (PostgreSQL only; the embedded database has one user and no roles). Run as the
 * owner after every migration, under the start-up lock, and idempotent: the server's role may read and write the
 * program's tables, but on the audit log only SELECT and INSERT (no UPDATE, DELETE or TRUNCATE; not being the
 * owner it cannot ALTER the table or disable its triggers), only SELECT on the chain heads (the chain functions
 * run as the owner), only SELECT on the migration table, and nothing on a table's monthly partitions. A table added by a later migration is covered the
 * next time this runs. Returns false when the role does not exist and the owner may not create it.
 */
export async function applyGrants(db: Kysely<Database>): Promise<boolean> {
  const exists = async () =>
    (await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_roles WHERE rolname = ${appRole}`.execute(db)).rows[0]?.n === 1;
  if (!(await exists())) {
    try {
      await sql`CREATE ROLE ${sql.raw(appRole)} NOLOGIN`.execute(db);
    } catch (error) {
      // Another database in the cluster made it meanwhile (roles are cluster-wide), or the owner lacks CREATEROLE.
      if (!(await exists())) {
        const code = (error as { code?: string }).code;
        if (code === '42501') return false;
        throw error;
      }
    }
  }
  const role = sql.raw(appRole);
  await sql`
    GRANT USAGE ON SCHEMA public TO ${role};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role};
    GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO ${role};
    REVOKE ALL ON audit_log FROM ${role};
    GRANT SELECT, INSERT ON audit_log TO ${role};
    REVOKE ALL ON audit_chain_heads FROM ${role};
    GRANT SELECT ON audit_chain_heads TO ${role};
    REVOKE ALL ON keel_migrations, keel_migrations_lock FROM ${role};
    REVOKE ALL ON craving_series FROM ${role};
    GRANT SELECT ON craving_series TO ${role};
    REVOKE EXECUTE ON FUNCTION craving_series_refresh(uuid[], timestamptz[]), craving_series_add(uuid, timestamptz, smallint, uuid, integer),
      craving_series_rebuild() FROM PUBLIC, ${role};
    GRANT SELECT ON keel_migrations TO ${role};
    -- Time partitions (migration 0023): the policy and the archived chain heads are the owner's; maintenance is
    -- reached only through time_partitions_maintain(), which applies the owner's policy as of the database's clock;
    -- the months and the archived months are reached only through their table (a write straight into a month would
    -- miss the table's statement triggers).
    REVOKE ALL ON time_partitioned_tables, audit_archived_heads FROM ${role};
    GRANT SELECT ON time_partitioned_tables, audit_archived_heads TO ${role};
    REVOKE EXECUTE ON FUNCTION time_partition_create(text, date), time_partitions_maintain_at(text, timestamptz, integer),
      time_partition_default_months(text, text), time_partitions_maintain(text) FROM PUBLIC, ${role};
    GRANT EXECUTE ON FUNCTION time_partitions_maintain(text) TO ${role};
    -- Nobody but the owner creates objects in the schema (PostgreSQL 15's default; a database upgraded from an
    -- earlier version still lets PUBLIC), so no one can take the name of a month before maintenance makes it.
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    DO $do$
    DECLARE r record;
    BEGIN
      FOR r IN SELECT c.relname FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
               WHERE ns.nspname = 'public' AND c.relkind = 'r' AND (c.relispartition OR left(c.relname, 9) = 'archived_') LOOP
        EXECUTE format('REVOKE ALL ON %I FROM ${role}', r.relname);
      END LOOP;
    END
    $do$;
  `.execute(db);
  const boss = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'pgboss'`.execute(db);
  if (boss.rows[0]?.n === 1) {
    await sql`
      GRANT USAGE ON SCHEMA pgboss TO ${role};
      GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pgboss TO ${role};
      GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA pgboss TO ${role};
      GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pgboss TO ${role};
    `.execute(db);
  }
  return true;
}
