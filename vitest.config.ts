import { defineConfig } from 'vitest/config';

// Unit tests need nothing running; integration tests read the stack that tests/run.ts started
// (STACK_FILE) and isolate themselves by creating their own organizations and users.
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
