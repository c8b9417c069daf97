// A throwaway cluster of Debian's PostgreSQL 15 (hosted Supabase runs 15 or 17; the embedded
// server is 18), for checks that must see the older server: `npm run test:pg15` and
// `npm run schema:snapshot`. Needs `apt-get install postgresql`.
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.ts';

/** Debian's PostgreSQL 15 programs (initdb, pg_ctl, pg_dump, ...). */
export const PG15_BIN = '/usr/lib/postgresql/15/bin';

export type Pg15 = {
  /** `supabase_admin` (the bootstrap superuser, as on the embedded server), trust auth. */
  superuserUrl: string;
  /** Temporary folder holding the cluster (data/) and its log (log); removed by stop(). */
  dir: string;
  /** Stops the server at once (nothing in it is kept) and removes `dir`. Safe to call twice. */
  stop: () => Promise<void>;
};

const run = promisify(execFile);

/**
 * Initialises and starts a new PostgreSQL 15 cluster on a free loopback port, with the
 * embedded server's settings that matter to the tests (C locale, UTC, 200 connections) and
 * no durability. initdb refuses to run as root, so as root (CI) the cluster belongs to the
 * `postgres` OS user that the Debian package creates, and its programs run through runuser.
 */
export async function startPg15(): Promise<Pg15> {
  if (!existsSync(`${PG15_BIN}/initdb`))
    throw new Error(`PostgreSQL 15 is not installed (${PG15_BIN}): apt-get install postgresql`);
  const dir = mkdtempSync(join(tmpdir(), 'pg15-'));
  const asRoot = process.getuid?.() === 0;
  const pg = async (tool: string, args: string[]) => {
    const [command, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', `${PG15_BIN}/${tool}`, ...args]]
      : [`${PG15_BIN}/${tool}`, args];
    await run(command, argv).catch((error: Error & { stderr?: string }) => {
      throw new Error(`${tool} failed: ${error.stderr?.trim() || error.message}`);
    });
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await pg('pg_ctl', ['-D', `${dir}/data`, '-m', 'immediate', 'stop']).catch(() => {
      // was not running
    });
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    if (asRoot) {
      const id = async (flag: string) => Number((await run('id', [flag, 'postgres'])).stdout);
      chownSync(dir, await id('-u'), await id('-g'));
    }
    const port = await freePort();
    await pg('initdb', [
      ...['-D', `${dir}/data`, '-U', 'supabase_admin'],
      ...['--auth=trust', '--encoding=UTF8', '--locale=C'],
    ]);
    const settings = [
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
      '-c max_connections=200 -c timezone=UTC',
      '-c fsync=off -c synchronous_commit=off -c full_page_writes=off',
    ];
    await pg('pg_ctl', [
      ...['-D', `${dir}/data`, '-w', '-l', `${dir}/log`],
      ...['-o', settings.join(' '), 'start'],
    ]);
    return { superuserUrl: `postgres://supabase_admin@127.0.0.1:${port}/postgres`, dir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
