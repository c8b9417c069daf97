/// <reference lib="dom" />
// page.evaluate callbacks run in the browser.
import { expect, test, type Page } from '@playwright/test';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAdmin } from '../../stack/apps.ts';
import { freePort } from '../../stack/ports.ts';
import { stack } from './stack-file.ts';

async function signIn(page: Page) {
  const { adminUrl, demo } = stack();
  await page.goto(`${adminUrl}/login`);
  await page.getByLabel('Email').fill(demo.email);
  await page.getByLabel('Password').fill(demo.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: demo.organizationName })).toBeVisible();
}

/** Waits until a service worker controls the page (it does after the first reload). */
async function controlledByServiceWorker(page: Page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null)))
    await page.reload();
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller?.state))
    .toBe('activated');
}

test('the admin is installable: manifest with icons, theme and standalone display', async ({
  page,
  request,
}) => {
  const { adminUrl } = stack();
  await page.goto(adminUrl);
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(href).toBeTruthy();
  const manifest = await (await request.get(new URL(href!, adminUrl).href)).json();
  expect(manifest).toMatchObject({
    name: 'WiFi Billing admin',
    display: 'standalone',
    start_url: '/',
  });
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
  const sizes = (manifest.icons as { sizes: string; src: string }[]).map((icon) => icon.sizes);
  expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512']));
  for (const icon of manifest.icons as { src: string; type: string }[]) {
    const response = await request.get(new URL(icon.src, adminUrl).href);
    expect(response.ok(), icon.src).toBe(true);
    expect(response.headers()['content-type']).toContain('image/png');
  }
});

test('offline, the installed app opens and shows the last data with its time', async ({
  page,
  context,
}) => {
  await signIn(page);
  await controlledByServiceWorker(page);
  const { demo } = stack();
  // Online: live data, no notice.
  await expect(page.getByRole('heading', { level: 1, name: demo.organizationName })).toBeVisible();
  await expect(page.getByText(/^Offline/)).toHaveCount(0);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: demo.organizationName })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Offline' })).toHaveText(
    /^Offline — showing data from \d{2}:\d{2}$/,
  );

  await context.setOffline(false);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: demo.organizationName })).toBeVisible();
  await expect(page.getByText(/^Offline/)).toHaveCount(0);
});

test('a new deployment shows an update prompt, and Reload switches to it', async ({ page }) => {
  // A deployment of our own: a copy of the build whose service worker we can replace.
  const { supabaseUrl, publishableKey } = stack();
  const dir = mkdtempSync(join(tmpdir(), 'admin-deploy-'));
  cpSync(new URL('../../admin/build', import.meta.url), dir, { recursive: true });
  const port = await freePort();
  const admin = await startAdmin({ port, supabaseUrl, publishableKey, dir });
  try {
    await page.goto(`http://127.0.0.1:${port}/`);
    await controlledByServiceWorker(page);
    const prompt = page
      .getByRole('status')
      .filter({ hasText: 'A new version of the admin is available.' });
    await expect(prompt).toHaveCount(0);

    appendFileSync(join(dir, 'sw.js'), '\n// the next release\n');
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    await expect(prompt).toBeVisible();
    // Nothing switches until the operator says so.
    expect(
      await page.evaluate(async () => !!(await navigator.serviceWorker.getRegistration())?.waiting),
    ).toBe(true);

    // The new service worker takes over and the page reloads into it.
    await Promise.all([
      page.waitForEvent('load'),
      prompt.getByRole('button', { name: 'Reload' }).click(),
    ]);
    await expect
      .poll(() =>
        page.evaluate(async () => {
          const registration = await navigator.serviceWorker.getRegistration();
          return !registration?.waiting && registration?.active?.state === 'activated';
        }),
      )
      .toBe(true);
    await expect(prompt).toHaveCount(0);
  } finally {
    await admin.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
