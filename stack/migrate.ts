import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';

const root = new URL('..', import.meta.url).pathname;
export const migrationsDir = join(root, 'supabase/migrations');
export const seedFile = join(root, 'supabase/seed.sql');

export type RolePasswords = {
  postgres: string;
  authenticator: string;
  supabase_auth_admin: string;
};

/** Connection URL of `role` on the server behind `superuserUrl`. */
export function roleUrl(superuserUrl: string, role: string, password: string): string {
  const url = new URL(superuserUrl);
  url.username = role;
  url.password = password;
  return url.toString();
}

/**
 * Creates what hosted Supabase already has (stack/platform.sql) as the superuser, with new
 * passwords for the login roles on every start.
 */
export async function applyPlatform(superuserUrl: string): Promise<RolePasswords> {
  const passwords = {
    postgres: randomBytes(18).toString('hex'),
    authenticator: randomBytes(18).toString('hex'),
    supabase_auth_admin: randomBytes(18).toString('hex'),
  };
  const script = readFileSync(join(root, 'stack/platform.sql'), 'utf8')
    .replaceAll('{{AUTHENTICATOR_PASSWORD}}', passwords.authenticator)
    .replaceAll('{{POSTGRES_PASSWORD}}', passwords.postgres)
    .replaceAll('{{AUTH_ADMIN_PASSWORD}}', passwords.supabase_auth_admin);
  const sql = postgres(superuserUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(script);
  } finally {
    await sql.end();
  }
  return passwords;
}

/**
 * Gives a login role created by a migration (e.g. `freeradius`) a new password, as an operator
 * would on hosted Supabase, and returns it.
 */
export async function setRolePassword(superuserUrl: string, role: string): Promise<string> {
  if (!/^[a-z_]+$/.test(role)) throw new Error(`not a role name: ${role}`);
  const password = randomBytes(18).toString('hex');
  const sql = postgres(superuserUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`alter role ${role} with login password '${password}'`);
  } finally {
    await sql.end();
  }
  return password;
}

/**
 * Applies supabase/migrations in file-name order, each in its own transaction, as the
 * non-superuser `postgres` (as `supabase db push` does), recording them where the Supabase CLI
 * does. Returns the names applied now.
 */
export async function applyMigrations(ownerUrl: string, dir = migrationsDir): Promise<string[]> {
  const sql = postgres(ownerUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`
      create schema if not exists supabase_migrations;
      create table if not exists supabase_migrations.schema_migrations (
        version text primary key, statements text[], name text);
      create table if not exists supabase_migrations.seed_files (
        path text primary key, hash text not null);`);
    const applied = new Set(
      (await sql`select version from supabase_migrations.schema_migrations`).map((r) => r.version),
    );
    const files = readdirSync(dir)
      .filter((f) => /^\d+_.+\.sql$/.test(f))
      .sort();
    const known = new Set(files.map((f) => f.split('_')[0]));
    const gone = [...applied].filter((version) => !known.has(version));
    if (gone.length) {
      // A database built from migrations that have since been squashed into the baseline (or
      // renamed): applying the baseline over it would fail half-way, so say what to do instead.
      throw new Error(
        `this database was built from ${gone.length} migration(s) that are no longer in ` +
          `supabase/migrations (${gone.slice(0, 3).join(', ')}${gone.length > 3 ? ', …' : ''}; ` +
          `they were squashed into the baseline): start over with \`npm start -- --reset\``,
      );
    }
    const done: string[] = [];
    for (const file of files) {
      const [version, ...rest] = file.replace(/\.sql$/, '').split('_');
      if (applied.has(version)) continue;
      const text = readFileSync(join(dir, file), 'utf8');
      await sql.begin(async (tx) => {
        await tx.unsafe(text).catch((error: Error) => {
          throw new Error(`migration ${file} failed: ${error.message}`);
        });
        await tx`insert into supabase_migrations.schema_migrations (version, name, statements)
                 values (${version}, ${rest.join('_')}, ${[text]})`;
      });
      done.push(file);
    }
    return done;
  } finally {
    await sql.end();
  }
}

/**
 * Runs supabase/seed.sql once per database, as the CLI does after a reset. A seed edited since
 * is reported ('changed') rather than re-run over existing rows: `npm start -- --reset` re-seeds.
 */
export async function applySeed(
  ownerUrl: string,
  file = seedFile,
): Promise<'applied' | 'unchanged' | 'changed' | 'none'> {
  if (!existsSync(file)) return 'none';
  const text = readFileSync(file, 'utf8');
  const hash = createHash('sha256').update(text).digest('hex');
  const sql = postgres(ownerUrl, { max: 1, onnotice: () => {} });
  try {
    const [seen] =
      await sql`select hash from supabase_migrations.seed_files where path = 'seed.sql'`;
    if (seen) return seen.hash === hash ? 'unchanged' : 'changed';
    await sql.begin(async (tx) => {
      await tx.unsafe(text);
      await tx`insert into supabase_migrations.seed_files (path, hash) values ('seed.sql', ${hash})
               on conflict (path) do update set hash = excluded.hash`;
    });
    return 'applied';
  } finally {
    await sql.end();
  }
}
