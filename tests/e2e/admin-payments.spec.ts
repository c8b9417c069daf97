import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { newOperator, serviceClient, signInAs, shot } from './operator.ts';

test('payments: filter by status, open one with what M-Pesa sent, export CSV', async ({ page }) => {
  const owner = await newOperator();
  const service = serviceClient();
  const plan = await owner.client
    .from('plans')
    .insert({
      organization_id: owner.organizationId,
      name: '=1 day',
      price_kes: 50,
      validity_seconds: 86400,
    })
    .select('id')
    .single();
  const receipt = `T${randomBytes(5).toString('hex').toUpperCase()}`;
  const base = { organization_id: owner.organizationId, plan_id: plan.data!.id, amount_kes: 50 };
  const inserted = await service.from('payments').insert([
    {
      ...base,
      phone: '+254712345678',
      status: 'success',
      mpesa_receipt: receipt,
      result_code: 0,
      raw_callback: {
        Body: {
          stkCallback: {
            ResultCode: 0,
            ResultDesc: 'The service request is processed successfully.',
          },
        },
      },
    },
    {
      ...base,
      phone: '+254712345679',
      status: 'cancelled',
      result_code: 1032,
      result_desc: 'Request cancelled by user',
    },
    { ...base, phone: '+254712345670', status: 'pending' },
  ]);
  expect(inserted.error).toBeNull();

  await signInAs(page, owner);
  await page.getByRole('link', { name: 'Payments' }).click();
  const rows = page.locator('.payments li');
  await expect(rows).toHaveCount(3);

  await page.getByLabel('Status').selectOption('success');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/status=success/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(`Receipt ${receipt}`);
  await shot(page, 'payments');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const csv = readFileSync(await (await download).path(), 'utf8').split('\r\n');
  expect(csv[0]).toBe(
    'created_at,settled_at,phone,amount_kes,status,mpesa_receipt,result_code,plan,site',
  );
  expect(csv).toHaveLength(3); // header, the one success, and the final line break
  expect(csv[1]).toContain(`"'+254712345678",50,success,${receipt},0,"'=1 day"`);

  await rows.first().getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('KES 50 · success');
  await expect(page.locator('pre')).toContainText('"ResultCode": 0');
  await shot(page, 'payment');
});
