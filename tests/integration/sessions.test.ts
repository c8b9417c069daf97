// sessions_online, session_history, router_health and dashboard_alerts: the admin's narrow
// reads of RADIUS accounting.
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { clientAs, createTestUser, ownerSql, type TestUser } from '../support/users.ts';

type Session = {
  id: number;
  code: string | null;
  mac: string | null;
  router: string;
  site: string;
  seconds: number;
  bytes_in: number;
  stopped_at: string | null;
};

let owner: TestUser;
let agent: TestUser;
let organizationId: string;
let siteId: string;
let voucherId: string;
let code: string;
// Documentation-range IPv6: FreeRADIUS does not load these, so no other test notices them.
const hex = () => randomBytes(2).toString('hex');
const busyIp = `2001:db8:${hex()}:${hex()}::1`;
const quietIp = `2001:db8:${hex()}:${hex()}::2`;

beforeAll(async () => {
  const sql = ownerSql();
  const tag = randomBytes(4).toString('hex');
  [owner, agent] = await Promise.all([createTestUser('sess-owner'), createTestUser('sess-agent')]);
  [{ id: organizationId }] =
    await sql`insert into public.organizations (name) values (${`Sessions ${tag}`}) returning id`;
  await sql`insert into public.memberships (organization_id, user_id, role)
            values (${organizationId}, ${owner.id}, 'owner'), (${organizationId}, ${agent.id}, 'agent')`;
  [{ id: siteId }] = await sql`insert into public.sites (organization_id, slug, name)
                               values (${organizationId}, ${`sess-${tag}`}, 'Cafe') returning id`;
  await sql`insert into public.routers (organization_id, site_id, name, nas_ip, vendor)
            values (${organizationId}, ${siteId}, 'Busy', ${busyIp}, 'mikrotik'),
                   (${organizationId}, ${siteId}, 'Quiet', ${quietIp}, 'mikrotik')`;
  const [plan] =
    await sql`insert into public.plans (organization_id, name, price_kes, validity_seconds)
                           values (${organizationId}, '1 day', 50, 86400) returning id`;
  [{ id: voucherId, code }] = await sql`insert into public.vouchers (organization_id, plan_id)
                                        values (${organizationId}, ${plan!.id}) returning id, code`;
  const session = (
    ip: string,
    id: string,
    startedMinutesAgo: number,
    stopped: boolean,
    updatedMinutesAgo: number,
    cause: string | null = null,
  ) => sql`
    insert into radius.radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime,
                                acctupdatetime, acctstoptime, acctsessiontime, acctinputoctets,
                                acctoutputoctets, voucher_id, mac, acctterminatecause, router_id,
                                organization_id)
    select ${id}, ${`${tag}-${id}`}, ${code}, r.nas_ip, now() - make_interval(mins => ${startedMinutesAgo}),
           now() - make_interval(mins => ${updatedMinutesAgo}),
           ${stopped ? sql`now() - make_interval(mins => ${cause ? 5 : updatedMinutesAgo})` : null},
           ${startedMinutesAgo * 60}, 1000, 2000, ${voucherId}, 'aa:bb:cc:00:00:01', ${cause}, r.id,
           r.organization_id
    from public.routers r where r.nas_ip = ${ip}`;
  await session(busyIp, 'open-1', 5, false, 1);
  // Went quiet 30 minutes ago; the sweeper closed its session 5 minutes ago.
  await session(quietIp, 'swept', 60, true, 30, 'Stale-Session');
  for (let i = 0; i < 5; i++) await session(busyIp, `done-${i}`, 100 + i * 10, true, 90 + i * 10);
  await sql`insert into public.payments (organization_id, plan_id, phone, amount_kes, status, push_error)
            values (${organizationId}, ${plan!.id}, '+254712000009', 50, 'failed', 'Invalid Access Token')`;
});

const rpc = (user: TestUser, name: string, args: Record<string, unknown> = {}) =>
  clientAs(user).rpc(name, { p_organization_id: organizationId, ...args });

describe('admin session reads', () => {
  it('lists sessions online now with the voucher, device and router', async () => {
    const { data, error } = await rpc(owner, 'sessions_online');
    expect(error).toBeNull();
    const sessions = data as Session[];
    expect(sessions.map((s) => s.router)).toEqual(['Busy']);
    expect(sessions[0]).toMatchObject({
      code,
      mac: 'aa:bb:cc:00:00:01',
      site: 'Cafe',
      seconds: 300,
      bytes_in: 1000,
      stopped_at: null,
    });
  });

  it('pages through finished sessions, newest first, and by voucher', async () => {
    const first = (await rpc(owner, 'session_history', { p_limit: 3 })).data as (Session & {
      started_at: string;
    })[];
    expect(first).toHaveLength(3);
    expect(first.every((s) => s.stopped_at !== null)).toBe(true);
    const rest = (
      await rpc(owner, 'session_history', { p_limit: 3, p_before: first.at(-1)!.started_at })
    ).data as Session[];
    expect(rest).toHaveLength(3);
    expect(new Set([...first, ...rest].map((s) => s.id)).size).toBe(6);
    const byVoucher = (await rpc(owner, 'session_history', { p_voucher_id: voucherId }))
      .data as Session[];
    expect(byVoucher).toHaveLength(6);
    const bad = await rpc(owner, 'session_history', { p_limit: 1000 });
    expect(bad.error?.code).toBe('22023');
  });

  it('reports router health and raises alerts for a silent router and failing STK pushes', async () => {
    const health = (await rpc(owner, 'router_health')).data as {
      name: string;
      open_sessions: number;
      last_accounting_at: string;
    }[];
    expect(health.map((r) => [r.name, r.open_sessions])).toEqual([
      ['Busy', 1],
      ['Quiet', 0],
    ]);
    expect(Date.now() - Date.parse(health[0]!.last_accounting_at)).toBeLessThan(2 * 60_000);
    // The sweeper's close is not the router speaking: its last word was 30 minutes ago.
    expect(Date.now() - Date.parse(health[1]!.last_accounting_at)).toBeGreaterThan(29 * 60_000);
    const alerts = (await rpc(owner, 'dashboard_alerts')).data as {
      kind: string;
      router?: string;
      detail?: string;
    }[];
    expect(alerts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'stk_failing', count: 1, detail: 'Invalid Access Token' }),
        expect.objectContaining({ kind: 'router_silent', router: 'Quiet' }),
      ]),
    );
    expect(alerts.find((a) => a.kind === 'router_silent' && a.router === 'Busy')).toBeUndefined();
  });

  it('refuses agents', async () => {
    for (const name of [
      'sessions_online',
      'session_history',
      'router_health',
      'dashboard_alerts',
    ]) {
      const { data, error } = await rpc(agent, name);
      expect(data, name).toBeNull();
      expect(error?.code, name).toBe('42501');
    }
  });
});
