import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { newOperator, newUser, serviceClient, shot, signInAs } from './operator.ts';
import { stack } from './stack-file.ts';

test('voucher detail: sale, usage, bound devices and sessions; agents see only their own', async ({
  page,
}) => {
  const owner = await newOperator();
  const sql = postgres(stack().dbUrl, { max: 1, onnotice: () => {} });
  try {
    const hex = () => randomBytes(2).toString('hex');
    const ip = `2001:db8:${hex()}:${hex()}::5`; // FreeRADIUS ignores these: no client reload
    const [site] =
      await sql`select id from public.sites where organization_id = ${owner.organizationId}`;
    await sql`insert into public.routers (organization_id, site_id, name, nas_ip, vendor)
              values (${owner.organizationId}, ${site!.id}, 'Shop hAP', ${ip}, 'mikrotik')`;
    const [plan] = await sql`
      insert into public.plans (organization_id, name, price_kes, validity_seconds,
                                time_quota_seconds, data_quota_bytes, devices_allowed)
      values (${owner.organizationId}, 'Day pass', 50, 86400, 7200, 1000000000, 2)
      returning id`;
    const [voucher] = await sql`
      insert into public.vouchers (organization_id, plan_id, created_by)
      values (${owner.organizationId}, ${plan!.id}, ${owner.id}) returning id, code`;
    const sold = await owner.client.rpc('sell_voucher', { p_voucher_id: voucher!.id });
    expect(sold.error).toBeNull();
    // What RADIUS accounting would have recorded: counters, two bound devices, two sessions.
    await sql`update public.vouchers
              set used_seconds = 1500, used_bytes = 30000000,
                  first_used_at = now() - interval '1 hour', expires_at = now() + interval '23 hours'
              where id = ${voucher!.id}`;
    await sql`insert into radius.voucher_devices (voucher_id, mac)
              values (${voucher!.id}, 'aa:bb:cc:dd:ee:01'), (${voucher!.id}, 'aa:bb:cc:dd:ee:02')`;
    await sql`
      insert into radius.radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime,
                                  acctupdatetime, acctstoptime, acctsessiontime, acctinputoctets,
                                  acctoutputoctets, acctterminatecause, voucher_id, mac, router_id,
                                  organization_id)
      select s.id, s.key, ${voucher!.code}, r.nas_ip, s.started, s.updated, s.stopped, s.seconds,
             s.bytes_in, s.bytes_out, s.cause, ${voucher!.id}, s.mac, r.id, r.organization_id
      from public.routers r
      cross join (values
        ('e2e-1', ${`e2e-${hex()}${hex()}`}, now() - interval '10 minutes', now() - interval '1 minute',
         null::timestamptz, 600, 2000000, 8000000, null, 'aa:bb:cc:dd:ee:01'),
        ('e2e-2', ${`e2e-${hex()}${hex()}`}, now() - interval '1 hour', now() - interval '45 minutes',
         now() - interval '45 minutes', 900, 4000000, 16000000, 'User-Request', 'aa:bb:cc:dd:ee:02')
      ) s (id, key, started, updated, stopped, seconds, bytes_in, bytes_out, cause, mac)
      where r.nas_ip = ${ip}`;

    await signInAs(page, owner);
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Vouchers' })
      .click();
    await page.getByRole('link', { name: voucher!.code }).click();
    await expect(page).toHaveURL(new RegExp(`/vouchers/${voucher!.id}$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`${voucher!.code} · active`);
    const details = page.getByRole('definition');
    await expect(details.filter({ hasText: 'Day pass' })).toHaveText('Day pass · KES 50');
    await expect(details.filter({ hasText: /by you for KES 50$/ })).toHaveCount(1);

    const usage = page.getByLabel('Usage');
    await expect(usage).toContainText('25 min of 2 h');
    await expect(usage).toContainText('30.0 MB of 1.00 GB');
    await expect(usage).not.toContainText('Not yet');

    await expect(page.getByRole('heading', { name: 'Devices (2 of 2)' })).toBeVisible();
    const devices = page.getByRole('list', { name: 'Devices' }).getByRole('listitem');
    await expect(devices).toHaveCount(2);
    await expect(devices.first()).toContainText('aa:bb:cc:dd:ee:0');
    await shot(page, 'voucher');

    // Open sessions first, then the newest finished ones.
    const sessions = page.getByRole('list', { name: 'Sessions' }).getByRole('listitem');
    await expect(sessions).toHaveCount(2);
    await expect(sessions.nth(0)).toContainText('Online · aa:bb:cc:dd:ee:01 · Shop hAP');
    await expect(sessions.nth(0)).toContainText('10 min · ↓8.0 MB ↑2.0 MB');
    await expect(sessions.nth(1)).toContainText('Ended · aa:bb:cc:dd:ee:02 · Shop hAP');
    await expect(sessions.nth(1)).toContainText('15 min · ↓16.0 MB ↑4.0 MB · User-Request');

    // An agent opens the vouchers they issued, not the owner's.
    const agent = await newUser('agent');
    const member = await serviceClient()
      .from('memberships')
      .insert({ organization_id: owner.organizationId, user_id: agent.id, role: 'agent' });
    expect(member.error).toBeNull();
    const own = await agent.client
      .from('vouchers')
      .insert({ organization_id: owner.organizationId, plan_id: plan!.id })
      .select('id, code')
      .single();
    expect(own.error).toBeNull();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInAs(page, agent);
    await page.goto(`${stack().adminUrl}/vouchers/${voucher!.id}`);
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
    await page.goto(`${stack().adminUrl}/vouchers/${own.data!.id}`);
    // Not sold yet: an agent's voucher is inactive until they sell it.
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(
      `${own.data!.code} · inactive`,
    );
    await expect(page.getByText(/by you$/)).toBeVisible();
    await expect(page.getByText('Not sold for cash')).toBeVisible();
    await expect(page.getByLabel('Usage')).toContainText('First used');
    await expect(page.getByRole('heading', { name: 'Sessions' })).toBeVisible();
    await expect(page.getByText('None yet.')).toHaveCount(2);
  } finally {
    await sql.end();
  }
});
