import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { newOperator, newUser, signInAs } from './operator.ts';

test('settings: M-Pesa secrets are write-only, admins only see hints, the portal look is saved', async ({
  page,
}) => {
  const owner = await newOperator();
  await signInAs(page, owner);
  await page.getByRole('link', { name: 'Settings' }).click();
  const mpesa = page.getByRole('region', { name: 'M-Pesa' });
  await expect(mpesa).toContainText('Not configured');

  const passkey = randomBytes(16).toString('hex');
  await mpesa.getByLabel('Shortcode').fill('174379');
  await mpesa.getByLabel('Passkey').fill(passkey);
  await mpesa.getByLabel('Consumer key').fill('consumer-key-abcd');
  await mpesa.getByRole('button', { name: 'Save M-Pesa settings' }).click();
  await expect(page.getByRole('alert')).toContainText('the first time, enter the passkey');
  await mpesa.getByLabel('Consumer secret').fill('consumer-secret-wxyz');
  await mpesa.getByRole('button', { name: 'Save M-Pesa settings' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: 'M-Pesa settings saved.' }),
  ).toBeVisible();
  await expect(mpesa).toContainText(
    `passkey …${passkey.slice(-4)}, consumer key …abcd, secret …wxyz`,
  );
  await expect(mpesa.getByLabel(/Passkey/)).toHaveValue('');

  // Through the API too, nobody reads a secret back.
  const settings = await owner.client.rpc('payment_settings', {
    p_organization_id: owner.organizationId,
  });
  expect(JSON.stringify(settings.data)).not.toContain(passkey);
  expect(JSON.stringify(settings.data)).not.toContain('consumer-secret-wxyz');

  const look = page.getByRole('region', { name: `Portal look of ${owner.siteName}` });
  await look.getByLabel('Support phone').fill('0712345678');
  await look.getByRole('button', { name: 'Save look' }).click();
  await expect(page.getByRole('alert')).toContainText('international form');
  await look.getByLabel('Support phone').fill('+254712345678');
  await look.getByLabel('Colour').fill('#aa3300');
  await look.getByLabel('Language').selectOption('sw');
  await look.getByRole('button', { name: 'Save look' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Portal look saved.' })).toBeVisible();
  const site = await owner.client
    .from('sites')
    .select('support_phone, primary_color, default_language')
    .eq('organization_id', owner.organizationId)
    .single();
  expect(site.data).toEqual({
    support_phone: '+254712345678',
    primary_color: '#aa3300',
    default_language: 'sw',
  });

  // An admin sees that M-Pesa is configured, not the form.
  const admin = await newUser('admin');
  await owner.client
    .from('memberships')
    .insert({ organization_id: owner.organizationId, user_id: admin.id, role: 'admin' });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signInAs(page, admin);
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(mpesa).toContainText('Configured: sandbox, paybill 174379');
  await expect(mpesa).toContainText('Only owners change M-Pesa settings.');
  await expect(mpesa.getByRole('button')).toHaveCount(0);
});
