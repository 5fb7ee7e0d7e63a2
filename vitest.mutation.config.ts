import { defineConfig } from 'vitest/config';

// The domain's unit tests alone, for mutation testing (stryker.config.mjs): no database, no server.
export default defineConfig({
  test: {
    include: ['packages/domain/src/**/*.test.ts'],
  },
});
