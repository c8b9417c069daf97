import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { newOperator, newUser, serviceClient, shot, signInAs } from './operator.ts';
import { stack } from './stack-file.ts';

// A 1×1 PNG: small enough for the 8 KB limit, and a real image for the portal's type check.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

// Each test signs in and makes many round trips; a busy machine needs more than the default.
test.describe.configure({ timeout: 60_000 });

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
  await shot(page, 'settings');
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
  await serviceClient()
    .from('memberships')
    .insert({ organization_id: owner.organizationId, user_id: admin.id, role: 'admin' });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signInAs(page, admin);
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(mpesa).toContainText('Configured: sandbox, paybill 174379');
  await expect(mpesa).toContainText('Only owners change M-Pesa settings.');
  await expect(mpesa.getByRole('button')).toHaveCount(0);
});

test('settings: a site logo is uploaded to the portal, a too big one is refused, and it is removed', async ({
  page,
}) => {
  const owner = await newOperator();
  const { id: siteId, slug } = owner.site;
  const served = () => page.request.get(`${stack().portalUrl}/s/${slug}/logo`);
  const audits = async () => {
    const rows = await owner.client
      .from('audit_log')
      .select('actor, new')
      .eq('table_name', 'support:site_logo')
      .eq('row_id', siteId)
      .order('id');
    expect(rows.error).toBeNull();
    return rows.data!;
  };

  await signInAs(page, owner);
  await page.getByRole('link', { name: 'Settings' }).click();
  const look = page.getByRole('region', { name: `Portal look of ${owner.siteName}` });
  await expect(look).toContainText('No logo');
  await expect(look.getByRole('button', { name: 'Remove logo' })).toHaveCount(0);
  // The web address field is gone: the portal makes no third-party request.
  await expect(look.locator('input[type=url]')).toHaveCount(0);
  const upload = look.getByLabel(/Upload a logo/);
  await expect(upload).toHaveAttribute('accept', 'image/png,image/jpeg,image/webp,image/gif');

  // Upload: the portal serves exactly these bytes from its own host, and the change is audited.
  await upload.setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: PNG });
  await expect(look.getByRole('status').filter({ hasText: 'Logo saved.' })).toBeVisible();
  const portalSite = await owner.client.rpc('portal_site', { p_slug: slug });
  const logoUrl = portalSite.data.logo_url as string;
  expect(logoUrl).toMatch(new RegExp(`^/s/${slug}/logo\\?v=\\d+$`));
  const preview = look.getByRole('img', { name: `Current logo of ${owner.siteName}` });
  await expect(preview).toHaveAttribute('src', `${stack().portalUrl}${logoUrl}`);
  await expect(preview).toHaveJSProperty('naturalWidth', 1);
  let response = await served();
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe('image/png');
  expect(Buffer.from(await response.body())).toEqual(PNG);
  expect(await audits()).toEqual([
    { actor: owner.id, new: { content_type: 'image/png', size: PNG.length } },
  ]);

  // After a reload the settings show the stored logo (from the portal's own answer).
  await page.reload();
  await expect(preview).toHaveAttribute('src', `${stack().portalUrl}${logoUrl}`);
  await expect(preview).toHaveJSProperty('naturalWidth', 1);

  // 9 KB is refused in the browser, in plain words, before anything is sent: nothing changes.
  const big = Buffer.concat([PNG.subarray(0, 8), randomBytes(9 * 1024 - 8)]);
  await upload.setInputFiles({ name: 'big.png', mimeType: 'image/png', buffer: big });
  await expect(look.getByRole('alert')).toContainText(
    'The logo can be at most 8 KB, and this file is 9 KB (9216 bytes).',
  );
  await expect(preview).toHaveAttribute('src', `${stack().portalUrl}${logoUrl}`);
  response = await served();
  expect(Buffer.from(await response.body())).toEqual(PNG);
  expect(await audits()).toHaveLength(1);

  // Not an image the portal serves (the server reads the bytes, not the name): refused too.
  await upload.setInputFiles({
    name: 'logo.png',
    mimeType: 'image/png',
    buffer: Buffer.from('<svg onload="alert(1)"/>'),
  });
  await expect(look.getByRole('alert')).toContainText('not a PNG, JPEG, WebP or GIF image');
  expect(Buffer.from(await (await served()).body())).toEqual(PNG);
  expect(await audits()).toHaveLength(1);

  // Remove asks first; dismissing keeps the logo.
  page.once('dialog', (dialog) => void dialog.dismiss());
  await look.getByRole('button', { name: 'Remove logo' }).click();
  await expect(preview).toBeVisible();
  expect((await served()).status()).toBe(200);
  page.once('dialog', (dialog) => void dialog.accept());
  await look.getByRole('button', { name: 'Remove logo' }).click();
  await expect(look.getByRole('status').filter({ hasText: 'Logo removed.' })).toBeVisible();
  await expect(preview).toHaveCount(0);
  await expect(look).toContainText('No logo');
  expect((await served()).status()).toBe(404);
  expect((await owner.client.rpc('portal_site', { p_slug: slug })).data.logo_url).toBeNull();
  expect((await audits()).map((row) => row.new)).toEqual([
    { content_type: 'image/png', size: PNG.length },
    { removed: true },
  ]);
});

test('settings: an owner downloads the export of their organization, an admin has no button', async ({
  page,
}) => {
  const owner = await newOperator();
  await signInAs(page, owner);
  await page.getByRole('link', { name: 'Settings' }).click();
  const yourData = page.getByRole('region', { name: 'Your data' });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    yourData.getByRole('button', { name: 'Download export' }).click(),
  ]);
  await expect(page.getByRole('status').filter({ hasText: 'Export saved.' })).toBeVisible();
  expect(download.suggestedFilename()).toMatch(
    /^wifi-billing-e2e-[a-z0-9]+-\d{4}-\d{2}-\d{2}\.json$/,
  );
  const file = JSON.parse(readFileSync(await download.path(), 'utf8'));
  expect(file.organization.id).toBe(owner.organizationId);
  expect(file.sites.map((site: { id: string }) => site.id)).toEqual([owner.site.id]);
  expect(file.memberships).toEqual([
    expect.objectContaining({ email: owner.email, role: 'owner' }),
  ]);

  const admin = await newUser('admin');
  await serviceClient()
    .from('memberships')
    .insert({ organization_id: owner.organizationId, user_id: admin.id, role: 'admin' });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signInAs(page, admin);
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('region', { name: 'M-Pesa' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Your data' })).toHaveCount(0);
});

test('settings: an owner rotates the C2B URLs of a production shortcode, guided to register them', async ({
  page,
}) => {
  const owner = await newOperator();
  const shortcode = String(600_000 + Math.floor(Math.random() * 399_999));
  const saved = await owner.client.rpc('set_mpesa_settings', {
    p_organization_id: owner.organizationId,
    p_environment: 'production',
    p_shortcode: shortcode,
    p_account_type: 'paybill',
    p_passkey: randomBytes(16).toString('hex'),
    p_consumer_key: 'consumer-key-abcd',
    p_consumer_secret: 'consumer-secret-wxyz',
  });
  expect(saved.error).toBeNull();
  await signInAs(page, owner);
  await page.getByRole('link', { name: 'Settings' }).click();
  const c2b = page.getByRole('region', { name: 'C2B URLs' });
  await expect(c2b).toContainText('Not registered with M-Pesa yet.');
  await c2b.getByRole('button', { name: 'Register URLs' }).click();
  await expect(c2b.getByRole('status')).toContainText('C2B URLs registered with M-Pesa.');
  const confirmationUrl = c2b.locator('code').first();
  const oldUrl = await confirmationUrl.textContent();
  expect(oldUrl).toMatch(/\/pay-c2b\/[0-9a-f-]{36}\/[0-9a-f]{32}\/confirmation$/);

  // Rotating asks first; production then shows the steps, the old URLs work until registration.
  page.once('dialog', (dialog) => void dialog.accept());
  await c2b.getByRole('button', { name: 'Rotate C2B URLs' }).click();
  await expect(c2b.getByRole('status')).toContainText('New C2B URLs made.');
  await expect(c2b).toContainText(
    `In Daraja self-service, URL management, delete the old URLs for shortcode ${shortcode}.`,
  );
  await expect(c2b).toContainText('The old URLs keep working until you register the new ones.');
  await expect(confirmationUrl).not.toHaveText(oldUrl!);
  await expect(c2b.getByRole('button', { name: 'Copy Confirmation URL' })).toBeVisible();
  await shot(page, 'settings-c2b-rotated');

  page.once('dialog', (dialog) => void dialog.accept());
  await c2b.getByRole('button', { name: 'Register new URLs' }).click();
  await expect(c2b.getByRole('status')).toContainText('C2B URLs registered with M-Pesa.');
  await expect(c2b).toContainText('The old URLs stop working at');
  await expect(c2b.getByRole('button', { name: 'Register new URLs' })).toHaveCount(0);
});
