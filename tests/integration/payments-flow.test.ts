import { beforeAll, describe, expect, it } from 'vitest';
import { stackInfo } from '../support/stack.ts';
import { client, ownerSql } from '../support/users.ts';
import {
  createPayHotspot,
  payment,
  settled,
  simMessages,
  simPushes,
  startPayment,
  testMac,
  testPhone,
  waitFor,
  type PayHotspot,
} from '../support/payments.ts';

let hotspot: PayHotspot;
beforeAll(async () => {
  hotspot = await createPayHotspot(20);
});

describe('pay → callback → voucher → SMS', () => {
  it('settles a paid STK push: one voucher, customer, no device bound yet, SMS queued and sent', async () => {
    const phone = testPhone();
    const mac = testMac();
    const started = await startPayment(hotspot, {
      phone: `0${phone.slice(4)}`,
      client_mac: mac.toUpperCase(),
    });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ status: 'pending', amount_kes: 20, existing: false });
    expect(started.body.status_token).toMatch(/^[0-9a-f]{32}$/);
    const id = started.body.payment_id!;

    const pushes = await simPushes(phone);
    expect(pushes).toHaveLength(1);
    expect(pushes[0]).toMatchObject({ amount: 20, phone: phone.slice(1) });
    expect(pushes[0]!.callbackUrl).toContain(`/functions/v1/pay-notify/${id}/`);
    expect(pushes[0]!.callbackUrl).not.toMatch(/mpesa|safaricom|exe|cmd|sql|query/i);

    const row = await settled(id);
    expect(row).toMatchObject({
      status: 'success',
      phone,
      via: 'callback',
      result_code: 0,
      receipt_missing: false,
    });
    expect(row.mpesa_receipt).toBe((await simPushes(phone))[0]!.receipt);
    expect(row.checkout_request_id).toBe(pushes[0]!.checkoutRequestId);

    const sql = ownerSql();
    const [voucher] = await sql`select * from public.vouchers where id = ${row.voucher_id}`;
    expect(voucher).toMatchObject({
      plan_id: hotspot.planId,
      status: 'active',
      sold_price_kes: 20,
    });
    expect(voucher!.customer_id).toBe(row.customer_id);
    const [customer] = await sql`select phone from public.customers where id = ${row.customer_id}`;
    expect(customer!.phone).toBe(phone);
    // No device is bound until one logs in with the code (the MAC came from a URL).
    expect(
      await sql`select 1 from radius.voucher_devices where voucher_id = ${row.voucher_id}`,
    ).toHaveLength(0);

    const [sms] = await sql`select * from public.sms_outbox where payment_id = ${id}`;
    expect(sms!.to_phone).toBe(phone);
    expect(sms!.body).toContain(voucher!.code);
    expect(sms!.body).toContain(row.mpesa_receipt);
    const sent = await waitFor(
      async () => {
        const [r] = await sql`select * from public.sms_outbox where id = ${sms!.id}`;
        return r!.status === 'sent' ? r : null;
      },
      8000,
      'SMS sent',
    );
    const messages = await simMessages(phone);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.message).toBe(sms!.body);
    expect(sent.provider_message_id).toBe(messages[0]!.messageId);

    // The portal polls with the status token (anon key): the voucher code once paid.
    const { data, error } = await client().rpc('payment_status', {
      p_token: started.body.status_token,
    });
    expect(error).toBeNull();
    expect(data).toMatchObject({ status: 'success', voucher_code: voucher!.code, amount_kes: 20 });
    const unknown = await client().rpc('payment_status', { p_token: 'f'.repeat(32) });
    expect(unknown.data).toBeNull();
  });

  it('sends the SMS in Swahili when the customer used the portal in Swahili', async () => {
    const phone = testPhone();
    const started = await startPayment(hotspot, { phone, language: 'sw' });
    expect(started.status).toBe(201);
    const row = await settled(started.body.payment_id!);
    expect(row.status).toBe('success');
    const [sms] = await ownerSql()`select body from public.sms_outbox where payment_id = ${row.id}`;
    expect(sms!.body).toMatch(/^Vocha yako ya WiFi/);
  });

  it('is refused with the publishable key, a made-up key or no key, and nothing is written', async () => {
    const phone = testPhone();
    const anon = await startPayment(hotspot, { phone }, stackInfo().publishableKey);
    expect(anon.status).toBe(403);
    expect(anon.body.error).toBe('forbidden');
    // The function's own check (verify_jwt is off): a valid request, but neither a secret key
    // nor a session.
    const none = await fetch(`${stackInfo().supabaseUrl}/functions/v1/pay-start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        site_id: hotspot.siteId,
        plan_id: hotspot.planId,
        phone,
        idempotency_key: 'form-no-key-at-all',
      }),
    });
    expect(none.status).toBe(403);
    const [count] =
      await ownerSql()`select count(*)::int as n from public.payments where phone = ${phone}`;
    expect(count!.n).toBe(0);
    expect(await simPushes(phone)).toHaveLength(0);
  });

  it('answers bad input clearly and changes nothing', async () => {
    const phone = testPhone();
    const badPhone = await startPayment(hotspot, { phone: '020 123 4567' });
    expect(badPhone.status).toBe(400);
    expect(badPhone.body).toMatchObject({ error: 'invalid_phone' });
    expect(badPhone.body.message).toMatch(/Kenyan mobile number/);

    const otherOrg = await createPayHotspot(30);
    const notSold = await startPayment(hotspot, { phone, plan_id: otherOrg.planId });
    expect(notSold.status).toBe(404);
    expect(notSold.body.error).toBe('plan_not_sold');

    const noKey = await startPayment(hotspot, { phone, idempotency_key: undefined });
    expect(noKey.status).toBe(400);
    expect(noKey.body.error).toBe('invalid_request');

    const notJson = await fetch(`${stackInfo().supabaseUrl}/functions/v1/pay-start`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stackInfo().secretKey}` },
      body: '{not json',
    });
    expect(notJson.status).toBe(400);

    const [count] =
      await ownerSql()`select count(*)::int as n from public.payments where phone = ${phone}`;
    expect(count!.n).toBe(0);
    expect(await simPushes(phone)).toHaveLength(0);
  });

  it('reports M-Pesa as unavailable (retryable) when the organization has no settings', async () => {
    const bare = await createPayHotspot(20);
    await ownerSql()`delete from private.mpesa_settings where organization_id = ${bare.organizationId}`;
    const answer = await startPayment(bare, { phone: testPhone() });
    expect(answer.status).toBe(503);
    expect(answer.body.error).toBe('not_configured');
  });

  it('stores the price asked: a later plan price change does not change the payment', async () => {
    const phone = testPhone();
    const started = await startPayment(hotspot, { phone });
    await ownerSql()`update public.plans set price_kes = 25 where id = ${hotspot.planId}`;
    try {
      const row = await settled(started.body.payment_id!);
      expect(row.amount_kes).toBe(20);
      expect(row.status).toBe('success');
    } finally {
      await ownerSql()`update public.plans set price_kes = 20 where id = ${hotspot.planId}`;
    }
    expect((await payment(started.body.payment_id!)).amount_kes).toBe(20);
  });
});
