import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { newOperator, signInAs, shot } from './operator.ts';
import { stack } from './stack-file.ts';

test('sessions: who is online, disconnect one, router health, and an alert for a silent router', async ({
  page,
}) => {
  const owner = await newOperator();
  const sql = postgres(stack().dbUrl, {
    max: 1,
    onnotice: () => {},
  });
  try {
    const hex = () => randomBytes(2).toString('hex');
    const ip = `2001:db8:${hex()}:${hex()}::7`; // FreeRADIUS ignores these: no client reload
    const quietIp = `2001:db8:${hex()}:${hex()}::8`;
    const [site] =
      await sql`select id from public.sites where organization_id = ${owner.organizationId}`;
    await sql`insert into public.routers (organization_id, site_id, name, nas_ip, vendor)
              values (${owner.organizationId}, ${site!.id}, 'Shop hAP', ${ip}, 'mikrotik'),
                     (${owner.organizationId}, ${site!.id}, 'Back room', ${quietIp}, 'mikrotik')`;
    const [plan] =
      await sql`insert into public.plans (organization_id, name, price_kes, validity_seconds)
                             values (${owner.organizationId}, '1 hour', 10, 3600) returning id`;
    const [voucher] = await sql`insert into public.vouchers (organization_id, plan_id)
                                values (${owner.organizationId}, ${plan!.id}) returning id, code`;
    await sql`
      insert into radius.radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime,
                                  acctupdatetime, acctsessiontime, acctinputoctets, acctoutputoctets,
                                  voucher_id, mac, router_id, organization_id)
      select 'e2e', ${`e2e-${hex()}${hex()}`}, ${voucher!.code}, r.nas_ip, now() - interval '40 minutes',
             now() - interval '1 minute', 1200, 5000000, 25000000, ${voucher!.id}, 'aa:bb:cc:dd:ee:01',
             r.id, r.organization_id
      from public.routers r where r.nas_ip = ${ip}`;
    // The back-room router went quiet 30 minutes ago and the sweeper closed its session.
    await sql`
      insert into radius.radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime,
                                  acctupdatetime, acctstoptime, acctterminatecause, voucher_id,
                                  router_id, organization_id)
      select 'e2e-2', ${`e2e-${hex()}${hex()}`}, ${voucher!.code}, r.nas_ip, now() - interval '1 hour',
             now() - interval '30 minutes', now() - interval '5 minutes', 'Stale-Session', ${voucher!.id},
             r.id, r.organization_id
      from public.routers r where r.nas_ip = ${quietIp}`;

    await signInAs(page, owner);
    await expect(page.getByRole('region', { name: 'Alerts' })).toContainText(
      'Router Back room has sent nothing for over 10 minutes',
    );

    await page.getByRole('link', { name: 'Sessions' }).click();
    const online = page.getByRole('region', { name: 'Online now' });
    await expect(online).toContainText('Online now (1)');
    const session = online.getByRole('listitem', { name: voucher!.code });
    await expect(session).toContainText('aa:bb:cc:dd:ee:01');
    await expect(session).toContainText('↓25.0 MB ↑5.0 MB');
    await shot(page, 'sessions');
    await session.getByRole('button', { name: 'Disconnect' }).click();
    await expect(
      page.getByRole('status').filter({ hasText: `Disconnecting ${voucher!.code}` }),
    ).toBeVisible();
    const [queued] =
      await sql`select count(*)::int as n from radius.disconnects where voucher_id = ${voucher!.id}`;
    expect(queued!.n).toBe(1);

    await page.getByRole('link', { name: 'Sites' }).click();
    const shop = page.getByRole('listitem').filter({ hasText: 'Shop hAP' });
    await expect(shop).toContainText(/1 online\s+·\s+last accounting/);
    await expect(page.getByRole('listitem').filter({ hasText: 'Back room' })).toContainText(
      /0 online/,
    );
  } finally {
    await sql.end();
  }
});
