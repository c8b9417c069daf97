import { expect, test } from '@playwright/test';
import { newOperator, newUser, serviceClient, shot, signInAs } from './operator.ts';

test('vouchers: make a batch (inactive), find one, sell it for cash, revoke, release another; agents sell one at a time', async ({
  page,
}) => {
  const owner = await newOperator();
  const plan = await owner.client
    .from('plans')
    .insert({
      organization_id: owner.organizationId,
      name: '1 hour',
      price_kes: 10,
      validity_seconds: 3600,
    })
    .select('id')
    .single();
  expect(plan.error).toBeNull();

  await signInAs(page, owner);
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('link', { name: 'Vouchers' })
    .click();
  await expect(page.getByText('No vouchers yet.')).toBeVisible();
  await page.getByText('Make vouchers').first().click();
  await page.getByLabel('How many (up to 10,000)').fill('5');
  await page.getByLabel('Prefix (optional, up to 4)').fill('ab0');
  await page.getByRole('button', { name: 'Make vouchers' }).click();
  await expect(page.getByRole('alert')).toContainText('without 0, 1, I, L or O');
  await page.getByLabel('Prefix (optional, up to 4)').fill('ab');
  await page.getByRole('button', { name: 'Make vouchers' }).click();

  const codes = page.locator('.vouchers code');
  await expect(codes).toHaveCount(5);
  // Printed cards are not internet until sold or released.
  await expect(page.locator('.vouchers li').filter({ hasText: 'inactive' })).toHaveCount(5);
  for (const code of await codes.allTextContents()) expect(code).toMatch(/^AB[2-9A-HJKMNP-Z]{10}$/);
  await shot(page, 'vouchers');

  const code = (await codes.first().textContent())!;
  await page.getByLabel('Search code').fill(code.slice(2, 8).toLowerCase());
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/\?q=/);
  const voucher = page.getByRole('listitem', { name: code });
  await expect(codes).toHaveCount(1);

  await voucher.getByRole('button', { name: 'Sell for cash' }).click();
  await expect(voucher).toContainText(/Sold .* for KES 10/);
  await voucher.getByRole('button', { name: 'Revoke' }).click();
  await expect(voucher).toContainText('revoked');
  const stored = await owner.client
    .from('vouchers')
    .select('status, sold_by, sold_price_kes')
    .eq('code', code)
    .single();
  expect(stored.data).toEqual({ status: 'revoked', sold_by: owner.id, sold_price_kes: 10 });

  // Another one is given away: released without a sale.
  await page.getByLabel('Search code').fill('');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(codes).toHaveCount(5);
  const other = (await page
    .locator('.vouchers li')
    .filter({ hasText: 'inactive' })
    .first()
    .locator('code')
    .textContent())!;
  const given = page.getByRole('listitem', { name: other });
  await given.getByRole('button', { name: 'Release (free)' }).click();
  await expect(given).toContainText('· active');
  await expect(given).toContainText('Not sold');
  // The rest of the print run is handed out at once.
  const unsold = page.locator('.vouchers li').filter({ hasText: 'inactive' });
  await expect(unsold).toHaveCount(3);
  await unsold.first().getByRole('button', { name: 'Release its batch' }).click();
  await expect(unsold).toHaveCount(0);

  // An agent makes no batch: they sell one voucher at a time, not below the plan's price unless
  // the owner allowed a discount, and see nobody else's vouchers.
  const agent = await newUser('agent');
  await serviceClient()
    .from('memberships')
    .insert({ organization_id: owner.organizationId, user_id: agent.id, role: 'agent' });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signInAs(page, agent);
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('link', { name: 'Vouchers' })
    .click();
  await expect(page.getByText('No vouchers yet.')).toBeVisible();
  await expect(page.getByText('Make vouchers')).toHaveCount(0);
  await page.getByText('Sell a voucher').first().click();
  await page.getByLabel('Price in KES (empty: the plan’s price)').fill('5');
  await page.getByRole('button', { name: 'Sell a voucher' }).click();
  await expect(page.getByRole('alert')).toContainText('below what the owner allows');
  await expect(page.getByText('No vouchers yet.')).toBeVisible();
  await page.getByLabel('Price in KES (empty: the plan’s price)').fill('');
  await page.getByRole('button', { name: 'Sell a voucher' }).click();
  await expect(codes).toHaveCount(1);
  await expect(page.getByText(/Sold .* for KES 10/)).toHaveCount(1);
  await expect(page.getByRole('button', { name: 'Revoke' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Release (free)' })).toHaveCount(0);
  const sales = await owner.client.from('vouchers').select('sold_by').eq('sold_by', agent.id);
  expect(sales.data).toHaveLength(1);
});
