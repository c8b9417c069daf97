// `npm run backup -- --db-url <url> --out <file>`: one consistent copy of everything the product
// keeps in PostgreSQL, for `npm run restore` (README, "Backup and restore").
//
// pg_dump reads the whole database in one repeatable-read transaction, so the copy is a single
// moment even while payments and RADIUS accounting keep writing. Custom format: compressed, and
// pg_restore picks what it needs from it. The URL is the superuser's or the `postgres` role's (on
// hosted Supabase the project's connection string); `postgres` owns our schemas and reads auth.
//
// What it holds is what the database holds, no more: our schemas with their rows (router secrets
// and M-Pesa credentials included, so the file is written 0600 and must be kept like the
// database itself), Supabase Auth's users, sessions and password hashes, and which migrations
// ran. Roles are cluster-wide, so no role and no role password is in it.
import { closeSync, fchmodSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import * as z from 'zod';
import {
  cliOptions,
  connect,
  dbUrl,
  fail,
  libpq,
  pgProgram,
  run,
  serverMajor,
} from './pg-tools.ts';

/** Ours (public, private, radius), Supabase Auth's rows, and the migration history. */
const BACKUP_SCHEMAS = ['public', 'private', 'radius', 'auth', 'supabase_migrations'];

const USAGE =
  'npm run backup -- --db-url postgres://postgres:<password>@<host>:5432/postgres --out <file>';

const options = cliOptions(
  z.object({
    'db-url': dbUrl,
    out: z.string({ error: 'give --out <file>' }).min(1),
  }),
  { 'db-url': { type: 'string' }, out: { type: 'string' } },
  USAGE,
);

const began = performance.now();
const out = resolve(options.out);
// Written beside the target and renamed at the end, so `out` is always a whole backup: the last
// one or the new one, never half of one.
const partial = `${out}.partial`;
try {
  const sql = connect(options['db-url']);
  let major: number;
  try {
    major = await serverMajor(sql, options['db-url']);
    const [{ missing }] = await sql<{ missing: string[] }[]>`
      select array(select s from unnest(${BACKUP_SCHEMAS}::text[]) s
                   where not exists (select from pg_namespace where nspname = s)) as missing`;
    if (missing.length) {
      throw new Error(
        `this database has no schema ${missing.join(', ')}: is it WiFi Billing's, with the migrations applied?`,
      );
    }
  } finally {
    await sql.end();
  }

  // Created empty with mode 0600 first (also over a leftover of a failed run): pg_dump only
  // truncates an existing file, so it keeps that mode.
  const fd = openSync(partial, 'w', 0o600);
  fchmodSync(fd, 0o600);
  closeSync(fd);
  const { dbname, env } = libpq(options['db-url']);
  await run(
    pgProgram('pg_dump', major),
    [
      '--format=custom',
      ...BACKUP_SCHEMAS.map((schema) => `--schema=${schema}`),
      // Supabase Auth's own migration bookkeeping: the Auth of the restored project has its own.
      '--exclude-table-data=auth.schema_migrations',
      '--no-password',
      `--file=${partial}`,
      `--dbname=${dbname}`,
    ],
    env,
  );
  renameSync(partial, out);
  const size = statSync(out).size;
  console.log(
    `backup written to ${out} (${(size / 1024 / 1024).toFixed(1)} MiB, PostgreSQL ${major}) in ` +
      `${((performance.now() - began) / 1000).toFixed(1)} s; restore it with ` +
      `npm run restore -- --db-url <url> --in ${options.out}`,
  );
} catch (error) {
  rmSync(partial, { force: true });
  fail((error as Error).message);
}
