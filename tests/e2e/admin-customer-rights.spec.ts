import { expect, test } from '@playwright/test';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { newOperator, serviceClient, shot, signInAs } from './operator.ts';
import { stack } from './stack-file.ts';

test("customer's rights: the owner exports a customer's data, then erases it; money stays", async ({
  page,
}) => {
  const owner = await newOperator();
  const service = serviceClient();
  const plan = await owner.client
    .from('plans')
    .insert({
      organization_id: owner.organizationId,
      name: '1 day',
      price_kes: 80,
      validity_seconds: 86400,
    })
    .select('id')
    .single();
  const phone = `+2547${String(randomInt(10_000_000, 99_999_999))}`;
  const customer = await service
    .from('customers')
    .insert({ organization_id: owner.organizationId, phone })
    .select('id')
    .single();
  const receipt = `R${randomInt(1e9, 9e9)}`;
  const paid = await service.from('payments').insert({
    organization_id: owner.organizationId,
    plan_id: plan.data!.id,
    customer_id: customer.data!.id,
    phone,
    amount_kes: 80,
    status: 'success',
    mpesa_receipt: receipt,
  });
  expect(paid.error).toBeNull();

  await signInAs(page, owner);
  await page.goto(`${stack().adminUrl}/customers/${customer.data!.id}`);
  const rights = page.getByRole('region', { name: 'Personal data' });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    rights.getByRole('button', { name: 'Export data' }).click(),
  ]);
  const file = JSON.parse(readFileSync(await download.path(), 'utf8'));
  expect(file.phone).toBe(phone);
  expect(file.payments).toEqual([expect.objectContaining({ mpesa_receipt: receipt })]);

  await rights.getByRole('button', { name: 'Erase personal data…' }).click();
  await expect(rights.getByRole('alertdialog')).toContainText('Kept: the payments');
  await shot(page, 'customer-erase-confirm');
  await rights.getByRole('button', { name: 'Erase', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Personal data erased' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Erased customer');
  await expect(page.getByText(receipt)).toBeVisible();
  await expect(page.getByText(phone)).toHaveCount(0);
});
