import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

export default defineConfig(
  globalIgnores([
    '**/build/',
    '**/.svelte-kit/',
    '**/node_modules/',
    '.local/',
    'test-results/',
    'playwright-report/',
    // Edge functions are Deno code (Deno globals, npm: specifiers) checked by Deno itself; the
    // shared domain code is plain TypeScript that the apps import too, so it is linted here.
    'supabase/functions/*',
    '!supabase/functions/_shared/',
  ]),
  js.configs.recommended,
  ts.configs.recommended,
  svelte.configs.recommended,
  prettier,
  svelte.configs.prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // Leading underscore marks a parameter that must exist but is deliberately unused.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['portal/src/**', 'admin/src/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
    languageOptions: {
      parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] },
    },
  },
  {
    // The portal is server-rendered HTML without the client router (csr = false), and its links
    // carry `?lang=` on top of a path, which `resolve()` alone cannot express.
    files: ['portal/src/**/*.svelte'],
    rules: { 'svelte/no-navigation-without-resolve': ['error', { ignoreLinks: true }] },
  },
);
