import type { z } from 'zod';

/**
 * A JSON document read back from the database that does not match the schema it was written under. Thrown, never
 * caught by a use-case: the request fails with a 500 and the log names the table, column and row, so a corrupted
 * or hand-edited document stops the request instead of feeding a clinical decision (docs/ARCHITECTURE.md,
 * "Stored JSON documents"). The message carries field paths only, never the document's content.
 */
export class StoredDocumentInvalid extends Error {
  constructor(
    readonly table: string,
    readonly column: string,
    readonly rowId: string,
    paths: readonly string[],
  ) {
    super(`${table}.${column} of row ${rowId} does not match its schema (at ${paths.join(', ') || 'the top level'})`);
    this.name = 'StoredDocumentInvalid';
  }
}

/** Parses a stored JSON document through its contract schema; see StoredDocumentInvalid. */
export function parseStored<S extends z.ZodType>(schema: S, value: unknown, where: { table: string; column: string; id: string }): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const paths = [...new Set(result.error.issues.map((i) => i.path.map(String).join('.') || '(root)'))].slice(0, 5);
  throw new StoredDocumentInvalid(where.table, where.column, where.id, paths);
}
