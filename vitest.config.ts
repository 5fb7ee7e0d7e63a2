import { defineConfig } from 'vitest/config';

// One vitest invocation per database engine (see scripts/test.mjs). Browser specs live in packages/e2e and run
// in their own project so they can be included or left out as a unit.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'domain',
          include: ['packages/domain/src/**/*.test.ts', 'packages/contract/src/**/*.test.ts'],
        },
      },
      {
        test: {
          // The web app's pure modules (labels, times in words, plain validation messages), in a fixed time zone.
          name: 'web',
          include: ['packages/web/src/**/*.test.ts'],
          env: { TZ: 'America/New_York' },
        },
      },
      {
        test: {
          name: 'server',
          globalSetup: ['packages/server/test/support/global-setup.ts'],
          setupFiles: ['packages/server/test/support/setup-audit-keys.ts'],
          include: ['packages/server/src/**/*.test.ts', 'packages/server/test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
          // A worker keeps its imports from one test file to the next: importing the server costs seconds per file,
          // and every file builds its own app and database, so nothing a file changes reaches the next one through a
          // module. The setup file still runs before each file (it re-sets the audit keyring).
          isolate: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['packages/e2e/src/**/*.spec.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
