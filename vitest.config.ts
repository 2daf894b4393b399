import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // warn (the product default) prints whole prompts for every failed call; tests provoke many on purpose.
    env: { BAML_LOG: 'error' },
  },
});
