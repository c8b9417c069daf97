// One FreeRADIUS serves every operator: what one operator's router can learn or cause must stay
// at that operator. The attacker is another organization's owner, who controls their own
// routers (their address and secret) and sends whatever Access-Requests they like through them:
// they must not lock a device out at another operator's routers, and the Reply-Message they get
// must not tell a code (or a device) of another operator from one that does not exist. The
// operators' own customers keep logging in.
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  accounting,
  createHotspot,
  login,
  randomMac,
  session,
  type Hotspot,
  type Reply,
} from '../support/radius.ts';
import { ownerSql } from '../support/users.ts';

/** Operator A (the victim) and operator B (the attacker, who controls B's router). */
let a: Hotspot;
let b: Hotspot;
beforeAll(async () => {
  [a, b] = await Promise.all([
    createHotspot({ timeQuotaSeconds: 3_600, devicesAllowed: 2 }),
    createHotspot({ devicesAllowed: 2 }),
  ]);
});

/** A code no organization has (code-shaped, so it reaches the database like a real one). */
function noSuchCode() {
  return `ZZZZZZZZ${randomBytes(2).toString('hex').toUpperCase()}`;
}

/** What a router can see of a reply: its code and attributes (the authenticators aside). */
function visible(reply: Reply | null) {
  if (!reply) return null;
  const { 'Message-Authenticator': signature, ...attributes } = reply.attributes;
  expect(signature).toMatch(/^0x[0-9a-f]{32}$/);
  return { code: reply.code, attributes };
}

/** The log lines of a device (Calling-Station-Id), oldest first. */
function logged(mac: string) {
  return ownerSql()`
    select username, reply, reason, host(nasipaddress) as nas_ip from radius.radpostauth
    where callingstationid = ${mac} order by id`;
}

describe('lockout across organizations', () => {
  it("10 guesses at B's router lock the device at B only: it still logs in at A", async () => {
    const mac = randomMac();
    // The attacker guesses from the device's MAC: unknown codes, B's own code with a wrong
    // password, and A's real code (which B's router is told does not exist).
    const bCode = await b.voucher();
    const aCode = await a.voucher();
    for (let i = 0; i < 10; i++) {
      const reply =
        i % 3 === 0
          ? await login(b.router, noSuchCode(), { mac })
          : i % 3 === 1
            ? await login(b.router, bCode, { mac, password: 'NOTTHECODE' })
            : await login(b.router, aCode, { mac });
      expect(reply?.code).toBe('Access-Reject');
      expect(reply?.attributes['Reply-Message']).not.toBe('WB_LOCKED');
    }
    // Locked at B, even with a valid voucher of B.
    expect((await login(b.router, await b.voucher(), { mac }))?.attributes['Reply-Message']).toBe(
      'WB_LOCKED',
    );
    // Not at A: the device logs in with A's voucher (the one B's router sent, too).
    expect((await login(a.router, aCode, { mac }))?.code).toBe('Access-Accept');
    expect(
      await ownerSql()`select organization_id, rejects, locked_until > now() as locked
                       from radius.lockouts where mac = ${mac.toLowerCase()}`,
    ).toEqual([{ organization_id: b.organizationId, rejects: 10, locked: true }]);
  });

  it("a lockout at A is not one at B either, and B's router cannot lift it", async () => {
    const mac = randomMac();
    for (let i = 0; i < 10; i++) await login(a.router, noSuchCode(), { mac });
    expect((await login(a.router, await a.voucher(), { mac }))?.attributes['Reply-Message']).toBe(
      'WB_LOCKED',
    );
    expect((await login(b.router, await b.voucher(), { mac }))?.code).toBe('Access-Accept');
    expect((await login(a.router, await a.voucher(), { mac }))?.attributes['Reply-Message']).toBe(
      'WB_LOCKED',
    );
  });

  it('also holds for MAC login: locked at B, the device still reconnects by MAC at A', async () => {
    const mac = randomMac();
    expect((await login(a.router, await a.voucher(), { mac }))?.code).toBe('Access-Accept');
    for (let i = 0; i < 10; i++) await login(b.router, noSuchCode(), { mac });
    expect((await login(b.router, mac, { mac, password: '' }))?.attributes['Reply-Message']).toBe(
      'WB_LOCKED',
    );
    expect((await login(a.router, mac, { mac, password: '' }))?.code).toBe('Access-Accept');
  });

  it("an operator's own code at the wrong site is no guess: ten of them lock nothing", async () => {
    const mac = randomMac();
    const notSoldHere = await a.voucher(await a.plan({}, false));
    for (let i = 0; i < 10; i++) {
      expect((await login(a.router, notSoldHere, { mac }))?.attributes['Reply-Message']).toBe(
        'WB_WRONG_SITE',
      );
    }
    expect((await login(a.router, await a.voucher(), { mac }))?.code).toBe('Access-Accept');
  });
});

describe('reject reasons across organizations', () => {
  it("B's router gets WB_UNKNOWN for A's real code, the same reply as for no code at all", async () => {
    const mac = randomMac();
    const aCode = await a.voucher();
    const foreign = visible(await login(b.router, aCode, { mac }));
    const nothing = visible(await login(b.router, noSuchCode(), { mac }));
    expect(foreign).toEqual({
      code: 'Access-Reject',
      attributes: { 'Reply-Message': 'WB_UNKNOWN' },
    });
    expect(foreign).toEqual(nothing);
    // With CHAP, a wrong password or a lower-case code: still nothing to tell them apart.
    for (const attempt of [
      () => login(b.router, aCode, { mac, chap: true }),
      () => login(b.router, aCode, { mac, password: 'NOTTHECODE' }),
      () => login(b.router, aCode.toLowerCase(), { mac }),
    ]) {
      expect(visible(await attempt())).toEqual(nothing);
    }
    // The log keeps the true reason for the platform; the reply said WB_UNKNOWN.
    const lines = await logged(mac);
    expect(lines.map((l) => [l.reason, l.nas_ip])).toEqual([
      ['WB_OTHER_OPERATOR', b.router.nasIp],
      ['WB_UNKNOWN', b.router.nasIp],
      ['WB_OTHER_OPERATOR', b.router.nasIp],
      ['WB_OTHER_OPERATOR', b.router.nasIp],
      ['WB_OTHER_OPERATOR', b.router.nasIp],
    ]);
    // A's customer is not affected.
    expect((await login(a.router, aCode, { mac: randomMac() }))?.code).toBe('Access-Accept');
  });

  it("A's revoked, expired, used-up or suspended code tells B's router nothing either", async () => {
    const [revoked, expired, exhausted] = [await a.voucher(), await a.voucher(), await a.voucher()];
    await ownerSql()`update public.vouchers set status = 'revoked' where code = ${revoked}`;
    await ownerSql()`update public.vouchers set first_used_at = now() - interval '2 days',
                     expires_at = now() - interval '1 second' where code = ${expired}`;
    const s = session(a.router, exhausted);
    expect((await login(a.router, exhausted, { mac: s.mac }))?.code).toBe('Access-Accept');
    await accounting(s, 'Stop', { seconds: 3_600 });
    // At A, each gets its reason.
    expect((await login(a.router, revoked))?.attributes['Reply-Message']).toBe('WB_REVOKED');
    expect((await login(a.router, expired))?.attributes['Reply-Message']).toBe('WB_EXPIRED');
    expect((await login(a.router, exhausted, { mac: s.mac }))?.attributes['Reply-Message']).toBe(
      'WB_EXHAUSTED_TIME',
    );
    for (const code of [revoked, expired, exhausted]) {
      expect(visible(await login(b.router, code)), code).toEqual({
        code: 'Access-Reject',
        attributes: { 'Reply-Message': 'WB_UNKNOWN' },
      });
    }

    // A suspended operator's code, too (A's own routers say WB_SUSPENDED).
    const suspended = await createHotspot();
    const code = await suspended.voucher();
    await ownerSql()`update public.organizations set suspended_at = now(), suspended_reason = 'test'
                     where id = ${suspended.organizationId}`;
    expect((await login(suspended.router, code))?.attributes['Reply-Message']).toBe('WB_SUSPENDED');
    expect((await login(b.router, code))?.attributes['Reply-Message']).toBe('WB_UNKNOWN');
  });

  it("A's own router still says WB_WRONG_SITE for A's code not sold at its site", async () => {
    const notSoldHere = await a.voucher(await a.plan({}, false));
    const mac = randomMac();
    expect((await login(a.router, notSoldHere, { mac }))?.attributes['Reply-Message']).toBe(
      'WB_WRONG_SITE',
    );
    expect((await login(b.router, notSoldHere, { mac }))?.attributes['Reply-Message']).toBe(
      'WB_UNKNOWN',
    );
    expect((await logged(mac)).map((l) => l.reason)).toEqual([
      'WB_WRONG_SITE',
      'WB_OTHER_OPERATOR',
    ]);
  });

  it('a MAC login at B does not tell that the device was bound at A, or why A would refuse it', async () => {
    const mac = randomMac();
    const aCode = await a.voucher();
    expect((await login(a.router, aCode, { mac }))?.code).toBe('Access-Accept');
    const unbound = randomMac();
    const nothing = visible(await login(b.router, unbound, { mac: unbound, password: '' }));
    expect(nothing).toEqual({
      code: 'Access-Reject',
      attributes: { 'Reply-Message': 'WB_UNKNOWN' },
    });
    expect(visible(await login(b.router, mac, { mac, password: '' }))).toEqual(nothing);

    // Even once A's voucher is used up (A's router says so; B's must not).
    const s = session(a.router, aCode, mac);
    await accounting(s, 'Stop', { seconds: 3_600 });
    expect((await login(a.router, mac, { mac, password: '' }))?.attributes['Reply-Message']).toBe(
      'WB_EXHAUSTED_TIME',
    );
    expect(visible(await login(b.router, mac, { mac, password: '' }))).toEqual(nothing);

    const lines = await logged(mac);
    expect(lines.filter((l) => l.nas_ip === b.router.nasIp).map((l) => l.reason)).toEqual([
      'WB_OTHER_OPERATOR',
      'WB_OTHER_OPERATOR',
    ]);
    // MAC-login refusals never count towards a lockout (routers try MAC login first).
    expect(
      await ownerSql()`select 1 from radius.lockouts where mac = ${mac.toLowerCase()}`,
    ).toHaveLength(0);
  });

  it('a device bound at both uses only the voucher of the router it asks', async () => {
    const mac = randomMac();
    const aCode = await a.voucher();
    const bCode = await b.voucher();
    expect((await login(a.router, aCode, { mac }))?.code).toBe('Access-Accept');
    expect((await login(b.router, bCode, { mac }))?.code).toBe('Access-Accept');
    // A's voucher is used up; at B the device reconnects by MAC with B's voucher.
    await accounting(session(a.router, aCode, mac), 'Stop', { seconds: 3_600 });
    expect((await login(b.router, mac, { mac, password: '' }))?.code).toBe('Access-Accept');
    const [line] = await ownerSql()`
      select reply, reason from radius.radpostauth
      where callingstationid = ${mac} and nasipaddress = ${b.router.nasIp} order by id desc limit 1`;
    expect(line).toEqual({ reply: 'Access-Accept', reason: null });
  });
});
