// supabase/schema.sql: what the migrations build, as PostgreSQL 15's pg_dump prints it, so a
// review sees every table, policy, function and grant a migration changes in one diff.
// `npm run schema:snapshot` rewrites it; `npm run test:pg15` fails while it is stale.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { applyMigrations, applyPlatform, roleUrl } from './migrate.ts';
import { PG15_BIN, startPg15, type Pg15 } from './pg15.ts';

export const schemaFile = join(new URL('..', import.meta.url).pathname, 'supabase/schema.sql');

/** Our schemas; auth, extensions, storage and supabase_migrations are the platform's. */
const SCHEMAS = ['public', 'private', 'radius'];

/**
 * The schema-only dump of our schemas. pg_dump 15.14+ brackets it with `\restrict <key>`
 * (random per run unless given), so the key is fixed. The only other lines that change
 * without the schema changing are the header's "Dumped from database version" and "Dumped by
 * pg_dump version" (a Debian point release changes them), so those two are replaced by a
 * note on how the file is made. Everything else is pg_dump's own output, unedited.
 */
export async function dumpSchema(superuserUrl: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    `${PG15_BIN}/pg_dump`,
    [
      '--schema-only',
      ...SCHEMAS.map((schema) => `--schema=${schema}`),
      '--restrict-key=wifibillingschema',
      `--dbname=${superuserUrl}`,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout.replace(
    /^-- Dumped from database version .*\n-- Dumped by pg_dump version .*\n/m,
    HEADER,
  );
}

const HEADER = `-- Written by \`npm run schema:snapshot\` (do not edit): pg_dump 15 --schema-only of
-- ${SCHEMAS.join(', ')} after supabase/migrations, without the seed. The server and pg_dump
-- version lines of pg_dump's header are left out, so a point release does not change the file.
`;

/** A new PostgreSQL 15 with the platform stand-in and every migration (no seed) applied. */
export async function migratedPg15(): Promise<{ pg: Pg15; applied: string[] }> {
  const pg = await startPg15();
  try {
    const passwords = await applyPlatform(pg.superuserUrl);
    const applied = await applyMigrations(roleUrl(pg.superuserUrl, 'postgres', passwords.postgres));
    return { pg, applied };
  } catch (error) {
    await pg.stop();
    throw error;
  }
}
