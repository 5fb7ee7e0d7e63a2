import { defineConfig } from 'vitest/config';

// The domain's unit tests alone, for mutation testing (stryker.config.mjs): no database, no server. Property tests
// run a capped, fixed-seed sample (packages/domain/test/mutation-setup.ts) so that each mutant is judged quickly.
export default defineConfig({
  test: {
    include: ['packages/domain/src/**/*.test.ts'],
    setupFiles: ['packages/domain/test/mutation-setup.ts'],
  },
});
