import { beforeAll, describe, expect, it } from 'vitest';
import { stackInfo } from '../support/stack.ts';
import { client, createTestUser, ownerSql, type TestUser } from '../support/users.ts';
import {
  createPayHotspot,
  functionsUrl,
  postCallback,
  testPhone,
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
