import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * A deterministic text picture of the `public` schema: tables and columns, constraints, indexes, triggers, views
 * with their definitions, functions with their whole bodies, row-level security and its policies, and the
 * privileges granted to the server's role and to PUBLIC (the owner's own privileges are left out: they follow from
 * ownership and differ between PostgreSQL versions). A partitioned table is shown once, with its partition key; its
 * partitions (the months that exist depend on the day the database was made, migration 0023) are left out. It is checked in as `schema.snapshot.sql`; a test fails when
 * the migrations (followed by `applyGrants`) produce anything else, so a change to a trigger function's body, a
 * view or a grant is always a reviewed diff.
 */
export async function schemaSnapshot(db: Kysely<Database>): Promise<string> {
  const columns = await sql<{ table_name: string; column_name: string; data_type: string; is_nullable: string; column_default: string | null }>`
    SELECT c.table_name, c.column_name,
           CASE WHEN c.data_type = 'ARRAY' THEN c.udt_name ELSE c.data_type END AS data_type,
           c.is_nullable, c.column_default
    FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
      AND NOT EXISTS (SELECT 1 FROM pg_class pc JOIN pg_namespace pn ON pn.oid = pc.relnamespace
                      WHERE pn.nspname = 'public' AND pc.relname = c.table_name AND pc.relispartition)
    ORDER BY c.table_name, c.column_name`.execute(db);
  const partitionKeys = await sql<{ name: string; key: string }>`
    SELECT c.relname AS name, pg_get_partkeydef(c.oid) AS key
    FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
    WHERE ns.nspname = 'public' AND c.relkind = 'p'`.execute(db);
  const keyOf = new Map(partitionKeys.rows.map((r) => [r.name, r.key]));
  const constraints = await sql<{ table_name: string; name: string; def: string }>`
    SELECT rel.relname AS table_name, con.conname AS name, pg_get_constraintdef(con.oid) AS def
    FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
    JOIN pg_namespace ns ON ns.oid = rel.relnamespace
    -- PostgreSQL 18 (PGlite) lists NOT NULL as constraints; 15 does not. The column list already carries them.
    WHERE ns.nspname = 'public' AND con.contype <> 'n' AND NOT rel.relispartition
    ORDER BY rel.relname, con.conname`.execute(db);
  const indexes = await sql<{ tablename: string; indexname: string; indexdef: string }>`
    SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i
    JOIN pg_class c ON c.relname = i.tablename JOIN pg_namespace ns ON ns.oid = c.relnamespace AND ns.nspname = i.schemaname
    WHERE i.schemaname = 'public' AND NOT c.relispartition
    ORDER BY i.tablename, i.indexname`.execute(db);
  const triggers = await sql<{ table_name: string; name: string; def: string }>`
    SELECT rel.relname AS table_name, tg.tgname AS name, pg_get_triggerdef(tg.oid) AS def
    FROM pg_trigger tg JOIN pg_class rel ON rel.oid = tg.tgrelid
    JOIN pg_namespace ns ON ns.oid = rel.relnamespace
    WHERE ns.nspname = 'public' AND NOT tg.tgisinternal AND NOT rel.relispartition
    ORDER BY rel.relname, tg.tgname`.execute(db);
  const functions = await sql<{ name: string; args: string; result: string; def: string | null }>`
    SELECT p.proname AS name, pg_get_function_identity_arguments(p.oid) AS args,
           pg_get_function_result(p.oid) AS result,
           CASE WHEN p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid) END AS def
    FROM pg_proc p JOIN pg_namespace ns ON ns.oid = p.pronamespace
    WHERE ns.nspname = 'public'
    ORDER BY p.proname, args`.execute(db);
  const views = await sql<{ name: string; kind: string; def: string }>`
    SELECT c.relname AS name, CASE c.relkind WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'VIEW' END AS kind,
           pg_get_viewdef(c.oid, true) AS def
    FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
    WHERE ns.nspname = 'public' AND c.relkind IN ('v', 'm')
    ORDER BY c.relname`.execute(db);
  const rowSecurity = await sql<{ name: string; enabled: boolean; forced: boolean }>`
    SELECT c.relname AS name, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced
    FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
    WHERE ns.nspname = 'public' AND (c.relrowsecurity OR c.relforcerowsecurity)
    ORDER BY c.relname`.execute(db);
  const policies = await sql<{ tablename: string; policyname: string; permissive: string; roles: string; cmd: string; qual: string | null; with_check: string | null }>`
    SELECT tablename, policyname, permissive, array_to_string(roles, ',') AS roles, cmd, qual, with_check
    FROM pg_policies WHERE schemaname = 'public'
    ORDER BY tablename, policyname`.execute(db);
  // Privileges on tables, views, sequences and functions held by anyone but the owner. A NULL ACL means the
  // defaults, which for a function include EXECUTE for PUBLIC: acldefault spells them out.
  const grants = await sql<{ object: string; grantee: string; privileges: string }>`
    WITH acl AS (
      SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE ' ELSE 'TABLE ' END || c.relname AS object, c.relowner AS owner,
             (aclexplode(coalesce(c.relacl, acldefault(CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END::"char", c.relowner)))).*
      FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
      WHERE ns.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND NOT c.relispartition
      UNION ALL
      SELECT 'FUNCTION ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', p.proowner,
             (aclexplode(coalesce(p.proacl, acldefault('f', p.proowner)))).*
      FROM pg_proc p JOIN pg_namespace ns ON ns.oid = p.pronamespace
      WHERE ns.nspname = 'public'
    )
    SELECT object, CASE WHEN grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(grantee) END AS grantee,
           string_agg(privilege_type, ', ' ORDER BY privilege_type) AS privileges
    FROM acl WHERE grantee <> owner
    GROUP BY object, grantee
    ORDER BY object, grantee`.execute(db);

  const out: string[] = ['-- Generated by `keel schema-snapshot`. Do not edit: change a migration instead.', ''];
  let table = '';
  for (const c of columns.rows) {
    if (c.table_name === table) {
      // same table
    } else {
      if (table) out.push('');
      table = c.table_name;
      const key = keyOf.get(table);
      out.push(`TABLE ${table}${key ? ` PARTITION BY ${key}` : ''}`);
    }
    const def = c.column_default ? ` DEFAULT ${c.column_default}` : '';
    out.push(`  ${c.column_name} ${c.data_type}${c.is_nullable === 'NO' ? ' NOT NULL' : ''}${def}`);
  }
  out.push('', '-- constraints');
  for (const c of constraints.rows) out.push(`${c.table_name}.${c.name}: ${c.def}`);
  out.push('', '-- indexes');
  for (const i of indexes.rows) out.push(i.indexdef);
  out.push('', '-- triggers');
  for (const t of triggers.rows) out.push(t.def);
  out.push('', '-- views');
  for (const v of views.rows) out.push(`${v.kind} ${v.name} AS`, v.def.trimEnd(), '');
  out.push('-- row-level security');
  for (const r of rowSecurity.rows) out.push(`${r.name}: ${r.enabled ? 'ENABLED' : 'DISABLED'}${r.forced ? ', FORCED' : ''}`);
  for (const p of policies.rows)
    out.push(`POLICY ${p.tablename}.${p.policyname} ${p.permissive} FOR ${p.cmd} TO ${p.roles} USING (${p.qual ?? ''}) WITH CHECK (${p.with_check ?? ''})`);
  out.push('', '-- grants (to anyone but the owner)');
  for (const g of grants.rows) out.push(`${g.object} TO ${g.grantee}: ${g.privileges}`);
  out.push('', '-- functions');
  for (const f of functions.rows) out.push(`${f.name}(${f.args}) -> ${f.result}`);
  out.push('', '-- function bodies');
  for (const f of functions.rows) if (f.def) out.push(f.def.trimEnd(), '');
  return out.join('\n') + '\n';
}
