// What `npm run backup` and `npm run restore` share: the PostgreSQL client programs that fit the
// server, a connection URL turned into libpq arguments without its password, and how a command
// line is read and a failure reported.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import * as z from 'zod';

/** Where Debian (and Ubuntu) put each major version's programs: apt-get install postgresql-client-17 … */
const DEBIAN_PG = '/usr/lib/postgresql';

/**
 * Debian's `program` (pg_dump, pg_restore, psql) of the server's major version, or the nearest
 * newer one: pg_dump refuses a server newer than itself, and hosted Supabase runs 15 or 17.
 */
export function pgProgram(program: string, serverMajor: number): string {
  const majors = (existsSync(DEBIAN_PG) ? readdirSync(DEBIAN_PG) : [])
    .map(Number)
    .filter((major) => major >= serverMajor && existsSync(`${DEBIAN_PG}/${major}/bin/${program}`))
    .sort((a, b) => a - b);
  if (!majors.length) {
    throw new Error(
      `${program} ${serverMajor} or newer is needed for a PostgreSQL ${serverMajor} server: ` +
        `apt-get install postgresql-client-${serverMajor}`,
    );
  }
  return `${DEBIAN_PG}/${majors[0]}/bin/${program}`;
}

/**
 * libpq's `--dbname` for a URL and the environment that carries its password: a command line is
 * visible to every user of the machine (ps), the environment is not.
 */
export function libpq(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return {
    dbname: parsed.toString(),
    env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
  };
}

/** The URL without its password, for messages. */
export function redacted(url: string): string {
  return libpq(url).dbname;
}

/** A connection for the checks around pg_dump/pg_restore (never retried: a wrong URL fails fast). */
export function connect(url: string): postgres.Sql {
  return postgres(url, { max: 1, connect_timeout: 10, onnotice: () => {}, idle_timeout: 1 });
}

/** The server's major version (15, 17, 18, …). */
export async function serverMajor(sql: postgres.Sql, url: string): Promise<number> {
  const rows = await sql<{ version: number }[]>`
    select current_setting('server_version_num')::int as version`.catch((error: Error) => {
    throw new Error(`cannot connect to ${redacted(url)}: ${error.message}`);
  });
  return Math.floor(rows[0]!.version / 10000);
}

/** Runs a program to its end; rejects with its stderr when it fails. */
export function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve({ stdout });
      else reject(new Error(stderr.trim() || `${command} exited with ${code}`));
    });
  });
}

/** A postgres:// or postgresql:// URL, from --db-url or else DATABASE_URL. */
export const dbUrl = z
  .string({ error: 'give --db-url <postgres://…> (or set DATABASE_URL)' })
  .regex(
    /^postgres(ql)?:\/\/\S+$/,
    'the database URL must start with postgres:// or postgresql://',
  );

/**
 * The command line's options, checked by `schema`; prints `usage` and the problem and exits 1
 * when they are wrong. `--db-url` falls back to DATABASE_URL, which keeps the password off the
 * command line.
 */
export function cliOptions<T extends z.ZodType>(
  schema: T,
  options: Record<string, { type: 'string' | 'boolean' }>,
  usage: string,
): z.output<T> {
  try {
    const { values } = parseArgs({ options, strict: true, allowPositionals: false });
    const parsed = schema.safeParse({ 'db-url': process.env.DATABASE_URL, ...values });
    if (parsed.success) return parsed.data;
    fail(z.prettifyError(parsed.error), usage);
  } catch (error) {
    fail((error as Error).message, usage);
  }
}

/** Prints the error (and usage) and exits 1. */
export function fail(message: string, usage?: string): never {
  console.error(`error: ${message}`);
  if (usage) console.error(`\nusage: ${usage}`);
  process.exit(1);
}
