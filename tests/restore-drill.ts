// The restore drill (README, "Backup and restore"), run by `npm run test:pg15` and on its own with
// `sh stack/node22.sh tests/restore-drill.ts`: a backup is only as good as the last restore that
// worked, so CI makes one every run, on PostgreSQL 15 (pg_dump 15 cannot read the embedded 18).
//
//  1. A fresh PostgreSQL 15 built by the migrations holds a business: the demo organization (seed)
//     with its site, router and plans, a batch of vouchers, and an M-Pesa payment settled by the
//     real functions (customer, voucher, SMS, rollups, audit rows).
//  2. `npm run backup` copies it (as `postgres`, like hosted Supabase's connection string); the
//     file is 0600 and holds no role password.
//  3. `npm run restore` puts it into another fresh PostgreSQL 15 prepared like a Supabase project
//     (a cluster of its own: roles are cluster-wide); every table of public, private, radius, auth
//     and supabase_migrations has the same rows, and the whole catalogue (tables, grants,
//     policies, functions, default privileges, …) is the same. A second restore is refused;
//     with --force it replaces the first.
//  4. FreeRADIUS, pointed at the restored database with the freeradius role's new password, lets
//     the paid voucher on through radclient, and the restored database records the login.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { demo } from '../stack/demo.ts';
import { applyPlatform, applySeed, roleUrl, setRolePassword } from '../stack/migrate.ts';
import { PG15_BIN, startPg15, type Pg15 } from '../stack/pg15.ts';
import { freePort } from '../stack/ports.ts';
import { radiusInstalled, startRadius, type Radius } from '../stack/radius.ts';
import { migratedPg15 } from '../stack/schema.ts';
import { diffCategory, snapshot } from '../stack/schema-compare.ts';
import { configureDemoPayments } from '../stack/sim/demo-payments.ts';
import { login, randomMac } from './support/radius.ts';

const root = new URL('..', import.meta.url).pathname;
const DEMO_ORGANIZATION = 'd0000000-0000-4000-8000-000000000010';
const DEMO_SITE = 'd0000000-0000-4000-8000-000000000020';
const DEMO_ROUTER = 'd0000000-0000-4000-8000-000000000030';
const DEMO_PLAN = 'd0000000-0000-4000-8000-000000000041';

/** `npm run <script>` as npm runs it (without npm's own start-up), with its output. */
function npmScript(script: 'backup' | 'restore', args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync('sh', ['stack/node22.sh', `stack/${script}.ts`, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

/** Every table of the backed-up schemas with its row count, `schema.table` → rows. */
async function rowCounts(url: string): Promise<Map<string, number>> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const tables = await sql<{ name: string }[]>`
      select format('%I.%I', n.nspname, c.relname) as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p')
        and n.nspname in ('public', 'private', 'radius', 'auth', 'supabase_migrations')
      order by 1`;
    const counts = new Map<string, number>();
    for (const { name } of tables) {
      const [{ n }] = await sql.unsafe<{ n: number }[]>(`select count(*)::int as n from ${name}`);
      counts.set(name, n!);
    }
    return counts;
  } finally {
    await sql.end();
  }
}

/**
 * The catalogues' differences (stack/schema-compare.ts's categories, rows included), less one
 * that is not one: a trigger's WHEN is stored as a tree and printed with a parenthesis per OR;
 * restored, the same condition reads back flat.
 */
async function catalogueDifferences(sourceUrl: string, targetUrl: string): Promise<string[]> {
  const [a, b] = await Promise.all([snapshot(sourceUrl), snapshot(targetUrl)]);
  const flat = (text: string) => text.replaceAll(/[()]/g, '');
  const differences: string[] = [];
  for (const [category, entries] of a) {
    for (const difference of diffCategory(entries, b.get(category)!)) {
      const same =
        category === 'triggers' &&
        difference.kind === 'changed' &&
        flat(difference.old) === flat(difference.new);
      if (!same) differences.push(`${category}: ${JSON.stringify(difference)}`);
    }
  }
  return differences;
}

/** The business the drill backs up, as `postgres`; returns the paid voucher and the phone's MAC. */
async function fillSource(ownerUrl: string): Promise<{ code: string; mac: string }> {
  await applySeed(ownerUrl);
  await configureDemoPayments(ownerUrl);
  const sql = postgres(ownerUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`insert into public.voucher_batches (organization_id, plan_id, count)
              values (${DEMO_ORGANIZATION}, ${DEMO_PLAN}, 5)`;
    const phone = '+254712345678';
    const mac = randomMac();
    const [{ started }] = await sql`
      select private.pay_start(${DEMO_SITE}, ${DEMO_PLAN}, ${phone}, ${DEMO_ROUTER},
                               ${mac}, 'restore-drill', 'en') as started`;
    assert.equal(started.ok, true, JSON.stringify(started));
    const [{ settled }] = await sql`
      select private.settle_payment(${started.payment_id}, null, '0', 'drill', ${started.amount_kes},
                                    'TDRILL0001', ${phone}, 'query') as settled`;
    assert.equal(settled.outcome, 'success', JSON.stringify(settled));
    const [voucher] = await sql`select code from public.vouchers where id = ${settled.voucher_id}`;
    return { code: voucher!.code as string, mac };
  } finally {
    await sql.end();
  }
}

export async function restoreDrill(log: (line: string) => void): Promise<void> {
  const began = performance.now();
  const since = (t: number) => `${((performance.now() - t) / 1000).toFixed(1)} s`;
  mkdirSync(join(root, '.local'), { recursive: true });
  const dir = mkdtempSync(join(root, '.local', 'restore-drill-'));
  // FreeRADIUS (user freerad) must reach its configuration inside.
  chmodSync(dir, 0o755);
  let source: Pg15 | undefined;
  let target: Pg15 | undefined;
  let radius: Radius | undefined;
  let workerSql: postgres.Sql | undefined;
  try {
    const [built, fresh] = await Promise.all([migratedPg15(), startPg15()]);
    source = built.pg;
    target = fresh;
    const sourceUrl = roleUrl(
      source.superuserUrl,
      'postgres',
      await setRolePassword(source.superuserUrl, 'postgres'),
    );
    // Login roles with passwords, which must not travel with the backup.
    const rolePasswords = [
      await setRolePassword(source.superuserUrl, 'freeradius'),
      await setRolePassword(source.superuserUrl, 'worker'),
      new URL(sourceUrl).password,
    ];
    const paid = await fillSource(sourceUrl);
    const targetUrl = roleUrl(
      target.superuserUrl,
      'postgres',
      (await applyPlatform(target.superuserUrl)).postgres,
    );
    log(`restore drill: two PostgreSQL 15 clusters, source filled, in ${since(began)}`);

    // 2. Backup.
    const file = join(dir, 'wifi-billing.backup');
    let t = performance.now();
    const backup = npmScript('backup', ['--db-url', sourceUrl, '--out', file]);
    assert.equal(backup.code, 0, backup.output);
    const backupTime = since(t);
    assert.equal(statSync(file).mode & 0o777, 0o600, 'the backup is readable by its owner only');
    const script = spawnSync(`${PG15_BIN}/pg_restore`, ['--file=-', file], { encoding: 'utf8' });
    assert.equal(script.status, 0, script.stderr);
    for (const password of rolePasswords) {
      assert.ok(!script.stdout.includes(password), 'a role password is in the backup');
    }
    assert.match(script.stdout, /COPY private\.router_secrets/);

    // 3. Restore (the URL from DATABASE_URL, as an operator keeps it off the command line).
    t = performance.now();
    const restore = npmScript('restore', ['--in', file], { DATABASE_URL: targetUrl });
    assert.equal(restore.code, 0, restore.output);
    const restoreTime = since(t);
    const [before, after] = await Promise.all([rowCounts(sourceUrl), rowCounts(targetUrl)]);
    assert.deepEqual(after, before, 'every table has as many rows as in the source');
    assert.ok((after.get('public.payments') ?? 0) > 0 && (after.get('public.vouchers') ?? 0) > 5);
    const rows = [...after.values()].reduce((sum, n) => sum + n, 0);

    const again = npmScript('restore', ['--db-url', targetUrl, '--in', file]);
    assert.equal(again.code, 1, 'a second restore into the same database is refused');
    assert.match(again.output, /is not empty .*--force/s);
    t = performance.now();
    const forced = npmScript('restore', ['--db-url', targetUrl, '--in', file, '--force']);
    assert.equal(forced.code, 0, forced.output);
    const forcedTime = since(t);
    assert.deepEqual(await rowCounts(targetUrl), before, 'after --force: the same rows again');

    // Roles are cluster-wide and not in the backup: an operator gives them passwords again.
    const freeradiusPassword = await setRolePassword(target.superuserUrl, 'freeradius');
    const workerPassword = await setRolePassword(target.superuserUrl, 'worker');
    const differences = await catalogueDifferences(source.superuserUrl, target.superuserUrl);
    assert.deepEqual(differences, [], 'the restored catalogue and rows equal the source');
    log(
      `restore drill: backup ${backupTime}, restore ${restoreTime} (--force ${forcedTime}); ` +
        `${after.size} tables, ${rows} rows, catalogue identical`,
    );

    // 4. A customer who paid before the disaster gets on after it.
    if (!radiusInstalled()) throw new Error('FreeRADIUS is not installed');
    t = performance.now();
    const db = new URL(targetUrl);
    workerSql = postgres(roleUrl(target.superuserUrl, 'worker', workerPassword), {
      max: 2,
      onnotice: () => {},
    });
    radius = await startRadius({
      dir: join(dir, 'radius'),
      dbHost: db.hostname,
      dbPort: Number(db.port),
      dbName: db.pathname.slice(1),
      dbPassword: freeradiusPassword,
      workerSql,
      authPort: await freePort(),
      acctPort: await freePort(),
      rejectDelay: 0,
      logDir: join(dir, 'logs'),
    });
    const server = { host: radius.host, authPort: radius.authPort, acctPort: radius.acctPort };
    const router = { id: DEMO_ROUTER, nasIp: demo.routerIp, secret: demo.routerSecret };
    // From the phone that paid: the voucher is bound to it (one device).
    const accepted = await login(router, paid.code, { mac: paid.mac, server });
    assert.equal(accepted?.code, 'Access-Accept', `the paid voucher: ${JSON.stringify(accepted)}`);
    const rejected = await login(router, 'ABCDEFGHJK', { server });
    assert.equal(rejected?.code, 'Access-Reject', 'an unknown code');
    const sql = postgres(targetUrl, { max: 1, onnotice: () => {} });
    const logins = await sql`
      select reply, callingstationid from radius.radpostauth where username = ${paid.code}`.finally(
      () => sql.end(),
    );
    assert.deepEqual(
      logins.map((row) => ({ ...row })),
      [{ reply: 'Access-Accept', callingstationid: paid.mac }],
      'the login is recorded in the restored database',
    );
    log(`restore drill: the paid voucher logged in through FreeRADIUS in ${since(t)}`);
    log(`restore drill: passed in ${since(began)}`);
  } finally {
    await radius?.stop();
    await workerSql?.end({ timeout: 2 });
    await Promise.all([source?.stop(), target?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // Explicit exits: a stopped service's kill timer (stack/process.ts) would keep Node up 5 s more.
  await restoreDrill((line) => console.log(line)).then(
    () => process.exit(0),
    (error: Error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
