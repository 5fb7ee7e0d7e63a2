/** Kysely types of the continuity tables (see migrations). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ContinuityTables {}
