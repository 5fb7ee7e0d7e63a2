import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { createTestDatabase, testEngine } from '../support/test-database.ts';

/**
 * The Kysely table types in src/db/schema.ts (and src/db/tables/) are written by hand; this test holds them to the
 * migrated database. The TypeScript compiler reads the `Database` interface; information_schema says what the
 * migrations made. Every table and view, every column, its nullability and its kind of value must agree, both
 * ways: a column the types lack, a type for a column that is not there, `| null` on a NOT NULL column (or its
 * absence on a nullable one), a number typed as a string.
 */
type Kind = 'string' | 'number' | 'boolean' | 'date' | 'json' | 'string[]' | 'bytes';

// How each PostgreSQL type reaches the server (db/database.ts sets the parsers: int8 and numeric as numbers).
const kindOfSqlType: Record<string, Kind> = {
  text: 'string',
  uuid: 'string',
  'character varying': 'string',
  character: 'string',
  citext: 'string',
  date: 'string',
  integer: 'number',
  smallint: 'number',
  bigint: 'number',
  'double precision': 'number',
  numeric: 'number',
  real: 'number',
  boolean: 'boolean',
  'timestamp with time zone': 'date',
  jsonb: 'json',
  json: 'json',
  _text: 'string[]',
  _uuid: 'string[]',
  bytea: 'bytes',
  // A transaction id (64-bit): node-postgres has no parser for it and returns its text.
  xid8: 'string',
};

interface TypedColumn {
  kind: string;
  nullable: boolean;
}

function readTableTypes(): Map<string, Map<string, TypedColumn>> {
  const schemaFile = fileURLToPath(new URL('../../src/db/schema.ts', import.meta.url));
  const program = ts.createProgram([schemaFile], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    noEmit: true,
    strict: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(schemaFile)!;
  const moduleSymbol = checker.getSymbolAtLocation(source)!;
  const databaseSymbol = checker.getExportsOfModule(moduleSymbol).find((s) => s.name === 'Database')!;
  const databaseType = checker.getDeclaredTypeOfSymbol(databaseSymbol);
  const tables = new Map<string, Map<string, TypedColumn>>();
  for (const table of checker.getPropertiesOfType(databaseType)) {
    const tableType = checker.getTypeOfSymbol(table);
    const columns = new Map<string, TypedColumn>();
    for (const column of checker.getPropertiesOfType(tableType)) {
      const parts = selectParts(checker, checker.getTypeOfSymbol(column));
      const nullable = parts.some((p) => p.flags & ts.TypeFlags.Null);
      const kinds = new Set(parts.filter((p) => !(p.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined))).map((p) => kindOfTsType(checker, p)));
      const kind = kinds.size === 1 ? [...kinds][0]! : `unknown: ${[...kinds].join(' | ')}`;
      columns.set(column.name, { kind, nullable });
    }
    tables.set(table.name, columns);
  }
  return tables;
}

/** The members of a column's type as a SELECT returns it: a ColumnType<Select, Insert, Update> (Generated,
 * JSONColumnType, Timestamp …) counts as its Select type, also inside a union with null. */
function selectParts(checker: ts.TypeChecker, type: ts.Type): ts.Type[] {
  if (type.isUnion()) return type.types.flatMap((t) => selectParts(checker, t));
  const select = type.getProperty('__select__');
  return select ? selectParts(checker, checker.getTypeOfSymbol(select)) : [type];
}

function kindOfTsType(checker: ts.TypeChecker, t: ts.Type): string {
  if (t.flags & (ts.TypeFlags.String | ts.TypeFlags.StringLiteral | ts.TypeFlags.TemplateLiteral)) return 'string';
  if (t.flags & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral)) return 'number';
  if (t.flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return 'boolean';
  const name = t.getSymbol()?.name;
  if (name === 'Date') return 'date';
  if (name === 'Buffer' || name === 'Uint8Array' || /^(Buffer|Uint8Array)\b/.test(checker.typeToString(t))) return 'bytes';
  if (checker.isArrayType(t)) {
    const element = checker.getTypeArguments(t as ts.TypeReference)[0];
    const members = element ? (element.isUnion() ? element.types : [element]) : [];
    return members.length > 0 && members.every((m) => kindOfTsType(checker, m) === 'string') ? 'string[]' : 'json';
  }
  if (t.flags & (ts.TypeFlags.Object | ts.TypeFlags.Unknown | ts.TypeFlags.NonPrimitive)) return 'json';
  return `ts:${checker.typeToString(t)}`;
}

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

describe(`the hand-written table types against the migrated database (${testEngine})`, () => {
  it('name every table and view, every column, its nullability and its kind of value as the database has them', async () => {
    const rows = await sql<{ table_name: string; column_name: string; data_type: string; is_nullable: 'YES' | 'NO' }>`
      SELECT c.table_name, c.column_name,
             CASE WHEN c.data_type IN ('ARRAY', 'USER-DEFINED') THEN c.udt_name ELSE c.data_type END AS data_type,
             c.is_nullable
      FROM information_schema.columns c
      WHERE c.table_schema = 'public'
        -- A partitioned table's months (migration 0023) are reached through it; the table itself is typed.
        AND NOT EXISTS (SELECT 1 FROM pg_class pc JOIN pg_namespace pn ON pn.oid = pc.relnamespace
                        WHERE pn.nspname = 'public' AND pc.relname = c.table_name AND pc.relispartition)
      ORDER BY c.table_name, c.ordinal_position`.execute(database.db);
    const inDatabase = new Map<string, Map<string, TypedColumn>>();
    for (const r of rows.rows) {
      const table = inDatabase.get(r.table_name) ?? new Map<string, TypedColumn>();
      inDatabase.set(r.table_name, table);
      table.set(r.column_name, { kind: kindOfSqlType[r.data_type] ?? `unknown: ${r.data_type}`, nullable: r.is_nullable === 'YES' });
    }
    const typed = readTableTypes();
    expect(typed.size).toBeGreaterThan(40);

    // Relations the server reaches only through SQL it writes by hand need no type: the migration bookkeeping, and
    // the view the panel summary's refresh function reads inside the database.
    const untyped = new Set(['keel_migrations', 'keel_migrations_lock', 'patient_panel_facts']);
    const problems: string[] = [];
    for (const [table, columns] of inDatabase) {
      const types = typed.get(table);
      if (!types) {
        if (!untyped.has(table)) problems.push(`${table}: in the database, not in the Database type`);
        continue;
      }
      for (const [column, actual] of columns) {
        const declared = types.get(column);
        if (!declared) {
          problems.push(`${table}.${column}: in the database, not in the type`);
          continue;
        }
        // A view's columns are all reported nullable by information_schema, whatever the query guarantees.
        const isView = viewNames.has(table);
        if (!isView && declared.nullable !== actual.nullable) problems.push(`${table}.${column}: ${actual.nullable ? 'nullable' : 'NOT NULL'} in the database, typed ${declared.nullable ? 'with' : 'without'} null`);
        // A JSON column may hold an array: typed string[] it is still JSON.
        const sameKind = declared.kind === actual.kind || (actual.kind === 'json' && declared.kind === 'string[]');
        if (!sameKind) problems.push(`${table}.${column}: ${actual.kind} in the database, typed ${declared.kind}`);
      }
      for (const column of types.keys()) if (!columns.has(column)) problems.push(`${table}.${column}: typed, not in the database`);
    }
    for (const table of typed.keys()) if (!inDatabase.has(table)) problems.push(`${table}: typed, not in the database`);
    expect(problems).toEqual([]);
  });
});

let viewNames = new Set<string>();
beforeAll(async () => {
  const views = await sql<{ table_name: string }>`SELECT table_name FROM information_schema.views WHERE table_schema = 'public'`.execute(database.db);
  viewNames = new Set(views.rows.map((v) => v.table_name));
});
