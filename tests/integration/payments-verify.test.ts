// Money is verified before it becomes internet (SECURITY.md): written as the attacker. An
// operator (or anyone holding the organization's signed C2B URL) can post confirmations Daraja
// never sent; a callback can claim more than was paid; a receipt can be claimed at a second
// organization. Only what Daraja's Transaction Status confirms is redeemable on the portal.
import { createHash, createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { client, clientAs, createTestUser, ownerSql, type TestUser } from '../support/users.ts';
import {
  SANDBOX_INITIATOR,
  SANDBOX_SECURITY_CREDENTIAL,
  callbackSecret,
  createPayHotspot,
  functionsUrl,
  postCallback,
  receipt,
  signedCallbackUrl,
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
let owner: TestUser;

beforeAll(async () => {
  [hotspot, owner] = await Promise.all([createPayHotspot(20), createTestUser('verify-owner')]);
  await hotspot.plan(300, '1 Month');
  await ownerSql()`insert into public.memberships (organization_id, user_id, role)
    values (${hotspot.organizationId}, ${owner.id}, 'owner')`;
});

const recover = (slug: string, code: string, phone: string) =>
  client().rpc('recover_voucher', { p_site_slug: slug, p_receipt: code, p_phone: phone });

/** The organization's signed C2B confirmation URL: what Daraja registration gives its owner. */
function confirmationUrl(organizationId: string): string {
  const token = createHmac('sha256', callbackSecret())
    .update(`c2b:${organizationId}`)
    .digest('hex')
    .slice(0, 32);
  return `${functionsUrl()}/pay-c2b/${organizationId}/${token}/confirmation`;
}

function confirmation(code: string, amount: number, msisdn?: string) {
  return {
    TransactionType: 'Pay Bill',
    TransID: code,
    TransTime: '20261206101501',
    TransAmount: amount.toFixed(2),
    BusinessShortCode: '174379',
    BillRefNumber: 'WIFI',
    ...(msisdn ? { MSISDN: createHash('sha256').update(msisdn).digest('hex') } : {}),
  };
}

describe('money is verified before it becomes internet', () => {
  it('a C2B confirmation Safaricom never sent is never redeemable: verifying, then not found', async () => {
    const phone = testPhone();
    const code = receipt();
    // The initiator's credential is wrong at first: Daraja answers 2001, the receipt waits.
    await ownerSql()`update private.mpesa_settings set security_credential = 'not-the-credential'
                     where organization_id = ${hotspot.organizationId}`;
    const posted = await postCallback(
      confirmationUrl(hotspot.organizationId),
      confirmation(code, 300, phone.slice(1)),
    );
    expect(posted.status).toBe(200);
    expect((await recover(hotspot.siteSlug, code, phone)).data).toEqual({
      ok: false,
      error: 'verifying',
      retry_after_seconds: 5,
    });
    await waitFor(
      async () => {
        const [row] = await ownerSql()`select verification_error from private.unmatched_receipts
          where organization_id = ${hotspot.organizationId} and receipt = ${code}`;
        return /2001/.test(String(row?.verification_error)) ? row : null;
      },
      8000,
      'the initiator error',
    );
    // The owner fixes the initiator in Settings: the waiting receipt is asked again at once.
    const saved = await clientAs(owner).rpc('set_mpesa_settings', {
      p_organization_id: hotspot.organizationId,
      p_environment: 'sandbox',
      p_shortcode: '174379',
      p_account_type: 'paybill',
      p_initiator_name: SANDBOX_INITIATOR,
      p_security_credential: SANDBOX_SECURITY_CREDENTIAL,
    });
    expect(saved.error).toBeNull();
    expect(saved.data.mpesa).toMatchObject({ initiator_name: SANDBOX_INITIATOR });
    expect(await verified(hotspot.organizationId, code)).toMatchObject({ verification: 'refuted' });
    expect((await recover(hotspot.siteSlug, code, phone)).data).toEqual({
      ok: false,
      error: 'not_found',
    });
    expect(await ownerSql()`select 1 from public.payments where mpesa_receipt = ${code}`).toEqual(
      [],
    );
    const stored = await ownerSql()`select verdict from private.payment_callbacks
      where kind = 'status' and organization_id = ${hotspot.organizationId} and receipt = ${code}`;
    expect(stored.map((row) => row.verdict)).toContain('refuted');
  });

  it('a genuine one is redeemed after verification, only by the payer Daraja names', async () => {
    const phone = testPhone();
    const code = receipt();
    await simReceipt({ receipt: code, amount: 35, msisdn: phone.slice(1) });
    // No MSISDN in the confirmation: before verification any phone passed the phone check.
    await postCallback(confirmationUrl(hotspot.organizationId), confirmation(code, 35));
    expect(await verified(hotspot.organizationId, code)).toMatchObject({
      verification: 'confirmed',
      verified_amount_kes: 35,
      verified_phone: phone,
    });
    expect((await recover(hotspot.siteSlug, code, testPhone())).data).toEqual({
      ok: false,
      error: 'not_found',
    });
    expect((await recover(hotspot.siteSlug, code, phone)).data).toMatchObject({
      ok: true,
      plan_name: '1 Hour',
      amount_kes: 35,
    });
  });

  it('a callback claiming more than was paid redeems only what Daraja confirmed', async () => {
    const phone = testPhone();
    await simSwitch(phone, { drop: true });
    const started = await startPayment(hotspot, { phone });
    const paymentId = started.body.payment_id!;
    const [row] = await waitFor(
      async () => {
        const rows = await ownerSql()`select checkout_request_id from public.payments
                                      where id = ${paymentId} and checkout_request_id is not null`;
        return rows.length ? rows : null;
      },
      5000,
      'the checkout id',
    );
    const code = receipt();
    await simReceipt({ receipt: code, amount: 20, msisdn: phone.slice(1) });
    // The signed callback says 300 KES (the dearest plan); M-Pesa saw 20.
    await postCallback(
      signedCallbackUrl(paymentId),
      successCallback(row!.checkout_request_id as string, '300.00', code, phone),
    );
    expect(await verified(hotspot.organizationId, code)).toMatchObject({
      reason: 'amount_mismatch',
      amount_kes: 300,
      verification: 'confirmed',
      verified_amount_kes: 20,
    });
    expect((await recover(hotspot.siteSlug, code, phone)).data).toMatchObject({
      ok: true,
      plan_name: '1 Hour',
      amount_kes: 20,
    });
  });

  it('the same receipt at two organizations: each keeps its own row, platform staff are alerted', async () => {
    const other = await createPayHotspot(20);
    const phone = testPhone();
    const code = receipt();
    await simReceipt({ receipt: code, amount: 20, msisdn: phone.slice(1) });
    for (const org of [hotspot.organizationId, other.organizationId]) {
      const posted = await postCallback(
        confirmationUrl(org),
        confirmation(code, 20, phone.slice(1)),
      );
      expect(posted.status).toBe(200);
    }
    const rows = await ownerSql()`select organization_id from private.unmatched_receipts
                                  where receipt = ${code} order by received_at`;
    expect(rows.map((r) => r.organization_id)).toEqual([
      hotspot.organizationId,
      other.organizationId,
    ]);
    const staff = await createTestUser('verify-staff');
    await ownerSql()`insert into private.platform_staff (user_id) values (${staff.id})`;
    const alerts = await clientAs(staff).rpc('platform_receipt_alerts');
    expect(alerts.error).toBeNull();
    expect(alerts.data).toContainEqual(
      expect.objectContaining({
        receipt: code,
        organization_id: other.organizationId,
        other_organization_id: hotspot.organizationId,
      }),
    );
    expect((await clientAs(owner).rpc('platform_receipt_alerts')).error?.code).toBe('42501');
  });

  it('a forged Transaction Status result is refused and counted, not stored', async () => {
    const code = receipt();
    const hex = Buffer.from(code).toString('hex');
    const forged = await postCallback(
      `${functionsUrl()}/pay-verify/${hotspot.organizationId}/${hex}/${'a'.repeat(32)}/result`,
      { Result: { ResultCode: 0, ResultDesc: 'ok' } },
    );
    expect(forged.status).toBe(403);
    const [junk] = await ownerSql()`select sum(hits)::int as hits from private.callback_junk
                                    where kind = 'status' and reason = 'forged'`;
    expect(junk!.hits).toBeGreaterThan(0);
    expect(
      await ownerSql()`select 1 from private.payment_callbacks where kind = 'status' and receipt = ${code}`,
    ).toEqual([]);
  });
});
