import { beforeAll, describe, expect, it } from 'vitest';
import { client, ownerSql } from '../support/users.ts';
import {
  createPayHotspot,
  receipt,
  settled,
  startPayment,
  testPhone,
  type PayHotspot,
} from '../support/payments.ts';

let hotspot: PayHotspot;
beforeAll(async () => {
  hotspot = await createPayHotspot(20);
});

const recover = (slug: string, code: string, phone: string) =>
  client().rpc('recover_voucher', { p_site_slug: slug, p_receipt: code, p_phone: phone });

async function paid(phone = testPhone()) {
  const started = await startPayment(hotspot, { phone });
  const row = await settled(started.body.payment_id!);
  expect(row.status).toBe('success');
  const [voucher] = await ownerSql()`select code from public.vouchers where id = ${row.voucher_id}`;
  return { row, phone, code: voucher!.code as string };
}

describe('receipt recovery (anon RPC)', () => {
  it('gives back the same voucher for the receipt and the paying phone, every time', async () => {
    const { row, phone, code } = await paid();
    const first = await recover(
      hotspot.siteSlug,
      ` ${row.mpesa_receipt!.toLowerCase()} `,
      `0${phone.slice(4)}`,
    );
    expect(first.error).toBeNull();
    expect(first.data).toMatchObject({ ok: true, voucher_code: code, plan_name: '1 Hour' });
    const again = await recover(hotspot.siteSlug, row.mpesa_receipt!, phone);
    expect(again.data).toMatchObject({ ok: true, voucher_code: code });
    const [count] =
      await ownerSql()`select count(*)::int as n from public.vouchers where customer_id = ${row.customer_id}`;
    expect(count!.n).toBe(1);
  });

  it('answers the same "not found" for a wrong phone, an unknown receipt or another site', async () => {
    const { row } = await paid();
    const other = await createPayHotspot(20);
    const answers = await Promise.all([
      recover(hotspot.siteSlug, row.mpesa_receipt!, testPhone()),
      recover(hotspot.siteSlug, receipt(), row.phone),
      recover(other.siteSlug, row.mpesa_receipt!, row.phone),
      recover('no-such-site', row.mpesa_receipt!, row.phone),
      recover(hotspot.siteSlug, "x' or 1=1 --", row.phone),
    ]);
    for (const answer of answers) {
      expect(answer.error).toBeNull();
      expect(answer.data).toEqual({ ok: false, error: 'not_found' });
    }
  });

  it('limits attempts per phone', async () => {
    const phone = testPhone();
    const answers = [];
    for (let i = 0; i < 6; i++)
      answers.push((await recover(hotspot.siteSlug, receipt(), phone)).data);
    expect(answers.slice(0, 5).every((a) => a.error === 'not_found')).toBe(true);
    expect(answers[5]).toMatchObject({ ok: false, error: 'rate_limited' });
  });

  it('redeems an unmatched receipt once, for the dearest plan it covers, recording the overpayment', async () => {
    const dearer = await hotspot.plan(30, '1 Day');
    await hotspot.plan(50, '1 Week');
    const phone = testPhone();
    const code = receipt();
    await ownerSql()`
      insert into private.unmatched_receipts (receipt, organization_id, site_id, phone, amount_kes,
                                              reason, verification, verified_amount_kes)
      values (${code}, ${hotspot.organizationId}, ${hotspot.siteId}, ${phone}, 35, 'c2b',
              'confirmed', 35)`;
    const wrongPhone = await recover(hotspot.siteSlug, code, testPhone());
    expect(wrongPhone.data).toEqual({ ok: false, error: 'not_found' });
    const first = await recover(hotspot.siteSlug, code, phone);
    expect(first.data).toMatchObject({ ok: true, plan_name: '1 Day', amount_kes: 35 });
    const second = await recover(hotspot.siteSlug, code, phone);
    expect(second.data).toEqual(first.data);
    const payments = await ownerSql()`select * from public.payments where mpesa_receipt = ${code}`;
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({
      status: 'success',
      plan_id: dearer,
      amount_kes: 35,
      overpaid_kes: 5,
      via: 'c2b',
    });
    const [kept] =
      await ownerSql()`select * from private.unmatched_receipts where receipt = ${code}`;
    expect(kept).toMatchObject({ redeemed_payment_id: payments[0]!.id, overpaid_kes: 5 });
  });

  it('says the amount is too small when no plan is that cheap', async () => {
    const phone = testPhone();
    const code = receipt();
    await ownerSql()`
      insert into private.unmatched_receipts (receipt, organization_id, site_id, phone, amount_kes,
                                              reason, verification, verified_amount_kes)
      values (${code}, ${hotspot.organizationId}, ${hotspot.siteId}, ${phone}, 5, 'no_payment',
              'confirmed', 5)`;
    const answer = await recover(hotspot.siteSlug, code, phone);
    expect(answer.data).toEqual({ ok: false, error: 'amount_too_small', amount_kes: 5 });
  });
});
