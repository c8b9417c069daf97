import { expect, test } from '@playwright/test';
import { newOperator, newUser, serviceClient, shot, signInAs } from './operator.ts';

test('an owner creates, edits and stops selling a plan; an agent only reads', async ({ page }) => {
  const owner = await newOperator();
  await signInAs(page, owner);
  await page.getByRole('link', { name: 'Plans' }).click();
  await expect(page.getByText('No plans yet.')).toBeVisible();

  await page.getByText('New plan').click();
  await page.getByLabel('Name').fill('1 day');
  await page.getByLabel('Price (KES)').fill('12.50');
  await page.getByRole('button', { name: 'Create plan' }).click();
  await expect(page.getByText(/without cents/)).toBeVisible();

  await page.getByLabel('Price (KES)').fill('50');
  await page.getByLabel('Data (empty: no limit)').fill('1.5');
  await page.getByLabel('Download speed, Mbps (empty: no limit)').fill('2');
  await page.getByLabel('Devices per voucher').fill('2');
  await page.getByRole('button', { name: 'Create plan' }).click();

  const plan = page.getByRole('listitem', { name: '1 day' });
  await expect(plan).toContainText('KES 50 · valid 1 day · 1.5 GB · 2 Mbps down · 2 devices');
  await expect(plan).toContainText(`Sold at: ${owner.siteName}`);
  await shot(page, 'plans');
  const stored = await owner.client
    .from('plans')
    .select('*')
    .eq('organization_id', owner.organizationId)
    .single();
  expect(stored.data).toMatchObject({
    price_kes: 50,
    validity_seconds: 86400,
    data_quota_bytes: 1.5e9,
    download_kbps: 2000,
  });

  await plan.getByRole('button', { name: 'Edit' }).click();
  await plan.getByLabel('Price (KES)').fill('60');
  await plan.getByRole('button', { name: 'Save changes' }).click();
  await expect(plan).toContainText('KES 60 · valid 1 day');

  await plan.getByRole('button', { name: 'Stop selling' }).click();
  await expect(plan).toContainText('Not on sale');
  const after = await owner.client
    .from('plans')
    .select('price_kes, active')
    .eq('id', stored.data!.id)
    .single();
  expect(after.data).toEqual({ price_kes: 60, active: false });

  // Only the owner sets how far below its price the plan may be sold for cash.
  await plan.getByLabel('Cash discount allowed (KES)').fill('5');
  await plan.getByRole('button', { name: 'Save discount' }).click();
  await expect
    .poll(
      async () =>
        (
          await owner.client
            .from('plans')
            .select('max_discount_kes')
            .eq('id', stored.data!.id)
            .single()
        ).data?.max_discount_kes,
    )
    .toBe(5);

  // An agent of the same organization sees the plans but no controls.
  const agent = await newUser('agent');
  const joined = await serviceClient()
    .from('memberships')
    .insert({ organization_id: owner.organizationId, user_id: agent.id, role: 'agent' });
  expect(joined.error).toBeNull();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signInAs(page, agent);
  await page.getByRole('link', { name: 'Plans' }).click();
  await expect(page.getByRole('listitem', { name: '1 day' })).toContainText('KES 60');
  await expect(page.getByText('New plan')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Edit' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Save discount' })).toHaveCount(0);
});
