// Mutation testing of the server's safety use-cases (`npm run mutation:server`, docs/mutation.md). Not part of CI:
// every mutant re-runs database tests (PGlite), so a module takes from minutes to an hour on two cores.
// Run one module with `npm run mutation:server -- --mutate packages/server/src/use-cases/treatment/gate-input.ts`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation-server.config.ts', related: false },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'packages/server/src/use-cases/treatment/authorize-session.ts',
    'packages/server/src/use-cases/treatment/gate-input.ts',
    'packages/server/src/use-cases/treatment/session-transitions.ts',
    'packages/server/src/use-cases/treatment/sessions.ts',
    'packages/server/src/use-cases/treatment/ledger.ts',
    'packages/server/src/use-cases/alerts/*.ts',
    'packages/server/src/audit/audit-log.ts',
    'packages/server/src/audit/audit-checkpoint.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 1,
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-server-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/server/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/server/mutation.json' },
  tempDirName: '.stryker-tmp-server',
  cleanTempDir: 'always',
  timeoutMS: 60000,
};
