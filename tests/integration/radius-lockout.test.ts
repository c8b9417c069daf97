// Lockout after repeated guessing from one device, and user names no voucher can have (quotes,
// SQL, 253 bytes, bytes that are not UTF-8) answered safely with a signed reject.
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ATTR, attributeText, text } from '../../radius/packet.ts';
import { createHotspot, login, randomMac, rawRequest, type Hotspot } from '../support/radius.ts';
import { ownerSql } from '../support/users.ts';

let hotspot: Hotspot;
beforeAll(async () => {
  hotspot = await createHotspot({ devicesAllowed: 5 });
});

/** `count` guessing rejects from `mac`: unknown codes and wrong passwords, alternately. */
async function guess(mac: string, count: number) {
  const code = await hotspot.voucher();
  for (let i = 0; i < count; i++) {
    const reply =
      i % 2 === 0
        ? await login(hotspot.router, `ZZZZZZZZ${randomBytes(2).toString('hex').toUpperCase()}`, {
            mac,
          })
        : await login(hotspot.router, code, { mac, password: 'NOTTHECODE' });
    expect(reply?.code).toBe('Access-Reject');
  }
}

describe('lockout', () => {
  it('refuses a device with WB_LOCKED after 10 guessing rejects in 5 minutes, without checking', async () => {
    const mac = randomMac();
    await guess(mac, 10);
    const code = await hotspot.voucher();
    const reply = await login(hotspot.router, code, { mac });
    expect(reply).toMatchObject({
      code: 'Access-Reject',
      attributes: { 'Reply-Message': 'WB_LOCKED' },
    });
    expect(reply?.attributes['Message-Authenticator']).toMatch(/^0x[0-9a-f]{32}$/);
    // Locked whatever it sends, in any MAC format; other devices are not affected.
    expect(
      (await login(hotspot.router, code, { mac: mac.toLowerCase().replaceAll(':', '-') }))
        ?.attributes['Reply-Message'],
    ).toBe('WB_LOCKED');
    expect((await login(hotspot.router, code, { mac: randomMac() }))?.code).toBe('Access-Accept');
    const logged = await ownerSql()`
      select reason, count(*)::int as n from radius.radpostauth
      where callingstationid = ${mac} group by reason order by reason`;
    expect(logged).toEqual([
      { reason: 'WB_BAD_PASSWORD', n: 5 },
      { reason: 'WB_LOCKED', n: 1 },
      { reason: 'WB_UNKNOWN', n: 5 },
    ]);
  });

  it('lets the device in again after the cool-down', async () => {
    const mac = randomMac();
    await guess(mac, 10);
    const code = await hotspot.voucher();
    expect((await login(hotspot.router, code, { mac }))?.attributes['Reply-Message']).toBe(
      'WB_LOCKED',
    );
    // One lockout, at the router's organization (radius-operators.test.ts: only there).
    const locks = await ownerSql()`
      select organization_id, extract(epoch from locked_until - now())::int as left
      from radius.lockouts where mac = ${mac.toLowerCase()}`;
    expect(locks.map((l) => l.organization_id)).toEqual([hotspot.organizationId]);
    expect(locks[0].left).toBeGreaterThan(14 * 60);
    expect(locks[0].left).toBeLessThanOrEqual(15 * 60);
    await ownerSql()`update radius.lockouts set locked_until = now() - interval '1 second'
                     where mac = ${mac.toLowerCase()} and organization_id = ${hotspot.organizationId}`;
    expect((await login(hotspot.router, code, { mac }))?.code).toBe('Access-Accept');
  });

  it('counts only rejects within 5 minutes, and only guessing ones', async () => {
    const mac = randomMac();
    await guess(mac, 9);
    // The window began 5 minutes ago: the next reject starts a new count.
    await ownerSql()`update radius.lockouts set window_started_at = now() - interval '5 minutes'
                     where mac = ${mac.toLowerCase()} and organization_id = ${hotspot.organizationId}`;
    await guess(mac, 1);
    // Refusals that are not guesses (a revoked voucher) do not count either.
    const revoked = await hotspot.voucher();
    await ownerSql()`update public.vouchers set status = 'revoked' where code = ${revoked}`;
    for (let i = 0; i < 10; i++) {
      expect((await login(hotspot.router, revoked, { mac }))?.attributes['Reply-Message']).toBe(
        'WB_REVOKED',
      );
    }
    expect((await login(hotspot.router, await hotspot.voucher(), { mac }))?.code).toBe(
      'Access-Accept',
    );
  });
});

describe('user names no voucher can have', () => {
  it('are refused with a signed WB_UNKNOWN, also when they are not UTF-8', async () => {
    const names = [
      Buffer.from([0xff, 0xfe, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49]),
      Buffer.from('ABCDEFGHJK\u0000', 'latin1'),
      Buffer.from([0xc3, 0x28, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x41]),
      Buffer.alloc(253, 0xe9),
    ];
    for (const name of names) {
      const reply = await rawRequest(
        hotspot.router,
        'auth',
        [text(ATTR.userName, name), text(ATTR.callingStationId, randomMac())],
        { password: 'whatever' },
      );
      expect(reply?.signed, name.toString('hex')).toBe(true);
      expect(reply?.packet.code).toBe(3);
      expect(attributeText(reply!.packet, ATTR.replyMessage)).toBe('WB_UNKNOWN');
      expect(reply!.packet.attributes.some(([type]) => type === ATTR.messageAuthenticator)).toBe(
        true,
      );
    }
    // Accounting for such a name is acknowledged (or the router would retry forever), not stored.
    const acct = await rawRequest(hotspot.router, 'acct', [
      text(ATTR.userName, names[0]),
      [ATTR.acctStatusType, Buffer.from([0, 0, 0, 1])],
      text(ATTR.acctSessionId, 'deadbeef'),
    ]);
    expect(acct?.signed).toBe(true);
    expect(acct?.packet.code).toBe(5);
    expect(
      await ownerSql()`select 1 from radius.radacct where acctsessionid = 'deadbeef'
                       and nasipaddress = ${hotspot.router.nasIp}`,
    ).toHaveLength(0);
    expect((await login(hotspot.router, await hotspot.voucher()))?.code).toBe('Access-Accept');
  });

  it('are logged as hex digits', async () => {
    const name = Buffer.from([0xff, 0xfe, 0x41, 0x27, 0x3b]);
    const mac = randomMac();
    await rawRequest(
      hotspot.router,
      'auth',
      [text(ATTR.userName, name), text(ATTR.callingStationId, mac)],
      { password: 'whatever' },
    );
    expect(
      await ownerSql()`select username, reason from radius.radpostauth where callingstationid = ${mac}`,
    ).toEqual([{ username: '0xfffe41273b', reason: 'WB_UNKNOWN' }]);
  });

  it('a Calling-Station-Id that is not printable ASCII is refused, not bound', async () => {
    const code = await hotspot.voucher();
    const reply = await rawRequest(
      hotspot.router,
      'auth',
      [text(ATTR.userName, code), text(ATTR.callingStationId, Buffer.from([0xff, 0x3a, 0xfe]))],
      { password: code },
    );
    expect(reply?.signed).toBe(true);
    expect(reply?.packet.code).toBe(3);
    expect(attributeText(reply!.packet, ATTR.replyMessage)).toBe('WB_UNKNOWN');
    const [logged] = await ownerSql()`
      select reply, callingstationid from radius.radpostauth where username = ${code}`;
    expect(logged).toEqual({ reply: 'Access-Reject', callingstationid: null });
    expect((await login(hotspot.router, code))?.code).toBe('Access-Accept');
  });
});
