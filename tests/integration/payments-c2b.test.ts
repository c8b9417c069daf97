import { beforeAll, describe, expect, it } from 'vitest';
import { stackInfo } from '../support/stack.ts';
import { client, createTestUser, ownerSql, type TestUser } from '../support/users.ts';
import {
  createPayHotspot,
  functionsUrl,
  postCallback,
  receipt,
  testPhone,
  verified,
  waitFor,
  type PayHotspot,
} from '../support/payments.ts';

let hotspot: PayHotspot;
let owner: TestUser;
let admin: TestUser;
let urls: { confirmation: string; validation: string };

const register = (user: TestUser) =>
  fetch(`${functionsUrl()}/pay-c2b/register`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ organization_id: hotspot.organizationId }),
  });

beforeAll(async () => {
  hotspot = await createPayHotspot(20);
  await hotspot.plan(30, '1 Day');
  [owner, admin] = await Promise.all([createTestUser('c2b-owner'), createTestUser('c2b-admin')]);
  await ownerSql()`insert into public.memberships (organization_id, user_id, role)
    values (${hotspot.organizationId}, ${owner.id}, 'owner'), (${hotspot.organizationId}, ${admin.id}, 'admin')`;
  const response = await register(owner);
  expect(response.status).toBe(200);
  urls = (await response.json()) as typeof urls;
});

async function simulate(amount: number, msisdn: string) {
  const daraja = stackInfo().daraja!.url;
  const auth = await fetch(`${daraja}/oauth/v1/generate?grant_type=client_credentials`, {
    headers: { authorization: `Basic ${Buffer.from('c2b-test:secret').toString('base64')}` },
  });
  const { access_token } = (await auth.json()) as { access_token: string };
  const response = await fetch(`${daraja}/mpesa/c2b/v2/simulate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      ShortCode: '174379',
      CommandID: 'CustomerPayBillOnline',
      Amount: amount,
      Msisdn: msisdn,
      BillRefNumber: 'WIFI',
    }),
  });
  expect(response.status).toBe(200);
  return waitFor(
    async () => {
      const all = (await (await fetch(`${daraja}/_sim/c2b`)).json()) as {
        transId: string;
        msisdn: string;
        amount: number;
        validation: number | null;
        confirmation: number | null;
        done: boolean;
      }[];
      const mine = all.find((p) => p.msisdn === msisdn && p.amount === amount);
      return mine?.done ? mine : null;
    },
    5000,
    'C2B delivery',
  );
}

describe('C2B: paybill payments made by hand', () => {
  it('registers neutral, signed URLs with Daraja (owners only)', async () => {
    expect(urls.confirmation).toMatch(
      /\/functions\/v1\/pay-c2b\/[0-9a-f-]{36}\/[0-9a-f]{32}\/confirmation$/,
    );
    expect(urls.confirmation).not.toMatch(/mpesa|safaricom|exe|cmd|sql|query/i);
    expect((await register(admin)).status).toBe(403);
  });

  it('a confirmed payment is redeemed by receipt code for the dearest plan it covers, once', async () => {
    const phone = testPhone();
    const paid = await simulate(35, phone.slice(1));
    expect(paid.confirmation).toBe(200);
    const [kept] =
      await ownerSql()`select * from private.unmatched_receipts where receipt = ${paid.transId}`;
    expect(kept).toMatchObject({
      reason: 'c2b',
      amount_kes: 35,
      organization_id: hotspot.organizationId,
      phone: null,
    });
    expect(kept!.msisdn_hint).toMatch(/^[0-9a-f]{64}$/);
    // Safaricom saw it: Transaction Status confirms it and names the payer.
    expect(await verified(hotspot.organizationId, paid.transId)).toMatchObject({
      verification: 'confirmed',
      verified_amount_kes: 35,
      verified_phone: phone,
    });

    const wrongPhone = await client().rpc('recover_voucher', {
      p_site_slug: hotspot.siteSlug,
      p_receipt: paid.transId,
      p_phone: testPhone(),
    });
    expect(wrongPhone.data).toEqual({ ok: false, error: 'not_found' });
    const redeemed = await client().rpc('recover_voucher', {
      p_site_slug: hotspot.siteSlug,
      p_receipt: paid.transId,
      p_phone: phone,
    });
    expect(redeemed.data).toMatchObject({ ok: true, plan_name: '1 Day', amount_kes: 35 });
    const again = await client().rpc('recover_voucher', {
      p_site_slug: hotspot.siteSlug,
      p_receipt: paid.transId,
      p_phone: phone,
    });
    expect(again.data).toEqual(redeemed.data);
    const [payment] =
      await ownerSql()`select * from public.payments where mpesa_receipt = ${paid.transId}`;
    expect(payment).toMatchObject({ via: 'c2b', status: 'success', overpaid_kes: 5, phone });
  });

  it('validation refuses an amount no plan costs, so nothing is recorded', async () => {
    const phone = testPhone();
    const paid = await simulate(5, phone.slice(1));
    expect(paid.validation).toBe(200);
    expect(paid.confirmation).toBeNull();
    const kept =
      await ownerSql()`select 1 from private.unmatched_receipts where receipt = ${paid.transId}`;
    expect(kept).toHaveLength(0);
  });

  it('a repeated confirmation records one receipt; a forged URL or malformed body nothing', async () => {
    const note = {
      TransactionType: 'Pay Bill',
      TransID: `TC${Date.now().toString(36).toUpperCase()}`.slice(0, 10),
      TransTime: '20261129101501',
      TransAmount: '20.00',
      BusinessShortCode: '174379',
      BillRefNumber: 'WIFI',
      MSISDN: '2547 ***** 678',
    };
    const answers = await Promise.all([
      postCallback(urls.confirmation, note),
      postCallback(urls.confirmation, note),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers[0]!.body).toEqual({ ResultCode: 0, ResultDesc: 'Success' });
    const rows =
      await ownerSql()`select msisdn_hint from private.unmatched_receipts where receipt = ${note.TransID}`;
    expect(rows).toHaveLength(1);
    const masked = await client().rpc('recover_voucher', {
      p_site_slug: hotspot.siteSlug,
      p_receipt: note.TransID,
      p_phone: '+254799999999',
    });
    expect(masked.data).toEqual({ ok: false, error: 'not_found' });

    const forgedNote = { ...note, TransID: 'TFORGED001' };
    const forged = await postCallback(
      urls.confirmation.replace(/\/[0-9a-f]{32}\//, `/${'a'.repeat(32)}/`),
      forgedNote,
    );
    expect(forged.status).toBe(403);
    expect((await postCallback(urls.confirmation, '{"TransID":')).status).toBe(400);
    expect(
      (await postCallback(urls.confirmation, { ...forgedNote, TransAmount: 'lots' })).status,
    ).toBe(400);
    const none =
      await ownerSql()`select 1 from private.unmatched_receipts where receipt = 'TFORGED001'`;
    expect(none).toHaveLength(0);
  });
});

// An attacker who learned an organization's C2B URL (a log, a screenshot, a former employee):
// rotating the URLs retires it. The previous URLs keep working for the grace (72 hours after the
// new ones are registered, aged here with SQL), so a confirmation already on its way is not lost.
describe('C2B URLs can be rotated: a leaked URL stops working', () => {
  type UrlsAnswer = {
    environment: string;
    shortcode: string;
    generation: number;
    registered_at: string | null;
    previous: { generation: number; expires_at: string | null } | null;
    confirmation: string;
    validation: string;
    register_problem?: string;
  };
  const call = (action: string, token: string | null, organizationId = hotspot.organizationId) =>
    fetch(`${functionsUrl()}/pay-c2b/${action}`, {
      method: 'POST',
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        'content-type': 'application/json',
      },
      body: JSON.stringify({ organization_id: organizationId }),
    });
  const rotate = async (user: TestUser, organizationId = hotspot.organizationId) => {
    const response = await call('rotate', user.accessToken, organizationId);
    expect(response.status).toBe(200);
    return (await response.json()) as UrlsAnswer;
  };
  const confirmation = (shortcode = '174379') => ({
    TransactionType: 'Pay Bill',
    TransID: receipt(),
    TransTime: '20261129101501',
    TransAmount: '20.00',
    BusinessShortCode: shortcode,
    BillRefNumber: 'WIFI',
    MSISDN: '2547 ***** 678',
  });
  const stored = async (transId: string) => ({
    receipts: (
      await ownerSql()`select 1 from private.unmatched_receipts where receipt = ${transId}`
    ).length,
    callbacks: (
      await ownerSql()`select 1 from private.payment_callbacks where receipt = ${transId}
                       or body like ${`%${transId}%`}`
    ).length,
  });
  const forgedHits = async () =>
    (
      await ownerSql()`select coalesce(sum(hits), 0)::int as n from private.callback_junk
                       where kind = 'c2b' and reason = 'forged'`
    )[0]!.n as number;
  const age = (organizationId = hotspot.organizationId) =>
    ownerSql()`update private.c2b_url_generations set previous_expires_at = now() - interval '1 second'
               where organization_id = ${organizationId}`;
  const simUrls = async (shortcode: string) =>
    (await fetch(`${stackInfo().daraja!.url}/_sim/c2b/${shortcode}/urls`)).json();

  it('only an owner of the organization rotates: admin, agent, another owner, nobody get 403', async () => {
    const [agent, stranger] = await Promise.all([
      createTestUser('c2b-agent'),
      createTestUser('c2b-stranger'),
    ]);
    const other = await createPayHotspot(20);
    await ownerSql()`insert into public.memberships (organization_id, user_id, role)
      values (${hotspot.organizationId}, ${agent.id}, 'agent'), (${other.organizationId}, ${stranger.id}, 'owner')`;
    const [before] = await ownerSql()`select private.c2b_urls(${hotspot.organizationId}) as s`;
    for (const token of [admin.accessToken, agent.accessToken, stranger.accessToken, null]) {
      const refused = await call('rotate', token);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ error: 'forbidden' });
      expect((await call('urls', token)).status).toBe(403);
    }
    const [after] = await ownerSql()`select private.c2b_urls(${hotspot.organizationId}) as s`;
    expect(after!.s).toEqual(before!.s);
    // The database refuses too, whoever the function says the actor is.
    await expect(
      ownerSql()`select private.c2b_rotate(${hotspot.organizationId}, ${stranger.id})`,
    ).rejects.toMatchObject({ code: '42501' });
    // The other organization's owner rotates only their own URLs (on a shortcode of its own, so
    // the simulator keeps this organization's registration of 174379).
    await ownerSql()`update private.mpesa_settings set shortcode = '600100'
      where organization_id = ${other.organizationId}`;
    expect((await rotate(stranger, other.organizationId)).generation).toBe(2);
    expect((await call('urls', owner.accessToken)).status).toBe(200);
  });

  it('after rotation the old URL works for the grace, then is refused and stores nothing', async () => {
    const leaked = urls;
    const rotated = await rotate(owner);
    // Sandbox: registered with Daraja at once, and the grace of the old URLs starts now.
    expect(rotated).toMatchObject({ environment: 'sandbox', shortcode: '174379', generation: 2 });
    expect(rotated.registered_at).not.toBeNull();
    expect(rotated.previous?.generation).toBe(1);
    const graceHours = (Date.parse(rotated.previous!.expires_at!) - Date.now()) / 3_600_000;
    expect(graceHours).toBeGreaterThan(71.9);
    expect(graceHours).toBeLessThanOrEqual(72);
    expect(rotated.confirmation).not.toBe(leaked.confirmation);
    expect(rotated.confirmation).toMatch(/\/pay-c2b\/[0-9a-f-]{36}\/[0-9a-f]{32}\/confirmation$/);
    expect(await simUrls('174379')).toEqual({
      confirmation: rotated.confirmation,
      validation: rotated.validation,
    });
    const [audit] = await ownerSql()`
      select actor, new from public.audit_log
      where organization_id = ${hotspot.organizationId} and table_name = 'c2b_urls'
        and new->>'rotated' = 'true' order by id desc limit 1`;
    expect(audit).toMatchObject({
      actor: owner.id,
      new: { generation: 2, previous_generation: 1 },
    });

    // Within the grace a confirmation Daraja already sent to the old URL is kept.
    const inFlight = confirmation();
    expect((await postCallback(leaked.confirmation, inFlight)).status).toBe(200);
    expect((await stored(inFlight.TransID)).receipts).toBe(1);

    // The legitimate flow goes through the new URLs.
    const phone = testPhone();
    const paid = await simulate(35, phone.slice(1));
    expect(paid.confirmation).toBe(200);
    expect((await stored(paid.transId)).receipts).toBe(1);

    // After the grace: the holder of the old URL is refused and leaves only a junk counter.
    await age();
    const forgedBefore = await forgedHits();
    const late = confirmation();
    const refused = await postCallback(leaked.confirmation, late);
    expect(refused).toEqual({
      status: 403,
      body: { ResultCode: 'C2B00016', ResultDesc: 'Rejected' },
    });
    expect((await postCallback(leaked.validation, late)).status).toBe(403);
    expect(await stored(late.TransID)).toEqual({ receipts: 0, callbacks: 0 });
    expect((await forgedHits()) - forgedBefore).toBeGreaterThanOrEqual(2);

    // The new URL keeps working.
    const fresh = confirmation();
    expect((await postCallback(rotated.confirmation, fresh)).status).toBe(200);
    expect((await stored(fresh.TransID)).receipts).toBe(1);
    urls = rotated;
  });

  it('URLs older than the previous generation are refused at once, grace or not', async () => {
    const second = urls;
    const third = await rotate(owner);
    const fourth = await rotate(owner);
    expect([third.generation, fourth.generation]).toEqual([3, 4]);
    expect(third.previous?.generation).toBe(2);
    expect(fourth.previous?.generation).toBe(3);
    // The second generation was still within its grace when the fourth was made.
    expect(Date.parse(third.previous!.expires_at!)).toBeGreaterThan(Date.now());
    const note = confirmation();
    expect((await postCallback(second.confirmation, note)).status).toBe(403);
    expect((await postCallback(third.confirmation, confirmation())).status).toBe(200);
    expect((await postCallback(fourth.confirmation, confirmation())).status).toBe(200);
    expect(await stored(note.TransID)).toEqual({ receipts: 0, callbacks: 0 });
    urls = fourth;
  });

  it('production: the old URLs work until the owner deletes them in Daraja and registers the new', async () => {
    const prod = await createPayHotspot(20);
    const prodOwner = await createTestUser('c2b-prod-owner');
    const shortcode = String(600_000 + Math.floor(Math.random() * 399_999));
    await ownerSql()`insert into public.memberships (organization_id, user_id, role)
      values (${prod.organizationId}, ${prodOwner.id}, 'owner')`;
    await ownerSql()`update private.mpesa_settings set environment = 'production', shortcode = ${shortcode}
      where organization_id = ${prod.organizationId}`;
    const daraja = stackInfo().daraja!.url;
    await fetch(`${daraja}/_sim/c2b/${shortcode}/production`, { method: 'POST' });
    const registerProd = () => call('register', prodOwner.accessToken, prod.organizationId);
    const first = (await (await registerProd()).json()) as UrlsAnswer;
    expect(first).toMatchObject({ environment: 'production', shortcode, generation: 1 });

    const rotated = await rotate(prodOwner, prod.organizationId);
    expect(rotated).toMatchObject({ generation: 2, registered_at: null });
    expect(rotated.previous).toEqual({ generation: 1, expires_at: null });
    expect(await simUrls(shortcode)).toMatchObject({ confirmation: first.confirmation });
    // Not registered yet: the old URLs keep working, with no end.
    expect((await postCallback(first.confirmation, confirmation(shortcode))).status).toBe(200);

    // Daraja refuses a second registration until the old URLs are deleted (URL management).
    const early = await registerProd();
    expect(early.status).toBe(502);
    expect(await early.json()).toMatchObject({ error: 'mpesa_unavailable' });
    const [pending] = await ownerSql()`select private.c2b_urls(${prod.organizationId}) as s`;
    expect(pending!.s).toMatchObject({
      generation: 2,
      registered_at: null,
      previous_generation: 1,
    });

    await fetch(`${daraja}/_sim/c2b/${shortcode}/urls`, { method: 'DELETE' });
    const done = await registerProd();
    expect(done.status).toBe(200);
    const registered = (await done.json()) as UrlsAnswer;
    expect(registered.confirmation).toBe(rotated.confirmation);
    expect(registered.registered_at).not.toBeNull();
    expect(Date.parse(registered.previous!.expires_at!)).toBeGreaterThan(
      Date.now() + 71.9 * 3_600_000,
    );
    expect(await simUrls(shortcode)).toEqual({
      confirmation: rotated.confirmation,
      validation: rotated.validation,
    });
    expect((await postCallback(first.confirmation, confirmation(shortcode))).status).toBe(200);
    await age(prod.organizationId);
    expect((await postCallback(first.confirmation, confirmation(shortcode))).status).toBe(403);
    expect((await postCallback(rotated.confirmation, confirmation(shortcode))).status).toBe(200);
  });
});
