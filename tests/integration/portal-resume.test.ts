// portal_resume: a device that comes back to the portal finds its own payment at this site while
// it is pending, or paid with a voucher not used yet; nothing older, used, or elsewhere. Only the
// browser that started the payment (its cookie) is taken back to the payment page, which shows
// the code: a customer on the Wi-Fi who types a neighbour's MAC into the URL learns its status.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createPayHotspot,
  settled,
  startPayment,
  testMac,
  testPhone,
} from '../support/payments.ts';
import { stackInfo } from '../support/stack.ts';
import { client, ownerSql } from '../support/users.ts';

const resume = async (slug: string, mac: string) => {
  const { data, error } = await client(stackInfo().secretKey).rpc('portal_resume', {
    p_site_slug: slug,
    p_mac: mac,
  });
  expect(error).toBeNull();
  return data as { status_token: string; status: string } | null;
};

async function payment(
  hotspot: Awaited<ReturnType<typeof createPayHotspot>>,
  mac: string,
  extra: { status?: string; age?: string; voucherUsed?: boolean } = {},
): Promise<string> {
  const token = randomBytes(16).toString('hex');
  const sql = ownerSql();
  const [voucher] =
    extra.status === 'success'
      ? await sql`
          insert into public.vouchers (organization_id, plan_id, first_used_at)
          values (${hotspot.organizationId}, ${hotspot.planId},
            ${extra.voucherUsed ? new Date() : null}) returning id`
      : [null];
  await sql`
    insert into public.payments (organization_id, site_id, plan_id, phone, amount_kes,
      status_token, client_mac, status, voucher_id, created_at, settled_at, mpesa_receipt)
    values (${hotspot.organizationId}, ${hotspot.siteId}, ${hotspot.planId}, ${testPhone()},
      ${hotspot.priceKes}, ${token}, ${mac}, ${extra.status ?? 'pending'}, ${voucher?.id ?? null},
      now() - ${extra.age ?? '0 minutes'}::interval,
      ${extra.status === 'success' ? new Date() : null},
      ${extra.status === 'success' ? `R${randomBytes(5).toString('hex').toUpperCase()}` : null})`;
  return token;
}

describe('portal_resume', () => {
  it("finds the device's newest pending or unused paid payment at this site only", async () => {
    const a = await createPayHotspot();
    const b = await createPayHotspot();
    const mac = testMac();
    expect(await resume(a.siteSlug, mac)).toBeNull();
    const pending = await payment(a, mac);
    // Any spelling of the MAC the controllers use.
    expect(await resume(a.siteSlug, mac.toUpperCase().replaceAll(':', '-'))).toEqual({
      status_token: pending,
      status: 'pending',
    });
    expect(await resume(b.siteSlug, mac)).toBeNull();
    expect(await resume(a.siteSlug, testMac())).toBeNull();
    const paid = await payment(a, mac, { status: 'success' });
    expect(await resume(a.siteSlug, mac)).toEqual({ status_token: paid, status: 'success' });
  });

  it('ignores used vouchers, failed and old payments, and junk MACs', async () => {
    const a = await createPayHotspot();
    const mac = testMac();
    await payment(a, mac, { status: 'success', voucherUsed: true });
    await payment(a, mac, { status: 'cancelled' });
    await payment(a, mac, { age: '31 minutes' });
    expect(await resume(a.siteSlug, mac)).toBeNull();
    for (const junk of ['', 'not-a-mac', "' or 1=1 --", 'x'.repeat(5000)]) {
      expect(await resume(a.siteSlug, junk)).toBeNull();
    }
  });

  it('is refused to the public anon key', async () => {
    const { error } = await client().rpc('portal_resume', {
      p_site_slug: 'demo',
      p_mac: testMac(),
    });
    expect(error?.code).toBe('42501');
  });
});

describe('resuming on the portal', () => {
  const home = (slug: string, mac: string, cookie?: string) =>
    fetch(`${stackInfo().portalUrl}/s/${slug}?mac=${encodeURIComponent(mac)}`, {
      redirect: 'manual',
      headers: cookie ? { cookie } : {},
    });

  it("a neighbour's MAC in the URL shows the payment's status, never its page or code", async () => {
    const hotspot = await createPayHotspot();
    const victim = testMac();
    const started = await startPayment(hotspot, { phone: testPhone(), client_mac: victim });
    const token = started.body.status_token!;
    const paid = await settled(started.body.payment_id!);
    expect(paid.status).toBe('success');
    const [voucher] =
      await ownerSql()`select code from public.vouchers where id = ${paid.voucher_id}`;

    // The attacker: the victim's MAC (seen on the air), no cookie, or someone else's.
    for (const cookie of [undefined, `wb_payment=${'0'.repeat(32)}`]) {
      const answer = await home(hotspot.siteSlug, victim.toUpperCase(), cookie);
      expect(answer.status).toBe(200);
      const page = await answer.text();
      expect(page).toContain('The payment from this device was received');
      expect(page).not.toContain(token);
      expect(page).not.toContain(voucher!.code as string);
    }
    // The browser that started it goes back to its payment page.
    const own = await home(hotspot.siteSlug, victim, `wb_payment=${token}`);
    expect(own.status).toBe(303);
    expect(own.headers.get('location')).toContain(`/p/${token}?`);
  });
});
