import { fileURLToPath } from 'node:url';

/**
 * Shared SvelteKit settings for portal/ and admin/. The Svelte toolchain (vite-plugin-svelte,
 * kit, adapters) is installed per app rather than at the root, so each app hands in its own
 * `vitePreprocess()` and adapter instead of this file importing them.
 */

/**
 * Pure domain code shared with the Deno edge functions, imported in the apps as `$domain/…`.
 * Resolved from this file rather than the working directory, so every tool agrees on it.
 */
export const domainDir = fileURLToPath(
  new URL('./supabase/functions/_shared/domain', import.meta.url),
);

/**
 * The typed contract of the database API (the `jsonb` RPC replies and their typed calls), shared
 * with the edge functions' tree like the domain code, imported in the apps as `$contract/…`.
 */
export const contractDir = fileURLToPath(
  new URL('./supabase/functions/_shared/contract', import.meta.url),
);

/**
 * @param {{
 *   preprocess: unknown,
 *   adapter: unknown,
 *   kit?: { alias?: Record<string, string> } & Record<string, unknown>,
 * }} app
 */
export function appConfig({ preprocess, adapter, kit = {} }) {
  return {
    preprocess,
    kit: {
      ...kit,
      adapter,
      alias: { $domain: domainDir, $contract: contractDir, ...kit.alias },
    },
  };
}
