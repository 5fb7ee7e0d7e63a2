/** Kysely types of the intake tables (see migrations). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface IntakeTables {}
