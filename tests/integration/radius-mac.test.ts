// MAC login: a device a voucher was accepted on may log in with its MAC as the user name
// (MikroTik login-by=mac, CoovaChilli macauth) for what is left of that voucher, under the
// same organization, site and device rules; its accounting counts against that voucher.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  accounting,
  createHotspot,
  login,
  randomMac,
  session,
  voucherState,
  type Hotspot,
} from '../support/radius.ts';
import { ownerSql } from '../support/users.ts';

let hotspot: Hotspot;
beforeAll(async () => {
  hotspot = await createHotspot({
    validitySeconds: 86_400,
    timeQuotaSeconds: 3_600,
    downloadKbps: 4_096,
    uploadKbps: 1_024,
    devicesAllowed: 2,
  });
});

/** A voucher already used on `mac` (logged in with its code once). */
async function usedOn(mac: string, planId?: string): Promise<string> {
  const code = await hotspot.voucher(planId);
  expect((await login(hotspot.router, code, { mac }))?.code).toBe('Access-Accept');
  return code;
}

/** A MAC login as MikroTik sends it: the MAC as user name, an empty password. */
function macLogin(mac: string, options: { userName?: string; password?: string } = {}) {
  return login(hotspot.router, options.userName ?? mac, {
    mac,
    password: options.password ?? '',
  });
}

describe('a device a voucher was used on', () => {
  it('logs in by MAC (MikroTik format, empty password) with what is left of the voucher', async () => {
    const mac = randomMac();
    const code = await usedOn(mac);
    const s = session(hotspot.router, code, mac);
    await accounting(s, 'Start');
    await accounting(s, 'Stop', { seconds: 600 });

    const reply = await macLogin(mac);
    expect(reply?.code).toBe('Access-Accept');
    expect(reply?.attributes).toMatchObject({
      'Session-Timeout': '3000',
      'Acct-Interim-Interval': '300',
      'Mikrotik-Rate-Limit': '1024k/4096k',
    });
    expect(reply?.attributes['Message-Authenticator']).toMatch(/^0x[0-9a-f]{32}$/);
    const [logged] = await ownerSql()`
      select username, reply, reason from radius.radpostauth
      where callingstationid = ${mac} order by id desc limit 1`;
    expect(logged).toEqual({ username: mac, reply: 'Access-Accept', reason: null });
  });

  it('logs in by MAC as CoovaChilli sends it (dashes, a fixed password)', async () => {
    const mac = randomMac();
    await usedOn(mac);
    const dashed = mac.replaceAll(':', '-');
    const reply = await login(hotspot.router, dashed, { mac: dashed, password: 'password' });
    expect(reply?.code).toBe('Access-Accept');
  });

  it('counts accounting under its MAC against the voucher, and stops when it is used up', async () => {
    const mac = randomMac();
    const code = await usedOn(mac);
    expect((await macLogin(mac))?.code).toBe('Access-Accept');
    const s = session(hotspot.router, mac, mac);
    await accounting(s, 'Start');
    await accounting(s, 'Interim-Update', { seconds: 1_200, input: 100n, output: 900n });
    expect(await voucherState(code)).toMatchObject({ usedSeconds: 1_200n, usedBytes: 1_000n });
    await accounting(s, 'Stop', { seconds: 3_600, input: 100n, output: 900n });
    expect(await voucherState(code)).toMatchObject({ usedSeconds: 3_600n, status: 'exhausted' });
    expect((await macLogin(mac))?.attributes['Reply-Message']).toBe('WB_EXHAUSTED_TIME');
  });

  it('uses a voucher that still has time when the device has several', async () => {
    const mac = randomMac();
    const old = await usedOn(mac);
    await ownerSql()`update public.vouchers set status = 'revoked' where code = ${old}`;
    expect((await macLogin(mac))?.attributes['Reply-Message']).toBe('WB_REVOKED');
    const fresh = await usedOn(mac);
    expect((await macLogin(mac))?.code).toBe('Access-Accept');
    const s = session(hotspot.router, mac, mac);
    await accounting(s, 'Stop', { seconds: 60 });
    expect((await voucherState(fresh)).usedSeconds).toBe(60n);
    expect((await voucherState(old)).usedSeconds).toBe(0n);
  });
});

describe('a MAC login is refused', () => {
  it('for a device no voucher was used on', async () => {
    const reply = await macLogin(randomMac());
    expect(reply).toMatchObject({
      code: 'Access-Reject',
      attributes: { 'Reply-Message': 'WB_UNKNOWN' },
    });
    expect(reply?.attributes['Message-Authenticator']).toMatch(/^0x[0-9a-f]{32}$/);
  });

  it("for a MAC that is not the device's own Calling-Station-Id", async () => {
    const mac = randomMac();
    await usedOn(mac);
    const reply = await macLogin(randomMac(), { userName: mac });
    expect(reply?.attributes['Reply-Message']).toBe('WB_UNKNOWN');
  });

  it("at another organization's router (as unknown), or where the plan is not sold", async () => {
    const mac = randomMac();
    await usedOn(mac);
    const other = await createHotspot();
    // The other operator's router is not told that the device was bound here.
    const reply = await login(other.router, mac, { mac, password: '' });
    expect(reply?.attributes['Reply-Message']).toBe('WB_UNKNOWN');

    const notSold = await hotspot.plan({}, false);
    const elsewhere = randomMac();
    const code = await hotspot.voucher(notSold);
    // Bound at a router where it was sold once; the plan is no longer offered here.
    const [voucher] = await ownerSql()`select id from public.vouchers where code = ${code}`;
    await ownerSql()`insert into radius.voucher_devices (voucher_id, mac)
                     values (${voucher.id}, ${elsewhere.toLowerCase()})`;
    expect((await macLogin(elsewhere))?.attributes['Reply-Message']).toBe('WB_WRONG_SITE');
  });

  it('beyond the open sessions the voucher allows', async () => {
    const phone = randomMac();
    const laptop = randomMac();
    const code = await usedOn(phone);
    expect((await login(hotspot.router, code, { mac: laptop }))?.code).toBe('Access-Accept');
    // A third device bound directly in the database, and the two other devices online: the
    // voucher allows two open sessions, so the phone has to wait.
    const tablet = randomMac();
    const [voucher] = await ownerSql()`select id from public.vouchers where code = ${code}`;
    await ownerSql()`insert into radius.voucher_devices (voucher_id, mac)
                     values (${voucher.id}, ${tablet.toLowerCase()})`;
    await accounting(session(hotspot.router, code, laptop), 'Start');
    await accounting(session(hotspot.router, code, tablet), 'Start');
    expect((await macLogin(phone))?.attributes['Reply-Message']).toBe('WB_DEVICE_LIMIT');
  });

  it('without counting towards the lockout', async () => {
    const mac = randomMac();
    for (let i = 0; i < 11; i++) {
      expect((await macLogin(mac))?.attributes['Reply-Message']).toBe('WB_UNKNOWN');
    }
    expect((await login(hotspot.router, await hotspot.voucher(), { mac }))?.code).toBe(
      'Access-Accept',
    );
  });
});
