import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import sirv from 'sirv';
import { demo } from './demo.ts';
import { portalProxyEnv } from '../deploy/portal-proxy.ts';
import { freePort } from './ports.ts';
import { packageBin, startProcess, waitForHttp, type Service } from './process.ts';

const root = new URL('..', import.meta.url).pathname;
const sources = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json'];
const shared = [
  'svelte.config.js',
  'supabase/functions/_shared/domain',
  // `$contract/…`: the RPC reply schemas the apps parse with.
  'supabase/functions/_shared/contract',
];

function newestChange(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

/** An app's build is stale when any of its sources (or the shared ones) changed after it. */
function isStale(app: string): boolean {
  const stamp = join(root, app, 'build', '.built');
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  const inputs = [...sources.map((s) => join(root, app, s)), ...shared.map((s) => join(root, s))];
  return inputs.some((input) => newestChange(input) > built);
}

/** `vite build` for each stale app, in parallel. */
export async function buildApps(apps: string[], log: (line: string) => void): Promise<void> {
  await Promise.all(
    apps.map((app) =>
      // Stacks started side by side (tests, npm start, benchmarks) share the app's folder: one
      // builds while the others wait, then find the build fresh.
      withBuildLock(app, async () => {
        if (!isStale(app)) return;
        log(`building ${app}/ ...`);
        await viteBuild(app);
        writeFileSync(join(root, app, 'build', '.built'), new Date().toISOString());
      }),
    ),
  );
}

function viteBuild(app: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const [node, vite] = packageBin('vite', 'vite', join(root, app));
    const child = spawn(node, [vite, 'build', '--logLevel', 'warn'], {
      cwd: join(root, app),
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`vite build of ${app}/ failed (${code})`)),
    );
  });
}

/** Runs `work` holding `<app>/.build.lock` (a directory: creating one is atomic). */
async function withBuildLock(app: string, work: () => Promise<void>): Promise<void> {
  const lock = join(root, app, '.build.lock');
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      if (!lockHolderAlive(lock)) rmSync(lock, { recursive: true, force: true });
      else await sleep(200);
    }
  }
  try {
    await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function lockHolderAlive(lock: string): boolean {
  try {
    process.kill(Number(readFileSync(join(lock, 'pid'), 'utf8')), 0);
    return true;
  } catch (error) {
    // No pid file yet means the holder is between mkdir and write: alive.
    return (
      (error as NodeJS.ErrnoException).code === 'ENOENT' ||
      (error as NodeJS.ErrnoException).code === 'EPERM'
    );
  }
}

/**
 * The portal as in production: adapter-node's server behind a reverse proxy that adds the
 * client's address to X-Forwarded-For (as Caddy does in production, deploy/caddy/Caddyfile).
 * The portal takes the client's address from that header's last entry (ADDRESS_HEADER,
 * XFF_DEPTH=1, the same as deploy/install.ts writes), so a header a client sends itself cannot
 * change it. This proxy appends rather than replaces (the weakest proxy a deployer could put in
 * front), which the per-address caps' tests rely on.
 */
export async function startPortal(options: {
  port: number;
  supabaseUrl: string;
  /** sb_publishable_…: public reads (the anon role). */
  publishableKey: string;
  /** The portal's own credential: pay-start and portal-rpc (portal_resume, …) accept it, nothing else. */
  portalKey: string;
  logDir: string;
}): Promise<Service> {
  const internalPort = await freePort();
  const internal = `http://127.0.0.1:${internalPort}`;
  const { child, service, logFile } = startProcess(
    'portal',
    process.execPath,
    [join(root, 'portal/build/index.js')],
    options.logDir,
    {
      env: {
        PATH: process.env.PATH ?? '',
        HOST: '127.0.0.1',
        PORT: String(internalPort),
        ORIGIN: `http://127.0.0.1:${options.port}`,
        ...portalProxyEnv,
        SHUTDOWN_TIMEOUT: '1',
        SUPABASE_URL: options.supabaseUrl,
        SUPABASE_PUBLISHABLE_KEY: options.publishableKey,
        PORTAL_API_KEY: options.portalKey,
        PORTAL_FAS_KEY: demo.fasKey,
      },
    },
  );
  await waitForHttp(internal, 15000, child, logFile);
  const proxy = await startForwardingProxy(options.port, internalPort);
  return {
    name: service.name,
    stop: async () => {
      await proxy.close();
      await service.stop();
    },
  };
}

/** A reverse proxy on `port` to `target` that appends the peer's address to X-Forwarded-For. */
async function startForwardingProxy(
  port: number,
  target: number,
): Promise<{ close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const peer = req.socket.remoteAddress ?? '';
    const prior = req.headers['x-forwarded-for'];
    const headers = {
      ...req.headers,
      'x-forwarded-for': prior ? `${String(prior)}, ${peer}` : peer,
    };
    const upstream = request(
      { host: '127.0.0.1', port: target, method: req.method, path: req.url, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
      },
    );
    upstream.once('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  // Tests act as different clients by connecting from other loopback addresses (127.0.0.x).
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The admin's static files, plus the /config.json a deployer writes next to them. */
export async function startAdmin(options: {
  port: number;
  supabaseUrl: string;
  /** sb_publishable_…, the only key a browser ever gets. */
  publishableKey: string;
  /** Where printed voucher QR codes point. */
  portalUrl?: string;
  /** FreeRADIUS as routers reach it: prefills the router set-up script's download form. */
  radius?: { host: string; authPort: number; acctPort: number };
  /** Another copy of the build whose files may change while served (a test deploying). */
  dir?: string;
}): Promise<Service> {
  const dir = options.dir ?? join(root, 'admin/build');
  // dev: the file list is read per request, so a rebuild by another local stack (or a test
  // deploying a new version) is served as it is, not half from a cached list.
  const files = sirv(dir, { single: true, dev: true, etag: true });
  const { supabaseUrl, publishableKey, portalUrl, radius } = options;
  const config = JSON.stringify({
    supabaseUrl,
    publishableKey,
    portalUrl,
    radiusHost: radius?.host,
    radiusAuthPort: radius?.authPort,
    radiusAcctPort: radius?.acctPort,
  });
  const server = createServer((req, res) => {
    if (req.url?.split('?')[0] === '/config.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(config);
      return;
    }
    files(req, res);
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  return {
    name: 'admin',
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
