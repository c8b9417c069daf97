// "Agents cannot mint free internet" (SECURITY.md), each path written as its attacker against
// the real stack: an agent making a batch, a printed card used before anyone sold or released it
// (real RADIUS through radclient), an agent selling below the plan's price; and the legitimate
// journeys (sale, release, the owner's discount) still working.
import { beforeAll, describe, expect, it } from 'vitest';
import { createHotspot, login, type Hotspot } from '../support/radius.ts';
import { client, clientAs, createTestUser, ownerSql, type TestUser } from '../support/users.ts';

const sql = () => ownerSql();
let hotspot: Hotspot;
let owner: TestUser, admin: TestUser, agent: TestUser;

beforeAll(async () => {
  // The plan costs 10 KES.
  hotspot = await createHotspot();
  [owner, admin, agent] = await Promise.all([
    createTestUser('mint-owner'),
    createTestUser('mint-admin'),
    createTestUser('mint-agent'),
  ]);
  await sql()`insert into public.memberships (organization_id, user_id, role) values
    (${hotspot.organizationId}, ${owner.id}, 'owner'),
    (${hotspot.organizationId}, ${admin.id}, 'admin'),
    (${hotspot.organizationId}, ${agent.id}, 'agent')`;
});

const batchesOf = async (planId: string) =>
  Number(
    (await sql()`select count(*) as n from public.voucher_batches where plan_id = ${planId}`)[0]!.n,
  );
const vouchersOf = async (planId: string) =>
  Number((await sql()`select count(*) as n from public.vouchers where plan_id = ${planId}`)[0]!.n);
const voucher = async (code: string) =>
  (
    await sql()`select id, status, sold_by, sold_price_kes from public.vouchers where code = ${code}`
  )[0]!;

/** A batch of `count` vouchers made by the owner through the API; their codes. */
async function ownerBatch(count: number): Promise<{ batchId: string; codes: string[] }> {
  const made = await clientAs(owner)
    .from('voucher_batches')
    .insert({ organization_id: hotspot.organizationId, plan_id: hotspot.planId, count })
    .select('id')
    .single();
  expect(made.error).toBeNull();
  const rows = await sql()`select code from public.vouchers where batch_id = ${made.data!.id}`;
  return { batchId: made.data!.id, codes: rows.map((r) => r.code as string) };
}

describe('an agent making a batch', () => {
  it('is refused through the API, and nothing is created', async () => {
    const planId = await hotspot.plan({});
    const made = await clientAs(agent)
      .from('voucher_batches')
      .insert({ organization_id: hotspot.organizationId, plan_id: planId, count: 500 });
    expect(made.error?.code).toBe('42501');
    expect(await batchesOf(planId)).toBe(0);
    expect(await vouchersOf(planId)).toBe(0);
  });

  it('is refused through the RPCs: no release of a batch, not even of one they can read', async () => {
    // A batch of the agent's from before the rule (inserted directly), still inactive.
    const [batch] = await sql()`
      insert into public.voucher_batches (organization_id, plan_id, count, created_by)
      values (${hotspot.organizationId}, ${hotspot.planId}, 3, ${agent.id}) returning id`;
    const released = await clientAs(agent).rpc('release_vouchers', { p_batch_id: batch!.id });
    expect(released.error).toMatchObject({ code: '42501', hint: 'not_allowed' });
    const statuses = await sql()`select status from public.vouchers where batch_id = ${batch!.id}`;
    expect(statuses.map((r) => r.status)).toEqual(['inactive', 'inactive', 'inactive']);
    // Nor by making a voucher active directly (only owners and admins update vouchers).
    const [one] = await sql()`select id from public.vouchers where batch_id = ${batch!.id} limit 1`;
    const updated = await clientAs(agent)
      .from('vouchers')
      .update({ status: 'active' })
      .eq('id', one!.id)
      .select('id');
    expect(updated.data ?? []).toEqual([]);
    expect((await sql()`select status from public.vouchers where id = ${one!.id}`)[0]!.status).toBe(
      'inactive',
    );
  });

  it('an owner or admin still makes batches', async () => {
    const made = await clientAs(admin)
      .from('voucher_batches')
      .insert({ organization_id: hotspot.organizationId, plan_id: hotspot.planId, count: 2 });
    expect(made.error).toBeNull();
  });
});

describe('a printed batch voucher', () => {
  it('is refused by RADIUS as WB_NOT_ACTIVE until it is sold, then logs in', async () => {
    const { codes } = await ownerBatch(1);
    const code = codes[0]!;
    const before = await login(hotspot.router, code);
    expect(before?.code).toBe('Access-Reject');
    expect(before?.attributes['Reply-Message']).toBe('WB_NOT_ACTIVE');
    // The portal's status page says so in its own words (not "cancelled").
    const [site] = await sql()`select slug from public.sites where id = ${hotspot.siteId}`;
    const status = await client().rpc('portal_voucher_status', {
      p_site_slug: site!.slug,
      p_code: code,
    });
    expect(status.data).toMatchObject({ ok: true, status: 'inactive', seconds_left: 0 });

    const sold = await clientAs(owner).rpc('sell_voucher', {
      p_voucher_id: (await voucher(code)).id,
    });
    expect(sold.error).toBeNull();
    expect(await voucher(code)).toMatchObject({ status: 'active', sold_by: owner.id });
    expect((await login(hotspot.router, code))?.code).toBe('Access-Accept');
  });

  it('logs in once an owner or admin releases its batch (given away), audited', async () => {
    const { batchId, codes } = await ownerBatch(2);
    expect((await login(hotspot.router, codes[0]!))?.attributes['Reply-Message']).toBe(
      'WB_NOT_ACTIVE',
    );
    const released = await clientAs(admin).rpc('release_vouchers', { p_batch_id: batchId });
    expect(released).toMatchObject({ error: null, data: { released: 2 } });
    for (const code of codes)
      expect((await login(hotspot.router, code))?.code).toBe('Access-Accept');
    const audited = await sql()`
      select actor, old ->> 'status' as was, new ->> 'status' as now from public.audit_log
      where table_name = 'vouchers' and action = 'update'
        and row_id in (select id::text from public.vouchers where batch_id = ${batchId})`;
    expect(audited).toEqual([
      { actor: admin.id, was: 'inactive', now: 'active' },
      { actor: admin.id, was: 'inactive', now: 'active' },
    ]);
  });

  it('one voucher of a batch can be released alone', async () => {
    const { codes } = await ownerBatch(2);
    const released = await clientAs(owner).rpc('release_vouchers', {
      p_voucher_id: (await voucher(codes[0]!)).id,
    });
    expect(released.data).toEqual({ released: 1 });
    expect((await voucher(codes[1]!)).status).toBe('inactive');
  });

  it("an agent's own single voucher is inactive until the agent sells it", async () => {
    const issued = await clientAs(agent)
      .from('vouchers')
      .insert({ organization_id: hotspot.organizationId, plan_id: hotspot.planId } as never)
      .select('id, code, status')
      .single();
    expect(issued.error).toBeNull();
    expect(issued.data!.status).toBe('inactive');
    const code = issued.data!.code as string;
    expect((await login(hotspot.router, code))?.attributes['Reply-Message']).toBe('WB_NOT_ACTIVE');
    const sold = await clientAs(agent).rpc('sell_voucher', { p_voucher_id: issued.data!.id });
    expect(sold.error).toBeNull();
    expect((await login(hotspot.router, code))?.code).toBe('Access-Accept');
  });

  it('a voucher a payment issued is active at once (no user: settle_payment)', async () => {
    expect((await login(hotspot.router, await hotspot.voucher()))?.code).toBe('Access-Accept');
  });
});

describe('an agent selling below the price', () => {
  async function agentVoucher(planId = hotspot.planId) {
    const issued = await clientAs(agent)
      .from('vouchers')
      .insert({ organization_id: hotspot.organizationId, plan_id: planId } as never)
      .select('id, code')
      .single();
    expect(issued.error).toBeNull();
    return issued.data as { id: string; code: string };
  }

  it('is refused without a discount the owner set, and the voucher stays unsold', async () => {
    const { id, code } = await agentVoucher();
    for (const price of [0, 9]) {
      const sold = await clientAs(agent).rpc('sell_voucher', {
        p_voucher_id: id,
        p_price_kes: price,
      });
      expect(sold.error).toMatchObject({ code: '22023', hint: 'price_below_discount' });
    }
    expect(await voucher(code)).toMatchObject({ status: 'inactive', sold_by: null });
    expect((await login(hotspot.router, code))?.attributes['Reply-Message']).toBe('WB_NOT_ACTIVE');
    // At or above the price is the agent's call.
    const sold = await clientAs(agent).rpc('sell_voucher', { p_voucher_id: id, p_price_kes: 12 });
    expect(sold.error).toBeNull();
  });

  it('only the owner sets the discount: an admin is refused', async () => {
    const planId = await hotspot.plan({});
    const byAdmin = await clientAs(admin)
      .from('plans')
      .update({ max_discount_kes: 10 })
      .eq('id', planId);
    expect(byAdmin.error).toMatchObject({ code: '42501', hint: 'discount_owner_only' });
    const created = await clientAs(admin).from('plans').insert({
      organization_id: hotspot.organizationId,
      name: 'Discounted by an admin',
      price_kes: 10,
      validity_seconds: 3600,
      max_discount_kes: 5,
    });
    expect(created.error).toMatchObject({ code: '42501', hint: 'discount_owner_only' });
    const [plan] = await sql()`select max_discount_kes from public.plans where id = ${planId}`;
    expect(plan!.max_discount_kes).toBe(0);
  });

  it('is accepted within the discount the owner set, refused beyond it', async () => {
    const planId = await hotspot.plan({});
    const set = await clientAs(owner)
      .from('plans')
      .update({ max_discount_kes: 3 })
      .eq('id', planId);
    expect(set.error).toBeNull();
    const beyond = await agentVoucher(planId);
    const refused = await clientAs(agent).rpc('sell_voucher', {
      p_voucher_id: beyond.id,
      p_price_kes: 6,
    });
    expect(refused.error?.hint).toBe('price_below_discount');
    const within = await agentVoucher(planId);
    const sold = await clientAs(agent).rpc('sell_voucher', {
      p_voucher_id: within.id,
      p_price_kes: 7,
    });
    expect(sold.error).toBeNull();
    expect(await voucher(within.code)).toMatchObject({
      status: 'active',
      sold_by: agent.id,
      sold_price_kes: 7,
    });
    expect((await login(hotspot.router, within.code))?.code).toBe('Access-Accept');
  });
});
