/** Kysely types of the treatment tables (see migrations). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface TreatmentTables {}
