/** Kysely types of the monitoring tables (see migrations). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MonitoringTables {}
