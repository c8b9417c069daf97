import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { newOperator, signInAs, shot } from './operator.ts';

test('sites and routers: create a site, add a router and see its secret once', async ({ page }) => {
  const owner = await newOperator();
  await signInAs(page, owner);
  await page.getByRole('link', { name: 'Sites' }).click();
  const existing = page.getByRole('region', { name: owner.siteName });
  await expect(existing).toContainText('No router yet.');

  await page.getByText('New site').click();
  const slug = `e2e-${randomBytes(4).toString('hex')}`;
  await page.getByLabel('Name').first().fill('Market stall');
  await page.getByLabel('Web address (portal /s/…)').fill('Not A Slug!');
  await page.getByRole('button', { name: 'Create site' }).click();
  await expect(page.getByRole('alert')).toContainText('lower-case letters');
  await page.getByLabel('Web address (portal /s/…)').fill(slug);
  await page.getByRole('button', { name: 'Create site' }).click();
  const stall = page.getByRole('region', { name: 'Market stall' });
  await expect(stall).toContainText(`/s/${slug}`);

  await stall.getByText('Add a router').click();
  await stall.getByLabel('Name').fill('Stall hAP');
  await stall.getByLabel('Address it reaches RADIUS from').fill('10.8.0.999');
  await stall.getByRole('button', { name: 'Add router' }).click();
  await expect(page.getByRole('alert')).toContainText('Enter the address');
  // A documentation-range IPv6 address: no other test's FreeRADIUS client changes.
  const address = `2001:db8:${randomBytes(2).toString('hex')}::${randomBytes(2).toString('hex')}`;
  await stall.getByLabel('Address it reaches RADIUS from').fill(address);
  await stall.getByRole('button', { name: 'Add router' }).click();

  const secret = page.getByRole('status').filter({ hasText: 'RADIUS secret for Stall hAP' });
  await expect(secret.locator('code')).toHaveText(/^[0-9a-f]{32}$/);
  await expect(stall).toContainText('Stall hAP · MikroTik');
  await expect(stall).toContainText('not heard from yet');
  await shot(page, 'sites');
  await secret.getByRole('button', { name: 'I have copied it' }).click();
  await expect(secret).toHaveCount(0);
  await page.reload();
  await expect(page.getByText(/RADIUS secret for/)).toHaveCount(0);

  // The secret is not readable through the API afterwards, not even by the owner.
  const routers = await owner.client
    .from('routers')
    .select('*')
    .eq('organization_id', owner.organizationId);
  expect(routers.data).toHaveLength(1);
  expect(JSON.stringify(routers.data)).not.toMatch(/[0-9a-f]{32}/);
});
