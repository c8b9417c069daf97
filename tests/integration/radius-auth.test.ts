// Access-Request against the real FreeRADIUS: what a voucher's frozen limits turn into, and
// every refusal with its reason code.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  accounting,
  createHotspot,
  login,
  randomMac,
  session,
  sessionsOf,
  type Hotspot,
} from '../support/radius.ts';
import { ownerSql } from '../support/users.ts';

const GiB = 1024n ** 3n;

let hotspot: Hotspot;
beforeAll(async () => {
  // 1 day validity, 1 hour of time, 6 GiB of data, 5 Mbit/s down and 2 Mbit/s up, 1 device.
  hotspot = await createHotspot({
    validitySeconds: 86_400,
    timeQuotaSeconds: 3_600,
    dataQuotaBytes: 6n * GiB,
    downloadKbps: 5_120,
    uploadKbps: 2_048,
    devicesAllowed: 1,
  });
});

describe('a valid voucher', () => {
  it('is accepted with PAP and gets every limit as reply attributes', async () => {
    const code = await hotspot.voucher();
    const reply = await login(hotspot.router, code);
    expect(reply?.code).toBe('Access-Accept');
    expect(reply?.attributes).toMatchObject({
      'Session-Timeout': '3600',
      'Acct-Interim-Interval': '300',
      'Mikrotik-Rate-Limit': '2048k/5120k',
      'WISPr-Bandwidth-Max-Down': '5120000',
      'WISPr-Bandwidth-Max-Up': '2048000',
      // 6 GiB = 1 gigaword (4 GiB) + 2 GiB.
      'Mikrotik-Total-Limit': String(2n * GiB),
      'Mikrotik-Total-Limit-Gigawords': '1',
    });
    expect(reply?.attributes['Message-Authenticator']).toMatch(/^0x[0-9a-f]{32}$/);
    expect(reply?.attributes['Reply-Message']).toBeUndefined();
  });

  it('is accepted with CHAP', async () => {
    const code = await hotspot.voucher();
    const reply = await login(hotspot.router, code, { chap: true });
    expect(reply?.code).toBe('Access-Accept');
    expect(reply?.attributes['Session-Timeout']).toBe('3600');
  });

  it('matches its code whatever the case, as long as the password is the same text', async () => {
    const code = await hotspot.voucher();
    expect((await login(hotspot.router, code.toLowerCase(), { chap: true }))?.code).toBe(
      'Access-Accept',
    );
  });

  it('logs the login without any password', async () => {
    const code = await hotspot.voucher();
    const mac = randomMac();
    await login(hotspot.router, code, { mac });
    await login(hotspot.router, code, { mac, password: 'NOTTHECODE' });
    const rows = await ownerSql()`
      select reply, pass, reason, host(nasipaddress) as nas_ip from radius.radpostauth
      where username = ${code} order by id`;
    expect(rows).toEqual([
      { reply: 'Access-Accept', pass: null, reason: null, nas_ip: hotspot.router.nasIp },
      {
        reply: 'Access-Reject',
        pass: null,
        reason: 'WB_BAD_PASSWORD',
        nas_ip: hotspot.router.nasIp,
      },
    ]);
  });

  it('sends no limit it does not have', async () => {
    const planId = await hotspot.plan({ validitySeconds: 7_200 });
    const reply = await login(hotspot.router, await hotspot.voucher(planId));
    expect(reply?.code).toBe('Access-Accept');
    expect(reply?.attributes['Session-Timeout']).toBe('7200');
    for (const name of [
      'Mikrotik-Rate-Limit',
      'WISPr-Bandwidth-Max-Down',
      'WISPr-Bandwidth-Max-Up',
      'Mikrotik-Total-Limit',
      'Mikrotik-Total-Limit-Gigawords',
    ]) {
      expect(reply?.attributes[name]).toBeUndefined();
    }
  });

  it('gets Session-Timeout up to the end of its validity when that comes first', async () => {
    const code = await hotspot.voucher();
    await ownerSql()`update public.vouchers set first_used_at = now() - interval '86000 seconds',
                     expires_at = now() + interval '400 seconds' where code = ${code}`;
    const timeout = Number((await login(hotspot.router, code))?.attributes['Session-Timeout']);
    expect(timeout).toBeGreaterThan(390);
    expect(timeout).toBeLessThanOrEqual(400);
  });

  it('gets the remaining time and data, across the 4 GiB boundary', async () => {
    const code = await hotspot.voucher();
    const s = session(hotspot.router, code);
    expect((await login(hotspot.router, code, { mac: s.mac }))?.code).toBe('Access-Accept');
    await accounting(s, 'Start');
    await accounting(s, 'Stop', { seconds: 600, input: 1n * GiB, output: 3n * GiB + 5n });
    const reply = await login(hotspot.router, code, { mac: s.mac });
    expect(reply?.attributes['Session-Timeout']).toBe('3000');
    // 6 GiB - (4 GiB + 5) = 2 GiB - 5, below one gigaword.
    expect(reply?.attributes['Mikrotik-Total-Limit']).toBe(String(2n * GiB - 5n));
    expect(reply?.attributes['Mikrotik-Total-Limit-Gigawords']).toBe('0');
  });
});

describe('a refused login', () => {
  it('says WB_BAD_PASSWORD for a password that is not the code', async () => {
    const code = await hotspot.voucher();
    const reply = await login(hotspot.router, code, { password: 'WRONGCODE1', chap: true });
    expect(reply?.code).toBe('Access-Reject');
    expect(reply?.attributes['Reply-Message']).toBe('WB_BAD_PASSWORD');
    expect(reply?.attributes['Session-Timeout']).toBeUndefined();
    expect(reply?.attributes['Message-Authenticator']).toMatch(/^0x[0-9a-f]{32}$/);
  });

  it('says WB_UNKNOWN for a code that does not exist', async () => {
    const reply = await login(hotspot.router, 'ZZZZZZZZZZ');
    expect(reply).toMatchObject({
      code: 'Access-Reject',
      attributes: { 'Reply-Message': 'WB_UNKNOWN' },
    });
  });

  it('says WB_REVOKED for a revoked voucher', async () => {
    const code = await hotspot.voucher();
    await ownerSql()`update public.vouchers set status = 'revoked' where code = ${code}`;
    expect((await login(hotspot.router, code))?.attributes['Reply-Message']).toBe('WB_REVOKED');
  });

  it('says WB_EXPIRED once the validity has passed', async () => {
    const code = await hotspot.voucher();
    await ownerSql()`update public.vouchers set first_used_at = now() - interval '2 days',
                     expires_at = now() - interval '1 second' where code = ${code}`;
    expect((await login(hotspot.router, code))?.attributes['Reply-Message']).toBe('WB_EXPIRED');
  });

  it('says WB_EXHAUSTED_TIME when the time quota is used up', async () => {
    const code = await hotspot.voucher();
    const s = session(hotspot.router, code);
    await login(hotspot.router, code, { mac: s.mac });
    await accounting(s, 'Stop', { seconds: 3_600 });
    const reply = await login(hotspot.router, code, { mac: s.mac });
    expect(reply).toMatchObject({
      code: 'Access-Reject',
      attributes: { 'Reply-Message': 'WB_EXHAUSTED_TIME' },
    });
  });

  it('says WB_EXHAUSTED_DATA when a quota above 4 GiB is used up', async () => {
    const code = await hotspot.voucher();
    const s = session(hotspot.router, code);
    await login(hotspot.router, code, { mac: s.mac });
    await accounting(s, 'Interim-Update', { seconds: 60, input: 2n * GiB, output: 4n * GiB - 1n });
    // One byte left: still in.
    expect(
      (await login(hotspot.router, code, { mac: s.mac }))?.attributes['Mikrotik-Total-Limit'],
    ).toBe('1');
    await accounting(s, 'Stop', { seconds: 90, input: 2n * GiB, output: 4n * GiB });
    const reply = await login(hotspot.router, code, { mac: s.mac });
    expect(reply?.attributes['Reply-Message']).toBe('WB_EXHAUSTED_DATA');
  });

  it('says WB_UNAVAILABLE when the database does not answer in time, and records no accept', async () => {
    const code = await hotspot.voucher();
    const mac = randomMac();
    // Another transaction holds the voucher's row: post_auth() waits for it until its
    // statement_timeout (2.5 s) ends the call.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let signalLocked = () => {};
    const locked = new Promise<void>((resolve) => (signalLocked = resolve));
    const holder = ownerSql().begin(async (sql) => {
      await sql`select 1 from public.vouchers where code = ${code} for update`;
      signalLocked();
      await held;
    });
    await locked;
    const reply = await login(hotspot.router, code, { mac, timeout: 6, retries: 1 });
    release();
    await holder;
    expect(reply).toMatchObject({
      code: 'Access-Reject',
      attributes: { 'Reply-Message': 'WB_UNAVAILABLE' },
    });
    expect(reply?.attributes['Session-Timeout']).toBeUndefined();
    const logged =
      await ownerSql()`select reply, reason from radius.radpostauth where username = ${code}`;
    expect(logged).toEqual([{ reply: 'Access-Reject', reason: 'WB_UNAVAILABLE' }]);
    expect(
      await ownerSql()`select 1 from radius.voucher_devices d join public.vouchers v on v.id = d.voucher_id
                            where v.code = ${code}`,
    ).toHaveLength(0);
    expect((await login(hotspot.router, code, { mac }))?.code).toBe('Access-Accept');
  });

  it('says WB_WRONG_SITE where the plan is not sold, WB_UNKNOWN at another organization', async () => {
    const notSoldHere = await hotspot.plan({}, false);
    const elsewhere = await hotspot.voucher(notSoldHere);
    expect((await login(hotspot.router, elsewhere))?.attributes['Reply-Message']).toBe(
      'WB_WRONG_SITE',
    );

    // Another operator's router is told nothing about this operator's codes
    // (radius-operators.test.ts); the log keeps the true reason.
    const other = await createHotspot();
    const code = await hotspot.voucher();
    expect((await login(other.router, code))?.attributes['Reply-Message']).toBe('WB_UNKNOWN');
    expect(
      await ownerSql()`select reply, reason from radius.radpostauth where username = ${code}`,
    ).toEqual([{ reply: 'Access-Reject', reason: 'WB_OTHER_OPERATOR' }]);
  });

  it('answers odd user names with WB_UNKNOWN and keeps working', async () => {
    const names = [
      `O'Brien"; drop table radius.radacct; --`,
      `' or '1'='1`,
      '\\x27%{User-Password}${x}',
      'A'.repeat(253),
    ];
    for (const name of names) {
      const reply = await login(hotspot.router, name, { password: 'whatever' });
      expect(reply, name).toMatchObject({
        code: 'Access-Reject',
        attributes: { 'Reply-Message': 'WB_UNKNOWN' },
      });
    }
    // The same names straight at the function (past the configuration's filter) are harmless too.
    for (const name of names) {
      const [row] =
        await ownerSql()`select * from radius.authorize(${hotspot.router.nasIp}, ${name}, '')`;
      expect(row.reject_reason, name).toBe('WB_UNKNOWN');
    }
    expect((await login(hotspot.router, await hotspot.voucher()))?.code).toBe('Access-Accept');
  });
});

describe('devices', () => {
  it('binds at most devices_allowed MACs, and lets a bound device back in', async () => {
    const code = await hotspot.voucher();
    const phone = randomMac();
    expect((await login(hotspot.router, code, { mac: phone }))?.code).toBe('Access-Accept');
    const laptop = await login(hotspot.router, code, { mac: randomMac() });
    expect(laptop).toMatchObject({
      code: 'Access-Reject',
      attributes: { 'Reply-Message': 'WB_DEVICE_LIMIT' },
    });
    // Same MAC in another spelling is the same device.
    const again = await login(hotspot.router, code, {
      mac: phone.toLowerCase().replaceAll(':', '-'),
    });
    expect(again?.code).toBe('Access-Accept');
  });

  it('limits concurrent sessions, and a re-login closes that device its own stale session', async () => {
    const planId = await hotspot.plan({ devicesAllowed: 2 });
    const code = await hotspot.voucher(planId);
    const phone = session(hotspot.router, code);
    const laptop = session(hotspot.router, code);
    for (const s of [phone, laptop]) {
      expect((await login(hotspot.router, code, { mac: s.mac }))?.code).toBe('Access-Accept');
      await accounting(s, 'Start');
    }
    // A third device: two MACs are bound already.
    const third = await login(hotspot.router, code, { mac: randomMac() });
    expect(third?.attributes['Reply-Message']).toBe('WB_DEVICE_LIMIT');

    // The phone comes back while its old session still looks open: it gets in, the old one closes.
    expect((await login(hotspot.router, code, { mac: phone.mac }))?.code).toBe('Access-Accept');
    const rows = await sessionsOf(code);
    const phoneRow = rows.find((row) => row.acctsessionid === phone.sessionId);
    const laptopRow = rows.find((row) => row.acctsessionid === laptop.sessionId);
    expect(phoneRow?.acctterminatecause).toBe('Session-Replaced');
    expect(phoneRow?.acctstoptime).not.toBeNull();
    expect(laptopRow?.acctstoptime).toBeNull();
  });

  it('counts open sessions of other devices against the limit', async () => {
    const planId = await hotspot.plan({ devicesAllowed: 2 });
    const code = await hotspot.voucher(planId);
    const first = session(hotspot.router, code);
    await login(hotspot.router, code, { mac: first.mac });
    await accounting(first, 'Start');
    // The router also reports a session of a device that never logged in through us (say one
    // that outlived a database restore): two other devices are online, so a new one waits.
    await accounting(session(hotspot.router, code), 'Start');
    const reply = await login(hotspot.router, code, { mac: randomMac() });
    expect(reply?.attributes['Reply-Message']).toBe('WB_DEVICE_LIMIT');
  });
});
