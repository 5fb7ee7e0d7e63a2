// Mutation testing of the domain's safety modules (`npm run mutation`, docs/mutation.md). Not part of CI: on a
// 2-core machine one module takes minutes. Incremental: a re-run only tests mutants whose code or tests changed.
// Run one module with `npm run mutation -- --mutate packages/domain/src/access/access-policy.ts`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'packages/domain/src/access/access-policy.ts',
    'packages/domain/src/gate/session-gate.ts',
    'packages/domain/src/ledger/ledger.ts',
    'packages/domain/src/ledger/refill-eligibility.ts',
    'packages/domain/src/plan/plan-rules.ts',
    'packages/domain/src/monitoring/warning-signs.ts',
    'packages/domain/src/monitoring/alert-rules.ts',
    'packages/domain/src/instruments/*.instrument.ts',
    'packages/domain/src/instruments/score-instrument.ts',
    'packages/domain/src/instruments/answer-validation.ts',
    'packages/domain/src/instruments/instrument-helpers.ts',
    'packages/domain/src/monitoring/outcomes.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 1,
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  timeoutMS: 20000,
};
