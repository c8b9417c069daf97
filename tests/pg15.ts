// Applies the platform stand-in, every migration and the seed to Debian's PostgreSQL 15 (hosted
// Supabase runs 15 or 17; the embedded server is 18), so version drift is caught in CI.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations, applyPlatform, applySeed, roleUrl } from '../stack/migrate.ts';
import { freePort } from '../stack/ports.ts';

const bin = '/usr/lib/postgresql/15/bin';
if (!existsSync(`${bin}/initdb`)) {
  console.error(`PostgreSQL 15 is not installed (${bin}): apt-get install postgresql`);
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'pg15-'));
const asRoot = process.getuid?.() === 0;
if (asRoot)
  chownSync(
    dir,
    Number(execFileSync('id', ['-u', 'postgres']).toString()),
    Number(execFileSync('id', ['-g', 'postgres']).toString()),
  );
const pg = (tool: string, args: string[]) =>
  execFileSync(
    asRoot ? 'runuser' : `${bin}/${tool}`,
    asRoot ? ['-u', 'postgres', '--', `${bin}/${tool}`, ...args] : args,
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );

const port = await freePort();
const began = performance.now();
try {
  pg('initdb', [
    '-D',
    `${dir}/data`,
    '-U',
    'supabase_admin',
    '--auth=trust',
    '--encoding=UTF8',
    '--locale=C',
  ]);
  pg('pg_ctl', [
    '-D',
    `${dir}/data`,
    '-w',
    '-l',
    `${dir}/log`,
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    'start',
  ]);
  const superuserUrl = `postgres://supabase_admin@127.0.0.1:${port}/postgres`;
  const passwords = await applyPlatform(superuserUrl);
  const ownerUrl = roleUrl(superuserUrl, 'postgres', passwords.postgres);
  const applied = await applyMigrations(ownerUrl);
  const seeded = await applySeed(ownerUrl);
  console.log(
    `PostgreSQL 15: platform, ${applied.length} migrations and seed (${seeded}) applied in ${Math.round(performance.now() - began)} ms`,
  );
} catch (error) {
  console.error(`PostgreSQL 15 check failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  try {
    pg('pg_ctl', ['-D', `${dir}/data`, '-m', 'immediate', 'stop']);
  } catch {
    // was not running
  }
  rmSync(dir, { recursive: true, force: true });
}
