// Sessions belong to routers, and addresses are not recycled into another tenant (issue 12),
// tried as the attacker: the owner of another organization, who controls their own routers and
// registers the address an operator gave up. Real RADIUS packets through the stack's FreeRADIUS,
// the admin's reads through PostgREST with each owner's JWT, disconnects over real UDP.
import type { SupabaseClient } from '@supabase/supabase-js';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  accounting,
  createHotspot,
  eventually,
  listenForDisconnects,
  login,
  radius,
  randomMac,
  session,
  unusedLoopbackAddress,
  voucherState,
  waitUntilAnswered,
  type Hotspot,
  type Router,
  type Session,
} from '../support/radius.ts';
import { actAs, attempt, rolledBack, user, type Tx } from '../support/rolled-back.ts';
import { clientAs, createTestUser, ownerSql, type TestUser } from '../support/users.ts';

type Row = {
  id: number;
  voucher_id: string | null;
  code: string | null;
  mac: string | null;
  router: string | null;
  site: string | null;
  stopped_at: string | null;
};

type Operator = { hotspot: Hotspot; owner: TestUser; api: SupabaseClient };

/** An organization with a site, a plan, a router and its owner, signed in. */
async function operator(label: string): Promise<Operator> {
  const [hotspot, owner] = await Promise.all([
    createHotspot({ devicesAllowed: 3 }),
    createTestUser(label),
  ]);
  await ownerSql()`insert into public.memberships (organization_id, user_id, role)
                   values (${hotspot.organizationId}, ${owner.id}, 'owner')`;
  return { hotspot, owner, api: clientAs(owner) };
}

/** The owner registers a router at their site through the API (create_router). */
async function registerRouter(who: Operator, nasIp: string) {
  return who.api.rpc('create_router', {
    p_site_id: who.hotspot.siteId,
    p_name: `Router ${nasIp}`,
    p_nas_ip: nasIp,
    p_vendor: 'mikrotik',
  });
}

/** Registers a router and waits until FreeRADIUS answers it. */
async function registered(who: Operator, nasIp: string): Promise<Router> {
  const { data, error } = await registerRouter(who, nasIp);
  expect(error).toBeNull();
  const { router_id: id, secret } = data as { router_id: string; secret: string };
  const router = { id, nasIp, secret };
  await waitUntilAnswered(router);
  return router;
}

/** Everything the admin shows an owner about sessions, routers and alerts, as JSON. */
async function adminView(who: Operator) {
  const org = { p_organization_id: who.hotspot.organizationId };
  const read = async (name: string, args: Record<string, unknown> = org) => {
    const { data, error } = await who.api.rpc(name, args);
    expect(error, name).toBeNull();
    return data as unknown;
  };
  return {
    online: (await read('sessions_online')) as Row[],
    history: (await read('session_history')) as Row[],
    health: (await read('router_health')) as {
      router_id: string;
      open_sessions: number;
      last_accounting_at: string | null;
    }[],
    alerts: (await read('dashboard_alerts')) as { kind: string; router?: string }[],
    summary: (await read('dashboard_summary')) as { sessions_online: number },
  };
}

/** A device logged in with a voucher, its session started and reporting usage. */
async function online(router: Router, code: string, seconds = 60): Promise<Session> {
  const s = session(router, code, randomMac());
  expect((await login(router, code, { mac: s.mac }))?.code).toBe('Access-Accept');
  expect((await accounting(s, 'Start'))?.code).toBe('Accounting-Response');
  expect(
    (await accounting(s, 'Interim-Update', { seconds, input: 1000n, output: 5000n }))?.code,
  ).toBe('Accounting-Response');
  return s;
}

/** The radacct row of a session as the database has it. */
async function row(s: Session) {
  const [found] = await ownerSql()`
    select radacctid::int as id, router_id, organization_id, voucher_id, acctstoptime,
           acctsessiontime::int as seconds, acctinputoctets::int as input, acctterminatecause
    from radius.radacct where acctsessionid = ${s.sessionId} and mac = lower(${s.mac})
    order by radacctid limit 1`;
  return found!;
}

/** Ends the quarantine of an address now, as if its days had passed. */
async function quarantineOver(nasIp: string) {
  const lifted = await ownerSql()`
    update private.address_quarantine set until = now() - interval '1 second'
    where address = ${nasIp}::inet returning address`;
  expect(lifted).toHaveLength(1);
}

/** Nothing of a's vouchers or devices appears anywhere in b's admin views. */
function expectNoneOf(
  view: Awaited<ReturnType<typeof adminView>>,
  codes: string[],
  macs: string[],
) {
  const text = JSON.stringify(view).toLowerCase();
  for (const code of codes) expect(text).not.toContain(code.toLowerCase());
  for (const mac of macs) expect(text).not.toContain(mac.toLowerCase());
}

let a: Operator;
let b: Operator;
beforeAll(async () => {
  [a, b] = await Promise.all([operator('tenancy-a'), operator('tenancy-b')]);
});

describe('renumbering a router', () => {
  it("keeps A's sessions with A's router and gives B none of them at the old address", async () => {
    const router = a.hotspot.router;
    const oldIp = router.nasIp;
    const code = await a.hotspot.voucher();
    // One finished session and one still open, both with a device MAC.
    const done = await online(router, code);
    await accounting(done, 'Stop', { seconds: 90, input: 2000n, output: 9000n });
    const open = await online(router, code);
    const usage = await voucherState(code);
    const before = await adminView(a);
    expect(before.online.map((s) => [s.code, s.mac])).toEqual([[code, open.mac.toLowerCase()]]);
    expect(before.history.map((s) => s.mac)).toEqual([done.mac.toLowerCase()]);

    // A renumbers its router through the API.
    const newIp = unusedLoopbackAddress();
    const moved = await a.api
      .from('routers')
      .update({ nas_ip: newIp })
      .eq('id', router.id)
      .select('id');
    expect(moved.error).toBeNull();
    expect(moved.data).toHaveLength(1);

    // B tries the freed address: refused while it is quarantined, whichever way B writes it.
    const refused = await registerRouter(b, oldIp);
    expect(refused.error).toMatchObject({ code: '23505', hint: 'nas_ip_quarantined' });
    const sneaked = await b.api
      .from('routers')
      .update({ nas_ip: oldIp })
      .eq('id', b.hotspot.router.id)
      .select('id');
    expect(sneaked.error).toMatchObject({ code: '23505', hint: 'nas_ip_quarantined' });

    // Once the quarantine is over, B registers it and sees nothing of A's.
    await quarantineOver(oldIp);
    const taken = await registered(b, oldIp);
    const seenByB = await adminView(b);
    expect(seenByB.online).toEqual([]);
    expect(seenByB.history).toEqual([]);
    expect(seenByB.summary.sessions_online).toBe(0);
    expect(seenByB.health.find((h) => h.router_id === taken.id)).toMatchObject({
      open_sessions: 0,
      last_accounting_at: null,
    });
    expect(seenByB.alerts.filter((x) => x.kind === 'router_silent')).toEqual([]);
    expectNoneOf(seenByB, [code], [done.mac, open.mac]);

    // A still sees its sessions, at its router (the same router, now elsewhere).
    const after = await adminView(a);
    expect(after.online.map((s) => [s.code, s.router])).toEqual([[code, `Test router`]]);
    expect(after.history.map((s) => [s.code, s.router])).toEqual([[code, 'Test router']]);
    expect(after.health.find((h) => h.router_id === router.id)?.open_sessions).toBe(1);
    const voucherId = after.online[0]!.voucher_id!;
    const { data: usageView } = await a.api.rpc('voucher_sessions', { p_voucher_id: voucherId });
    expect((usageView as { sessions: Row[] }).sessions.map((s) => s.router)).toEqual([
      'Test router',
      'Test router',
    ]);

    // B's router at the old address replays A's open session (same session id, user, device,
    // port and NAS-Identifier, so the same Acct-Unique-Session-Id): it becomes B's own session
    // without a voucher; A's row, counters and voucher stay as they were.
    const replay = { ...open, router: taken };
    const openRow = await row(open);
    await accounting(replay, 'Interim-Update', {
      seconds: 5000,
      input: 10n ** 9n,
      output: 10n ** 9n,
    });
    await accounting(replay, 'Stop', { seconds: 5001, input: 10n ** 9n, output: 10n ** 9n });
    const [kept] = await ownerSql()`
      select router_id, acctstoptime, acctsessiontime::int as seconds from radius.radacct
      where radacctid = ${openRow.id}`;
    expect(kept).toMatchObject({ router_id: router.id, acctstoptime: null, seconds: 60 });
    expect(await voucherState(code)).toEqual(usage);
    const replayed = await ownerSql()`
      select router_id, organization_id, voucher_id from radius.radacct
      where acctsessionid = ${open.sessionId} and radacctid <> ${openRow.id}`;
    expect(replayed).toEqual([
      { router_id: taken.id, organization_id: b.hotspot.organizationId, voucher_id: null },
    ]);
    const history = (await adminView(b)).history;
    expect(history.map((s) => [s.code, s.voucher_id, s.router])).toEqual([
      [null, null, `Router ${oldIp}`],
    ]);

    // Accounting-On from B's router closes B's sessions only, not A's that came from there.
    const fresh = session(taken, await b.hotspot.voucher());
    await accounting(fresh, 'Start');
    expect(
      (await radius('acct', taken, { 'Acct-Status-Type': 'Accounting-On', 'NAS-Identifier': 'b' }))
        ?.code,
    ).toBe('Accounting-Response');
    expect((await row(fresh)).acctterminatecause).toBe('NAS-Reboot');
    expect((await row(open)).acctstoptime).toBeNull();
    expect((await adminView(a)).online.map((s) => s.mac)).toEqual([open.mac.toLowerCase()]);

    // A's router goes quiet with its session open (as if it stopped talking 30 minutes ago):
    // the alert is A's, about A's router; B's router at the old address is not "silent" for it.
    await ownerSql()`update radius.radacct
                     set acctstarttime = now() - interval '31 minutes',
                         acctupdatetime = now() - interval '30 minutes',
                         acctstoptime = case when acctstoptime is not null
                                             then now() - interval '30 minutes' end
                     where router_id = ${router.id}`;
    expect((await adminView(a)).alerts).toContainEqual(
      expect.objectContaining({ kind: 'router_silent', router: 'Test router' }),
    );
    expect((await adminView(b)).alerts.filter((x) => x.kind === 'router_silent')).toEqual([]);
  });
});

describe('deleting a router', () => {
  it("keeps A's history as A's and gives B none of it when B re-registers the address", async () => {
    const spare = await registered(a, unusedLoopbackAddress());
    const code = await a.hotspot.voucher();
    const done = await online(spare, code);
    await accounting(done, 'Stop', { seconds: 70, input: 1000n, output: 5000n });
    const open = await online(spare, code);

    const removed = await a.api.from('routers').delete().eq('id', spare.id).select('id');
    expect(removed.error).toBeNull();
    expect(removed.data).toHaveLength(1);

    const refused = await registerRouter(b, spare.nasIp);
    expect(refused.error).toMatchObject({ code: '23505', hint: 'nas_ip_quarantined' });
    await quarantineOver(spare.nasIp);
    await registered(b, spare.nasIp);

    const seenByB = await adminView(b);
    expectNoneOf(seenByB, [code], [done.mac, open.mac]);
    expect(seenByB.online.filter((s) => s.router === `Router ${spare.nasIp}`)).toEqual([]);
    expect(seenByB.history.filter((s) => s.router === `Router ${spare.nasIp}`)).toEqual([]);

    // A's history keeps the sessions of the router it deleted (router and site unknown now).
    const seenByA = await adminView(a);
    expect(
      seenByA.history.filter((s) => s.code === code).map((s) => [s.mac, s.router, s.site]),
    ).toEqual([[done.mac.toLowerCase(), null, null]]);
    expect(seenByA.online.filter((s) => s.code === code).map((s) => [s.mac, s.router])).toEqual([
      [open.mac.toLowerCase(), null],
    ]);
  });
});

describe("accounting from another organization's router for a voucher code", () => {
  it("neither touches the voucher nor shows in its owner's sessions: it is the sender's own", async () => {
    const code = await a.hotspot.voucher();
    // (A's first router moved in the first test: A logs in at a router of its own here.)
    const mine = await online(await registered(a, unusedLoopbackAddress()), code);
    const usage = await voucherState(code);

    // B's own router reports A's code, with lots of usage, as a fresh session.
    const forged = session(b.hotspot.router, code);
    await accounting(forged, 'Start');
    await accounting(forged, 'Interim-Update', { seconds: 9000, input: 10n ** 9n, output: 1n });
    await accounting(forged, 'Stop', { seconds: 9001, input: 10n ** 9n, output: 1n });

    expect(await voucherState(code)).toEqual(usage);
    expect(await row(forged)).toMatchObject({
      router_id: b.hotspot.router.id,
      organization_id: b.hotspot.organizationId,
      voucher_id: null,
    });
    const seenByA = await adminView(a);
    expect(seenByA.history.map((s) => s.mac)).not.toContain(forged.mac.toLowerCase());
    expect(seenByA.online.filter((s) => s.code === code).map((s) => s.mac)).toEqual([
      mine.mac.toLowerCase(),
    ]);
    const voucherId = seenByA.online.find((s) => s.code === code)!.voucher_id!;
    const { data } = await a.api.rpc('voucher_sessions', { p_voucher_id: voucherId });
    expect((data as { sessions: Row[] }).sessions.map((s) => s.mac)).toEqual([
      mine.mac.toLowerCase(),
    ]);
    // B sees its router's report, but never as A's voucher.
    const forgedForB = (await adminView(b)).history.find((s) => s.mac === forged.mac.toLowerCase());
    expect(forgedForB).toMatchObject({ code: null, voucher_id: null });
  });

  it('records nothing from an address no router holds (a router deleted a moment ago)', async () => {
    const stranger = unusedLoopbackAddress();
    const [{ result }] = await ownerSql()`
      select radius.accounting('Start', ${stranger}::inet, ${`tenancy-${stranger}`}, 's1',
        'SOMECODE', null, null, null, null, null, null, null, 'aa:bb:cc:dd:ee:ff', null, null, null)
        as result`;
    expect(result).toBe('ignored');
    expect(
      await ownerSql()`select 1 from radius.radacct where acctuniqueid = ${`tenancy-${stranger}`}`,
    ).toHaveLength(0);
  });
});

describe('disconnects', () => {
  /** A's voucher online at a new router of A's; returns the router and session. */
  async function aOnline() {
    const router = await registered(a, unusedLoopbackAddress());
    const code = await a.hotspot.voucher();
    const s = await online(router, code);
    const voucherId = (await row(s)).voucher_id as string;
    return { router, code, s, voucherId };
  }

  async function disconnectState(voucherId: string) {
    return eventually(
      () => ownerSql()`select state, detail, router_id from radius.disconnects
                       where voucher_id = ${voucherId} order by id`,
      (rows) => rows.length > 0 && rows.every((d) => d.state !== 'pending'),
    );
  }

  for (const change of ['renumbered', 'deleted'] as const) {
    it(`never sends A's disconnect to B's router at the address A's router ${change === 'renumbered' ? 'left' : 'had'}`, async () => {
      const { router, code, s, voucherId } = await aOnline();
      if (change === 'renumbered') {
        const { error } = await a.api
          .from('routers')
          .update({ nas_ip: unusedLoopbackAddress() })
          .eq('id', router.id);
        expect(error).toBeNull();
      } else {
        expect((await a.api.from('routers').delete().eq('id', router.id)).error).toBeNull();
      }
      await quarantineOver(router.nasIp);
      const taken = await registered(b, router.nasIp);
      const listener = await listenForDisconnects(taken);
      try {
        const { data, error } = await a.api.rpc('disconnect_session', { p_voucher_id: voucherId });
        expect(error).toBeNull();
        expect(data).toBe(1);
        const rows = await disconnectState(voucherId);
        expect(rows).toEqual([
          {
            state: 'failed',
            detail: change === 'renumbered' ? 'router address changed' : 'router not found',
            router_id: router.id,
          },
        ]);
        // Give a wrongly addressed request time to arrive: none does.
        await sleep(1500);
        expect(listener.received.map((r) => r.userName)).not.toContain(code);
        expect(listener.received).toEqual([]);
        expect((await row(s)).acctstoptime).toBeNull();
      } finally {
        await listener.close();
      }
    });
  }

  it("still reaches a normal router, signed with its own secret, and A's own address comes back at once", async () => {
    const { router, code, s, voucherId } = await aOnline();
    const listener = await listenForDisconnects(router);
    try {
      const health = (await adminView(a)).health.find((h) => h.router_id === router.id);
      expect(health?.open_sessions).toBe(1);
      expect(health?.last_accounting_at).not.toBeNull();
      const { data } = await a.api.rpc('disconnect_session', { p_voucher_id: voucherId });
      expect(data).toBe(1);
      const [request] = await listener.waitFor(1);
      expect(request).toMatchObject({ signed: true, userName: code, acctSessionId: s.sessionId });
      expect(await disconnectState(voucherId)).toEqual([
        { state: 'ack', detail: null, router_id: router.id },
      ]);
    } finally {
      await listener.close();
    }

    // A deletes the router and registers its address again at once: its own quarantine.
    expect((await a.api.from('routers').delete().eq('id', router.id)).error).toBeNull();
    const again = await registered(a, router.nasIp);
    expect(
      await ownerSql()`select 1 from private.address_quarantine where address = ${router.nasIp}::inet`,
    ).toHaveLength(0);
    // And renumbering away and straight back is A's own business too.
    const away = unusedLoopbackAddress();
    expect(
      (await a.api.from('routers').update({ nas_ip: away }).eq('id', again.id)).error,
    ).toBeNull();
    expect(
      (await a.api.from('routers').update({ nas_ip: router.nasIp }).eq('id', again.id)).error,
    ).toBeNull();
    await waitUntilAnswered(again);
    expect((await login(again, await a.hotspot.voucher()))?.code).toBe('Access-Accept');
  });
});

describe('the quarantine setting', () => {
  it('is 30 days by default; platform staff set it (audited); 0 lets a released address go at once', async () => {
    const outcome = await rolledBack(async (tx) => {
      const staffId = await user(tx, 'quarantine-staff');
      await tx`insert into private.platform_staff (user_id) values (${staffId})`;
      // A failing statement leaves the role to its savepoint's rollback.
      const asStaff = async <T>(sp: Tx, statement: () => PromiseLike<T>) => {
        await actAs(sp, staffId);
        const result = await statement();
        await sp.unsafe('reset role');
        return result;
      };
      const [defaults] = await asStaff(tx, () => tx`select * from public.platform_settings()`);
      const invalid = await attempt(tx, (sp) =>
        asStaff(sp, () => sp`select public.set_address_quarantine_days(366)`),
      );

      const organization = async (name: string) => {
        const [org] =
          await tx`insert into public.organizations (name) values (${name}) returning id`;
        const [site] = await tx`insert into public.sites (organization_id, slug, name)
                                values (${org!.id}, ${`q-${String(org!.id).slice(0, 8)}`}, 'Q')
                                returning id`;
        return { id: org!.id as string, site: site!.id as string };
      };
      const [one, two] = [await organization('Q1'), await organization('Q2')];
      const address = `2001:db8:dead:${randomBytes(2).toString('hex')}::1`;
      const register = (org: { id: string; site: string }) =>
        tx`insert into public.routers (organization_id, site_id, name, nas_ip, vendor)
           values (${org.id}, ${org.site}, 'R', ${address}, 'generic') returning id`;
      const release = (id: string) => tx`delete from public.routers where id = ${id}`;

      // Released with the default: held back from the other organization for 30 days.
      await release((await register(one))[0]!.id);
      const [held] = await tx`
        select organization_id, round(extract(epoch from until - released_at) / 86400)::int as days
        from private.address_quarantine where address = ${address}::inet`;
      const listed = (
        await asStaff(tx, () => tx`select * from public.platform_address_quarantine()`)
      ).filter((q) => q.organization_id === one.id);
      // Refused however the row is written (here as the database owner, not through the API).
      const refused = await tx
        .savepoint(
          (sp) =>
            sp`insert into public.routers (organization_id, site_id, name, nas_ip, vendor)
               values (${two.id}, ${two.site}, 'R', ${address}, 'generic')`,
        )
        .then(
          () => null,
          (error: { code?: string; hint?: string }) => ({ code: error.code, hint: error.hint }),
        );

      // With 0 days, an address released from now on goes to another organization at once.
      await asStaff(tx, () => tx`select public.set_address_quarantine_days(0)`);
      await release((await register(one))[0]!.id);
      const [taken] = await register(two);
      const [after] = await asStaff(tx, () => tx`select * from public.platform_settings()`);
      const audit = await tx`select action, detail from private.platform_audit
                             where actor = ${staffId} order by id`;
      const [{ shown }] = await tx`select abbrev(${address}::inet) as shown`;
      return {
        defaults,
        invalid,
        held,
        listed,
        refused,
        taken,
        after,
        audit,
        one: one.id,
        address: shown,
      };
    });
    expect(outcome.defaults).toMatchObject({ address_quarantine_days: 30 });
    expect(outcome.invalid).toBe('22023');
    expect(outcome.held).toEqual({ organization_id: outcome.one, days: 30 });
    expect(outcome.listed).toEqual([
      expect.objectContaining({ address: outcome.address, organization_name: 'Q1' }),
    ]);
    expect(outcome.refused).toEqual({ code: '23505', hint: 'nas_ip_quarantined' });
    expect(outcome.taken).toBeDefined();
    expect(outcome.after).toMatchObject({ address_quarantine_days: 0 });
    expect(outcome.audit).toEqual([{ action: 'set_address_quarantine_days', detail: { days: 0 } }]);
  });
});
