import { expect, test } from '@playwright/test';
import { randomInt } from 'node:crypto';
import { newOperator, serviceClient, signInAs, shot } from './operator.ts';

test('customers: find by any spelling of the phone, see payments, vouchers and total spent', async ({
  page,
}) => {
  const owner = await newOperator();
  const service = serviceClient();
  const plan = await owner.client
    .from('plans')
    .insert({
      organization_id: owner.organizationId,
      name: '1 week',
      price_kes: 250,
      validity_seconds: 604800,
    })
    .select('id')
    .single();
  const local = `07${String(randomInt(10_000_000, 99_999_999))}`;
  const e164 = `+254${local.slice(1)}`;
  const customer = await service
    .from('customers')
    .insert({ organization_id: owner.organizationId, phone: e164 })
    .select('id')
    .single();
  await service
    .from('customers')
    .insert({ organization_id: owner.organizationId, phone: '+254799999001' });
  const base = {
    organization_id: owner.organizationId,
    plan_id: plan.data!.id,
    phone: e164,
    customer_id: customer.data!.id,
  };
  const paid = await service.from('payments').insert([
    { ...base, amount_kes: 250, status: 'success', mpesa_receipt: `R${randomInt(1e9, 9e9)}` },
    { ...base, amount_kes: 250, status: 'success', mpesa_receipt: `R${randomInt(1e9, 9e9)}` },
    { ...base, amount_kes: 250, status: 'failed', result_code: 1 },
  ]);
  expect(paid.error).toBeNull();
  const voucher = await service
    .from('vouchers')
    .insert({
      organization_id: owner.organizationId,
      plan_id: plan.data!.id,
      customer_id: customer.data!.id,
    })
    .select('code')
    .single();
  expect(voucher.error).toBeNull();

  await signInAs(page, owner);
  await page.getByRole('link', { name: 'Customers' }).click();
  await expect(page.locator('.customers li')).toHaveCount(2);
  await shot(page, 'customers');

  await page
    .getByLabel('Phone number')
    .fill(`${local.slice(0, 4)} ${local.slice(4, 7)} ${local.slice(7)}`);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.locator('.customers li')).toHaveCount(1);
  await expect(page.locator('.customers li')).toContainText(`${e164} 3 payments · spent KES 500`);

  await page.getByLabel('Phone number').fill('12');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('alert')).toContainText('at least its last 3 digits');

  await page.getByLabel('Phone number').fill(local.slice(-4));
  await page.getByRole('button', { name: 'Search' }).click();
  await page.locator('.customers li a').first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(e164);
  await expect(page.getByText('spent KES 500')).toBeVisible();
  await expect(page.getByText(voucher.data!.code)).toBeVisible();
  await shot(page, 'customer');
});
