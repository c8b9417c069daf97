import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { newOperator, newUser, serviceClient, shot, signInAs } from './operator.ts';

// Message-Authenticator on the Sites screen: an owner switches it off only with a reason; an
// admin sees that it is off and why, cannot switch it off, but may require it again.
test('sites: only an owner switches Message-Authenticator off, with a reason an admin can read', async ({
  page,
  browser,
}) => {
  const owner = await newOperator();
  // A documentation-range address: FreeRADIUS's clients do not change.
  const address = `2001:db8:${randomBytes(2).toString('hex')}::${randomBytes(2).toString('hex')}`;
  const created = await owner.client.rpc('create_router', {
    p_site_id: owner.site.id,
    p_name: 'Old hAP',
    p_nas_ip: address,
    p_vendor: 'generic',
  });
  expect(created.error).toBeNull();

  await signInAs(page, owner);
  await page.getByRole('link', { name: 'Sites' }).click();
  const site = page.getByRole('region', { name: owner.siteName });
  await site.getByText('Message-Authenticator: required').click();
  const box = site.getByLabel('Require Message-Authenticator');
  await expect(box).toBeChecked();
  await expect(site.getByLabel('Why this router cannot send it')).toHaveCount(0);
  await box.uncheck();
  await site.getByRole('button', { name: 'Save' }).click();
  await expect(site.getByRole('alert')).toContainText(
    'Say why this router cannot send Message-Authenticator',
  );
  await site.getByLabel('Why this router cannot send it').fill('RouterOS 6.49 on the hAP lite');
  await site.getByRole('button', { name: 'Save' }).click();
  await expect(site.getByText('Message-Authenticator: off')).toBeVisible();
  await shot(page, 'sites-message-authenticator-off');

  // An admin of the organization: read-only, with the owner's reason.
  const admin = await newUser('admin');
  const joined = await serviceClient()
    .from('memberships')
    .insert({ organization_id: owner.organizationId, user_id: admin.id, role: 'admin' });
  expect(joined.error).toBeNull();
  const adminPage = await (await browser.newContext()).newPage();
  await signInAs(adminPage, admin);
  await adminPage.getByRole('link', { name: 'Sites' }).click();
  const adminSite = adminPage.getByRole('region', { name: owner.siteName });
  await adminSite.getByText('Message-Authenticator: off').click();
  await expect(adminSite).toContainText('“RouterOS 6.49 on the hAP lite”');
  await expect(adminSite).toContainText('Only an owner can switch it off or change the reason');
  await expect(adminSite.getByLabel('Require Message-Authenticator')).toHaveCount(0);
  await expect(adminSite.getByLabel('Why this router cannot send it')).toHaveCount(0);
  await adminSite.getByRole('button', { name: 'Require it again' }).click();
  await expect(adminSite.getByText('Message-Authenticator: required')).toBeVisible();
  await adminSite.getByText('Message-Authenticator: required').click();
  await expect(adminSite).toContainText('Only an owner can switch it off.');

  const [row] = (
    await owner.client
      .from('routers')
      .select('require_message_authenticator, message_authenticator_off_reason')
      .eq('id', (created.data as { router_id: string }).router_id)
  ).data!;
  expect(row).toEqual({
    require_message_authenticator: true,
    message_authenticator_off_reason: null,
  });
});

// The login address the portal may send codes to (SECURITY.md, login target): set from Sites.
test('sites: an owner registers the hotspot login address the portal may send codes to', async ({
  page,
}) => {
  const owner = await newOperator();
  const address = `2001:db8:${randomBytes(2).toString('hex')}::${randomBytes(2).toString('hex')}`;
  const created = await owner.client.rpc('create_router', {
    p_site_id: owner.site.id,
    p_name: 'Cafe hAP',
    p_nas_ip: address,
    p_vendor: 'mikrotik',
  });
  expect(created.error).toBeNull();

  await signInAs(page, owner);
  await page.getByRole('link', { name: 'Sites' }).click();
  const site = page.getByRole('region', { name: owner.siteName });
  await site.getByText(`Login address: ${address}`).click();
  const field = site.getByLabel("Hotspot login address, as customers' phones reach it");
  await field.fill('not a host!');
  await site.getByRole('button', { name: 'Use this login address' }).click();
  await expect(site.getByRole('alert')).toContainText('Enter an address or host name');
  await field.fill('Hotspot.Cafe.lan');
  await site.getByRole('button', { name: 'Use this login address' }).click();
  await expect(site.getByText('Login address: hotspot.cafe.lan')).toBeVisible();

  const [row] = (
    await owner.client
      .from('routers')
      .select('login_host')
      .eq('id', (created.data as { router_id: string }).router_id)
  ).data!;
  expect(row).toEqual({ login_host: 'hotspot.cafe.lan' });
});
