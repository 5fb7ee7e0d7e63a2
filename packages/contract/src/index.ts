// The HTTP API's schemas, shared by the server (validation, OpenAPI) and the web app (typed client).
export * from './common.ts';
export * from './identity.ts';
export * from './audit.ts';
export * from './intake.ts';
export * from './treatment.ts';
export * from './monitoring.ts';
export * from './continuity.ts';
export * from './compliance.ts';
export * from './compliance-report.ts';
export * from './live-board.ts';
