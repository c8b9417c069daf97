// The worker in production (systemd: worker/wifi-billing-worker.service, one per RADIUS host):
// every periodic job of worker/jobs.ts and radius/housekeeping.ts, claimed in the database so
// that several hosts share them, plus this host's own: keeping
// /etc/freeradius/3.0/clients.conf equal to the routers in the database.
//
// Environment (worker/README.md): PGHOST, PGPORT, PGDATABASE, PGUSER (worker), PGPASSWORD,
// PGSSLMODE; WB_FUNCTIONS_URL (https://<project>.supabase.co/functions/v1) and WB_SECRET_KEY
// (the project's secret or service role key); optional WB_NODE (this host's name), WB_RADDB
// (/etc/freeradius/3.0), WB_RADIUS_CONTROL_SOCKET (/var/run/freeradius/control.sock),
// WB_RADIUS_RESTART ("systemctl restart freeradius").
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { fetchClients } from '../radius/clients.ts';
import { renderClients } from '../radius/clients-conf.ts';
import { radiusNodeJobs, radiusPlatformJobs } from '../radius/housekeeping.ts';
import { handToFreerad } from '../radius/render.ts';
import { functionCaller, paymentJobs } from './jobs.ts';
import { startWorker } from './worker.ts';

/** A setting the worker cannot run without: missing means a clear exit, not a guess. */
function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`worker: ${name} is not set (see worker/README.md)`);
    process.exit(78); // EX_CONFIG: systemd shows it, and Restart= does not spin on it forever
  }
  return value;
}

const run = promisify(execFile);
const log = (line: string) => console.log(line);
const functionsUrl = required('WB_FUNCTIONS_URL');
const secretKey = required('WB_SECRET_KEY');
const node = process.env.WB_NODE || hostname();
const raddb = process.env.WB_RADDB ?? '/etc/freeradius/3.0';
const controlSocket = process.env.WB_RADIUS_CONTROL_SOCKET ?? '/var/run/freeradius/control.sock';
const [command, ...args] = (process.env.WB_RADIUS_RESTART ?? 'systemctl restart freeradius').split(
  ' ',
);
const restart = async () => {
  await run(command, args, { timeout: 30_000 });
};

// postgres.js reads the same PG* variables as libpq.
const sql = postgres({ max: 4, onnotice: () => {} });

// Whatever FreeRADIUS loaded came from clients.conf: if that is already what the database
// says, it is current; otherwise write it and restart once.
const clients = await fetchClients(sql);
const file = join(raddb, 'clients.conf');
const text = renderClients(clients, (client, reason) =>
  log(`router left out: ${client.routerId}: ${reason}`),
);
if (!existsSync(file) || readFileSync(file, 'utf8') !== text) {
  writeFileSync(file, text, { mode: 0o640 });
  handToFreerad(file);
  await restart();
  log(`wrote ${file} (${clients.length} routers) and restarted FreeRADIUS`);
}
mkdirSync(join(raddb, 'clients.d'), { recursive: true });
handToFreerad(join(raddb, 'clients.d'));

const radiusJobs = radiusPlatformJobs({ sql, log });
const groups = [
  paymentJobs(functionCaller(functionsUrl, secretKey)),
  radiusJobs,
  radiusNodeJobs({ sql, raddb, controlSocket, loaded: clients, restart, log }),
];
const worker = await startWorker({
  sql,
  node,
  groups,
  log,
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void worker
      .stop()
      .then(() => radiusJobs.stop())
      .then(() => sql.end({ timeout: 2 }))
      .then(() => process.exit(0));
  });
}
