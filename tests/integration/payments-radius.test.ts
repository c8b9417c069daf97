// Paid with M-Pesa → FreeRADIUS lets the device on with the voucher code (from the page or the
// SMS); that login binds the device, which may then log in by MAC. The MAC in the portal's URL
// binds nothing: anyone can write it.
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHotspot, login, randomMac, type Hotspot } from '../support/radius.ts';
import { ownerSql } from '../support/users.ts';
import { settled, startPayment, testPhone, type PayHotspot } from '../support/payments.ts';

let hotspot: Hotspot;
let pay: PayHotspot;
beforeAll(async () => {
  hotspot = await createHotspot({ validitySeconds: 3_600, downloadKbps: 2_048, uploadKbps: 1_024 });
  const sql = ownerSql();
  const tag = randomBytes(4).toString('hex');
  await sql`
    insert into private.mpesa_settings (organization_id, shortcode, passkey, consumer_key, consumer_secret)
    values (${hotspot.organizationId}, '174379',
            'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919', ${`k-${tag}`}, ${`s-${tag}`})`;
  await sql`insert into private.sms_settings (organization_id, username, api_key)
            values (${hotspot.organizationId}, 'sandbox', ${`at-${tag}`})`;
  const [site] = await sql`select slug from public.sites where id = ${hotspot.siteId}`;
  pay = {
    organizationId: hotspot.organizationId,
    siteId: hotspot.siteId,
    siteSlug: site!.slug as string,
    planId: hotspot.planId,
    priceKes: 10,
    routerId: hotspot.router.id,
    plan: () => Promise.reject(new Error('not needed')),
  };
});

describe('paid → Access-Accept', () => {
  it('binds the device that logs in with the code, which may then come back by MAC', async () => {
    const mac = randomMac();
    const started = await startPayment(pay, { phone: testPhone(), client_mac: mac });
    expect(started.status).toBe(201);
    const row = await settled(started.body.payment_id!);
    expect(row.status).toBe('success');
    const [voucher] =
      await ownerSql()`select code from public.vouchers where id = ${row.voucher_id}`;

    const byCode = await login(hotspot.router, voucher!.code as string, { mac });
    expect(byCode?.code).toBe('Access-Accept');
    expect(byCode?.attributes['Mikrotik-Rate-Limit']).toBe('1024k/2048k');
    const byMac = await login(hotspot.router, mac, { mac, password: '' });
    expect(byMac?.code).toBe('Access-Accept');
    // Another device cannot use the MAC route, and the plan allows one device only.
    expect((await login(hotspot.router, randomMac(), { password: '' }))?.code).toBe(
      'Access-Reject',
    );
    expect((await login(hotspot.router, voucher!.code as string))?.code).toBe('Access-Reject');
  });

  it("a MAC written into the portal URL binds nothing: the attacker's device stays out, the payer gets on", async () => {
    // A customer on the Wi-Fi doctors the link (or a sticker) so that a neighbour's payment
    // names the attacker's MAC, then waits for the paid voucher to let that MAC in.
    const attacker = randomMac();
    const payer = randomMac();
    const started = await startPayment(pay, { phone: testPhone(), client_mac: attacker });
    const row = await settled(started.body.payment_id!);
    expect(row.status).toBe('success');
    const [voucher] =
      await ownerSql()`select code from public.vouchers where id = ${row.voucher_id}`;
    expect(
      await ownerSql()`select mac from radius.voucher_devices where voucher_id = ${row.voucher_id}`,
    ).toEqual([]);

    expect((await login(hotspot.router, attacker, { mac: attacker, password: '' }))?.code).toBe(
      'Access-Reject',
    );
    // The payer's own device logs in with the code (one device allowed: no "device limit").
    expect((await login(hotspot.router, voucher!.code as string, { mac: payer }))?.code).toBe(
      'Access-Accept',
    );
    expect((await login(hotspot.router, attacker, { mac: attacker, password: '' }))?.code).toBe(
      'Access-Reject',
    );
  });
});
