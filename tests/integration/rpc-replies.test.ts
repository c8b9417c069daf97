// Every public RPC that returns jsonb, called against the real stack with real rows, its reply
// parsed with its declared schema (supabase/functions/_shared/contract/rpc-replies.ts) in strict
// mode: a missing key, a wrong type or null, or a key the schema does not name fails. Each
// variant a function can answer is reached at least once (null, {ok: false, error}, empty and
// full lists), and the catalogue's list of jsonb RPCs must match the schemas exactly.
import type { SupabaseClient } from '@supabase/supabase-js';
import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { callRpc } from '../../supabase/functions/_shared/contract/call-rpc.ts';
import {
  rpcReplies,
  type JsonbRpc,
  type RpcReply,
} from '../../supabase/functions/_shared/contract/rpc-replies.ts';
import {
  createPayHotspot,
  receipt,
  testMac,
  testPhone,
  type PayHotspot,
} from '../support/payments.ts';
import { randomRouterNetwork } from '../support/personas.ts';
import { stackInfo } from '../support/stack.ts';
import { strictly } from '../support/strict.ts';
import { client, clientAs, createTestUser, ownerSql, type TestUser } from '../support/users.ts';

const strict = Object.fromEntries(
  Object.entries(rpcReplies).map(([name, schema]) => [name, strictly(schema)]),
) as typeof rpcReplies;

/** How many replies of each RPC this file checked. */
const checkedReplies = new Map<string, number>();

/** Calls `name` and returns its reply, failing unless the strict schema accepts it. */
async function reply<N extends JsonbRpc>(
  caller: SupabaseClient,
  name: N,
  args: Record<string, unknown>,
): Promise<RpcReply<N>> {
  const { data, error } = await caller.rpc(name, args);
  expect(error, `${name}(${JSON.stringify(args)})`).toBeNull();
  const parsed = strict[name].safeParse(data);
  if (!parsed.success) {
    expect.fail(`${name}: ${z.prettifyError(parsed.error)}\nreply: ${JSON.stringify(data)}`);
  }
  checkedReplies.set(name, (checkedReplies.get(name) ?? 0) + 1);
  return parsed.data as RpcReply<N>;
}

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

let hotspot: PayHotspot;
let owner: TestUser;
let asOwner: SupabaseClient;
const anon = client();
let bareOrganizationId: string;
let quietSiteSlug: string;
let voucher: { id: string; code: string };
let paid: { token: string; receipt: string; phone: string };
let pendingToken: string;
const pendingMac = testMac();

beforeAll(async () => {
  const sql = ownerSql();
  const tag = randomBytes(4).toString('hex');
  [hotspot, owner] = await Promise.all([createPayHotspot(20), createTestUser('replies-owner')]);
  asOwner = clientAs(owner);
  const org = hotspot.organizationId;
  const [bare] =
    await sql`insert into public.organizations (name) values (${`Bare ${tag}`}) returning id`;
  bareOrganizationId = bare!.id;
  await sql`insert into public.memberships (organization_id, user_id, role)
            values (${org}, ${owner.id}, 'owner'), (${bareOrganizationId}, ${owner.id}, 'owner')`;
  quietSiteSlug = `quiet-${tag}`;
  await sql`insert into public.sites (organization_id, slug, name) values (${org}, ${quietSiteSlug}, 'Quiet')`;

  // A plan with every limit set (the hotspot's own plan has none but validity).
  const [limited] = await sql`
    insert into public.plans (organization_id, name, price_kes, validity_seconds, time_quota_seconds,
      data_quota_bytes, download_kbps, upload_kbps, devices_allowed)
    values (${org}, 'Limited', 50, 86400, 3600, 104857600, 2048, 1024, 2) returning id`;
  await sql`insert into public.plan_sites (plan_id, site_id, organization_id)
            values (${limited!.id}, ${hotspot.siteId}, ${org})`;

  // A voucher in use: a bound device and sessions, one at a router since deleted (no name).
  [voucher] = await sql`insert into public.vouchers (organization_id, plan_id)
                        values (${org}, ${limited!.id}) returning id, code`;
  await sql`update public.vouchers set first_used_at = now() - interval '1 hour',
              expires_at = now() + interval '23 hours', used_seconds = 600, used_bytes = 5000
            where id = ${voucher.id}`;
  await sql`insert into radius.voucher_devices (voucher_id, mac) values (${voucher.id}, 'aa:bb:cc:00:00:01')`;
  const [{ nas_ip: nasIp }] =
    await sql`select nas_ip::text from public.routers where id = ${hotspot.routerId}`;
  // Each session records the router it arrived from (radacct.router_id) and its organization.
  const session = (
    router: { id: string; nas: string },
    id: string,
    startedAgo: number,
    updatedAgo: number,
    stopped: boolean,
  ) =>
    sql`insert into radius.radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime,
          acctupdatetime, acctstoptime, acctsessiontime, acctinputoctets, acctoutputoctets, voucher_id,
          mac, acctterminatecause, router_id, organization_id)
        values (${id}, ${`${tag}-${id}`}, ${voucher.code}, ${router.nas}, now() - make_interval(mins => ${startedAgo}),
          now() - make_interval(mins => ${updatedAgo}), ${stopped ? sql`now() - make_interval(mins => ${updatedAgo})` : null},
          ${startedAgo * 60}, 1000, 2000, ${voucher.id}, 'aa:bb:cc:00:00:01',
          ${stopped ? 'User-Request' : null}, ${router.id}, ${org})`;
  const router = { id: hotspot.routerId, nas: nasIp };
  // Open and quiet for 30 minutes: the router counts as silent.
  await session(router, 'open', 60, 30, false);
  await session(router, 'done', 120, 90, true);
  const deleted = { id: randomUUID(), nas: randomRouterNetwork() };
  await session(deleted, 'elsewhere', 200, 190, true);

  // Payments: one paid with its voucher, one pending from a device, one whose push failed.
  const phone = testPhone();
  paid = { token: randomBytes(16).toString('hex'), receipt: receipt(), phone };
  const [paidVoucher] = await sql`insert into public.vouchers (organization_id, plan_id)
                                  values (${org}, ${hotspot.planId}) returning id`;
  await sql`
    insert into public.payments (organization_id, site_id, plan_id, phone, amount_kes, status,
      settled_at, mpesa_receipt, result_code, voucher_id, status_token)
    values (${org}, ${hotspot.siteId}, ${hotspot.planId}, ${phone}, 20, 'success', now(),
      ${paid.receipt}, 0, ${paidVoucher!.id}, ${paid.token})`;
  pendingToken = randomBytes(16).toString('hex');
  await sql`insert into public.payments (organization_id, site_id, plan_id, phone, amount_kes,
              client_mac, status_token)
            values (${org}, ${hotspot.siteId}, ${hotspot.planId}, ${testPhone()}, 20,
              ${pendingMac}, ${pendingToken})`;
  await sql`insert into public.payments (organization_id, plan_id, phone, amount_kes, status, push_error)
            values (${org}, ${hotspot.planId}, ${testPhone()}, 20, 'failed', 'Invalid Access Token')`;
  await sql`insert into public.sms_outbox (organization_id, to_phone, body, status, last_error)
            values (${org}, ${phone}, 'Your code', 'failed', 'InsufficientBalance')`;
});

describe('the declared replies', () => {
  it('cover exactly the public RPCs that return jsonb', async () => {
    const rows = await ownerSql()<{ name: string }[]>`
      select distinct p.proname as name
      from pg_catalog.pg_proc p
      join pg_catalog.pg_namespace n on n.oid = p.pronamespace
      where n.nspname = 'public' and p.prorettype = 'jsonb'::regtype
      order by 1`;
    const catalogue = rows.map((r) => r.name);
    expect(catalogue.length).toBeGreaterThanOrEqual(20);
    const missing = catalogue.filter((name) => !(name in rpcReplies));
    expect(missing, 'jsonb RPCs without a schema in contract/rpc-replies.ts').toEqual([]);
    expect(Object.keys(rpcReplies).filter((name) => !catalogue.includes(name))).toEqual([]);
  });

  it('are checked strictly: a key the schema does not name fails', () => {
    const sample = { receipt: 'ABC123', refunded_at: '2026-12-05T10:00:00+00:00' };
    expect(strict.support_mark_refunded.safeParse(sample).success).toBe(true);
    expect(strict.support_mark_refunded.safeParse({ ...sample, extra: 1 }).success).toBe(false);
  });
});

describe('portal RPCs', () => {
  it('portal_site, set_site_logo, portal_logo: with and without a logo, unknown slug', async () => {
    const removed = await reply(asOwner, 'set_site_logo', {
      p_site_id: hotspot.siteId,
      p_image_base64: null,
    });
    expect(removed).toEqual({ content_type: null, size: 0, logo_url: null });
    expect(await reply(anon, 'portal_logo', { p_slug: hotspot.siteSlug })).toBeNull();
    const set = await reply(asOwner, 'set_site_logo', {
      p_site_id: hotspot.siteId,
      p_image_base64: PNG,
    });
    expect(set.logo_url).toMatch(/^\/s\//);
    expect(await reply(anon, 'portal_logo', { p_slug: hotspot.siteSlug })).toMatchObject({
      content_type: 'image/png',
    });
    const site = await reply(anon, 'portal_site', { p_slug: hotspot.siteSlug });
    expect(site?.logo_url).toBe(set.logo_url);
    expect(site?.plans.map((p) => p.time_quota_seconds)).toEqual([null, 3600]);
    expect(await reply(anon, 'portal_site', { p_slug: `no-such-${quietSiteSlug}` })).toBeNull();
  });

  it('portal_voucher_status: a voucher, an unknown code, a site out of guesses', async () => {
    const status = await reply(anon, 'portal_voucher_status', {
      p_site_slug: hotspot.siteSlug,
      p_code: voucher.code,
    });
    expect(status).toMatchObject({ ok: true, status: 'active', used_seconds: 600 });
    const unknown = { p_site_slug: quietSiteSlug, p_code: 'ABCDEFGHJK' };
    expect(await reply(anon, 'portal_voucher_status', unknown)).toEqual({
      ok: false,
      error: 'not_found',
    });
    // After 15 misses in a 10-minute window from callers without the secret key (one address
    // to private.lookup_throttle) it answers rate_limited (a window may end on the way, hence
    // the margin).
    let last: RpcReply<'portal_voucher_status'> | undefined;
    for (let i = 0; i < 45 && !(last && !last.ok && last.error === 'rate_limited'); i++) {
      last = await reply(anon, 'portal_voucher_status', unknown);
    }
    expect(last).toMatchObject({ ok: false, error: 'rate_limited' });
  });

  it('payment_status and portal_resume: paid, pending, unknown', async () => {
    expect(await reply(anon, 'payment_status', { p_token: paid.token })).toMatchObject({
      status: 'success',
      result_code: '0',
    });
    expect(await reply(anon, 'payment_status', { p_token: pendingToken })).toMatchObject({
      status: 'pending',
      voucher_code: null,
    });
    expect(await reply(anon, 'payment_status', { p_token: '0'.repeat(32) })).toBeNull();
    const service = client(stackInfo().secretKey);
    const resume = { p_site_slug: hotspot.siteSlug, p_mac: pendingMac };
    expect(await reply(service, 'portal_resume', resume)).toEqual({
      status_token: pendingToken,
      status: 'pending',
    });
    expect(await reply(service, 'portal_resume', { ...resume, p_mac: testMac() })).toBeNull();
  });

  it('recover_voucher: found, too small, not found, rate limited', async () => {
    const args = { p_site_slug: hotspot.siteSlug, p_receipt: paid.receipt, p_phone: paid.phone };
    expect(await reply(anon, 'recover_voucher', args)).toMatchObject({ ok: true, amount_kes: 20 });
    const small = { code: receipt(), phone: testPhone() };
    await ownerSql()`
      insert into private.unmatched_receipts (receipt, organization_id, site_id, phone, amount_kes,
                                              reason, verification, verified_amount_kes)
      values (${small.code}, ${hotspot.organizationId}, ${hotspot.siteId}, ${small.phone}, 5,
              'amount_mismatch', 'confirmed', 5)`;
    expect(
      await reply(anon, 'recover_voucher', {
        ...args,
        p_receipt: small.code,
        p_phone: small.phone,
      }),
    ).toEqual({ ok: false, error: 'amount_too_small', amount_kes: 5 });
    // Asked, not confirmed by Daraja yet (asked just now: not asked again for 5 minutes).
    const waiting = { code: receipt(), phone: testPhone() };
    await ownerSql()`
      insert into private.unmatched_receipts (receipt, organization_id, site_id, phone, amount_kes,
                                              reason, verification, verification_requested_at)
      values (${waiting.code}, ${hotspot.organizationId}, ${hotspot.siteId}, ${waiting.phone}, 20,
              'c2b', 'requested', now())`;
    expect(
      await reply(anon, 'recover_voucher', {
        ...args,
        p_receipt: waiting.code,
        p_phone: waiting.phone,
      }),
    ).toEqual({ ok: false, error: 'verifying', retry_after_seconds: 5 });
    // Five tries per phone in ten minutes; the sixth is refused.
    const guess = { ...args, p_receipt: receipt(), p_phone: testPhone() };
    for (let i = 0; i < 5; i++) {
      expect(await reply(anon, 'recover_voucher', guess)).toEqual({
        ok: false,
        error: 'not_found',
      });
    }
    expect(await reply(anon, 'recover_voucher', guess)).toMatchObject({ error: 'rate_limited' });
  });
});

describe('admin RPCs', () => {
  it('create_router and router_setup: with its secret, and a router without one', async () => {
    const created = await reply(asOwner, 'create_router', {
      p_site_id: hotspot.siteId,
      p_name: 'Replies router',
      p_nas_ip: randomRouterNetwork(),
      p_vendor: 'mikrotik',
    });
    const setup = await reply(asOwner, 'router_setup', { p_router_id: created.router_id });
    expect(setup.secret).toBe(created.secret);
    // The hotspot's router was inserted directly, without a secret.
    expect(await reply(asOwner, 'router_setup', { p_router_id: hotspot.routerId })).toMatchObject({
      secret: null,
    });
  });

  it('dashboard_summary, revenue_summary, dashboard_alerts: with sales and for nothing', async () => {
    const sold = await reply(asOwner, 'sell_voucher', { p_voucher_id: voucher.id });
    expect(sold.sold_price_kes).toBe(50);
    const organization = { p_organization_id: hotspot.organizationId };
    const summary = await reply(asOwner, 'dashboard_summary', organization);
    expect(summary.revenue).toMatchObject({ mpesa_30_days_kes: 20, cash_30_days_kes: 50 });
    expect(summary.payments.success_rate).toBe(0.5);
    await reply(asOwner, 'dashboard_summary', { ...organization, p_site_id: hotspot.siteId });
    const empty = await reply(asOwner, 'dashboard_summary', {
      p_organization_id: bareOrganizationId,
    });
    expect(empty.payments).toEqual({ by_status: {}, success_rate: null });
    expect(await reply(asOwner, 'revenue_summary', organization)).toMatchObject({
      today_kes: 20,
    });
    const alerts = await reply(asOwner, 'dashboard_alerts', organization);
    expect(alerts.map((a) => a.kind).sort()).toEqual([
      'router_silent',
      'sms_failing',
      'stk_failing',
    ]);
    expect(
      await reply(asOwner, 'dashboard_alerts', { p_organization_id: bareOrganizationId }),
    ).toEqual([]);
  });

  it('invite_member and accept_invitation: invited, then joined', async () => {
    const invitee = await createTestUser('replies-invitee');
    // An organization of its own: the exports below count the members of the others.
    const created = await asOwner.rpc('create_organization', { p_name: 'Invites' });
    const organizationId = created.data as string;
    const invited = await reply(asOwner, 'invite_member', {
      p_organization_id: organizationId,
      p_email: invitee.email,
      p_role: 'admin',
    });
    expect(invited).toMatchObject({ email: invitee.email, role: 'admin' });
    expect(
      await reply(clientAs(invitee), 'accept_invitation', {
        p_invitation_id: invited.invitation_id,
      }),
    ).toEqual({ organization_id: organizationId, role: 'admin' });
  });

  it('release_vouchers: a batch released, then nothing left to release', async () => {
    const [batch] = await ownerSql()`
      insert into public.voucher_batches (organization_id, plan_id, count)
      values (${hotspot.organizationId}, ${hotspot.planId}, 2) returning id`;
    expect(await reply(asOwner, 'release_vouchers', { p_batch_id: batch!.id })).toEqual({
      released: 2,
    });
    expect(await reply(asOwner, 'release_vouchers', { p_batch_id: batch!.id })).toEqual({
      released: 0,
    });
  });

  it('sessions_online, session_history, router_health, voucher_sessions', async () => {
    const organization = { p_organization_id: hotspot.organizationId };
    expect(await reply(asOwner, 'sessions_online', organization)).toHaveLength(1);
    // Finished: one at the router, one at a router deleted since (router and site null).
    const history = await reply(asOwner, 'session_history', organization);
    expect(history.map((s) => s.router === null)).toEqual([false, true]);
    const health = await reply(asOwner, 'router_health', organization);
    expect(health.map((h) => h.last_accounting_at === null).sort()).toEqual([false, true]);
    const usage = await reply(asOwner, 'voucher_sessions', { p_voucher_id: voucher.id });
    expect(usage.devices).toHaveLength(1);
    expect(usage.sessions.map((s) => s.router === null)).toEqual([false, false, true]);
  });

  it('payment_settings and its setters: none yet, then both', async () => {
    expect(
      await reply(asOwner, 'payment_settings', { p_organization_id: bareOrganizationId }),
    ).toEqual({ mpesa: null, sms: null });
    const mpesa = await reply(asOwner, 'set_mpesa_settings', {
      p_organization_id: bareOrganizationId,
      p_environment: 'sandbox',
      p_shortcode: '600000',
      p_account_type: 'till',
      p_till_number: '123456',
      p_passkey: 'passkey-0123456789',
      p_consumer_key: 'consumer-key',
      p_consumer_secret: 'consumer-secret',
    });
    expect(mpesa).toMatchObject({ mpesa: { till_number: '123456' }, sms: null });
    const both = await reply(asOwner, 'set_sms_settings', {
      p_organization_id: bareOrganizationId,
      p_username: 'sandbox',
      p_api_key: 'api-key-0123456789',
      p_sender_id: null,
    });
    expect(both.sms).toMatchObject({ sender_id: null, api_key_hint: '…6789' });
    await reply(asOwner, 'payment_settings', { p_organization_id: bareOrganizationId });
  });

  it('support RPCs and unmatched_receipts: redeemed, refunded, open, C2B', async () => {
    const sql = ownerSql();
    const org = hotspot.organizationId;
    const [issued, refunded, c2b] = [receipt(), receipt(), receipt()];
    await sql`
      insert into private.unmatched_receipts (receipt, organization_id, site_id, phone, msisdn_hint,
                                              amount_kes, reason)
      values (${issued}, ${org}, ${hotspot.siteId}, ${testPhone()}, null, 60, 'amount_mismatch'),
             (${refunded}, ${org}, ${hotspot.siteId}, ${testPhone()}, null, 30, 'no_payment'),
             (${c2b}, ${org}, null, null, '2547 ***** 678', 20, 'c2b')`;
    const voucherIssued = await reply(asOwner, 'support_issue_voucher', {
      p_receipt: issued,
      p_plan_id: hotspot.planId,
      p_phone: testPhone(),
    });
    expect(
      await reply(asOwner, 'support_mark_refunded', { p_receipt: refunded, p_note: null }),
    ).toMatchObject({ receipt: refunded });
    await reply(asOwner, 'support_resend_sms', { p_payment_id: voucherIssued.payment_id });
    const listed = await reply(asOwner, 'unmatched_receipts', { p_organization_id: org });
    const byReceipt = new Map(listed.map((r) => [r.receipt, r]));
    expect(byReceipt.get(issued)).toMatchObject({ overpaid_kes: 40 });
    expect(byReceipt.get(refunded)?.refunded_at).not.toBeNull();
    expect(byReceipt.get(c2b)).toMatchObject({ phone: null, msisdn_hint: '2547 ***** 678' });
  });

  it('export_organization: an organization full of rows, and one with almost none', async () => {
    const full = await reply(asOwner, 'export_organization', {
      p_organization_id: hotspot.organizationId,
    });
    expect(full.organization.id).toBe(hotspot.organizationId);
    expect(full.payments.length).toBeGreaterThan(0);
    const bare = await reply(asOwner, 'export_organization', {
      p_organization_id: bareOrganizationId,
    });
    expect(bare).toMatchObject({ sites: [], vouchers: [], payments: [] });
    expect(bare.memberships).toEqual([expect.objectContaining({ email: owner.email })]);
  });

  it('customer_data_export and erase_customer: a paying phone, and one never seen', async () => {
    const full = await reply(asOwner, 'customer_data_export', {
      p_organization_id: hotspot.organizationId,
      p_phone: paid.phone,
    });
    expect(full.payments.length).toBeGreaterThan(0);
    const none = await reply(asOwner, 'customer_data_export', {
      p_organization_id: hotspot.organizationId,
      p_phone: testPhone(),
    });
    expect(none).toMatchObject({ customer: null, payments: [], sessions: [], sms: [] });
    // A phone the organization never saw: nothing to erase (the shared fixture stays as it is).
    const erased = await reply(asOwner, 'erase_customer', {
      p_organization_id: hotspot.organizationId,
      p_phone: testPhone(),
    });
    expect(erased).toMatchObject({ erased: false, payments: 0 });
  });

  it('callRpc types the arguments and parses the reply (as the admin calls it)', async () => {
    const { data, error } = await callRpc(asOwner, 'revenue_summary', {
      p_organization_id: hotspot.organizationId,
    });
    expect(error).toBeNull();
    // The paid payment and the receipt support issued a voucher for.
    expect(data?.today_kes).toBe(80);
  });
});

// Last, so it sees every call above: each jsonb RPC of the catalogue had a reply checked.
it('checked a reply of every jsonb RPC', () => {
  expect([...checkedReplies.keys()].sort()).toEqual(Object.keys(rpcReplies).sort());
});
