// Scale data for the admin: organizations with sites, routers, a plan, members, customers,
// vouchers, payments and RADIUS accounting rows, generated in the database with set-based SQL.
// One piece of code for `npm run bench:admin` (one organization in a throwaway stack) and
// `npm run seed:scale` (two organizations in the database of `npm start`).
import { createClient } from '@supabase/supabase-js';
import type { Sql, TransactionSql } from 'postgres';

export type ScaleOptions = {
  name: string;
  /** Distinguishes the organizations of one database: router addresses 2001:db8:5ca1:<index>::<i>. */
  index: number;
  slugPrefix: string;
  sites: number;
  /** Spread over the sites. */
  routers: number;
  /** The owner and the agent who issued the vouchers (every tenth is the agent's; half are sold). */
  owner: { email: string; password: string };
  agent: { email: string; password: string };
  customers: number;
  vouchers: number;
  payments: number;
  accounting: number;
  /** Where the organization's numbering starts, so codes, receipts and session ids stay unique. */
  offset: number;
};

export type ScaleOrganization = {
  id: string;
  siteIds: string[];
  planId: string;
  ownerId: string;
  agentId: string;
};

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/**
 * One organization at scale, in one transaction (all or nothing; the users, created through
 * Supabase Auth's admin API, are reused when their email exists). The organization, sites,
 * routers (documentation-range IPv6, which FreeRADIUS does not load as clients), plan and
 * memberships go through the triggers; the bulk rows are data, not actions, so they are inserted
 * with triggers off: customers, vouchers over the last 60 days, payments (half success, the rest
 * failed, cancelled or timed out), accounting rows over the last 90 days (one in a thousand
 * still open). Payments belong to the customer with their phone number, when there is one.
 * Call `finishScaleData` afterwards for the dashboard's rollups and the planner's statistics.
 */
export async function seedScaleOrganization(
  sql: Sql,
  api: { supabaseUrl: string; secretKey: string },
  options: ScaleOptions,
  log: (line: string) => void = () => {},
): Promise<ScaleOrganization> {
  const { index, offset, routers } = options;
  const [ownerId, agentId] = await Promise.all([
    authUser(sql, api, options.owner),
    authUser(sql, api, options.agent),
  ]);
  const step = async <T>(what: string, count: number, run: () => PromiseLike<T>) => {
    const began = performance.now();
    const result = await run();
    log(`${count.toLocaleString('en')} ${what} in ${seconds(began)}`);
    return result;
  };
  return sql.begin(async (tx: TransactionSql) => {
    const [{ id }] =
      await tx`insert into public.organizations (name) values (${options.name}) returning id`;
    const siteIds = (
      await tx`
        insert into public.sites (organization_id, slug, name)
        select ${id}, ${options.slugPrefix} || i, 'Site ' || i
        from generate_series(1, ${options.sites}::int) i
        returning id`
    ).map((s) => s.id as string);
    const sites = tx.array(siteIds);
    await tx`
      insert into public.routers (organization_id, site_id, name, nas_ip, vendor)
      select ${id}, (${sites}::uuid[])[1 + (i % ${siteIds.length})], 'Router ' || i,
             ('2001:db8:5ca1:' || to_hex(${index}::int) || '::' || to_hex(i))::inet, 'mikrotik'
      from generate_series(1, ${routers}::int) i`;
    const [{ id: planId }] = await tx`
      insert into public.plans (organization_id, name, price_kes, validity_seconds)
      values (${id}, '1 day', 50, 86400) returning id`;
    await tx`insert into public.memberships (organization_id, user_id, role)
             values (${id}, ${ownerId}, 'owner'), (${id}, ${agentId}, 'agent')`;

    await tx`set local session_replication_role = replica`;
    await step(
      'customers',
      options.customers,
      () => tx`
        insert into public.customers (organization_id, phone)
        select ${id}, '+2547' || lpad(i::text, 8, '0')
        from generate_series(1, ${options.customers}::int) i`,
    );
    await step(
      'vouchers',
      options.vouchers,
      () => tx`
        insert into public.vouchers (organization_id, plan_id, code, price_kes, validity_seconds,
                                     devices_allowed, created_by, sold_by, sold_at, sold_price_kes,
                                     created_at)
        select ${id}, ${planId}, 'S' || translate(lpad(upper(to_hex(i)), 11, 'Z'), '01', 'XY'),
               50, 86400, 1,
               case when i % 10 = 0 then ${agentId}::uuid else ${ownerId}::uuid end,
               case when i % 2 = 0 then ${ownerId}::uuid end,
               now() - (i % 60) * interval '1 day', 50, now() - (i % 60) * interval '1 day'
        from generate_series(${offset + 1}::int, ${offset + options.vouchers}::int) i`,
    );
    await step(
      'payments',
      options.payments,
      () => tx`
        insert into public.payments (organization_id, site_id, plan_id, phone, customer_id,
                                     amount_kes, status, created_at, settled_at, mpesa_receipt)
        select ${id}, (${sites}::uuid[])[1 + (i % ${siteIds.length})], ${planId}, p.phone, c.id,
               50,
               (array['success','success','success','failed','cancelled','timeout'])[1 + (i % 6)],
               now() - (i % 60) * interval '1 day', now() - (i % 60) * interval '1 day',
               case when i % 6 < 3 then 'R' || i end
        from generate_series(${offset + 1}::int, ${offset + options.payments}::int) i
        cross join lateral (select '+2547' || lpad((i % 100000)::text, 8, '0') as phone) p
        left join public.customers c on c.organization_id = ${id} and c.phone = p.phone`,
    );
    await step(
      'accounting rows',
      options.accounting,
      () => tx`
        insert into radius.radacct (acctsessionid, acctuniqueid, username, nasipaddress,
                                    acctstarttime, acctupdatetime, acctstoptime, acctsessiontime,
                                    acctinputoctets, acctoutputoctets, acctterminatecause, mac,
                                    router_id, organization_id)
        select 's' || i, 'u' || i, 'CODE' || (i % 100000), r.nas_ip,
               t.started, t.updated, case when not t.open then t.updated end,
               3600, 1000000, 5000000, case when not t.open then 'User-Request' end,
               'aa:bb:cc:00:00:01', r.id, r.organization_id
        from generate_series(${offset + 1}::int, ${offset + options.accounting}::int) i
        -- One in a thousand is still open: started in the last 2 hours, updated in the last
        -- 5 minutes by the clock (the transaction is long; the stale-session sweeper closes
        -- what it has not heard from in 10), spread over all the routers.
        cross join lateral (
          select true as open, (i / 1000) % ${routers} as router,
                 clock_timestamp() - (i / 1000 % 7200) * interval '1 second' as started,
                 clock_timestamp() - (i / 1000 % 300) * interval '1 second' as updated
          where i % 1000 = 0
          union all
          select false, i % ${routers}, now() - (i % 90) * interval '1 day',
                 now() - (i % 90) * interval '1 day' + interval '1 hour'
          where i % 1000 <> 0) t
        -- The router the session arrived from (radacct.router_id, organization_id).
        join public.routers r
          on r.nas_ip = ('2001:db8:5ca1:' || to_hex(${index}::int) || '::' || to_hex(1 + t.router))::inet`,
    );
    return { id: id as string, siteIds, planId: planId as string, ownerId, agentId };
  });
}

/** A user who can sign in (Supabase Auth's admin API), or the existing one with that email. */
async function authUser(
  sql: Sql,
  api: { supabaseUrl: string; secretKey: string },
  { email, password }: { email: string; password: string },
): Promise<string> {
  const admin = createClient(api.supabaseUrl, api.secretKey, {
    auth: { persistSession: false },
  });
  const created = await admin.auth.admin.createUser({ email, password, email_confirm: true });
  if (created.data.user) return created.data.user.id;
  const [existing] = await sql`select id from auth.users where email = ${email}`;
  if (!existing) throw created.error;
  return existing.id as string;
}

/** The dashboard's daily rollups, as the triggers would have kept them, and fresh statistics. */
export async function finishScaleData(
  sql: Sql,
  organizationIds: string[],
  log: (line: string) => void = () => {},
): Promise<void> {
  let began = performance.now();
  for (const id of organizationIds) await sql`select private.rebuild_rollups(${id})`;
  log(`dashboard rollups in ${seconds(began)}`);
  began = performance.now();
  await sql`analyze`;
  log(`analyze in ${seconds(began)}`);
}
