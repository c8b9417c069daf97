// Renders a runnable FreeRADIUS configuration: the installed distribution (/etc/freeradius/3.0)
// plus our own files from radius/raddb, with the few global settings rewritten that a private
// instance needs (its own directories, logging to stdout, reject delay), only the modules and
// sites we use enabled, and the routers as clients. Secrets, database settings and ports stay
// in the environment (see radius/README.md); only the routers' RADIUS secrets are written, one
// file per router in clients.d (raddb/clients.conf), readable by the freerad group alone.
//
//   sh stack/node22.sh radius/render.ts <target-dir>    renders without clients, for a look
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CLIENT_FOLDERS,
  clientFile,
  clientProblem,
  renderClient,
  type RadiusClient,
} from './clients-conf.ts';

export const distributionDir = '/etc/freeradius/3.0';
export const ownDir = fileURLToPath(new URL('raddb', import.meta.url));

/** Modules our sites use; every other stock module stays disabled (less to load and audit). */
const MODULES = [
  'always',
  'expr',
  'pap',
  'chap',
  'dynamic_clients',
  'wifi_billing_sql',
  'wifi_billing_queries',
];
const SITES = [
  'wifi-billing',
  'wifi-billing-status',
  'wifi-billing-control',
  'wifi-billing-clients',
];

export type RenderOptions = {
  /** The directory to (re)create, e.g. .local/radius/raddb. */
  target: string;
  /** Where the pid file and the control socket go. */
  runDir: string;
  /** Seconds FreeRADIUS holds back an Access-Reject (production: 1, against guessing). */
  rejectDelay: number;
  clients: RadiusClient[];
  /** The installed distribution to start from. */
  source?: string;
};

/** Writes the whole configuration into `target` (replacing what was there). */
export function renderConfig(options: RenderOptions): void {
  const source = options.source ?? distributionDir;
  if (!existsSync(join(source, 'radiusd.conf'))) {
    throw new Error(`${source}/radiusd.conf not found: is FreeRADIUS installed?`);
  }
  const target = resolve(options.target);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(dirname(target), { recursive: true });
  mkdirSync(options.runDir, { recursive: true });
  if (process.getuid?.() === 0) {
    assertReachable(dirname(target));
    assertReachable(dirname(resolve(options.runDir)));
  }
  cpSync(source, target, { recursive: true, verbatimSymlinks: true });
  cpSync(ownDir, target, { recursive: true });

  enableOnly(join(target, 'mods-enabled'), '../mods-available', MODULES);
  enableOnly(join(target, 'sites-enabled'), '../sites-available', SITES);

  const radiusd = join(target, 'radiusd.conf');
  writeFileSync(radiusd, rewriteRadiusd(readFileSync(radiusd, 'utf8'), target, options));
  const dictionary = join(target, 'dictionary');
  writeFileSync(
    dictionary,
    `${readFileSync(dictionary, 'utf8')}\n$INCLUDE dictionary.wifi-billing\n`,
  );
  // Our clients.conf (copied over the stock one, whose localhost client would hide a router at
  // 127.0.0.1) loads the routers from clients.d, one file each, kept by radius/clients.ts.
  for (const folder of CLIENT_FOLDERS)
    mkdirSync(join(target, 'clients.d', folder), { recursive: true });
  for (const client of options.clients) {
    if (clientProblem(client)) continue; // left out, as the worker leaves it out (and says why)
    writeFileSync(join(target, 'clients.d', clientFile(client)), renderClient(client), {
      mode: 0o640,
    });
  }

  handToFreerad(target, options.runDir);
}

/**
 * The global settings a private instance must change. Each rewrite must match exactly once,
 * so a distribution whose radiusd.conf changed shape fails loudly here instead of silently
 * running with stock paths.
 */
export function rewriteRadiusd(text: string, target: string, options: RenderOptions): string {
  const rules: [RegExp, string][] = [
    [/^raddbdir = .*$/m, `raddbdir = ${target}`],
    [/^run_dir = .*$/m, `run_dir = ${resolve(options.runDir)}`],
    // Logs go to stdout: the supervisor (stack/radius.ts, systemd) decides where they end up.
    [/^(\s*)destination = files$/m, '$1destination = stdout'],
    [/^(\s*)colourise = yes$/m, '$1colourise = no'],
    [/^(\s*)reject_delay = \d+$/m, `$1reject_delay = ${options.rejectDelay}`],
    // Only the hotspot server: no realms, no proxying.
    [/^proxy_requests\s*= yes$/m, 'proxy_requests = no'],
  ];
  let out = text;
  for (const [pattern, replacement] of rules) {
    const matches = out.match(new RegExp(pattern.source, pattern.flags + 'g'));
    if (matches?.length !== 1) {
      throw new Error(
        `radiusd.conf: expected one line matching ${pattern}, found ${matches?.length ?? 0}`,
      );
    }
    out = out.replace(pattern, replacement);
  }
  // Never log passwords: these must stay off whatever the distribution ships.
  for (const setting of ['auth', 'auth_badpass', 'auth_goodpass']) {
    const line = new RegExp(`^\\s*${setting} = (yes|no)$`, 'm').exec(out);
    if (line?.[1] !== 'no') throw new Error(`radiusd.conf: expected "${setting} = no"`);
  }
  return out;
}

export function enableOnly(enabledDir: string, availableRelative: string, names: string[]): void {
  rmSync(enabledDir, { recursive: true, force: true });
  mkdirSync(enabledDir);
  for (const name of names) symlinkSync(join(availableRelative, name), join(enabledDir, name));
}

/**
 * As root, FreeRADIUS starts as root and then runs as freerad: everything it reads must be
 * readable by that user (and nothing by others, since clients.conf holds secrets).
 */
export function handToFreerad(...paths: string[]): void {
  if (process.getuid?.() !== 0) return;
  const uid = Number(execFileSync('id', ['-u', 'freerad']).toString());
  const gid = Number(execFileSync('id', ['-g', 'freerad']).toString());
  const walk = (path: string) => {
    const stat = lstatSync(path);
    // Never follow a link: the distribution links to system files (e.g. the snakeoil key).
    if (stat.isSymbolicLink()) return;
    chownSync(path, uid, gid);
    if (!stat.isDirectory()) return;
    chmodSync(path, 0o750);
    for (const entry of readdirSync(path)) walk(join(path, entry));
  };
  for (const path of paths) walk(path);
}

/** freerad must be able to walk down to the configuration: every parent needs o+x. */
function assertReachable(dir: string): void {
  for (let current = dir; ; current = dirname(current)) {
    if ((statSync(current).mode & 0o001) === 0) {
      throw new Error(
        `${current} is not searchable by others: FreeRADIUS (user freerad) cannot reach ${dir}`,
      );
    }
    if (current === dirname(current)) return;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const target = process.argv[2];
  if (!target) {
    console.error('usage: radius/render.ts <target-dir>');
    process.exit(1);
  }
  renderConfig({ target, runDir: join(target, '..', 'run'), rejectDelay: 1, clients: [] });
  console.log(`rendered ${target}`);
}
