import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Unit tests need nothing running; integration tests read the stack that tests/run.ts started
// (STACK_FILE) and isolate themselves by creating their own organizations and users.
export default defineConfig({
  // The apps' `$domain/…` alias (svelte.config.js), for app modules the tests import directly;
  // tsconfig.json has the same as a path.
  resolve: {
    alias: {
      $domain: fileURLToPath(new URL('supabase/functions/_shared/domain', import.meta.url)),
    },
  },
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
