// The pure clinical core of Keel. Nothing here performs I/O or reads a clock: every input, `now` included, is a
// parameter. Each area exports its public surface from its own index.
export * from './access/index.ts';
export * from './plan/index.ts';
export * from './monitoring/index.ts';
export * from './settings/index.ts';
export * from './ledger/index.ts';
export * from './gate/index.ts';
export * from './session/index.ts';
export * from './instruments/index.ts';
export * from './screening/index.ts';
export * from './fhir/index.ts';
export * from './compliance/index.ts';
export * from './outcomes/index.ts';
