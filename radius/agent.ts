// The production companion of FreeRADIUS (systemd: radius/systemd/wifi-billing-radius-agent
// .service): keeps /etc/freeradius/3.0/clients.conf equal to the routers in the database, runs
// the stale-session sweeper every minute and delivers queued Disconnect-Requests to the
// routers (radius/disconnect.ts). Locally stack/radius.ts does the same.
//
// Environment: PGHOST, PGPORT, PGDATABASE, PGUSER (freeradius), PGPASSWORD, PGSSLMODE as for
// FreeRADIUS itself; optional WB_RADDB (/etc/freeradius/3.0), WB_RADIUS_CONTROL_SOCKET
// (/var/run/freeradius/control.sock), WB_RADIUS_RESTART ("systemctl restart freeradius"),
// WB_SWEEP_INTERVAL_MS (60000; 0 when pg_cron runs radius.sweep()).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { fetchClients } from './clients.ts';
import { renderClients } from './clients-conf.ts';
import { startHousekeeping } from './housekeeping.ts';
import { handToFreerad } from './render.ts';

const run = promisify(execFile);
const log = (line: string) => console.log(line);
const raddb = process.env.WB_RADDB ?? '/etc/freeradius/3.0';
const controlSocket = process.env.WB_RADIUS_CONTROL_SOCKET ?? '/var/run/freeradius/control.sock';
const [command, ...args] = (process.env.WB_RADIUS_RESTART ?? 'systemctl restart freeradius').split(
  ' ',
);
const restart = async () => {
  await run(command, args, { timeout: 30_000 });
};

// postgres.js reads the same PG* variables as libpq.
const sql = postgres({ max: 2, onnotice: () => {} });

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

const housekeeping = await startHousekeeping({
  sql,
  raddb,
  controlSocket,
  loaded: clients,
  restart,
  sweepIntervalMs: Number(process.env.WB_SWEEP_INTERVAL_MS ?? 60_000),
  log,
});
log(`watching routers for ${raddb}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void housekeeping
      .stop()
      .then(() => sql.end({ timeout: 2 }))
      .then(() => process.exit(0));
  });
}
