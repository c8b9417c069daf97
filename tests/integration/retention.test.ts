// Retention, as an auditor: private.retention_run() deletes exactly the records older than their
// kind's days (a day either side of each line), rolls deleted sessions up into daily usage with
// the same totals, and never touches payments, open sessions or queued SMS; platform staff change
// the days but never below the floor, and nobody else can (rls-matrix covers every role).
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPayHotspot, testMac, testPhone, type PayHotspot } from '../support/payments.ts';
import { clientAs, createTestUser, ownerSql, type TestUser } from '../support/users.ts';

const sql = () => ownerSql();
let hotspot: PayHotspot;
let staff: TestUser;
const tag = randomBytes(4).toString('hex');

beforeAll(async () => {
  [hotspot, staff] = await Promise.all([createPayHotspot(), createTestUser('retention-staff')]);
  await sql()`insert into private.platform_staff (user_id) values (${staff.id})`;
});

/** A closed session of the hotspot's router that stopped `daysAgo` days ago. */
async function session(daysAgo: number, open = false) {
  const [row] = await sql()`
    insert into radius.radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime,
      acctstoptime, acctsessiontime, acctinputoctets, acctoutputoctets, router_id, organization_id)
    values (${`s-${tag}`}, ${`u-${tag}-${randomBytes(6).toString('hex')}`}, ${`user-${tag}`},
      '127.0.0.1', now() - make_interval(days => ${daysAgo}) - interval '1 hour',
      ${open ? null : sql()`now() - make_interval(days => ${daysAgo})`}, 3600, 1000, 5000,
      ${hotspot.routerId}, ${hotspot.organizationId})
    returning radacctid`;
  return row!.radacctid as string;
}

const exists = async (table: string, where: string, value: unknown) =>
  (await sql().unsafe(`select 1 from ${table} where ${where} = $1`, [value as string])).length > 0;

describe('the retention job', () => {
  it('deletes exactly what is older than its retention, and rolls sessions up first', async () => {
    const old = [await session(366), await session(370)];
    const recent = await session(364);
    const open = await session(400, true);
    const [auth] = await sql()`
      insert into radius.radpostauth (username, reply, authdate)
      values (${`old-${tag}`}, 'Access-Reject', now() - interval '366 days'),
             (${`new-${tag}`}, 'Access-Reject', now() - interval '364 days')
      returning id`;
    await sql()`
      insert into private.payment_callbacks (kind, verdict, body, received_at, receipt)
      values ('stk', 'success', '{}', now() - interval '181 days', ${`OLD${tag}`}),
             ('stk', 'success', '{}', now() - interval '179 days', ${`NEW${tag}`})`;
    const phone = testPhone();
    await sql()`
      insert into public.sms_outbox (organization_id, to_phone, body, status, created_at)
      values (${hotspot.organizationId}, ${phone}, ${`old sent ${tag}`}, 'sent', now() - interval '91 days'),
             (${hotspot.organizationId}, ${phone}, ${`new sent ${tag}`}, 'sent', now() - interval '89 days'),
             (${hotspot.organizationId}, ${phone}, ${`old queued ${tag}`}, 'queued', now() - interval '91 days')`;
    const mac = testMac();
    await sql()`
      insert into radius.lockouts (mac, organization_id, window_started_at, locked_until)
      values (${mac}, ${hotspot.organizationId}, now() - interval '2 days', now() - interval '2 days')`;
    // A payment from long ago: money records are never deleted by age.
    const [payment] = await sql()`
      insert into public.payments (organization_id, site_id, plan_id, phone, amount_kes, created_at)
      values (${hotspot.organizationId}, ${hotspot.siteId}, ${hotspot.planId}, ${phone}, 20,
              now() - interval '800 days')
      returning id`;

    const [{ deleted }] = (await sql()`select private.retention_run() as deleted`) as [
      { deleted: Record<string, number> },
    ];
    expect(deleted.radacct).toBeGreaterThanOrEqual(2);

    for (const id of old) expect(await exists('radius.radacct', 'radacctid', id)).toBe(false);
    expect(await exists('radius.radacct', 'radacctid', recent)).toBe(true);
    expect(await exists('radius.radacct', 'radacctid', open)).toBe(true);
    expect(await exists('radius.radpostauth', 'username', `old-${tag}`)).toBe(false);
    expect(await exists('radius.radpostauth', 'id', auth!.id)).toBe(false);
    expect(await exists('radius.radpostauth', 'username', `new-${tag}`)).toBe(true);
    expect(await exists('private.payment_callbacks', 'receipt', `OLD${tag}`)).toBe(false);
    expect(await exists('private.payment_callbacks', 'receipt', `NEW${tag}`)).toBe(true);
    expect(await exists('public.sms_outbox', 'body', `old sent ${tag}`)).toBe(false);
    expect(await exists('public.sms_outbox', 'body', `new sent ${tag}`)).toBe(true);
    expect(await exists('public.sms_outbox', 'body', `old queued ${tag}`)).toBe(true);
    expect(await exists('radius.lockouts', 'mac', mac)).toBe(false);
    expect(await exists('public.payments', 'id', payment!.id)).toBe(true);

    // The two deleted sessions live on in the daily usage of their router and day.
    const usage = await sql()`
      select sum(sessions)::int as sessions, sum(seconds)::int as seconds,
             sum(input_octets)::int as input, sum(output_octets)::int as output
      from private.daily_usage where router_id = ${hotspot.routerId}`;
    expect(usage[0]).toEqual({ sessions: 2, seconds: 7200, input: 2000, output: 10000 });
  });

  it('follows the days platform staff set, never below the floor', async () => {
    const staffClient = clientAs(staff);
    const below = await staffClient.rpc('set_retention_days', { p_kind: 'radacct', p_days: 30 });
    expect(below.error).toMatchObject({ code: '22023', hint: 'retention_below_minimum' });
    const unknown = await staffClient.rpc('set_retention_days', { p_kind: 'payments', p_days: 30 });
    expect(unknown.error).toMatchObject({ code: '22023', hint: 'retention_kind_unknown' });
    const [radacct] =
      await sql()`select days from private.retention_policies where kind = 'radacct'`;
    expect(radacct!.days).toBe(365);

    const receipt = `MID${tag}`.toUpperCase();
    await sql()`
      insert into private.payment_callbacks (kind, verdict, body, received_at, receipt)
      values ('stk', 'success', '{}', now() - interval '120 days', ${receipt})`;
    await sql()`select private.retention_run()`;
    expect(await exists('private.payment_callbacks', 'receipt', receipt)).toBe(true);

    const shorter = await staffClient.rpc('set_retention_days', {
      p_kind: 'payment_callbacks',
      p_days: 100,
    });
    expect(shorter.error).toBeNull();
    try {
      const { data } = await staffClient.rpc('retention_policies');
      expect(data).toContainEqual(
        expect.objectContaining({ kind: 'payment_callbacks', days: 100 }),
      );
      await sql()`select private.retention_run()`;
      expect(await exists('private.payment_callbacks', 'receipt', receipt)).toBe(false);
      const [audit] = await sql()`
        select detail from private.platform_audit
        where action = 'set_retention_days' and actor = ${staff.id}`;
      expect(audit!.detail).toMatchObject({ kind: 'payment_callbacks', days: 100, was: 180 });
    } finally {
      await sql()`update private.retention_policies set days = 180 where kind = 'payment_callbacks'`;
    }
  });
});
