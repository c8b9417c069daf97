// `npm run test:pg15`: the database on Debian's PostgreSQL 15 (hosted Supabase runs 15 or 17;
// the embedded server `npm test` uses is 18), so version drift is caught in CI:
//  1. the platform stand-in and every migration, then supabase/schema.sql must equal pg_dump's
//     view of them (the snapshot shares this cluster instead of starting a second one);
//  2. the seed and a stack on that database (API, functions, simulators, FreeRADIUS; no apps,
//     since none of the tests below uses the portal or the admin);
//  3. the behaviour tests whose subject is the database: RLS, payment settlement, RADIUS;
//  4. before those, side by side on clusters of their own: the restore drill
//     (tests/restore-drill.ts: `npm run backup`, `npm run restore` into a fresh one, the same
//     rows, a RADIUS login) and the deployment drill (tests/deploy-drill.ts: `supabase db push`,
//     deploy/install.sh into a scratch root, its units started, a voucher logged in).
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { packageBin } from '../stack/process.ts';
import { dumpSchema, migratedPg15, schemaFile } from '../stack/schema.ts';
import type { Pg15 } from '../stack/pg15.ts';
import { startStack, type Stack } from '../stack/stack.ts';
import { deployDrill } from './deploy-drill.ts';
import { restoreDrill } from './restore-drill.ts';

// vitest file filters. Not here: payments-dbrestart (it starts its own embedded PostgreSQL 18
// stack, so on this run it would test 18 again), payments-settings and payments-simulator
// (settings RPCs, SMS delivery and the Daraja simulator: no settlement to speak of), and
// radius-clients-live (FreeRADIUS's client files and control socket, not the database: 14 s).
const TESTS = [
  'tests/integration/rls-matrix.test.ts',
  'tests/integration/payments-flow.test.ts',
  'tests/integration/payments-callbacks.test.ts',
  'tests/integration/payments-failures.test.ts',
  'tests/integration/payments-reconcile.test.ts',
  'tests/integration/payments-c2b.test.ts',
  'tests/integration/payments-recovery.test.ts',
  'tests/integration/payments-support.test.ts',
  'tests/integration/payments-radius.test.ts',
  'tests/integration/radius-accounting',
  'tests/integration/radius-auth',
  'tests/integration/radius-clients.test',
  'tests/integration/radius-disconnect',
  'tests/integration/radius-lockout',
  'tests/integration/radius-mac',
  'tests/integration/radius-operators',
  'tests/integration/radius-role',
  'tests/integration/radius-tenancy',
];

const root = new URL('..', import.meta.url).pathname;
const dir = join(root, '.local', `test-pg15-${process.pid}`);
const began = performance.now();
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const log = (line: string) => console.log(`[pg15] ${line}`);
const STALE = 'supabase/schema.sql is stale: run npm run schema:snapshot';

let pg: Pg15 | undefined;
let stack: Stack | undefined;
async function cleanUp() {
  await stack?.stop();
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)));

/** Whether supabase/schema.sql is what the migrations build; prints the start of the diff if not. */
async function schemaCurrent(superuserUrl: string): Promise<boolean> {
  const dumped = await dumpSchema(superuserUrl);
  let committed = '';
  try {
    committed = readFileSync(schemaFile, 'utf8');
  } catch {
    // missing: stale too
  }
  if (dumped === committed) return true;
  const diff = spawnSync(
    'diff',
    ['-u', '--label', 'supabase/schema.sql', '--label', 'pg_dump', schemaFile, '-'],
    { input: dumped, encoding: 'utf8' },
  );
  const lines = diff.stdout.split('\n');
  console.log([...lines.slice(0, 60), lines.length > 60 ? '…' : ''].join('\n'));
  return false;
}

function vitest(stackFile: string): Promise<number> {
  const [node, script] = packageBin('vitest');
  return new Promise((resolve) => {
    const child = spawn(node, [script, 'run', ...TESTS], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, STACK_FILE: stackFile },
    });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const failed: string[] = [];
try {
  const migrated = await migratedPg15();
  pg = migrated.pg;
  const sql = postgres(pg.superuserUrl, { max: 1 });
  const [{ server_version: version }] = await sql`show server_version`.finally(() => sql.end());
  log(
    `PostgreSQL ${version}: platform and ${migrated.applied.length} migrations in ${seconds(began)}`,
  );
  if (!(await schemaCurrent(pg.superuserUrl))) {
    log(STALE);
    failed.push(STALE);
  }
  const drill = (name: string, run: Promise<void>) =>
    run.catch((error: Error) => {
      console.error(error);
      failed.push(`${name}: ${error.message}`);
    });
  await Promise.all([
    drill('restore drill', restoreDrill(log)),
    drill('deploy drill', deployDrill(log)),
  ]);

  const t = performance.now();
  stack = await startStack({
    dir,
    ports: 'free',
    ephemeral: true,
    databaseUrl: pg.superuserUrl,
    apps: false,
    log,
  });
  log(`seed applied and stack up in ${seconds(t)}`);
  if (!stack.info.radius) failed.push('FreeRADIUS is not installed');
  if ((await vitest(join(dir, 'stack.json'))) !== 0)
    failed.push('behaviour tests on PostgreSQL 15');
} catch (error) {
  console.error(error);
  failed.push((error as Error).message);
} finally {
  await cleanUp();
}
log(`${failed.length ? 'FAILED' : 'all passed'} in ${seconds(began)}`);
for (const failure of failed) log(`FAILED: ${failure}`);
process.exit(failed.length ? 1 : 0);
