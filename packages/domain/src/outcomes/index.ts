// Public surface of the program outcomes report: its statistics and the report itself (docs/outcomes-report.md).
export * from './statistics.ts';
export * from './program-report.ts';
