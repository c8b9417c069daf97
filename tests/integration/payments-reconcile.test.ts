import { beforeAll, describe, expect, it } from 'vitest';
import { stackInfo } from '../support/stack.ts';
import { ownerSql } from '../support/users.ts';
import {
  createPayHotspot,
  payment,
  postCallback,
  runFunction,
  signedCallbackUrl,
  simPushes,
  simSwitch,
  startPayment,
  successCallback,
  testPhone,
  waitFor,
  type PayHotspot,
} from '../support/payments.ts';

let hotspot: PayHotspot;
beforeAll(async () => {
  hotspot = await createPayHotspot(20);
});

async function started(phone: string, switches: Record<string, unknown>) {
  await simSwitch(phone, switches);
  const answer = await startPayment(hotspot, { phone });
  expect(answer.status).toBe(201);
  const id = answer.body.payment_id!;
  await waitFor(async () => (await payment(id)).checkout_request_id, 5000, 'CheckoutRequestID');
  return id;
}

const reconcile = (body: Record<string, unknown>) => runFunction('pay-reconcile', body);

describe('the reconciler', () => {
  it('recovers a dropped success callback by STK Query, then takes the receipt from a late callback', async () => {
    const phone = testPhone();
    const id = await started(phone, { drop: true });
    await waitFor(async () => (await simPushes(phone))[0]!.status === 'done', 5000, 'push done');
    const answer = await reconcile({ payment_id: id });
    expect(answer).toMatchObject({ status: 200, body: { checked: 1, settled: 1 } });
    const row = await payment(id);
    expect(row).toMatchObject({
      status: 'success',
      via: 'query',
      receipt_missing: true,
      mpesa_receipt: null,
    });
    expect(row.voucher_id).not.toBeNull();
    const sms = await ownerSql()`select body from public.sms_outbox where payment_id = ${id}`;
    expect(sms).toHaveLength(1);

    const [push] = await simPushes(phone);
    await postCallback(
      signedCallbackUrl(id),
      successCallback(push!.checkoutRequestId, '20.00', push!.receipt!, phone),
    );
    const after = await payment(id);
    expect(after).toMatchObject({
      status: 'success',
      receipt_missing: false,
      mpesa_receipt: push!.receipt,
      voucher_id: row.voucher_id,
    });
  });

  it('records a dropped failure callback with its result code', async () => {
    const phone = testPhone('1032');
    const id = await started(phone, { drop: true });
    await waitFor(async () => (await simPushes(phone))[0]!.status === 'done', 5000, 'push done');
    await reconcile({ payment_id: id });
    expect(await payment(id)).toMatchObject({
      status: 'cancelled',
      result_code: 1032,
      voucher_id: null,
    });
  });

  it('leaves a payment pending while Daraja says "still processing", then times it out; a late success still wins', async () => {
    const phone = testPhone();
    const id = await started(phone, { delayMs: 60_000 });
    const first = await reconcile({ payment_id: id });
    expect(first.body).toMatchObject({ checked: 1, pending: 1 });
    expect((await payment(id)).status).toBe('pending');

    await ownerSql()`update public.payments set created_at = now() - interval '10 minutes' where id = ${id}`;
    const second = await reconcile({ payment_id: id });
    expect(second.body).toMatchObject({ checked: 1, timed_out: 1 });
    expect(await payment(id)).toMatchObject({ status: 'timeout', voucher_id: null });

    const [push] = await simPushes(phone);
    await postCallback(
      signedCallbackUrl(id),
      successCallback(push!.checkoutRequestId, '20', 'TLATE12345', phone),
    );
    expect(await payment(id)).toMatchObject({ status: 'success', mpesa_receipt: 'TLATE12345' });
    expect((await payment(id)).voucher_id).not.toBeNull();
  });

  it('sweeps pending payments older than a minute and times out pushes that never got an answer', async () => {
    const sql = ownerSql();
    const [orphan] = await sql`
      insert into public.payments (organization_id, site_id, plan_id, phone, amount_kes, idempotency_key, created_at)
      values (${hotspot.organizationId}, ${hotspot.siteId}, ${hotspot.planId}, ${testPhone()}, 20,
              ${`orphan-${Date.now()}`}, now() - interval '6 minutes')
      returning id`;
    const answer = await reconcile({ older_than_seconds: 300, limit: 500 });
    expect(answer.status).toBe(200);
    expect(answer.body.checked).toBeGreaterThanOrEqual(1);
    expect(await payment(orphan!.id as string)).toMatchObject({ status: 'timeout', via: 'query' });
  });

  it('is for the service role only', async () => {
    const response = await fetch(`${stackInfo().supabaseUrl}/functions/v1/pay-reconcile`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stackInfo().publishableKey}` },
      body: '{}',
    });
    expect(response.status).toBe(403);
    expect((await runFunction('pay-reconcile', { limit: 'all' })).status).toBe(400);
  });
});

describe('the Daraja token cache', () => {
  it('keeps one token for all requests and refreshes once when someone else invalidated it', async () => {
    const sql = ownerSql();
    const [before] =
      await sql`select refresh_count from private.daraja_tokens where organization_id = ${hotspot.organizationId}`;
    expect(before!.refresh_count).toBe(1);

    // Someone (another server with the same app credentials) takes a new token: ours dies.
    const [settings] =
      await sql`select consumer_key, consumer_secret from private.mpesa_settings where organization_id = ${hotspot.organizationId}`;
    const other = await fetch(
      `${stackInfo().daraja!.url}/oauth/v1/generate?grant_type=client_credentials`,
      {
        headers: {
          authorization: `Basic ${Buffer.from(`${settings!.consumer_key}:${settings!.consumer_secret}`).toString('base64')}`,
        },
      },
    );
    expect(other.status).toBe(200);

    const phones = [testPhone(), testPhone(), testPhone()];
    const answers = await Promise.all(phones.map((phone) => startPayment(hotspot, { phone })));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    const [after] =
      await sql`select refresh_count, expires_at > now() + interval '50 minutes' as fresh from private.daraja_tokens where organization_id = ${hotspot.organizationId}`;
    expect(after!.refresh_count).toBe(2);
    expect(after!.fresh).toBe(true);
  });
});
