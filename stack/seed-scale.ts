// `npm run seed:scale`: fills the database of a running `npm start` with data at scale, to try
// the admin against it: 2 organizations with 10 sites and 50 routers each, 1,000,000 payments,
// 5,000,000 RADIUS accounting rows and 200,000 vouchers in all (the generator of
// `npm run bench:admin`, bench/scale-data.ts). Each organization has an owner and an agent who
// can sign in to the admin. Runs once: `npm start -- --reset` starts over without the data.
// STACK_DIR=<dir> seeds another stack (default .local).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { finishScaleData, seedScaleOrganization } from '../bench/scale-data.ts';
import type { StackInfo } from './stack.ts';

const ORGANIZATIONS = 2;
const PER_ORGANIZATION = {
  sites: 10,
  routers: 50,
  customers: 10_000,
  vouchers: 100_000,
  payments: 500_000,
  accounting: 2_500_000,
};
const PASSWORD = 'scale-pass';

const root = new URL('..', import.meta.url).pathname;
const dir = process.env.STACK_DIR ?? join(root, '.local');
const log = (line: string) => console.log(`[seed:scale] ${line}`);
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

let info: StackInfo;
try {
  info = JSON.parse(readFileSync(join(dir, 'stack.json'), 'utf8')) as StackInfo;
} catch {
  console.error(`[seed:scale] no ${join(dir, 'stack.json')}: run \`npm start\` first.`);
  process.exit(1);
}
// One connection per organization: they load side by side.
const sql = postgres(info.superuserDbUrl, { max: ORGANIZATIONS, onnotice: () => {} });
const names = Array.from({ length: ORGANIZATIONS }, (_, i) => `Scale Hotspots ${i + 1}`);
const email = (n: number, role: string) => `scale${n}-${role}@demo.test`;

const reachable = await sql`select 1`.then(
  () => true,
  (error: Error) => {
    console.error(
      `[seed:scale] cannot reach the database (${error.message}): is \`npm start\` running?`,
    );
    return false;
  },
);
if (!reachable) {
  await sql.end();
  process.exit(1);
}

try {
  const existing = await sql`select name from public.organizations where name in ${sql(names)}`;
  if (existing.length) {
    log(
      `already seeded (${existing.map((o) => o.name).join(', ')}); \`npm start -- --reset\` starts over`,
    );
  } else {
    const t0 = performance.now();
    // Side by side, one connection each; each organization is one transaction.
    const organizations = await Promise.all(
      names.map((name, i) =>
        seedScaleOrganization(
          sql,
          info,
          {
            name,
            index: i + 1,
            slugPrefix: `scale${i + 1}-`,
            ...PER_ORGANIZATION,
            owner: { email: email(i + 1, 'owner'), password: PASSWORD },
            agent: { email: email(i + 1, 'agent'), password: PASSWORD },
            offset: i * PER_ORGANIZATION.accounting,
          },
          (line) => log(`${name}: ${line}`),
        ),
      ),
    );
    log(`organizations loaded in ${seconds(t0)}`);
    await finishScaleData(
      sql,
      organizations.map((org) => org.id),
      log,
    );
    const total = (n: number) => (n * ORGANIZATIONS).toLocaleString('en');
    log(
      `done in ${seconds(t0)}: ${total(PER_ORGANIZATION.payments)} payments, ` +
        `${total(PER_ORGANIZATION.accounting)} accounting rows, ${total(PER_ORGANIZATION.vouchers)} vouchers, ` +
        `${ORGANIZATIONS} organizations, ${total(PER_ORGANIZATION.sites)} sites`,
    );
    for (const [i, name] of names.entries()) {
      log(
        `${name}: sign in to ${info.adminUrl} as ${email(i + 1, 'owner')} or ${email(i + 1, 'agent')} / ${PASSWORD}`,
      );
    }
  }
} finally {
  await sql.end();
}
