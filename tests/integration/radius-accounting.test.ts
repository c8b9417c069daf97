// Accounting against the real FreeRADIUS: radacct and the voucher's usage counters move
// together, once per byte and second, whatever order and duplicates the packets come in.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  accounting,
  addRouter,
  createHotspot,
  login,
  radius,
  session,
  sessionsOf,
  voucherState,
  type Hotspot,
} from '../support/radius.ts';
import { ownerSql } from '../support/users.ts';

const GiB = 1024n ** 3n;

let hotspot: Hotspot;
beforeAll(async () => {
  hotspot = await createHotspot({
    validitySeconds: 7_200,
    timeQuotaSeconds: 3_600,
    dataQuotaBytes: 10n * GiB,
  });
});

/** Moves a session's last update back in time, as if the router had gone silent. */
async function silence(sessionId: string, minutes: number) {
  await ownerSql()`update radius.radacct
                   set acctupdatetime = now() - make_interval(mins => ${minutes}),
                       acctstarttime = now() - make_interval(mins => ${minutes + 1})
                   where acctsessionid = ${sessionId}`;
}

async function usage(code: string) {
  const state = await voucherState(code);
  return { seconds: state.usedSeconds, bytes: state.usedBytes };
}

describe('the validity window', () => {
  it('starts at the first Accounting-Start, not at issue or login', async () => {
    const code = await hotspot.voucher();
    const s = session(hotspot.router, code);
    const first = await login(hotspot.router, code, { mac: s.mac });
    expect(first?.attributes['Session-Timeout']).toBe('3600');
    expect((await voucherState(code)).expiresAt).toBeNull();

    const before = Date.now();
    expect((await accounting(s, 'Start'))?.code).toBe('Accounting-Response');
    const state = await voucherState(code);
    expect(state.firstUsedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(state.expiresAt!.getTime() - state.firstUsedAt!.getTime()).toBe(7_200_000);
  });
});

describe('usage roll-up', () => {
  it('counts Start, Interims and Stop once, ignoring repeats and stale Interims', async () => {
    const code = await hotspot.voucher();
    const s = session(hotspot.router, code);
    await login(hotspot.router, code, { mac: s.mac });
    await accounting(s, 'Start');
    expect(await usage(code)).toEqual({ seconds: 0n, bytes: 0n });

    await accounting(s, 'Interim-Update', { seconds: 60, input: 1_000n, output: 2_000n });
    expect(await usage(code)).toEqual({ seconds: 60n, bytes: 3_000n });
    // The router retransmits, then a delayed older Interim arrives after a newer one.
    await accounting(s, 'Interim-Update', { seconds: 60, input: 1_000n, output: 2_000n });
    await accounting(s, 'Interim-Update', { seconds: 120, input: 5_000n, output: 4n * GiB + 10n });
    await accounting(s, 'Interim-Update', { seconds: 60, input: 1_000n, output: 2_000n });
    expect(await usage(code)).toEqual({ seconds: 120n, bytes: 5_000n + 4n * GiB + 10n });

    await accounting(s, 'Stop', { seconds: 150, input: 6_000n, output: 4n * GiB + 20n });
    await accounting(s, 'Stop', { seconds: 150, input: 6_000n, output: 4n * GiB + 20n });
    expect(await usage(code)).toEqual({ seconds: 150n, bytes: 6_000n + 4n * GiB + 20n });

    const [row] = await sessionsOf(code);
    expect(row).toMatchObject({
      seconds: '150',
      input: '6000',
      output: String(4n * GiB + 20n),
      acctterminatecause: 'User-Request',
      nas_ip: hotspot.router.nasIp,
    });
    expect(row.acctstoptime).not.toBeNull();
  });

  it('counts a session whose Start was lost from its first Interim', async () => {
    const code = await hotspot.voucher();
    const s = session(hotspot.router, code);
    await accounting(s, 'Interim-Update', { seconds: 300, input: 100n, output: 200n });
    await accounting(s, 'Stop', { seconds: 400, input: 150n, output: 250n });
    expect(await usage(code)).toEqual({ seconds: 400n, bytes: 400n });
    const state = await voucherState(code);
    // Validity began when the session did, 300 s before the first packet.
    expect(Date.now() - state.firstUsedAt!.getTime()).toBeGreaterThanOrEqual(299_000);
    expect(await sessionsOf(code)).toHaveLength(1);
  });

  it('counts a Stop without Start once, even when repeated', async () => {
    const code = await hotspot.voucher();
    const s = session(hotspot.router, code);
    await accounting(s, 'Stop', { seconds: 90, input: 10n, output: 20n });
    await accounting(s, 'Stop', { seconds: 90, input: 10n, output: 20n });
    expect(await usage(code)).toEqual({ seconds: 90n, bytes: 30n });
  });

  it('still counts updates that arrive after the sweeper closed the session', async () => {
    const code = await hotspot.voucher();
    const s = session(hotspot.router, code);
    await accounting(s, 'Start');
    await accounting(s, 'Interim-Update', { seconds: 60, input: 100n, output: 100n });
    await silence(s.sessionId, 11);
    await ownerSql()`select radius.sweep()`;
    expect((await sessionsOf(code))[0]).toMatchObject({ acctterminatecause: 'Stale-Session' });

    // The router was only unreachable: its next Interim reopens the session and counts the rest.
    await accounting(s, 'Interim-Update', { seconds: 900, input: 400n, output: 100n });
    expect((await sessionsOf(code))[0]).toMatchObject({
      acctstoptime: null,
      acctterminatecause: null,
    });
    expect(await usage(code)).toEqual({ seconds: 900n, bytes: 500n });

    await silence(s.sessionId, 11);
    await ownerSql()`select radius.sweep()`;
    await accounting(s, 'Stop', {
      seconds: 1_000,
      input: 500n,
      output: 100n,
      cause: 'Idle-Timeout',
    });
    expect((await sessionsOf(code))[0]).toMatchObject({ acctterminatecause: 'Idle-Timeout' });
    expect(await usage(code)).toEqual({ seconds: 1_000n, bytes: 600n });
  });

  it('treats a Start reusing a finished session id as a new session', async () => {
    const code = await hotspot.voucher();
    const s = session(hotspot.router, code);
    await accounting(s, 'Start');
    await accounting(s, 'Stop', { seconds: 100, input: 1_000n, output: 1_000n });
    // The router rebooted and numbers its sessions from the same id again.
    await accounting(s, 'Start');
    await accounting(s, 'Stop', { seconds: 30, input: 10n, output: 10n });
    expect(await usage(code)).toEqual({ seconds: 130n, bytes: 2_020n });
    expect(await sessionsOf(code)).toHaveLength(2);
  });

  it('marks the voucher exhausted once its quota is used', async () => {
    const code = await hotspot.voucher();
    const s = session(hotspot.router, code);
    await accounting(s, 'Start');
    await accounting(s, 'Interim-Update', { seconds: 3_599 });
    expect((await voucherState(code)).status).toBe('active');
    await accounting(s, 'Stop', { seconds: 3_600 });
    expect((await voucherState(code)).status).toBe('exhausted');
  });

  it('stores what the router sent exactly, quotes and all, and acknowledges unknown users', async () => {
    // (radclient itself leaves backslashes escaped in a value that also holds "%{", so the
    // expansion-looking text goes into another attribute.)
    const name = `it's "odd" \\ '); drop table radius.radacct; --`;
    const s = { ...session(hotspot.router, name), mac: `aa'bb"cc%{User-Password}` };
    expect((await accounting(s, 'Start'))?.code).toBe('Accounting-Response');
    const [row] = await ownerSql()`
      select username, callingstationid, voucher_id from radius.radacct where acctsessionid = ${s.sessionId}`;
    expect(row).toEqual({ username: name, callingstationid: s.mac, voucher_id: null });

    // A name with a control character is acknowledged (or the router would retry forever) but
    // not stored.
    const binary = session(hotspot.router, 'tab\there');
    expect((await accounting(binary, 'Start'))?.code).toBe('Accounting-Response');
    expect(
      await ownerSql()`select 1 from radius.radacct where acctsessionid = ${binary.sessionId}`,
    ).toHaveLength(0);
  });
});

describe('closing sessions', () => {
  it("closes a router's open sessions on Accounting-On and Accounting-Off, no one else's", async () => {
    const other = await addRouter(hotspot.organizationId, hotspot.siteId);
    const code = await hotspot.voucher();
    const here = session(hotspot.router, code);
    const there = session(other, await hotspot.voucher());
    await accounting(here, 'Start');
    await accounting(there, 'Start');

    const on = await radius('acct', hotspot.router, {
      'Acct-Status-Type': 'Accounting-On',
      'NAS-Identifier': 'r1',
    });
    expect(on?.code).toBe('Accounting-Response');
    const [closed] = await sessionsOf(code);
    expect(closed.acctterminatecause).toBe('NAS-Reboot');
    expect(closed.acctstoptime).not.toBeNull();
    const [open] = await sessionsOf(there.user);
    expect(open.acctstoptime).toBeNull();

    await radius('acct', other, { 'Acct-Status-Type': 'Accounting-Off', 'NAS-Identifier': 'r2' });
    expect((await sessionsOf(there.user))[0].acctterminatecause).toBe('NAS-Reboot');
  });

  it('sweeps sessions silent for two interim intervals and expires vouchers past validity', async () => {
    const code = await hotspot.voucher();
    const silent = session(hotspot.router, code);
    const chatty = session(hotspot.router, code);
    await accounting(silent, 'Start');
    await accounting(chatty, 'Start');
    await silence(silent.sessionId, 9);
    await ownerSql()`select radius.sweep()`;
    expect((await sessionsOf(code)).every((row) => row.acctstoptime === null)).toBe(true);

    await silence(silent.sessionId, 11);
    await ownerSql()`update public.vouchers set expires_at = now() - interval '1 second' where code = ${code}`;
    const [{ result }] = await ownerSql()`select radius.sweep() as result`;
    expect(result.closed_sessions).toBeGreaterThanOrEqual(1);
    const rows = await sessionsOf(code);
    expect(rows.find((row) => row.acctsessionid === silent.sessionId)?.acctterminatecause).toBe(
      'Stale-Session',
    );
    expect(rows.find((row) => row.acctsessionid === chatty.sessionId)?.acctstoptime).toBeNull();
    expect((await voucherState(code)).status).toBe('expired');
  });
});
