import { sql, type RawBuilder } from 'kysely';

/** A `date` column as 'YYYY-MM-DD' text: node-postgres would otherwise turn it into a Date at local midnight. */
export function dateText(column: string): RawBuilder<string> {
  return sql<string>`to_char(${sql.ref(column)}, 'YYYY-MM-DD')`;
}

export function nullableDateText(column: string): RawBuilder<string | null> {
  return sql<string | null>`to_char(${sql.ref(column)}, 'YYYY-MM-DD')`;
}
