import { expect, test, type Download } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { newOperator, newUser, serviceClient, signInAs } from './operator.ts';
import { stack } from './stack-file.ts';

const text = async (download: Download) => readFile((await download.path())!, 'utf8');

test('sites: download a MikroTik login.html and set-up script; agents get no files', async ({
  page,
}) => {
  const owner = await newOperator();
  const site = owner.site;
  // A documentation-range IPv6 address: no other test's FreeRADIUS client changes.
  const hex = () => randomBytes(2).toString('hex');
  const created = await owner.client.rpc('create_router', {
    p_site_id: site.id,
    p_name: 'Shop hAP',
    p_nas_ip: `2001:db8:${hex()}:${hex()}::9`,
    p_vendor: 'mikrotik',
  });
  expect(created.error).toBeNull();
  const { router_id: routerId, secret } = created.data as { router_id: string; secret: string };

  await signInAs(page, owner);
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('link', { name: 'Sites' })
    .click();
  const router = page.getByRole('listitem').filter({ hasText: 'Shop hAP' });
  await router.getByText('Router files').click();
  // The stack's /config.json names the portal and RADIUS as its own routers reach it; an
  // operator whose router sits elsewhere types the address the router uses.
  // Router files address the site by its id, never its slug (SECURITY.md, Slugs are cosmetic).
  const portalUrl = `${stack().portalUrl}/s/${site.id}`;
  await expect(router.getByLabel('Portal address')).toHaveValue(stack().portalUrl);
  const radiusHost = router.getByLabel('RADIUS server as the router reaches it');
  await expect(radiusHost).toHaveValue(/^\d+\.\d+\.\d+\.\d+$/);
  await radiusHost.fill('');
  await router.getByRole('button', { name: 'Download set-up script' }).click();
  await expect(router.getByRole('alert')).toContainText('Enter the RADIUS server address');
  await router.getByLabel('RADIUS server as the router reaches it').fill('10.44.0.1');
  await router.getByLabel('Authentication port').fill('1812');
  await router.getByLabel('Accounting port').fill('11813');

  const [login] = await Promise.all([
    page.waitForEvent('download'),
    router.getByRole('button', { name: 'Download login.html' }).click(),
  ]);
  expect(login.suggestedFilename()).toBe('login.html');
  const html = await text(login);
  expect(html).toContain(`action="${portalUrl}"`);
  expect(html).not.toContain(`/s/${site.slug}`);
  expect(html).toContain('value="$(chap-challenge)"');
  expect(html).not.toContain(secret);

  const [setup] = await Promise.all([
    page.waitForEvent('download'),
    router.getByRole('button', { name: 'Download set-up script' }).click(),
  ]);
  expect(setup.suggestedFilename()).toBe('wifi-billing.rsc');
  const script = await text(setup);
  expect(script).toContain(
    `/radius add service=hotspot address=10.44.0.1 secret="${secret}" authentication-port=1812 accounting-port=11813`,
  );
  expect(script).toContain('/radius incoming set accept=yes port=3799');
  expect(script).toContain(`/tool fetch url="${portalUrl}/mikrotik/login.html"`);
  expect(script).not.toContain(`/s/${site.slug}`);

  // Only the script read the secret, and that read is in the audit log (without the secret).
  const audits = await owner.client
    .from('audit_log')
    .select('actor, new')
    .eq('table_name', 'router_setup')
    .eq('row_id', routerId);
  expect(audits.error).toBeNull();
  expect(audits.data).toHaveLength(1);
  expect(audits.data![0]!.actor).toBe(owner.id);
  expect(JSON.stringify(audits.data)).not.toContain(secret);

  // MAC login is opt-in: off in the script above, on only when the operator ticks it.
  expect(script).toMatch(/login-by=http-chap,http-pap(?!,mac)/);
  await router.getByLabel(/reconnect by their MAC address/).check();
  const [withMac] = await Promise.all([
    page.waitForEvent('download'),
    router.getByRole('button', { name: 'Download set-up script' }).click(),
  ]);
  expect(await text(withMac)).toContain('login-by=http-chap,http-pap,mac');

  // An agent of the organization sees neither routers nor their files.
  const agent = await newUser('agent');
  const member = await serviceClient()
    .from('memberships')
    .insert({ organization_id: owner.organizationId, user_id: agent.id, role: 'agent' });
  expect(member.error).toBeNull();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signInAs(page, agent);
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('link', { name: 'Sites' })
    .click();
  await expect(page.getByText('Only owners and admins manage sites and routers.')).toBeVisible();
  await expect(page.getByText('Router files')).toHaveCount(0);
  await expect(page.getByRole('button', { name: /Download/ })).toHaveCount(0);
});
