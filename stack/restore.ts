// `npm run restore -- --db-url <url> --in <file> [--force]`: puts a backup made by `npm run backup`
// into a database prepared like a Supabase project (a new hosted project, or PostgreSQL with
// stack/platform.sql): Supabase's roles, the `extensions` and `auth` schemas, nothing of ours.
//
// Everything happens in one transaction (psql --single-transaction over pg_restore's script), so
// a restore that fails leaves the target as it was. It refuses a target that already holds any
// of our objects or any user unless --force, which then drops them first, in that same
// transaction. Roles are not in a backup: set the passwords of `freeradius`, `worker` and
// `edge_functions` again afterwards, as after the first migration (radius/README.md,
// worker/README.md, deploy/README.md).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as z from 'zod';
import {
  cliOptions,
  connect,
  dbUrl,
  fail,
  libpq,
  pgProgram,
  redacted,
  run,
  serverMajor,
} from './pg-tools.ts';
import {
  authTablesWithRows,
  parseToc,
  restoreList,
  type ForeignKey,
  type TocEntry,
} from './restore-list.ts';
import type postgres from 'postgres';

const USAGE =
  'npm run restore -- --db-url postgres://postgres:<password>@<host>:5432/postgres --in <file> [--force]';

/**
 * What the migrations create outside the schemas a backup holds, which pg_dump --schema leaves
 * out: the roles of 20261205000700_radius.sql and 20261205001300_functions_role.sql
 * (cluster-wide, and created without login as the migrations do), and 20261205000100_tenancy.sql's pg_trgm and database-wide default privilege
 * (functions postgres creates are not executable by PUBLIC). Harmless where they exist.
 *
 * Then postgres's default privileges in public are emptied: pg_dump writes each object's grants
 * as changes from PostgreSQL's built-in ones, so the objects must be created without Supabase's
 * defaults (everything to anon, authenticated, service_role), or anon would keep them all. The
 * backup's own default privileges, restored last, put back the ones the migrations left.
 */
const PREREQUISITES = `
do $$
begin
  if not exists (select from pg_roles where rolname = 'freeradius') then
    create role freeradius nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'worker') then
    create role worker nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'edge_functions') then
    create role edge_functions nologin noinherit;
  end if;
end
$$;
create extension if not exists pg_trgm with schema extensions;
alter default privileges for role postgres revoke execute on functions from public;
do $$
declare
  v_default record;
begin
  for v_default in
    select d.defaclobjtype as kind, a.grantee
    from pg_catalog.pg_default_acl d, pg_catalog.aclexplode(d.defaclacl) a
    where d.defaclrole = 'postgres'::regrole and d.defaclnamespace = 'public'::regnamespace
  loop
    execute format('alter default privileges for role postgres in schema public revoke all on %s from %s',
                   case v_default.kind when 'r' then 'tables' when 'S' then 'sequences'
                                       when 'f' then 'functions' when 'T' then 'types' end,
                   case when v_default.grantee = 0 then 'public'
                        else v_default.grantee::regrole::text end);
  end loop;
end
$$;
`;

/**
 * --force: our schemas and everything in public but extensions' objects go, and the rows of the
 * auth tables the backup fills (with what points at them), so the backup replaces them whole.
 */
function replacing(authTables: string[]): string {
  return `
drop schema if exists private, radius, supabase_migrations cascade;
do $$
declare
  v_statements text[];
  v_statement text;
begin
  -- Made before the first drop: a cascade may take later objects with it, hence "if exists".
  select array_agg(s.statement) into v_statements from (
    select format('drop %s if exists %s cascade',
                  case c.relkind when 'v' then 'view' when 'm' then 'materialized view'
                                 when 'S' then 'sequence' when 'f' then 'foreign table'
                                 else 'table' end,
                  c.oid::regclass) as statement
    from pg_catalog.pg_class c
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
      -- not an extension's, nor a sequence a column owns (it goes with its table)
      and not exists (select from pg_catalog.pg_depend d where d.classid = 'pg_class'::regclass
                      and d.objid = c.oid and d.deptype in ('e', 'a', 'i'))
    union all
    select format('drop routine if exists %s cascade', p.oid::regprocedure)
    from pg_catalog.pg_proc p
    where p.pronamespace = 'public'::regnamespace
      and not exists (select from pg_catalog.pg_depend d where d.classid = 'pg_proc'::regclass
                      and d.objid = p.oid and d.deptype = 'e')
  ) s;
  foreach v_statement in array coalesce(v_statements, '{}') loop
    execute v_statement;
  end loop;
end
$$;
${authTables.length ? `truncate ${authTables.join(', ')} cascade;` : ''}
`;
}

const options = cliOptions(
  z.object({
    'db-url': dbUrl,
    in: z.string({ error: 'give --in <file> (a backup made by npm run backup)' }).min(1),
    force: z.boolean().default(false),
  }),
  { 'db-url': { type: 'string' }, in: { type: 'string' }, force: { type: 'boolean' } },
  USAGE,
);

const began = performance.now();
const file = resolve(options.in);
const url = options['db-url'];
if (!existsSync(file)) fail(`no such file: ${file}`);

/** Raises unless the target has what a Supabase project has before our migrations. */
async function requirePlatform(sql: postgres.Sql): Promise<void> {
  const [{ missing }] = await sql<{ missing: string[] }[]>`
    select array(
      select need from (values
        ('role anon', exists (select from pg_roles where rolname = 'anon')),
        ('role authenticated', exists (select from pg_roles where rolname = 'authenticated')),
        ('role service_role', exists (select from pg_roles where rolname = 'service_role')),
        ('role postgres', exists (select from pg_roles where rolname = 'postgres')),
        ('schema extensions', exists (select from pg_namespace where nspname = 'extensions')),
        ('table auth.users', to_regclass('auth.users') is not null)
      ) as t(need, present)
      where not present) as missing`;
  if (missing.length) {
    throw new Error(
      `${redacted(url)} is not prepared like a Supabase project (no ${missing.join(', ')}): ` +
        'restore into a new Supabase project, or a PostgreSQL where stack/platform.sql ran',
    );
  }
}

/** What of ours (or whose users) the target already holds, in words; empty when nothing. */
async function contents(sql: postgres.Sql): Promise<string[]> {
  const [found] = await sql<
    { schemas: string[]; relations: number; routines: number; users: number }[]
  >`
    select
      array(select nspname::text from pg_namespace
            where nspname in ('private', 'radius', 'supabase_migrations') order by 1) as schemas,
      (select count(*)::int from pg_class c
       where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
         and not exists (select from pg_depend d where d.classid = 'pg_class'::regclass
                         and d.objid = c.oid and d.deptype in ('e', 'a', 'i'))) as relations,
      (select count(*)::int from pg_proc p
       where p.pronamespace = 'public'::regnamespace
         and not exists (select from pg_depend d where d.classid = 'pg_proc'::regclass
                         and d.objid = p.oid and d.deptype = 'e')) as routines,
      (select count(*)::int from auth.users) as users`;
  return [
    ...found!.schemas.map((schema) => `schema ${schema}`),
    ...(found!.relations ? [`${found!.relations} tables, views or sequences in public`] : []),
    ...(found!.routines ? [`${found!.routines} functions in public`] : []),
    ...(found!.users ? [`${found!.users} users in auth.users`] : []),
  ];
}

/** The target's foreign keys between auth tables (its Auth version's, not the backup's). */
function authForeignKeys(sql: postgres.Sql): Promise<ForeignKey[]> {
  return sql<ForeignKey[]>`
    select conrelid::regclass::text as child, confrelid::regclass::text as parent
    from pg_constraint
    where contype = 'f' and connamespace = 'auth'::regnamespace`;
}

/** psql runs the prelude and then pg_restore's script, all in one transaction. */
function restoreInOneTransaction(major: number, listFile: string, prelude: string): Promise<void> {
  const { dbname, env } = libpq(url);
  const psql = spawn(
    pgProgram('psql', major),
    [
      ...['--no-psqlrc', '--quiet', '--single-transaction', '--set=ON_ERROR_STOP=1'],
      ...['--file=-', `--dbname=${dbname}`],
    ],
    { env, stdio: ['pipe', 'ignore', 'pipe'] },
  );
  const restore = spawn(
    pgProgram('pg_restore', major),
    [`--use-list=${listFile}`, '--file=-', file],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const errors = { psql: '', pg_restore: '' };
  psql.stderr.on('data', (chunk: Buffer) => (errors.psql += chunk.toString()));
  restore.stderr.on('data', (chunk: Buffer) => (errors.pg_restore += chunk.toString()));
  // psql stops at the first error: pg_restore, writing into the pipe nobody reads, is stopped.
  psql.stdin.on('error', () => {});
  psql.once('close', () => {
    if (restore.exitCode === null) restore.kill();
  });
  const exited = (child: typeof psql | typeof restore) =>
    new Promise<number>((done) => {
      child.once('error', () => done(-1));
      child.once('close', (code) => done(code ?? -1));
    });
  const results = Promise.all([exited(psql), exited(restore)]);
  // As postgres, like the migrations: what the restore creates is made the way they made it.
  psql.stdin.write(
    `set role postgres;\nset search_path = '';\nset client_min_messages = warning;\n${prelude}`,
  );
  restore.stdout.pipe(psql.stdin);
  return results.then(([psqlCode, restoreCode]) => {
    // psql's message names the statement that failed; pg_restore's only says its output broke.
    if (psqlCode !== 0) throw new Error(`nothing was restored: ${errors.psql.trim()}`);
    if (restoreCode !== 0) throw new Error(`nothing was restored: ${errors.pg_restore.trim()}`);
  });
}

const scratch = mkdtempSync(join(tmpdir(), 'wifi-billing-restore-'));
const sql = connect(url);
let failure: string | undefined;
try {
  const major = await serverMajor(sql, url);
  const toc = await run(pgProgram('pg_restore', major), ['--list', file], process.env).catch(
    (error: Error) => {
      throw new Error(`${file} is not a backup pg_restore ${major} can read: ${error.message}`);
    },
  );
  const entries: TocEntry[] = parseToc(toc.stdout);
  if (!entries.some((entry) => entry.desc === 'SCHEMA' && entry.rest.startsWith('private '))) {
    throw new Error(`${file} is not a backup made by npm run backup (it has no schema private)`);
  }
  await requirePlatform(sql);
  const found = await contents(sql);
  if (found.length && !options.force) {
    throw new Error(
      `${redacted(url)} is not empty (${found.join('; ')}): restore into an empty database, ` +
        'or add --force to replace what it holds',
    );
  }

  const listFile = join(scratch, 'restore.list');
  writeFileSync(listFile, restoreList(entries, await authForeignKeys(sql)), { mode: 0o600 });
  const authTables = authTablesWithRows(entries);
  await restoreInOneTransaction(
    major,
    listFile,
    (found.length ? replacing(authTables) : '') + PREREQUISITES,
  );
  // Fresh statistics, so the first RADIUS logins and dashboards get the planner's usual plans.
  await sql`analyze`;

  console.log(
    `restored ${file} into ${redacted(url)}${found.length ? ' (replacing what it held)' : ''} ` +
      `in ${((performance.now() - began) / 1000).toFixed(1)} s.\n` +
      'Roles are not in a backup: give freeradius, worker and edge_functions their passwords ' +
      'again (radius/README.md, worker/README.md, deploy/README.md).',
  );
} catch (error) {
  failure = (error as Error).message;
} finally {
  await sql.end();
  rmSync(scratch, { recursive: true, force: true });
}
if (failure) fail(failure);
