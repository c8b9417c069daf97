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
import { finishScaleData, seedScaleOrganization } from './scale-data.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const root = new URL('..', import.meta.url).pathname;
const dir = join(root, '.local', `bench-admin-${process.pid}`);
const log = (line: string) => console.log(`[bench:admin] ${line}`);
// The voucher search as the admin made it before search_vouchers: a baseline, not a target.
const BASELINE_SEARCH = 'vouchers search, old like';

const stack = await startStack({ dir, ports: 'free', ephemeral: true, log: () => {} });
const { info } = stack;
const sql = postgres(info.superuserDbUrl, { max: 2, onnotice: () => {} });

try {
  const t0 = performance.now();
  const tenth = Math.max(1, Math.floor(ROWS / 10));
  const member = (role: string) => ({
    email: `${role}-${process.pid}@bench.test`,
    password: `pw-${role}-${process.pid}`,
  });
  const scale = await seedScaleOrganization(sql, info, {
    name: 'Scale Hotspots',
    index: 0,
    slugPrefix: 'scale-',
    sites: 20,
    routers: 100,
    owner: member('owner'),
    agent: member('agent'),
    customers: Math.max(1, Math.floor(tenth / 10)),
    vouchers: tenth,
    payments: tenth,
    accounting: ROWS,
    offset: 0,
  });
  const { id: org, planId: plan } = scale;
  const users = Object.fromEntries(
    await Promise.all(
      (['owner', 'agent'] as const).map(async (role) => {
        const client = createClient(info.supabaseUrl, info.publishableKey, {
          auth: { persistSession: false },
        });
        const signedIn = await client.auth.signInWithPassword(member(role));
        if (signedIn.error) throw signedIn.error;
        return [role, { client }] as const;
      }),
    ),
  );
  await finishScaleData(sql, [org]);
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
    c.rpc('dashboard_summary', { ...o, p_site_id: scale.siteIds[0] }),
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
  // The baseline: a `like` on the table, which RLS keeps from using the trigram index.
  await time(BASELINE_SEARCH, 'owner', (c) =>
    c
      .from('vouchers')
      .select('id, code')
      .eq('organization_id', org)
      .like('code', '%2AB%')
      .order('created_at', { ascending: false })
      .order('id', { ascending: false })
      .limit(101),
  );
  // As the admin searches (admin/src/lib/vouchers.ts): through search_vouchers, newest first.
  await time('vouchers search', 'owner', (c) =>
    c
      .rpc('search_vouchers', { p_organization_id: org, p_search: '2AB' })
      .select('id, code, created_at')
      .order('created_at', { ascending: false })
      .order('id', { ascending: false })
      .limit(101),
  );
  await time('vouchers search, 6 characters', 'owner', (c) =>
    c
      .rpc('search_vouchers', { p_organization_id: org, p_search: '2AB3CD' })
      .select('id, code, created_at')
      .order('created_at', { ascending: false })
      .order('id', { ascending: false })
      .limit(101),
  );
  await time('vouchers list (own)', 'agent', (c) =>
    c
      .from('vouchers')
      .select('id, code, status')
      .eq('organization_id', org)
      .order('created_at', { ascending: false })
      .limit(100),
  );
  // As the admin lists and searches customers (admin/src/lib/customers.ts), with their payments.
  const customerColumns =
    'id, phone, created_at, payments(id, amount_kes, status, created_at, mpesa_receipt)';
  await time('customers list', 'owner', (c) =>
    c
      .from('customers')
      .select(customerColumns)
      .eq('organization_id', org)
      .order('created_at', { ascending: false })
      .order('id', { ascending: false })
      .limit(101),
  );
  await time('customers search, phone', 'owner', (c) =>
    c
      .from('customers')
      .select(customerColumns)
      .eq('organization_id', org)
      .eq('phone', '+254700000042')
      .order('created_at', { ascending: false })
      .order('id', { ascending: false })
      .limit(101),
  );
  await time('customers search, last digits', 'owner', (c) =>
    c
      .rpc('search_customers', { p_organization_id: org, p_digits: '4242' })
      .select(customerColumns)
      .order('created_at', { ascending: false })
      .order('id', { ascending: false })
      .limit(101),
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
      `${label.padEnd(30)} ${who.padEnd(6)} ${p50.toFixed(1).padStart(7)}  ${p95.toFixed(1).padStart(7)}${label === BASELINE_SEARCH ? '   (baseline)' : p95 < 100 ? '' : '   over 100 ms'}`,
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
