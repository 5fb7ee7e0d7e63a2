import { defineConfig } from 'vitest/config';

// The server tests that exercise its safety use-cases, for mutation testing (stryker.server.config.mjs): the
// server project's global setup (a migrated PGlite template) and audit keys, restricted to the files that reach
// the mutated modules so that a mutant never runs the whole suite.
export default defineConfig({
  test: {
    globalSetup: ['packages/server/test/support/global-setup.ts'],
    setupFiles: ['packages/server/test/support/setup-audit-keys.ts', 'packages/server/test/support/mutation-setup.ts'],
    include: [
      'packages/server/test/treatment/*.test.ts',
      'packages/server/test/safety/*.test.ts',
      'packages/server/test/monitoring/*alerts.test.ts',
      'packages/server/test/monitoring/escalation*.test.ts',
      'packages/server/test/identity/audit*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
