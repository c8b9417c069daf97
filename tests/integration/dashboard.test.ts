// dashboard_summary(): the admin dashboard's figures, computed in SQL.
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { clientAs, createTestUser, ownerSql, type TestUser } from '../support/users.ts';

type Summary = {
  revenue: Record<string, number>;
  daily: { day: string; kes: number }[];
  payments: { by_status: Record<string, number>; success_rate: number | null };
  sessions_online: number;
  sold_by_plan: { plan: string; count: number }[];
  top_sites: { site: string; kes: number }[];
};

let owner: TestUser;
let agent: TestUser;
let organizationId: string;
let market: string;
let stall: string;

beforeAll(async () => {
  const sql = ownerSql();
  const tag = randomBytes(4).toString('hex');
  [owner, agent] = await Promise.all([createTestUser('dash-owner'), createTestUser('dash-agent')]);
  [{ id: organizationId }] = await sql`
    insert into public.organizations (name) values (${`Dashboard ${tag}`}) returning id`;
  await sql`insert into public.memberships (organization_id, user_id, role)
            values (${organizationId}, ${owner.id}, 'owner'), (${organizationId}, ${agent.id}, 'agent')`;
  [{ id: market }, { id: stall }] = await sql`
    insert into public.sites (organization_id, slug, name)
    values (${organizationId}, ${`market-${tag}`}, 'Market'), (${organizationId}, ${`stall-${tag}`}, 'Stall')
    returning id`;
  const [day, week] = await sql`
    insert into public.plans (organization_id, name, price_kes, validity_seconds)
    values (${organizationId}, '1 day', 50, 86400), (${organizationId}, '1 week', 250, 604800)
    returning id`;
  // A cash sale names the person who sold it; vouchers M-Pesa issued name nobody.
  const voucher = async (
    planId: string,
    soldDaysAgo: number | null,
    soldBy: string | null = null,
  ) => {
    const [v] = await sql`
      insert into public.vouchers (organization_id, plan_id, sold_at, sold_price_kes, sold_by)
      values (${organizationId}, ${planId},
              ${soldDaysAgo === null ? null : sql`now() - make_interval(days => ${soldDaysAgo})`},
              ${soldDaysAgo === null ? null : 50}, ${soldBy})
      returning id`;
    return v!.id as string;
  };
  const paid = async (
    siteId: string,
    planId: string,
    kes: number,
    daysAgo: number,
    status = 'success',
  ) => {
    const voucherId = status === 'success' ? await voucher(planId, daysAgo) : null;
    await sql`
      insert into public.payments (organization_id, site_id, plan_id, phone, amount_kes, status,
                                   voucher_id, created_at, settled_at)
      values (${organizationId}, ${siteId}, ${planId}, '+254712000001', ${kes}, ${status}, ${voucherId},
              now() - make_interval(days => ${daysAgo}), now() - make_interval(days => ${daysAgo}))`;
  };
  await paid(market, day!.id, 50, 0);
  await paid(market, week!.id, 250, 3);
  await paid(stall, day!.id, 50, 10);
  await paid(stall, day!.id, 50, 40); // older than 30 days: left out
  await paid(market, day!.id, 50, 0, 'cancelled');
  await paid(market, day!.id, 50, 0, 'pending');
  await voucher(day!.id, 0, agent.id); // a cash sale today
  const online = await voucher(day!.id, 1, agent.id); // and one yesterday
  const nasIp = `2001:db8:${randomBytes(2).toString('hex')}::d`;
  await sql`insert into public.routers (organization_id, site_id, name, nas_ip, vendor)
            values (${organizationId}, ${market}, 'Market router', ${nasIp}, 'mikrotik')`;
  await sql`
    insert into radius.radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime,
                                voucher_id, router_id, organization_id)
    select 's1', ${`dash-${tag}`}, 'X', r.nas_ip, now(), ${online}, r.id, r.organization_id
    from public.routers r where r.nas_ip = ${nasIp}`;
});

async function summary(user: TestUser, siteId: string | null = null) {
  return clientAs(user).rpc('dashboard_summary', {
    p_organization_id: organizationId,
    p_site_id: siteId,
  });
}

describe('dashboard_summary', () => {
  it('adds up M-Pesa and cash revenue by Nairobi day, over today, 7 and 30 days', async () => {
    const { data, error } = await summary(owner);
    expect(error).toBeNull();
    const s = data as Summary;
    // today: 50 M-Pesa + 50 cash; 7 days: + 250 M-Pesa + 50 cash yesterday; 30 days: + 50 M-Pesa.
    expect(s.revenue).toEqual({
      today_kes: 100,
      last_7_days_kes: 400,
      last_30_days_kes: 450,
      mpesa_30_days_kes: 350,
      cash_30_days_kes: 100,
    });
    expect(s.daily).toHaveLength(30);
    expect(s.daily.reduce((sum, d) => sum + d.kes, 0)).toBe(450);
    expect(s.daily.at(-1)?.kes).toBe(100);
  });

  it('counts payments by status with the success rate, sessions online, sales by plan, top sites', async () => {
    const s = (await summary(owner)).data as Summary;
    expect(s.payments.by_status).toEqual({ success: 3, cancelled: 1, pending: 1 });
    expect(s.payments.success_rate).toBe(0.75);
    expect(s.sessions_online).toBe(1);
    expect(s.sold_by_plan).toEqual([
      { plan: '1 day', count: 4 },
      { plan: '1 week', count: 1 },
    ]);
    expect(s.top_sites).toEqual([
      { site: 'Market', kes: 300 },
      { site: 'Stall', kes: 50 },
    ]);
  });

  it("filters by site: that site's M-Pesa payments only", async () => {
    const s = (await summary(owner, stall)).data as Summary;
    expect(s.sessions_online).toBe(0);
    expect(s.revenue.last_30_days_kes).toBe(50);
    expect(s.revenue.cash_30_days_kes).toBe(0);
    expect(s.payments.by_status).toEqual({ success: 1 });
    expect(s.top_sites).toEqual([{ site: 'Stall', kes: 50 }]);
  });

  it('follows a late success and a cash sale as they happen', async () => {
    const sql = ownerSql();
    const [plan] =
      await sql`select id from public.plans where organization_id = ${organizationId} and name = '1 day'`;
    const [timedOut] = await sql`
      insert into public.payments (organization_id, site_id, plan_id, phone, amount_kes, status)
      values (${organizationId}, ${stall}, ${plan!.id}, '+254712000002', 50, 'timeout') returning id`;
    let s = (await summary(owner, stall)).data as Summary;
    expect(s.payments.by_status).toEqual({ success: 1, timeout: 1 });
    await sql`update public.payments set status = 'success', mpesa_receipt = ${`L${randomBytes(4).toString('hex')}`}
              where id = ${timedOut!.id}`;
    s = (await summary(owner, stall)).data as Summary;
    expect(s.payments.by_status).toEqual({ success: 2 });
    expect(s.revenue.today_kes).toBe(50);
    const [unsold] = await sql`insert into public.vouchers (organization_id, plan_id)
                               values (${organizationId}, ${plan!.id}) returning id`;
    const sold = await clientAs(owner).rpc('sell_voucher', {
      p_voucher_id: unsold!.id,
      p_price_kes: 40,
    });
    expect(sold.error).toBeNull();
    s = (await summary(owner)).data as Summary;
    expect(s.revenue.cash_30_days_kes).toBe(140);
  });

  it('is refused to agents', async () => {
    const { data, error } = await summary(agent);
    expect(data).toBeNull();
    expect(error?.code).toBe('42501');
  });
});
