import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { newOperator, serviceClient, newUser, signInAs, shot } from './operator.ts';

test('the dashboard shows revenue, payments and sales by plan, and filters by site', async ({
  page,
}) => {
  const owner = await newOperator();
  const service = serviceClient();
  const second = await owner.client
    .from('sites')
    .insert({
      organization_id: owner.organizationId,
      slug: `e2e-${randomBytes(4).toString('hex')}`,
      name: 'Second site',
    })
    .select('id')
    .single();
  const plan = await owner.client
    .from('plans')
    .insert({
      organization_id: owner.organizationId,
      name: '1 day',
      price_kes: 50,
      validity_seconds: 86400,
    })
    .select('id')
    .single();
  const first = await owner.client.from('sites').select('id').eq('name', owner.siteName).single();
  const voucher = await service
    .from('vouchers')
    .insert({
      organization_id: owner.organizationId,
      plan_id: plan.data!.id,
      sold_at: new Date().toISOString(),
      sold_price_kes: 50,
    })
    .select('id')
    .single();
  const paid = await service.from('payments').insert([
    {
      organization_id: owner.organizationId,
      site_id: first.data!.id,
      plan_id: plan.data!.id,
      phone: '+254712000002',
      amount_kes: 50,
      status: 'success',
      voucher_id: voucher.data!.id,
    },
    {
      organization_id: owner.organizationId,
      site_id: first.data!.id,
      plan_id: plan.data!.id,
      phone: '+254712000003',
      amount_kes: 50,
      status: 'failed',
    },
  ]);
  expect(paid.error).toBeNull();

  await signInAs(page, owner);
  const revenue = page.getByRole('region', { name: 'Revenue' });
  await expect(revenue).toContainText('TodayKES 50');
  await expect(revenue).toContainText('30 daysKES 50');
  await expect(revenue).toContainText('Online now0');
  await expect(page.getByRole('region', { name: 'Payments' })).toContainText('Success rate 50%');
  await expect(page.getByRole('region', { name: 'Vouchers sold by plan' })).toContainText(
    '1 day: 1',
  );
  await expect(
    page.getByRole('img', { name: 'Revenue per day, last 30 days' }).locator('rect'),
  ).toHaveCount(30);
  await shot(page, 'dashboard');

  await page.getByLabel('Site', { exact: true }).selectOption({ label: 'Second site' });
  await expect(page).toHaveURL(new RegExp(`site=${second.data!.id}`));
  await expect(revenue).toContainText('TodayKES 0');
  await expect(page.getByRole('region', { name: 'Payments' })).toContainText('No payments yet.');

  // Agents get no revenue figures.
  const agent = await newUser('agent');
  await serviceClient()
    .from('memberships')
    .insert({ organization_id: owner.organizationId, user_id: agent.id, role: 'agent' });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signInAs(page, agent);
  await expect(page.getByText('Make and sell vouchers from')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Revenue' })).toHaveCount(0);
});

test('a member of two organizations chooses which one to work on, and the choice stays', async ({
  page,
}) => {
  const owner = await newOperator();
  const otherName = `Zz other ${randomBytes(3).toString('hex')}`;
  const other = await owner.client.rpc('create_organization', { p_name: otherName });
  expect(other.error).toBeNull();
  for (const [organizationId, name] of [
    [owner.organizationId, 'First org plan'],
    [other.data as string, 'Other org plan'],
  ])
    expect(
      (
        await owner.client
          .from('plans')
          .insert({ organization_id: organizationId, name, price_kes: 20, validity_seconds: 3600 })
      ).error,
    ).toBeNull();

  await signInAs(page, owner);
  const organizations = page.getByRole('list', { name: 'Your organizations' });
  // The first by name until another is chosen.
  await expect(page.getByRole('heading', { level: 1 })).not.toHaveText(otherName);
  await expect(organizations.getByRole('button', { pressed: true })).toHaveText(/^Working on E2E/);
  await organizations.getByRole('button', { name: `Work on ${otherName}` }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(otherName);

  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(otherName);
  await page.getByRole('link', { name: 'Plans' }).click();
  await expect(page.getByText('Other org plan')).toBeVisible();
  await expect(page.getByText('First org plan')).toHaveCount(0);
});
