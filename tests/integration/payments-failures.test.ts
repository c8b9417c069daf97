import { beforeAll, describe, expect, it } from 'vitest';
import { client, ownerSql } from '../support/users.ts';
import {
  createPayHotspot,
  settled,
  simPushes,
  simSwitch,
  startPayment,
  testMac,
  testPhone,
  waitFor,
  type PayHotspot,
} from '../support/payments.ts';

let hotspot: PayHotspot;
beforeAll(async () => {
  hotspot = await createPayHotspot(15);
});

describe('each failure code leaves the right state and message', () => {
  const cases: [suffix: string, status: string, code: string, message: RegExp][] = [
    ['1032', 'cancelled', '1032', /cancelled/i],
    ['0001', 'failed', '1', /balance/i],
    ['1037', 'timeout', '1037', /reach your phone/i],
    ['2001', 'failed', '2001', /PIN/],
    ['0017', 'failed', '17', /two minutes/i],
    ['1001', 'failed', '1001', /Another M-Pesa request/i],
  ];
  for (const [suffix, status, code] of cases) {
    it(`${code} → ${status}, no voucher, no SMS`, async () => {
      const phone = testPhone(suffix);
      const started = await startPayment(hotspot, { phone });
      expect(started.status).toBe(201);
      const row = await settled(started.body.payment_id!);
      expect(row).toMatchObject({
        status,
        result_code_raw: code,
        voucher_id: null,
        mpesa_receipt: null,
      });
      expect(row.result_code).toBe(Number(code));
      const sms = await ownerSql()`select 1 from public.sms_outbox where payment_id = ${row.id}`;
      expect(sms).toHaveLength(0);
      const { data } = await client().rpc('payment_status', { p_token: row.status_token });
      expect(data).toMatchObject({ status, result_code: code, voucher_code: null });
      // The callback was delivered once and acknowledged.
      const [push] = await waitFor(
        async () => {
          const pushes = await simPushes(phone);
          return pushes[0]?.callbacks.every((c) => c.status !== null) ? pushes : null;
        },
        5000,
        'the acknowledgement',
      );
      expect(push!.callbacks.map((c) => c.status)).toEqual([200]);
    });
  }

  it('the customer messages for these codes exist in English and Swahili', async () => {
    const { resultMessage } = await import('../../supabase/functions/_shared/domain/daraja.ts');
    for (const [, , code, english] of cases) {
      expect(resultMessage(code, 'en')).toMatch(english);
      expect(resultMessage(code, 'sw')).not.toBe(resultMessage(code, 'en'));
    }
  });
});

describe('double submits and limits', () => {
  it('the same form submitted twice (even at once) gives one payment and one push', async () => {
    const phone = testPhone();
    const input = { phone, idempotency_key: `form-double-${phone}` };
    const answers = await Promise.all([startPayment(hotspot, input), startPayment(hotspot, input)]);
    const ids = new Set(answers.map((a) => a.body.payment_id));
    expect(ids.size).toBe(1);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 201]);
    expect(answers.find((a) => a.status === 200)!.body.existing).toBe(true);
    const again = await startPayment(hotspot, input);
    expect(again.body.payment_id).toBe(answers[0]!.body.payment_id);
    expect(await simPushes(phone)).toHaveLength(1);
    const [count] =
      await ownerSql()`select count(*)::int as n from public.payments where phone = ${phone}`;
    expect(count!.n).toBe(1);
  });

  it('a second request with a new form key within two minutes does not push again, nor get the payment', async () => {
    const phone = testPhone();
    const mac = testMac();
    // The customer takes a second to answer, so the payment is still pending at the second tap.
    await simSwitch(phone, { delayMs: 1500 });
    const first = await startPayment(hotspot, { phone, client_mac: mac });
    // The same device: told its payment waits on the phone. Another device that typed the same
    // number (even naming the payer's MAC would only change the words): told to wait. Neither
    // gets the payment's status token, which would show the code once paid.
    const again = await startPayment(hotspot, { phone, client_mac: mac });
    const other = await startPayment(hotspot, { phone, client_mac: testMac() });
    const unnamed = await startPayment(hotspot, { phone });
    expect(again).toMatchObject({ status: 409, body: { error: 'already_pending' } });
    expect(other).toMatchObject({ status: 429, body: { error: 'too_soon' } });
    expect(unnamed).toMatchObject({ status: 429, body: { error: 'too_soon' } });
    for (const answer of [again, other, unnamed]) {
      expect(answer.body.status_token).toBeUndefined();
      expect(answer.body.payment_id).toBeUndefined();
    }
    expect(await simPushes(phone)).toHaveLength(1);
    await settled(first.body.payment_id!);
    const third = await startPayment(hotspot, { phone });
    expect(third.status).toBe(429);
    expect(third.body.error).toBe('too_soon');
    expect(third.body.retry_after_seconds).toBeGreaterThan(0);
    expect(third.body.retry_after_seconds).toBeLessThanOrEqual(120);
    const inSwahili = await startPayment(hotspot, { phone, language: 'sw' });
    expect(inSwahili.body).toMatchObject({
      error: 'too_soon',
      message: expect.stringMatching(/Subiri dakika mbili/),
    });
    expect(await simPushes(phone)).toHaveLength(1);
  });

  it('asks one device (MAC) to wait after 4 attempts across phones', async () => {
    const mac = '02:00:00:aa:bb:cc'.replace(
      'cc',
      Math.floor(Math.random() * 256)
        .toString(16)
        .padStart(2, '0'),
    );
    const other = await createPayHotspot(15);
    const answers = [];
    for (let i = 0; i < 5; i++) {
      answers.push(await startPayment(other, { phone: testPhone('1032'), client_mac: mac }));
    }
    expect(answers.slice(0, 4).map((a) => a.status)).toEqual([201, 201, 201, 201]);
    // The device's cap is soft: "wait", as for a customer retrying (pay_start's caps).
    expect(answers[4]).toMatchObject({ status: 429, body: { error: 'too_soon' } });
  });
});
