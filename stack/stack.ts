import { createHmac } from 'node:crypto';
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import postgres from 'postgres';
import { buildApps, startAdmin, startPortal } from './apps.ts';
import { createAuthHandler } from './auth/handler.ts';
import { demo } from './demo.ts';
import { functionsDir, publicFunctions, startFunctions } from './functions.ts';
import { startGateway } from './gateway.ts';
import {
  functionsKeyEnv,
  jwtOf,
  loadOrCreateKeys,
  postgrestJwtSecret,
  publicKeys,
  type PublicKeys,
} from './keys.ts';
import { applyMigrations, applyPlatform, applySeed, roleUrl, setRolePassword } from './migrate.ts';
import { freePort, portOr } from './ports.ts';
import { startDatabase } from './postgres.ts';
import { startPostgrest } from './postgrest.ts';
import { RADIUS_APT_PACKAGES, radiusInstalled, startRadius, type Radius } from './radius.ts';
import type { Service } from './process.ts';
import { SANDBOX_PASSKEY, SANDBOX_SHORTCODE, startDarajaSim } from './sim/daraja.ts';
import { configureDemoPayments } from './sim/demo-payments.ts';
import { startSmsSim } from './sim/sms.ts';
import { startMailSim } from './sim/mail.ts';
import { smtpMailer } from './auth/mailer.ts';
import { startHotspotSim } from '../tests/hotspot/mikrotik.ts';
import { radiusPlatformJobs } from '../radius/housekeeping.ts';
import { functionCaller, paymentJobs } from '../worker/jobs.ts';
import { startWorker } from '../worker/worker.ts';
import { alertJobs } from '../worker/alerts.ts';
import { retentionJobs } from '../worker/retention.ts';
import { createMailer } from '../worker/mail.ts';

/** Everything a test or tool needs to talk to a running stack (written to <dir>/stack.json). */
export type StackInfo = PublicKeys & {
  /** The portal server's own credential (`x-portal-key`): pay-start and portal-rpc only. */
  portalKey: string;
  supabaseUrl: string;
  dbUrl: string;
  /** The edge functions' own role `edge_functions` (FUNCTIONS_DB_URL). */
  functionsDbUrl: string;
  superuserDbUrl: string;
  portalUrl: string;
  adminUrl: string;
  demo: typeof demo;
  /**
   * FreeRADIUS, when it is installed; the demo router (demo.routerIp) signs with `secret`;
   * `pidFile` holds its current process id (stack/radius.ts).
   */
  radius?: { host: string; authPort: number; acctPort: number; secret: string; pidFile: string };
  /** The Daraja simulator (absent when PAYMENT_PROVIDERS=real): control API under /_sim. */
  daraja?: { url: string; shortcode: string; passkey: string };
  /** The Africa's Talking simulator: messages it received at /_sim/messages. */
  sms?: { url: string };
  /** Mail catcher (the SMTP service auth mails go through): GET/DELETE /_sim/messages?to=… */
  mailUrl: string;
  /** The mail catcher's SMTP server (where the worker's job alerts go too). */
  mailSmtp: { host: string; port: number };
  /** MikroTik hotspot simulator in front of the demo site (demo router), with apps and RADIUS. */
  hotspot?: { url: string };
};

export type StackOptions = {
  /** Where data, logs and stack.json live (.local for npm start). */
  dir: string;
  /** Fixed, well-known ports for npm start (falling back when busy); free ones for tests. */
  ports: 'default' | 'free';
  reset?: boolean;
  /** Throwaway cluster: no fsync. */
  ephemeral?: boolean;
  /** Superuser URL of an existing PostgreSQL to use instead of the embedded one. */
  databaseUrl?: string;
  /** Extra folders of edge functions (tests add fixtures). */
  extraFunctionFolders?: string[];
  extraPublicFunctions?: string[];
  /** Build and serve portal/ and admin/ (default true; API-only tools turn it off). */
  apps?: boolean;
  log: (line: string) => void;
};

export type Stack = {
  info: StackInfo;
  stop: () => Promise<void>;
  /**
   * Every secret the stack made or holds (keys, role passwords, callback and RADIUS secrets),
   * never written to stack.json: what the log scan (stack/log-scan.ts) looks for in its logs.
   */
  secrets: string[];
};

const DEFAULT_PORTS = {
  db: 54322,
  gateway: 54321,
  postgrest: 54330,
  postgrestAdmin: 54331,
  functions: 54332,
  portal: 5173,
  admin: 5174,
  radiusAuth: 1812,
  radiusAcct: 1813,
  daraja: 54340,
  sms: 54341,
  smtp: 54324,
  mail: 54325,
  hotspot: 54350,
};

export async function startStack(options: StackOptions): Promise<Stack> {
  const { dir, log } = options;
  if (options.reset) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const logDir = join(dir, 'logs');
  // Components that log through callbacks keep their lines in logDir too, next to the child
  // processes' logs, so that everything the stack logged is there to read (and scan).
  mkdirSync(logDir, { recursive: true });
  const logTo = (file: string, prefix: string) => (line: string) => {
    appendFileSync(join(logDir, `${file}.log`), `${line}\n`);
    log(`${prefix}${line}`);
  };
  const workerLog = logTo('worker', 'worker: ');
  const ports = await allocatePorts(options.ports);
  const keys = await loadOrCreateKeys(join(dir, 'keys.json'));
  const payCallbackSecret = createHmac('sha256', keys.jwtSecret).update('pay').digest('hex');
  // The portal server's own credential (functions' secret PORTAL_API_KEY), no Supabase API key.
  const portalKey = `wb_portal_${createHmac('sha256', keys.jwtSecret).update('portal').digest('base64url')}`;
  const secrets = [
    keys.secretKey,
    keys.serviceRoleKey,
    keys.jwtSecret,
    keys.signingKey.d,
    payCallbackSecret,
    portalKey,
    demo.fasKey,
    demo.routerSecret,
  ];
  const supabaseUrl = `http://127.0.0.1:${ports.gateway}`;
  const services: Service[] = [];
  const stop = async () => {
    for (const service of services.reverse()) {
      await service
        .stop()
        .catch((error: Error) => log(`stopping ${service.name}: ${error.message}`));
    }
  };

  try {
    const withApps = options.apps ?? true;
    const builds = withApps ? buildApps(['portal', 'admin'], log) : Promise.resolve();
    const db = await startDatabase({
      dir: join(dir, 'db'),
      port: ports.db,
      externalUrl: options.databaseUrl,
      ephemeral: options.ephemeral,
      log: () => {},
    });
    services.push({ name: 'postgres', stop: db.stop });
    const superuserUrl = db.superuserUrl;
    const passwords = await applyPlatform(superuserUrl);
    secrets.push(...Object.values(passwords), new URL(superuserUrl).password);
    const dbUrl = roleUrl(db.superuserUrl, 'postgres', passwords.postgres);
    const applied = await applyMigrations(dbUrl);
    if (applied.length) log(`applied ${applied.length} migration(s)`);
    const seeded = await applySeed(dbUrl);
    if (seeded === 'changed')
      log('supabase/seed.sql changed since it ran: `npm start -- --reset` re-seeds');

    // Daraja and Africa's Talking simulators unless real providers are wanted.
    const simulate = process.env.PAYMENT_PROVIDERS !== 'real';
    const daraja = simulate
      ? await startDarajaSim({ port: ports.daraja, log: logTo('sim-daraja', '') })
      : undefined;
    const sms = simulate ? await startSmsSim({ port: ports.sms }) : undefined;
    for (const sim of [daraja, sms]) if (sim) services.push({ name: 'simulator', stop: sim.stop });
    if (daraja) await configureDemoPayments(dbUrl);
    const mail = await startMailSim({ smtpPort: ports.smtp, httpPort: ports.mail });
    services.push({ name: 'mail catcher', stop: mail.stop });

    // The edge functions' own database role, as in production (supabase/functions/README.md).
    const functionsPassword = await setRolePassword(superuserUrl, 'edge_functions');
    secrets.push(functionsPassword);
    const functionsDbUrl = roleUrl(db.superuserUrl, 'edge_functions', functionsPassword);
    const [postgrest, functions] = await Promise.all([
      startPostgrest({
        authenticatorUrl: roleUrl(db.superuserUrl, 'authenticator', passwords.authenticator),
        jwtSecret: postgrestJwtSecret(keys),
        port: ports.postgrest,
        adminPort: ports.postgrestAdmin,
        logDir,
      }),
      startFunctions({
        port: ports.functions,
        folders: [functionsDir, ...(options.extraFunctionFolders ?? [])],
        env: {
          SUPABASE_URL: supabaseUrl,
          ...functionsKeyEnv(keys),
          SUPABASE_DB_URL: dbUrl,
          FUNCTIONS_DB_URL: functionsDbUrl,
          PAY_CALLBACK_SECRET: payCallbackSecret,
          PORTAL_API_KEY: portalKey,
          ...(daraja ? { DARAJA_BASE_URL: daraja.url } : {}),
          ...(sms ? { AT_BASE_URL: sms.url } : {}),
        },
        logDir,
      }),
    ]);
    services.push(postgrest, functions);

    const authSql = postgres(
      roleUrl(db.superuserUrl, 'supabase_auth_admin', passwords.supabase_auth_admin),
      {
        max: 5,
        onnotice: () => {},
      },
    );
    services.push({ name: 'auth', stop: () => authSql.end() });
    const gateway = await startGateway({
      port: ports.gateway,
      postgrestUrl: `http://127.0.0.1:${ports.postgrest}`,
      functionsUrl: `http://127.0.0.1:${ports.functions}`,
      keys,
      publicFunctions: new Set([...publicFunctions(), ...(options.extraPublicFunctions ?? [])]),
      auth: createAuthHandler({
        sql: authSql,
        jwt: jwtOf(keys),
        issuer: `${supabaseUrl}/auth/v1`,
        siteUrl: `http://127.0.0.1:${ports.admin}`,
        mailer: smtpMailer({ ...mail.smtp, from: 'WiFi Billing <noreply@wifi-billing.local>' }),
      }),
      log: logTo('gateway', 'gateway: '),
    });
    services.push({ name: 'gateway', stop: () => closeServer(gateway) });
    // The worker's own database role, as in production (worker/README.md).
    const workerPassword = await setRolePassword(superuserUrl, 'worker');
    secrets.push(workerPassword);
    const workerSql = postgres(roleUrl(db.superuserUrl, 'worker', workerPassword), {
      max: 4,
      onnotice: () => {},
    });
    services.push({ name: 'worker connection', stop: () => workerSql.end({ timeout: 2 }) });

    let radius: StackInfo['radius'];
    let radiusServer: Radius | undefined;
    if (radiusInstalled()) {
      const db = new URL(dbUrl);
      const radiusPassword = await setRolePassword(superuserUrl, 'freeradius');
      secrets.push(radiusPassword);
      const server = await startRadius({
        dir: join(dir, 'radius'),
        dbHost: db.hostname,
        dbPort: Number(db.port),
        dbName: db.pathname.slice(1),
        dbPassword: radiusPassword,
        workerSql,
        authPort: ports.radiusAuth,
        acctPort: ports.radiusAcct,
        // Tests send many wrong codes on purpose; people at `npm start` get production's delay.
        rejectDelay: options.ports === 'free' ? 0 : 1,
        logDir,
        // radius.log is FreeRADIUS's own output; this is its supervisor's and its jobs'.
        log: logTo('radius-jobs', 'radius: '),
      });
      services.push(server);
      secrets.push(server.statusSecret);
      radiusServer = server;
      radius = {
        host: server.host,
        authPort: server.authPort,
        acctPort: server.acctPort,
        secret: demo.routerSecret,
        pidFile: server.pidFile,
      };
    } else {
      log(
        `FreeRADIUS is not installed, so no RADIUS: apt-get install -y ${RADIUS_APT_PACKAGES.join(' ')}`,
      );
    }

    // One worker runs every periodic job, as the systemd unit does in production.
    const radiusJobs = radiusPlatformJobs({
      sql: workerSql,
      log: workerLog,
    });
    const groups = [
      paymentJobs(functionCaller(`${supabaseUrl}/functions/v1`, keys.secretKey)),
      radiusJobs,
      ...(radiusServer ? [radiusServer.jobs] : []),
      retentionJobs({ sql: workerSql, log: workerLog }),
      alertJobs({
        sql: workerSql,
        mailer: createMailer({
          url: new URL(`smtp://${mail.smtp.host}:${mail.smtp.port}`),
          from: 'WiFi Billing <noreply@wifi-billing.local>',
        }),
        log: workerLog,
      }),
    ];
    const worker = await startWorker({
      sql: workerSql,
      node: 'local',
      groups,
      log: workerLog,
    });
    services.push({
      name: 'worker',
      stop: async () => {
        await worker.stop();
        await radiusJobs.stop();
      },
    });

    await builds;
    let hotspotUrl: string | undefined;
    const apps = { supabaseUrl, publishableKey: keys.publishableKey };
    if (withApps) {
      services.push(
        await startPortal({
          port: ports.portal,
          ...apps,
          portalKey,
          logDir,
        }),
      );
      const portalUrl = `http://127.0.0.1:${ports.portal}`;
      services.push(await startAdmin({ port: ports.admin, ...apps, portalUrl, radius }));
      if (radius) {
        const sim = await startHotspotSim({
          port: ports.hotspot,
          // As the generated router files do: by the site's id, never its slug.
          portalUrl: `${portalUrl}/s/${demo.siteId}`,
          radius,
          router: { nasIp: demo.routerIp, secret: demo.routerSecret },
          log: logTo('sim-hotspot', 'hotspot: '),
        });
        services.push({ name: 'hotspot simulator', stop: sim.stop });
        hotspotUrl = sim.url;
      }
    }

    const info: StackInfo = {
      ...publicKeys(keys),
      portalKey,
      supabaseUrl,
      dbUrl,
      functionsDbUrl,
      superuserDbUrl: db.superuserUrl,
      portalUrl: `http://127.0.0.1:${ports.portal}`,
      adminUrl: `http://127.0.0.1:${ports.admin}`,
      demo,
      radius,
      daraja: daraja && {
        url: daraja.url,
        shortcode: SANDBOX_SHORTCODE,
        passkey: SANDBOX_PASSKEY,
      },
      sms: sms && { url: sms.url },
      mailUrl: mail.url,
      mailSmtp: mail.smtp,
      hotspot: hotspotUrl ? { url: hotspotUrl } : undefined,
    };
    writeFileSync(join(dir, 'stack.json'), JSON.stringify(info, null, 2), { mode: 0o600 });
    return { info, stop, secrets };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function allocatePorts(mode: 'default' | 'free') {
  const entries = await Promise.all(
    Object.entries(DEFAULT_PORTS).map(
      async ([name, port]) =>
        [name, mode === 'free' ? await freePort() : await portOr(port)] as const,
    ),
  );
  const ports = Object.fromEntries(entries) as typeof DEFAULT_PORTS;
  if (new Set(Object.values(ports)).size !== entries.length) return allocatePorts(mode);
  return ports;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
