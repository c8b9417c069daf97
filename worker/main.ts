// The worker in production (systemd: deploy/systemd/wifi-billing-worker.service, one per RADIUS
// host, installed by deploy/install.ts): every periodic job of worker/jobs.ts and
// radius/housekeeping.ts, claimed in the database so that several hosts share them, plus this
// host's own: keeping FreeRADIUS's clients (one file per router in clients.d) equal to the
// routers in the database, live through its control socket, never restarting it
// (radius/clients.ts).
//
// Environment (worker/README.md; deploy/install.ts writes it): PGHOST, PGPORT, PGDATABASE,
// PGUSER (worker), PGPASSWORD, PGSSLMODE; WB_FUNCTIONS_URL
// (https://<project>.supabase.co/functions/v1) and WB_SECRET_KEY (the project's secret or
// service role key); WB_RADDB (FreeRADIUS's configuration: the worker writes its clients.d) and
// WB_RADIUS_CONTROL_SOCKET (group freerad); optional WB_NODE (this host's name), WB_SMTP_URL and
// WB_MAIL_FROM (job alerts to platform staff, worker/mail.ts).
import { hostname } from 'node:os';
import postgres from 'postgres';
import { radiusNodeJobs, radiusPlatformJobs } from '../radius/housekeeping.ts';
import { alertJobs } from './alerts.ts';
import { functionCaller, paymentJobs } from './jobs.ts';
import { retentionJobs } from './retention.ts';
import { createMailer, readMailSettings, smtpServer, type MailSettings } from './mail.ts';
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

const log = (line: string) => console.log(line);
// Optional: without WB_SMTP_URL no job alerts; a malformed one stops the worker like a missing one.
let mail: MailSettings | undefined;
try {
  mail = readMailSettings();
} catch (error) {
  console.error(`worker: ${(error as Error).message} (see worker/README.md)`);
  process.exit(78);
}
const functionsUrl = required('WB_FUNCTIONS_URL');
const secretKey = required('WB_SECRET_KEY');
const node = process.env.WB_NODE || hostname();
const raddb = required('WB_RADDB');
const controlSocket = required('WB_RADIUS_CONTROL_SOCKET');
// postgres.js reads the same PG* variables as libpq.
const sql = postgres({ max: 4, onnotice: () => {} });

const radiusJobs = radiusPlatformJobs({ sql, log });
const groups = [
  paymentJobs(functionCaller(functionsUrl, secretKey)),
  radiusJobs,
  radiusNodeJobs({ sql, raddb, controlSocket, log }),
  retentionJobs({ sql, log }),
  ...(mail ? [alertJobs({ sql, mailer: createMailer(mail), log })] : []),
];
log(mail ? `job alerts: mail through ${smtpServer(mail)}` : 'job alerts off: WB_SMTP_URL unset');
const worker = await startWorker({
  sql,
  node,
  groups,
  log,
});
// This worker's first radius-clients run has FreeRADIUS read every router again from the
// database's state (radius/clients.ts): now, not when the job's period next comes round.
await worker.wake('radius-clients');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void worker
      .stop()
      .then(() => radiusJobs.stop())
      .then(() => sql.end({ timeout: 2 }))
      .then(() => process.exit(0));
  });
}
