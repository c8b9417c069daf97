import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

/** The edge functions' own folders (Deno code), not `_shared/`. */
const EDGE_FUNCTIONS = 'supabase/functions/!(_shared)/**';

/**
 * Error-ish objects are told apart by their machine code (`error.hint` for what a SQL function
 * raises, `error.code`, a function's `error` field), never by their message: that is English
 * for logs and developers, and changes without notice.
 */
const MESSAGE_MATCHING = [
  // /re/.test(error.message), /re/.exec(error.message)
  "CallExpression[callee.property.name=/^(test|exec)$/][arguments.0.property.name='message']",
  // error.message.includes(…), .match(…), .startsWith(…), …
  "CallExpression[callee.object.property.name='message'][callee.property.name=/^(includes|match|matchAll|search|startsWith|endsWith|indexOf|lastIndexOf)$/]",
  // error.message === '…'
  "BinaryExpression[operator=/^[!=]==?$/][left.property.name='message']",
  "BinaryExpression[operator=/^[!=]==?$/][right.property.name='message']",
  // switch (error.message)
  "SwitchStatement[discriminant.property.name='message']",
].map((selector) => ({
  selector,
  message:
    'Do not match on an error message: map its machine code (error.hint, error.code) to words in admin/src/lib/errors.ts or portal/src/lib/errors.ts (supabase/migrations/README.md, Errors).',
}));

export default defineConfig(
  globalIgnores([
    '**/build/',
    '**/.svelte-kit/',
    '**/node_modules/',
    '.local/',
    'test-results/',
    'playwright-report/',
  ]),
  {
    // Edge functions are Deno code (Deno globals, npm: specifiers) checked by Deno itself, so
    // these rules skip them (they get only the error-code rule at the end); the shared domain
    // code is plain TypeScript that the apps import too, so it is linted here.
    ignores: [EDGE_FUNCTIONS],
    extends: [
      js.configs.recommended,
      ts.configs.recommended,
      svelte.configs.recommended,
      prettier,
      svelte.configs.prettier,
    ],
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
  {
    files: [`${EDGE_FUNCTIONS}/*.ts`],
    languageOptions: { parser: ts.parser },
  },
  {
    // Tests may check a message itself.
    files: ['admin/src/**', 'portal/src/**', 'supabase/functions/**'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-syntax': ['error', ...MESSAGE_MATCHING] },
  },
);
