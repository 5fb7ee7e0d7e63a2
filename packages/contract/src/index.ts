// The HTTP API's schemas, shared by the server (validation, OpenAPI) and the web app (typed client).
export * from './common.ts';
export * from './identity.ts';
export * from './audit.ts';
