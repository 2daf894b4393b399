import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // As the product's default (src/llm/baml-log.ts), whatever BAML_LOG the shell has: warn prints whole prompts for every failed call, and tests provoke many.
    env: { BAML_LOG: 'error' },
    // Every process a test starts goes through test/support/children.ts; these fail the run if one is left.
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/no-leftover-children.ts'],
  },
});
