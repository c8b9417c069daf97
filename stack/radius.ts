// FreeRADIUS for the local stack and the tests: renders radius/ over the installed distribution
// (radius/render.ts) and runs `freeradius -f` as a child, started again whenever it exits (as
// systemd's Restart=always does in production), so that a FreeRADIUS killed from outside comes
// back as it would on a server. The worker's radius-clients job (radius/housekeeping.ts,
// returned here for the stack's worker) keeps its clients equal to the routers in the database
// without restarting it. In production the same pieces run under systemd (radius/README.md).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type postgres from 'postgres';
import { fetchClients } from '../radius/clients.ts';
import { radiusNodeJobs, type RadiusJobs } from '../radius/housekeeping.ts';
import { renderConfig } from '../radius/render.ts';
import { statusAnswered } from '../radius/status-probe.ts';
import { freePort } from './ports.ts';
import { startProcess, type Service } from './process.ts';

/** What `apt-get install` needs for startRadius (server, PostgreSQL driver, radclient/radmin). */
export const RADIUS_APT_PACKAGES = ['freeradius', 'freeradius-postgresql', 'freeradius-utils'];

const REQUIRED_FILES = [
  '/usr/sbin/freeradius',
  '/usr/lib/freeradius/rlm_sql_postgresql.so',
  '/usr/lib/freeradius/rlm_sql_map.so',
  '/usr/bin/radclient',
  '/usr/sbin/radmin',
  '/etc/freeradius/3.0/radiusd.conf',
];

/** Whether the Debian/Ubuntu FreeRADIUS packages startRadius needs are installed. */
export function radiusInstalled(): boolean {
  return REQUIRED_FILES.every((file) => existsSync(file));
}

export type RadiusOptions = {
  /** Holds the rendered configuration (raddb/) and the pid file and control socket (run/). */
  dir: string;
  dbHost: string;
  dbPort: number;
  dbName: string;
  /** Password of the `freeradius` database role. */
  dbPassword: string;
  /** Connection as the `worker` role: lists the routers for the clients file. */
  workerSql: postgres.Sql;
  /** libpq sslmode (production: verify-full or require). */
  dbSslMode?: string;
  authPort: number;
  acctPort: number;
  /** Status-Server port for readiness probes; a free one when omitted. */
  statusPort?: number;
  /** Address to listen on (default 127.0.0.1). */
  listen?: string;
  /** Seconds an Access-Reject is held back: 1 in production against guessing, 0 in tests. */
  rejectDelay?: number;
  logDir: string;
  log?: (line: string) => void;
};

export type Radius = Service & {
  host: string;
  authPort: number;
  acctPort: number;
  statusPort: number;
  statusSecret: string;
  /**
   * Holds the running FreeRADIUS's process id (rewritten when it is started again): tests check
   * that router changes never restart it, and kill it to see it come back with every router.
   */
  pidFile: string;
  /** This host's job for the worker: keeping the clients equal to the routers. */
  jobs: RadiusJobs;
};

/** Renders the configuration, starts FreeRADIUS and resolves once it answers Status-Server. */
export async function startRadius(options: RadiusOptions): Promise<Radius> {
  if (!radiusInstalled()) {
    throw new Error(
      `FreeRADIUS is not installed: apt-get install -y ${RADIUS_APT_PACKAGES.join(' ')}`,
    );
  }
  const log = options.log ?? (() => {});
  const host = options.listen ?? '127.0.0.1';
  const statusPort = options.statusPort ?? (await freePort());
  const statusSecret = randomBytes(16).toString('hex');
  const raddb = join(options.dir, 'raddb');
  const runDir = join(options.dir, 'run');
  const env = {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    PGHOST: options.dbHost,
    PGPORT: String(options.dbPort),
    PGDATABASE: options.dbName,
    PGUSER: 'freeradius',
    PGPASSWORD: options.dbPassword,
    PGSSLMODE: options.dbSslMode ?? 'prefer',
    WB_RADIUS_LISTEN: host,
    WB_RADIUS_AUTH_PORT: String(options.authPort),
    WB_RADIUS_ACCT_PORT: String(options.acctPort),
    WB_RADIUS_STATUS_PORT: String(statusPort),
    WB_RADIUS_STATUS_SECRET: statusSecret,
  };
  const pidFile = join(options.dir, 'freeradius.pid');
  let server: Service | undefined;
  let stopping = false;
  const launch = async () => {
    const started = startProcess('radius', 'freeradius', ['-f', '-d', raddb], options.logDir, {
      env,
    });
    server = started.service;
    writeFileSync(pidFile, `${started.child.pid}\n`);
    await waitForStatus(statusPort, statusSecret, started.child, started.logFile);
    // Only a FreeRADIUS that came up is started again: one that cannot start would loop.
    started.child.once('exit', (code, signal) => {
      if (stopping) return;
      log(`FreeRADIUS exited (${signal ?? code}): starting it again`);
      void sleep(200)
        .then(() => (stopping ? undefined : launch()))
        .catch((error: Error) => log(`FreeRADIUS did not start again: ${error.message}`));
    });
  };

  const stop = async () => {
    stopping = true;
    await server?.stop();
    rmSync(pidFile, { force: true });
  };

  try {
    const clients = await fetchClients(options.workerSql);
    renderConfig({ target: raddb, runDir, rejectDelay: options.rejectDelay ?? 1, clients });
    await launch();
    const jobs = radiusNodeJobs({
      sql: options.workerSql,
      raddb,
      controlSocket: join(runDir, 'control.sock'),
      log,
    });
    return {
      name: 'radius',
      stop,
      pidFile,
      host,
      authPort: options.authPort,
      acctPort: options.acctPort,
      statusPort,
      statusSecret,
      jobs,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Polls Status-Server until FreeRADIUS answers (or exits, or 15 s pass). */
async function waitForStatus(
  port: number,
  secret: string,
  child: { exitCode: number | null },
  logFile: string,
): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`freeradius exited with ${child.exitCode} (see ${logFile})`);
    }
    if (await statusAnswered({ host: '127.0.0.1', port, secret, timeoutMs: 100 })) return;
    if (Date.now() > deadline)
      throw new Error(`freeradius did not answer Status-Server in 15 s (see ${logFile})`);
    await sleep(20);
  }
}

/**
 * Installs FreeRADIUS with apt when it is missing and we may (root on Debian/Ubuntu); returns
 * whether it is installed afterwards. Otherwise the stack says which apt command to run.
 */
export function installRadiusIfPossible(log: (line: string) => void): boolean {
  if (radiusInstalled()) return true;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return false;
  log(`installing ${RADIUS_APT_PACKAGES.join(' ')} with apt-get ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const options = { stdio: 'inherit', env } as const;
  const update = spawnSync('apt-get', ['update', '-qq'], options);
  const install = spawnSync(
    'apt-get',
    ['install', '-y', '-qq', '--no-install-recommends', ...RADIUS_APT_PACKAGES],
    options,
  );
  if (update.status !== 0 || install.status !== 0) log('apt-get could not install FreeRADIUS');
  return radiusInstalled();
}
