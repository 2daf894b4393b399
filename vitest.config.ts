import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // warn (the product default) prints whole prompts for every failed call; tests provoke many on purpose.
    env: { BAML_LOG: 'error' },
    // Every process a test starts goes through test/support/children.ts; these fail the run if one is left.
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/no-leftover-children.ts'],
  },
});
