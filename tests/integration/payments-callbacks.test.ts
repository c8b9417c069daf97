import { beforeAll, describe, expect, it } from 'vitest';
import { isVoucherCode } from '../../supabase/functions/_shared/domain/voucher-code.ts';
import { client, ownerSql } from '../support/users.ts';
import {
  createPayHotspot,
  payment,
  postCallback,
  receipt,
  settled,
  signedCallbackUrl,
  simPushes,
  simReceipt,
  simSwitch,
  startPayment,
  successCallback,
  testPhone,
  verified,
  waitFor,
  type PayHotspot,
} from '../support/payments.ts';

let hotspot: PayHotspot;
beforeAll(async () => {
  hotspot = await createPayHotspot(20);
});

/** A payment whose push Daraja accepted but whose callback the simulator drops. */
async function pendingPayment(phone = testPhone()) {
  await simSwitch(phone, { drop: true });
  const started = await startPayment(hotspot, { phone });
  expect(started.status).toBe(201);
  const id = started.body.payment_id!;
  const row = await waitFor(
    async () => {
      const r = await payment(id);
      return r.checkout_request_id ? r : null;
    },
    5000,
    'CheckoutRequestID stored',
  );
  return { id, phone, crid: row.checkout_request_id!, url: signedCallbackUrl(id) };
}

const callbacksOf = (id: string) =>
  ownerSql()`select verdict from private.payment_callbacks where payment_id = ${id} order by id`;

describe('exactly once', () => {
  it('100 concurrent duplicate success callbacks issue exactly one voucher', async () => {
    const p = await pendingPayment();
    const body = successCallback(p.crid, '20.00', receipt(), p.phone);
    const answers = await Promise.all(Array.from({ length: 100 }, () => postCallback(p.url, body)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const row = await payment(p.id);
    expect(row.status).toBe('success');
    const [count] = await ownerSql()`
      select count(*)::int as n from public.vouchers v join public.customers c on c.id = v.customer_id
      where c.phone = ${p.phone}`;
    expect(count!.n).toBe(1);
    const [sms] =
      await ownerSql()`select count(*)::int as n from public.sms_outbox where payment_id = ${p.id}`;
    expect(sms!.n).toBe(1);
    const verdicts = (await callbacksOf(p.id)).map((c) => c.verdict);
    expect(verdicts).toHaveLength(100);
    expect(verdicts.filter((v) => v === 'success')).toHaveLength(1);
    expect(verdicts.filter((v) => v === 'duplicate')).toHaveLength(99);
  });

  it("the simulator's duplicate deliveries also give one voucher", async () => {
    const phone = testPhone();
    await simSwitch(phone, { duplicates: 5 });
    const started = await startPayment(hotspot, { phone });
    const row = await settled(started.body.payment_id!);
    expect(row.status).toBe('success');
    await waitFor(async () => (await callbacksOf(row.id)).length === 5, 5000, 'five callbacks');
    const vouchers =
      await ownerSql()`select id from public.vouchers where customer_id = ${row.customer_id}`;
    expect(vouchers).toHaveLength(1);
  });

  it('a late success after a timeout wins and issues the voucher', async () => {
    const phone = testPhone();
    await simSwitch(phone, { lateSuccessAfterMs: 1000 });
    const started = await startPayment(hotspot, { phone });
    const id = started.body.payment_id!;
    const first = await settled(id);
    expect(first.status).toBe('timeout');
    const late = await waitFor(
      async () => {
        const r = await payment(id);
        return r.status === 'success' ? r : null;
      },
      8000,
      'late success',
    );
    expect(late.voucher_id).not.toBeNull();
    expect(late.mpesa_receipt).toBe((await simPushes(phone))[0]!.receipt);
    expect((await callbacksOf(id)).map((c) => c.verdict)).toEqual(['recorded', 'success']);
  });

  it('a failure callback after a success changes nothing (success is final)', async () => {
    const p = await pendingPayment();
    await postCallback(p.url, successCallback(p.crid, '20', receipt(), p.phone));
    const cancel = `{"Body":{"stkCallback":{"MerchantRequestID":"m","CheckoutRequestID":"${p.crid}","ResultCode":1032,"ResultDesc":"Request cancelled by user"}}}`;
    expect((await postCallback(p.url, cancel)).status).toBe(200);
    expect((await payment(p.id)).status).toBe('success');
  });

  it('a callback that arrives before the STK push response is stored still settles', async () => {
    const phone = testPhone();
    await simSwitch(phone, { callbackBeforeResponse: true });
    const started = await startPayment(hotspot, { phone });
    expect(started.status).toBe(201);
    const row = await payment(started.body.payment_id!);
    const [push] = await simPushes(phone);
    expect(row).toMatchObject({ status: 'success', checkout_request_id: push!.checkoutRequestId });
    expect(row.voucher_id).not.toBeNull();
  });
});

describe('money that does not match is kept, not credited', () => {
  it('a wrong amount is not credited and is kept as an unmatched receipt', async () => {
    const phone = testPhone();
    await simSwitch(phone, { amountOverride: 1 });
    const started = await startPayment(hotspot, { phone });
    const row = await settled(started.body.payment_id!);
    expect(row).toMatchObject({ status: 'failed', voucher_id: null, mpesa_receipt: null });
    const [kept] =
      await ownerSql()`select * from private.unmatched_receipts where payment_id = ${row.id}`;
    expect(kept).toMatchObject({ reason: 'amount_mismatch', amount_kes: 1, phone });
    expect((await simPushes(phone))[0]!.receipt).toBe(kept!.receipt);
  });

  it('a decimal amount with cents is a mismatch too', async () => {
    const p = await pendingPayment();
    await postCallback(p.url, successCallback(p.crid, '20.50', receipt(), p.phone));
    expect(await payment(p.id)).toMatchObject({ status: 'failed', voucher_id: null });
  });

  it('a success for an unknown checkout is kept and redeemable by receipt code', async () => {
    const p = await pendingPayment();
    const code = receipt();
    // M-Pesa really saw it: Transaction Status confirms it before it is redeemable.
    await simReceipt({ receipt: code, amount: 20, msisdn: p.phone.slice(1) });
    const answer = await postCallback(
      p.url,
      successCallback('ws_CO_unknown_1', '20.00', code, p.phone),
    );
    expect(answer.status).toBe(200);
    expect((await payment(p.id)).status).toBe('pending');
    const [kept] =
      await ownerSql()`select * from private.unmatched_receipts where receipt = ${code}`;
    expect(kept).toMatchObject({
      reason: 'no_payment',
      organization_id: hotspot.organizationId,
      amount_kes: 20,
    });
    expect(await verified(hotspot.organizationId, code)).toMatchObject({
      verification: 'confirmed',
      verified_amount_kes: 20,
    });
    const redeemed = await client().rpc('recover_voucher', {
      p_site_slug: hotspot.siteSlug,
      p_receipt: code.toLowerCase(),
      p_phone: `0${p.phone.slice(4)}`,
    });
    expect(redeemed.error).toBeNull();
    expect(redeemed.data).toMatchObject({ ok: true, plan_name: '1 Hour' });
    expect(isVoucherCode(redeemed.data.voucher_code)).toBe(true);
  });

  it('a receipt already used by one payment cannot pay for another (replay)', async () => {
    const a = await pendingPayment();
    const b = await pendingPayment();
    const code = receipt();
    await postCallback(a.url, successCallback(a.crid, '20', code, a.phone));
    expect((await payment(a.id)).status).toBe('success');
    await postCallback(b.url, successCallback(b.crid, '20', code, b.phone));
    expect(await payment(b.id)).toMatchObject({ status: 'pending', voucher_id: null });
  });
});

describe('forged, malformed and oversized callbacks change nothing', () => {
  it('a forged token is refused and counted, not stored', async () => {
    const p = await pendingPayment();
    const forged = p.url.replace(/\/[0-9a-f]{32}$/, `/${'0'.repeat(32)}`);
    const answer = await postCallback(forged, successCallback(p.crid, '20', receipt(), p.phone));
    expect(answer.status).toBe(403);
    expect((await payment(p.id)).status).toBe('pending');
    expect(await callbacksOf(p.id)).toEqual([]);
  });

  it("one payment's URL cannot settle another payment", async () => {
    const a = await pendingPayment();
    const b = await pendingPayment();
    await postCallback(a.url, successCallback(b.crid, '20', receipt(), b.phone));
    expect((await payment(b.id)).status).toBe('pending');
    expect((await payment(a.id)).status).toBe('pending');
  });

  it('malformed JSON and a wrong shape are answered 400 and counted as malformed', async () => {
    const p = await pendingPayment();
    expect((await postCallback(p.url, '{"Body": {"stkCallback": ')).status).toBe(400);
    expect((await postCallback(p.url, { Body: { nothing: true } })).status).toBe(400);
    expect((await payment(p.id)).status).toBe('pending');
    expect(await callbacksOf(p.id)).toEqual([]);
  });

  it('an oversized body is refused with 413', async () => {
    const p = await pendingPayment();
    const big = successCallback(p.crid, '20', receipt(), p.phone).replace(
      '"m-1"',
      `"${'x'.repeat(40_000)}"`,
    );
    expect((await postCallback(p.url, big)).status).toBe(413);
    const huge = `{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`;
    expect((await postCallback(p.url, huge)).status).toBe(413);
    expect((await payment(p.id)).status).toBe('pending');
  });

  it('wrong paths and methods are refused without touching the database', async () => {
    const p = await pendingPayment();
    expect((await postCallback(p.url.replace(/\/[0-9a-f]{32}$/, ''), '{}')).status).toBe(404);
    expect((await fetch(p.url)).status).toBe(405);
    expect(await callbacksOf(p.id)).toHaveLength(0);
  });
});

describe('one receipt, one purchase', () => {
  it('a receipt kept as unmatched cannot also pay a pending payment', async () => {
    const a = await pendingPayment();
    const b = await pendingPayment();
    const code = receipt();
    // First seen for a checkout payment A does not have: kept for redemption.
    await postCallback(a.url, successCallback('ws_CO_elsewhere_2', '20', code, a.phone));
    const [kept] =
      await ownerSql()`select reason from private.unmatched_receipts where receipt = ${code}`;
    expect(kept!.reason).toBe('no_payment');
    // The same receipt then claimed for B's checkout: not credited a second time.
    await postCallback(b.url, successCallback(b.crid, '20', code, b.phone));
    expect(await payment(b.id)).toMatchObject({ status: 'pending', voucher_id: null });
    const verdicts = (await callbacksOf(b.id)).map((c) => c.verdict);
    expect(verdicts).toEqual(['replay']);
  });
});
