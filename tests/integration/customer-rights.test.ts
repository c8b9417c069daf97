// A customer's rights under Kenya's Data Protection Act 2019, as an auditor and as attackers:
// customer_data_export gives the owner everything organization A holds about one phone number
// (compared with what the tables hold), nothing of organization B; erase_customer removes that
// phone and its devices' MACs from every table that held them while the money records (amounts,
// receipts, dates) and the dashboard's totals stay. An agent, an admin and the owner of another
// organization get 42501 (hint not_allowed), nothing returned, nothing changed, nothing audited.
// The audit rows name the phone only masked. The portal's privacy notice answers on every site,
// by id and by slug, in English and Swahili, and every page of a site links to it.
import type { SupabaseClient } from '@supabase/supabase-js';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { receipt, testMac, testPhone } from '../support/payments.ts';
import { createPersonas, type World } from '../support/personas.ts';
import { stackInfo } from '../support/stack.ts';
import { clientAs, createTestUser, ownerSql, type TestUser } from '../support/users.ts';

type Row = Record<string, unknown>;

const sql = () => ownerSql();

let w: World;
let ownerB: TestUser;
let asOwnerB: SupabaseClient;

/** One customer's footprint in organization A (and the same phone at organization B). */
type Footprint = {
  phone: string;
  /** Without the +: how M-Pesa's callbacks write it. */
  msisdn: string;
  customerId: string;
  paidId: string;
  failedId: string;
  voucherId: string;
  code: string;
  receipt: string;
  unmatchedReceipt: string;
  payMac: string;
  deviceMac: string;
  smsId: string;
  otherPaymentId: string;
  bPaymentId: string;
};

/** Everything A and B hold about a phone, spread over every table that can hold it or its MACs. */
async function footprint(): Promise<Footprint> {
  const org = w.a.id;
  const phone = testPhone();
  const msisdn = phone.slice(1);
  const payMac = testMac();
  const deviceMac = testMac();
  const tag = randomBytes(4).toString('hex');
  const paidReceipt = receipt();
  const unmatchedReceipt = receipt();
  const [customer] = await sql()`
    insert into public.customers (organization_id, phone) values (${org}, ${phone}) returning id`;
  const [voucher] = await sql()`
    insert into public.vouchers (organization_id, plan_id, customer_id)
    values (${org}, ${w.a.planId}, ${customer!.id}) returning id, code`;
  const callback = {
    Body: {
      stkCallback: {
        ResultCode: 0,
        CallbackMetadata: {
          Item: [
            { Name: 'MpesaReceiptNumber', Value: paidReceipt },
            { Name: 'PhoneNumber', Value: Number(msisdn) },
          ],
        },
      },
    },
  };
  const [paid] = await sql()`
    insert into public.payments (organization_id, site_id, plan_id, customer_id, phone, amount_kes,
      status, settled_at, mpesa_receipt, voucher_id, client_mac, raw_callback)
    values (${org}, ${w.a.siteId}, ${w.a.planId}, ${customer!.id}, ${phone}, 50, 'success', now(),
      ${paidReceipt}, ${voucher!.id}, ${payMac}, ${sql().json(callback)})
    returning id`;
  const [failed] = await sql()`
    insert into public.payments (organization_id, site_id, plan_id, customer_id, phone, amount_kes,
      status, client_mac)
    values (${org}, ${w.a.siteId}, ${w.a.planId}, ${customer!.id}, ${phone}, 50, 'failed', ${payMac})
    returning id`;
  await sql()`insert into private.payment_callbacks (kind, payment_id, organization_id, receipt, verdict, body)
              values ('stk', ${paid!.id}, ${org}, ${paidReceipt}, 'ok', ${JSON.stringify(callback)})`;
  await sql()`insert into radius.voucher_devices (voucher_id, mac) values (${voucher!.id}, ${deviceMac})`;
  await sql()`
    insert into radius.radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime,
      acctupdatetime, acctstoptime, acctsessiontime, acctinputoctets, acctoutputoctets, voucher_id,
      mac, callingstationid, framedipaddress, acctterminatecause, router_id, organization_id)
    values ('s1', ${`rights-${tag}`}, ${voucher!.code}, '2001:db8::1', now() - interval '2 hours',
      now() - interval '1 hour', now() - interval '1 hour', 3600, 1000, 2000, ${voucher!.id},
      ${deviceMac}, ${deviceMac.toUpperCase().replaceAll(':', '-')}, '10.5.50.7', 'User-Request',
      ${w.a.routerId}, ${org})`;
  const [sms] = await sql()`
    insert into public.sms_outbox (organization_id, to_phone, body, status, payment_id)
    values (${org}, ${phone}, ${`Your WiFi voucher: ${voucher!.code}. M-Pesa receipt ${paidReceipt}`},
      'sent', ${paid!.id})
    returning id`;
  await sql()`
    insert into private.unmatched_receipts (receipt, organization_id, site_id, phone, amount_kes, reason)
    values (${unmatchedReceipt}, ${org}, ${w.a.siteId}, ${phone}, 20, 'no_payment')`;
  await sql()`insert into radius.lockouts (mac, organization_id, rejects) values (${deviceMac}, ${org}, 3)`;
  await sql()`insert into private.rate_limits (bucket, window_start, hits)
              values (${`start:phone:${phone}`}, now(), 1)`;
  // A support action that named the phone (support_issue_voucher writes such a row).
  await sql()`select private.audit_support(${org}, 'issue_voucher', ${unmatchedReceipt},
                jsonb_build_object('phone', ${phone}::text, 'amount_kes', 20))`;
  // Another customer of A, and the same phone as a customer of B: neither is touched.
  const [other] = await sql()`
    insert into public.payments (organization_id, site_id, plan_id, phone, amount_kes, status, settled_at)
    values (${org}, ${w.a.siteId}, ${w.a.planId}, ${testPhone()}, 40, 'success', now()) returning id`;
  const [bPayment] = await sql()`
    insert into public.payments (organization_id, site_id, plan_id, phone, amount_kes, status, settled_at)
    values (${w.b.id}, ${w.b.siteId}, ${w.b.planId}, ${phone}, 60, 'success', now()) returning id`;
  return {
    phone,
    msisdn,
    customerId: customer!.id,
    paidId: paid!.id,
    failedId: failed!.id,
    voucherId: voucher!.id,
    code: voucher!.code,
    receipt: paidReceipt,
    unmatchedReceipt,
    payMac,
    deviceMac,
    smsId: sms!.id,
    otherPaymentId: other!.id,
    bPaymentId: bPayment!.id,
  };
}

/** Every place the phone (any spelling of its digits) or the MACs still appear, as text. */
async function traces(f: Footprint): Promise<Row[]> {
  const digits = `%${f.msisdn.slice(3)}%`;
  const macs = [f.payMac, f.deviceMac];
  const dashed = macs.map((m) => m.toUpperCase().replaceAll(':', '-'));
  return sql()`
    select 'customers' as at, id::text from public.customers
      where organization_id = ${w.a.id} and phone like ${digits}
    union all select 'payments', id::text from public.payments
      where organization_id = ${w.a.id}
        and (phone like ${digits} or raw_callback::text like ${digits}
             or client_mac::text = any (${macs}))
    union all select 'payment_callbacks', id::text from private.payment_callbacks
      where organization_id = ${w.a.id} and body like ${digits}
    union all select 'sms_outbox', id::text from public.sms_outbox
      where organization_id = ${w.a.id}
        and (to_phone like ${digits} or body like ${`%${f.code}%`} or body like ${`%${f.receipt}%`})
    union all select 'unmatched_receipts', receipt from private.unmatched_receipts
      where organization_id = ${w.a.id}
        and (phone like ${digits} or verified_phone like ${digits} or msisdn_hint like ${digits})
    union all select 'voucher_devices', mac from radius.voucher_devices where mac = any (${macs})
    union all select 'radacct', radacctid::text from radius.radacct
      where mac = any (${macs}) or callingstationid = any (${dashed})
        or (voucher_id = ${f.voucherId} and framedipaddress is not null)
    union all select 'lockouts', mac from radius.lockouts where mac = any (${macs})
    union all select 'rate_limits', bucket from private.rate_limits where bucket like ${digits}
    union all select 'audit_log', id::text from public.audit_log
      where organization_id = ${w.a.id} and (new::text like ${digits} or row_id like ${digits})`;
}

/** The money records of A: what erasure must not change. */
const money = () =>
  sql()`select id, amount_kes, status, mpesa_receipt, created_at, settled_at, plan_id, site_id,
               voucher_id, customer_id
        from public.payments where organization_id = ${w.a.id} order by id`;

/** The dashboard's figures that come from payments and vouchers. */
async function totals(caller: SupabaseClient, organizationId: string) {
  const { data, error } = await caller.rpc('dashboard_summary', {
    p_organization_id: organizationId,
  });
  expect(error).toBeNull();
  const { revenue, payments, sold_by_plan, top_sites, daily } = data as Row;
  return { revenue, payments, sold_by_plan, top_sites, daily };
}

const audits = (action: string) =>
  sql()`select actor, row_id, new from public.audit_log
        where organization_id = ${w.a.id} and table_name = ${`support:${action}`} order by id`;

beforeAll(async () => {
  w = await createPersonas();
  ownerB = await createTestUser('rights-owner-b');
  await sql()`insert into public.memberships (organization_id, user_id, role)
              values (${w.b.id}, ${ownerB.id}, 'owner')`;
  asOwnerB = clientAs(ownerB);
});

describe('customer_data_export', () => {
  it("gives the owner everything A holds about the phone, in any spelling, and nothing of B's", async () => {
    const f = await footprint();
    const { data, error } = await w.clients.ownerA.rpc('customer_data_export', {
      p_organization_id: w.a.id,
      p_phone: `0${f.phone.slice(4, 7)} ${f.phone.slice(7, 10)} ${f.phone.slice(10)}`,
    });
    expect(error).toBeNull();
    const reply = data as Record<string, Row[]> & { customer: Row; phone: string };
    expect(reply.phone).toBe(f.phone);
    // Each kind exactly as the tables hold it.
    const [customer] = await sql()`select to_jsonb(c) as row from public.customers c
                                   where id = ${f.customerId}`;
    expect(reply.customer).toEqual(customer!.row);
    const payments = await sql()`select to_jsonb(p) as row from public.payments p
                                 where organization_id = ${w.a.id} and phone = ${f.phone}
                                 order by created_at, id`;
    expect(reply.payments).toEqual(payments.map((r) => r.row));
    expect(reply.payments!.map((p) => p.id)).toEqual(
      expect.arrayContaining([f.paidId, f.failedId]),
    );
    expect(reply.payments!.map((p) => p.id)).not.toContain(f.bPaymentId);
    expect(reply.payments!.find((p) => p.id === f.paidId)).toMatchObject({
      amount_kes: 50,
      mpesa_receipt: f.receipt,
    });
    expect(reply.vouchers!.map((v) => v.id)).toEqual([f.voucherId]);
    expect(reply.sessions).toEqual([
      expect.objectContaining({
        voucher_id: f.voucherId,
        mac: f.deviceMac,
        seconds: 3600,
        bytes_in: 1000,
        bytes_out: 2000,
        ip: '10.5.50.7',
      }),
    ]);
    expect(reply.devices).toEqual([expect.objectContaining({ mac: f.deviceMac })]);
    expect(reply.sms!.map((s) => s.id)).toEqual([f.smsId]);
    expect(reply.unmatched_receipts!.map((u) => u.receipt)).toEqual([f.unmatchedReceipt]);
    // Audited, the phone masked.
    const [audit] = (await audits('customer_export')).slice(-1);
    expect(audit).toMatchObject({
      actor: w.users.ownerA.id,
      row_id: `${f.phone.slice(0, 5)}******${f.phone.slice(-2)}`,
      new: expect.objectContaining({ payments: 2, sessions: 1, sms: 1 }),
    });
    expect(JSON.stringify(audit)).not.toContain(f.msisdn.slice(3));
  });

  it('refuses an agent, an admin and the owner of another organization: nothing returned or audited', async () => {
    const f = await footprint();
    const before = (await audits('customer_export')).length;
    for (const caller of [w.clients.agentA, w.clients.adminA, w.clients.adminB, asOwnerB]) {
      const { data, error } = await caller.rpc('customer_data_export', {
        p_organization_id: w.a.id,
        p_phone: f.phone,
      });
      expect(error?.code).toBe('42501');
      expect(error?.hint).toBe('not_allowed');
      expect(data).toBeNull();
    }
    expect((await audits('customer_export')).length).toBe(before);
  });

  it('refuses a phone that is not a Kenyan mobile number (22023 phone_invalid)', async () => {
    const { error } = await w.clients.ownerA.rpc('customer_data_export', {
      p_organization_id: w.a.id,
      p_phone: 'everyone',
    });
    expect(error).toMatchObject({ code: '22023', hint: 'phone_invalid' });
  });
});

describe('erase_customer', () => {
  it('refuses an agent, an admin and the owner of another organization: nothing changes', async () => {
    const f = await footprint();
    const before = { traces: await traces(f), money: await money() };
    expect(new Set(before.traces.map((t) => t.at))).toEqual(
      new Set([
        'customers',
        'payments',
        'payment_callbacks',
        'sms_outbox',
        'unmatched_receipts',
        'voucher_devices',
        'radacct',
        'lockouts',
        'rate_limits',
        'audit_log',
      ]),
    );
    for (const caller of [w.clients.agentA, w.clients.adminA, w.clients.adminB, asOwnerB]) {
      const { data, error } = await caller.rpc('erase_customer', {
        p_organization_id: w.a.id,
        p_phone: f.phone,
      });
      expect(error?.code).toBe('42501');
      expect(data).toBeNull();
    }
    expect({ traces: await traces(f), money: await money() }).toEqual(before);
    expect(await audits('customer_erase')).toEqual([]);
  });

  it('removes the phone and MACs everywhere, keeps the money and the totals', async () => {
    const f = await footprint();
    const moneyBefore = await money();
    const totalsBefore = await totals(w.clients.ownerA, w.a.id);
    const bBefore =
      await sql()`select phone, amount_kes from public.payments where id = ${f.bPaymentId}`;
    const { data, error } = await w.clients.ownerA.rpc('erase_customer', {
      p_organization_id: w.a.id,
      p_phone: f.phone,
    });
    expect(error).toBeNull();
    expect(data).toMatchObject({
      erased: true,
      payments: 2,
      sms: 1,
      unmatched_receipts: 1,
      devices: 1,
      sessions: 1,
      vouchers: 1,
    });

    expect(await traces(f)).toEqual([]);
    // The money records and the dashboard's figures are what they were.
    expect(await money()).toEqual(moneyBefore);
    expect(await totals(w.clients.ownerA, w.a.id)).toEqual(totalsBefore);
    const [paid] = await sql()`select phone, client_mac, raw_callback from public.payments
                               where id = ${f.paidId}`;
    expect(paid!.phone).toMatch(/^erased:[0-9a-f]{32}$/);
    expect(paid!.client_mac).toBeNull();
    const [customer] = await sql()`select phone from public.customers where id = ${f.customerId}`;
    expect(customer!.phone).toBe(paid!.phone);
    const [unmatched] = await sql()`
      select amount_kes, phone from private.unmatched_receipts where receipt = ${f.unmatchedReceipt}`;
    expect(unmatched).toEqual({ amount_kes: 20, phone: null });
    // The device still counts against the voucher's devices_allowed, under a marker.
    const devices =
      await sql()`select mac from radius.voucher_devices where voucher_id = ${f.voucherId}`;
    expect(devices.map((d) => d.mac)).toEqual([expect.stringMatching(/^erased:/)]);
    const [session] = await sql()`select acctinputoctets, acctsessiontime from radius.radacct
                                  where voucher_id = ${f.voucherId}`;
    expect(session).toEqual({ acctinputoctets: '1000', acctsessiontime: '3600' });
    // Another customer of A and the same phone at B are untouched.
    const [other] = await sql()`select phone from public.payments where id = ${f.otherPaymentId}`;
    expect(other!.phone).toMatch(/^\+254/);
    expect(
      await sql()`select phone, amount_kes from public.payments where id = ${f.bPaymentId}`,
    ).toEqual(bBefore);

    // The export finds nothing personal any more.
    const after = await w.clients.ownerA.rpc('customer_data_export', {
      p_organization_id: w.a.id,
      p_phone: f.phone,
    });
    expect(after.error).toBeNull();
    expect(after.data).toMatchObject({
      customer: null,
      payments: [],
      vouchers: [],
      sessions: [],
      devices: [],
      sms: [],
      unmatched_receipts: [],
    });

    // Audited by the owner, the phone masked.
    const [audit] = (await audits('customer_erase')).slice(-1);
    expect(audit).toMatchObject({
      actor: w.users.ownerA.id,
      row_id: `${f.phone.slice(0, 5)}******${f.phone.slice(-2)}`,
    });
    expect(JSON.stringify(audit)).not.toContain(f.msisdn.slice(3));
  });
});

describe('the portal privacy notice', () => {
  const page = async (path: string) => {
    const response = await fetch(`${stackInfo().portalUrl}${path}`, { redirect: 'manual' });
    return { status: response.status, html: await response.text() };
  };
  // A controller's variables as a MikroTik redirect brings them: links must keep them.
  const vars = `mac=${encodeURIComponent('AA:BB:CC:00:11:22')}&link-login-only=${encodeURIComponent('http://10.5.50.1/login')}`;

  it('answers on every site, by id and by slug, in English and Swahili, naming whom to ask', async () => {
    await sql()`update public.sites set support_phone = '+254711000111' where id = ${w.a.siteId}`;
    const en = await page(`/s/${w.a.siteSlug}/privacy?lang=en&${vars}`);
    expect(en.status).toBe(200);
    for (const words of ['Your privacy', 'Data Protection Act 2019', 'MAC address', 'M-Pesa']) {
      expect(en.html).toContain(words);
    }
    expect(en.html).toContain(w.a.siteName);
    expect(en.html).toContain('tel:+254711000111');
    // Back to the plans with the controller's variables, on the reference it came by.
    expect(en.html).toMatch(new RegExp(`href="/s/${w.a.siteSlug}\\?[^"]*mac=AA%3ABB`));
    const sw = await page(`/s/${w.a.siteId}/privacy?lang=sw`);
    expect(sw.status).toBe(200);
    expect(sw.html).toContain('Faragha yako');
    expect(sw.html).toContain(`href="/s/${w.a.siteId}?`);
    const b = await page(`/s/${w.b.siteSlug}/privacy`);
    expect(b.status).toBe(200);
    expect(b.html).toContain(w.b.siteName);
    expect((await page(`/s/no-such-site-${w.tag}/privacy`)).status).toBe(404);
  });

  it('is linked from every page of a site, keeping the controller variables', async () => {
    for (const path of ['', '/voucher', '/recover', '/status', `/pay/${w.a.planId}`]) {
      for (const ref of [w.a.siteSlug, w.a.siteId]) {
        const { status, html } = await page(`/s/${ref}${path}?lang=sw&${vars}`);
        expect(status, path).toBe(200);
        const href = new RegExp(`href="(/s/${ref}/privacy\\?[^"]*)"[^>]*>Faragha<`).exec(html)?.[1];
        expect(href, `${ref}${path}`).toBeDefined();
        const query = new URL(href!.replaceAll('&amp;', '&'), 'http://portal').searchParams;
        expect(query.get('mac')).toBe('AA:BB:CC:00:11:22');
        expect(query.get('link-login-only')).toBe('http://10.5.50.1/login');
        expect(query.get('lang')).toBe('sw');
      }
    }
  });
});
