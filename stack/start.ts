// `npm start`: the whole system locally with demo data; Ctrl-C stops everything.
// Flags: --reset (forget .local: new database, new keys, demo data again).
// DATABASE_URL=postgres://superuser@host/db uses that PostgreSQL instead of the embedded one.
import { join } from 'node:path';
import { installRadiusIfPossible } from './radius.ts';
import { DEMO_PHONES } from './sim/daraja.ts';
import { startStack } from './stack.ts';

const root = new URL('..', import.meta.url).pathname;
const began = performance.now();
const log = (line: string) => console.log(`[stack] ${line}`);

installRadiusIfPossible(log);
const stack = await startStack({
  dir: join(root, '.local'),
  ports: 'default',
  reset: process.argv.includes('--reset'),
  databaseUrl: process.env.DATABASE_URL,
  log,
}).catch((error: Error) => {
  console.error(`[stack] could not start: ${error.message}`);
  process.exit(1);
});

const { info } = stack;
console.log(`
  WiFi Billing is running (ready in ${((performance.now() - began) / 1000).toFixed(1)} s)

  Captive portal   ${info.portalUrl}/s/${info.demo.siteSlug}
  Hotspot (sim)    ${info.hotspot ? `${info.hotspot.url}  (open it as a phone would: any page leads to the portal, vouchers log in)` : 'not running (needs FreeRADIUS)'}
  Admin app        ${info.adminUrl}
                   sign in as ${info.demo.email} / ${info.demo.password}
  Supabase API     ${info.supabaseUrl}   (/rest/v1, /auth/v1, /functions/v1)
  Database         ${info.dbUrl.replace(/:[^:@/]+@/, ':***@')}
  RADIUS           ${info.radius ? `${info.radius.host} auth ${info.radius.authPort}, acct ${info.radius.acctPort}; demo router ${info.demo.routerIp}, secret ${info.radius.secret}` : 'not running (FreeRADIUS is not installed, see above)'}
  M-Pesa           ${info.daraja ? `Daraja simulator ${info.daraja.url} (shortcode ${info.daraja.shortcode}); demo phones:${DEMO_PHONES.map(([phone, what]) => `\n                     ${phone}  ${what}`).join('')}` : 'real Daraja (PAYMENT_PROVIDERS=real): set the M-Pesa settings in the admin app'}
  SMS              ${info.sms ? `Africa's Talking simulator, messages at ${info.sms.url}/_sim/messages` : "real Africa's Talking"}
  Emails           mail catcher ${info.mailUrl}/_sim/messages (invitations, password resets, job alerts)
  Everything else  .local/stack.json, logs in .local/logs/

  Ctrl-C stops everything.
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    log('stopping ...');
    await stack.stop();
    process.exit(0);
  });
}
