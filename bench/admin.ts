// `npm run bench:admin`: the admin at scale. Fills one organization with BENCH_ROWS accounting
// rows (default 10,000,000) and a tenth as many payments and vouchers, then times every
// dashboard and list query the admin makes, through the gateway and PostgREST as a signed-in
// owner and agent (RLS on, never the service role): p50/p95 over BENCH_RUNS calls each. Also a
// batch of 10,000 vouchers, and the admin's initial JavaScript (gzip) from Chromium's network log.
// Targets (issue 6): p95 < 100 ms per query, 10,000 vouchers < 2 s, initial JS <= 150 KB gzip.
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { chromium } from '@playwright/test';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import postgres from 'postgres';
import { startStack } from '../stack/stack.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const root = new URL('..', import.meta.url).pathname;
const dir = join(root, '.local', `bench-admin-${process.pid}`);
const log = (line: string) => console.log(`[bench:admin] ${line}`);

const stack = await startStack({ dir, ports: 'free', ephemeral: true, log: () => {} });
const { info } = stack;
const sql = postgres(info.superuserDbUrl, { max: 2, onnotice: () => {} });

try {
  const t0 = performance.now();
  const [{ id: org }] =
    await sql`insert into public.organizations (name) values ('Scale Hotspots') returning id`;
  const sites = await sql`
    insert into public.sites (organization_id, slug, name)
    select ${org}, 'scale-' || i, 'Site ' || i from generate_series(1, 20) i returning id`;
  await sql`
    insert into public.routers (organization_id, site_id, name, nas_ip, vendor)
    select ${org}, (${sql.array(sites.map((s) => s.id as string))}::uuid[])[1 + (i % 20)],
           'Router ' || i, ('2001:db8:5ca1::' || to_hex(i))::inet, 'mikrotik'
    from generate_series(1, 100) i`;
  const [{ id: plan }] = await sql`
    insert into public.plans (organization_id, name, price_kes, validity_seconds)
    values (${org}, '1 day', 50, 86400) returning id`;
  const users = Object.fromEntries(
    await Promise.all(
      (['owner', 'agent'] as const).map(async (role) => {
        const email = `${role}-${process.pid}@bench.test`;
        const password = `pw-${role}-${process.pid}`;
        const admin = createClient(info.supabaseUrl, info.serviceRoleKey, {
          auth: { persistSession: false },
        });
        const created = await admin.auth.admin.createUser({ email, password, email_confirm: true });
        if (created.error) throw created.error;
        await sql`insert into public.memberships (organization_id, user_id, role) values (${org}, ${created.data.user.id}, ${role})`;
        const client = createClient(info.supabaseUrl, info.anonKey, {
          auth: { persistSession: false },
        });
        const signedIn = await client.auth.signInWithPassword({ email, password });
        if (signedIn.error) throw signedIn.error;
        return [role, { client, id: created.data.user.id }] as const;
      }),
    ),
  );
  const tenth = Math.max(1, Math.floor(ROWS / 10));
  // Bulk data straight into the tables (triggers off for the load only: it is data, not actions).
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await tx`
      insert into public.customers (organization_id, phone)
      select ${org}, '+2547' || lpad(i::text, 8, '0') from generate_series(1, ${Math.max(1, Math.floor(tenth / 10))}) i`;
    await tx`
      insert into public.vouchers (organization_id, plan_id, code, price_kes, validity_seconds,
                                   devices_allowed, created_by, sold_by, sold_at, sold_price_kes, created_at)
      select ${org}, ${plan}, 'S' || translate(lpad(upper(to_hex(i)), 11, 'Z'), '01', 'XY'), 50, 86400, 1,
             case when i % 10 = 0 then ${users.agent!.id}::uuid else ${users.owner!.id}::uuid end,
             case when i % 2 = 0 then ${users.owner!.id}::uuid end,
             now() - (i % 60) * interval '1 day', 50, now() - (i % 60) * interval '1 day'
      from generate_series(1, ${tenth}) i`;
    await tx`
      insert into public.payments (organization_id, site_id, plan_id, phone, amount_kes, status,
                                   created_at, settled_at, mpesa_receipt)
      select ${org}, (${tx.array(sites.map((s) => s.id as string))}::uuid[])[1 + (i % 20)], ${plan},
             '+2547' || lpad((i % 100000)::text, 8, '0'), 50,
             (array['success','success','success','failed','cancelled','timeout'])[1 + (i % 6)],
             now() - (i % 60) * interval '1 day', now() - (i % 60) * interval '1 day',
             case when i % 6 < 3 then 'R' || i end
      from generate_series(1, ${tenth}) i`;
    await tx`
      insert into radius.radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime,
                                  acctupdatetime, acctstoptime, acctsessiontime, acctinputoctets,
                                  acctoutputoctets, acctterminatecause, mac)
      select 's' || i, 'u' || i, 'CODE' || (i % 100000), ('2001:db8:5ca1::' || to_hex(1 + i % 100))::inet,
             now() - (i % 90) * interval '1 day', now() - (i % 90) * interval '1 day' + interval '1 hour',
             case when i % 1000 = 0 then null else now() - (i % 90) * interval '1 day' + interval '1 hour' end,
             3600, 1000000, 5000000, 'User-Request', 'aa:bb:cc:00:00:01'
      from generate_series(1, ${ROWS}) i`;
  });
  // The dashboard's daily rollups, as the triggers would have kept them.
  await sql`select private.rebuild_rollups(${org})`;
  await sql`analyze`;
  log(
    `scale data: ${ROWS.toLocaleString('en')} accounting rows, ${tenth.toLocaleString('en')} payments and vouchers (${((performance.now() - t0) / 1000).toFixed(0)} s to load)`,
  );

  const p = (sorted: number[], q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const results: [string, string, number, number][] = [];
  async function time(
    label: string,
    who: 'owner' | 'agent',
    call: (c: SupabaseClient) => PromiseLike<{ error: unknown }>,
  ) {
    const client = users[who]!.client;
    const first = await call(client);
    if (first.error) throw new Error(`${label}: ${JSON.stringify(first.error)}`);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const began = performance.now();
      const { error } = await call(client);
      times.push(performance.now() - began);
      if (error) throw new Error(`${label}: ${JSON.stringify(error)}`);
    }
    times.sort((a, b) => a - b);
    results.push([label, who, p(times, 0.5), p(times, 0.95)]);
  }
  const o = { p_organization_id: org };
  await time('dashboard_summary', 'owner', (c) => c.rpc('dashboard_summary', o));
  await time('dashboard_summary (one site)', 'owner', (c) =>
    c.rpc('dashboard_summary', { ...o, p_site_id: sites[0]!.id }),
  );
  await time('dashboard_alerts', 'owner', (c) => c.rpc('dashboard_alerts', o));
  await time('sessions_online', 'owner', (c) => c.rpc('sessions_online', o));
  await time('session_history', 'owner', (c) => c.rpc('session_history', o));
  await time('router_health', 'owner', (c) => c.rpc('router_health', o));
  await time('payments list', 'owner', (c) =>
    c
      .from('payments')
      .select('id, amount_kes, status, created_at')
      .eq('organization_id', org)
      .order('created_at', { ascending: false })
      .limit(100),
  );
  await time('payments, failed', 'owner', (c) =>
    c
      .from('payments')
      .select('id')
      .eq('organization_id', org)
      .eq('status', 'failed')
      .order('created_at', { ascending: false })
      .limit(100),
  );
  await time('vouchers list', 'owner', (c) =>
    c
      .from('vouchers')
      .select('id, code, status')
      .eq('organization_id', org)
      .order('created_at', { ascending: false })
      .limit(100),
  );
  await time('vouchers search', 'owner', (c) =>
    c
      .from('vouchers')
      .select('id, code')
      .eq('organization_id', org)
      .like('code', '%2AB%')
      .limit(100),
  );
  await time('vouchers list (own)', 'agent', (c) =>
    c
      .from('vouchers')
      .select('id, code, status')
      .eq('organization_id', org)
      .order('created_at', { ascending: false })
      .limit(100),
  );
  await time('customers search', 'owner', (c) =>
    c.from('customers').select('id, phone').eq('organization_id', org).eq('phone', '+254700000042'),
  );
  await time('plans', 'agent', (c) => c.from('plans').select('*').eq('organization_id', org));

  const batches: number[] = [];
  for (let i = 0; i < 3; i++) {
    const began = performance.now();
    const { error } = await users
      .owner!.client.from('voucher_batches')
      .insert({ organization_id: org, plan_id: plan, count: 10_000 });
    if (error) throw new Error(JSON.stringify(error));
    batches.push(performance.now() - began);
  }

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const page = await browser.newPage();
  const scripts = new Map<string, number>();
  page.on('response', async (response) => {
    if (response.request().resourceType() !== 'script') return;
    scripts.set(response.url(), gzipSync(await response.body()).length);
  });
  await page.goto(`${info.adminUrl}/login`, { waitUntil: 'networkidle' });
  await browser.close();
  const js = [...scripts.values()].reduce((sum, n) => sum + n, 0);

  console.log(
    `\nadmin at scale (${ROWS.toLocaleString('en')} accounting rows, ${tenth.toLocaleString('en')} payments, ${tenth.toLocaleString('en')} vouchers), ${RUNS} calls each:`,
  );
  console.log('query                          as      p50 ms   p95 ms');
  for (const [label, who, p50, p95] of results) {
    console.log(
      `${label.padEnd(30)} ${who.padEnd(6)} ${p50.toFixed(1).padStart(7)}  ${p95.toFixed(1).padStart(7)}${p95 < 100 ? '' : '   over 100 ms'}`,
    );
  }
  batches.sort((a, b) => a - b);
  console.log(
    `batch of 10,000 vouchers: median ${(batches[1]! / 1000).toFixed(2)} s (${batches.map((b) => (b / 1000).toFixed(2)).join(', ')})`,
  );
  console.log(
    `initial JavaScript (sign-in page): ${(js / 1024).toFixed(1)} KB gzip in ${scripts.size} files`,
  );
} finally {
  await sql.end();
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
}
