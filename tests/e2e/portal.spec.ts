import { expect, test } from '@playwright/test';
import { stack } from './stack-file.ts';

const demoPlans = [
  { name: '1 Hour', price: 'KES 10' },
  { name: '1 Day', price: 'KES 50' },
  { name: '1 Week', price: 'KES 250' },
  { name: '1 GB', price: 'KES 30' },
];

function sitePath(query = ''): string {
  const { portalUrl, demo } = stack();
  return `${portalUrl}/s/${demo.siteSlug}${query}`;
}

test('the site page lists the demo plans with prices, in plain HTML', async ({ page }) => {
  const response = await page.goto(sitePath(), { waitUntil: 'load' });
  expect(response?.status()).toBe(200);

  const siteName = page.getByRole('heading', { level: 1 });
  await expect(siteName).toHaveText(stack().demo.siteName ?? /\S/);
  await expect(page).toHaveTitle(stack().demo.siteName ?? /\S/);
  await expect(page.getByRole('heading', { name: 'Choose a plan' })).toBeVisible();
  for (const plan of demoPlans) {
    const card = page.getByRole('listitem').filter({
      has: page.getByRole('heading', { name: plan.name, exact: true }),
    });
    await expect(card).toContainText(plan.price);
  }
  // Captive mini-browsers: the page must work with no JavaScript at all.
  await expect(page.locator('script')).toHaveCount(0);
});

test.describe('for a phone set to Swahili', () => {
  test.use({ locale: 'sw-KE' });

  test('Accept-Language picks the language; ?lang= overrides it and the switcher keeps it', async ({
    page,
  }) => {
    await page.goto(sitePath());
    await expect(page.locator('html')).toHaveAttribute('lang', 'sw');
    await expect(page.getByRole('heading', { name: 'Chagua kifurushi' })).toBeVisible();

    await page.goto(sitePath('?lang=en'));
    await expect(page.getByRole('heading', { name: 'Choose a plan' })).toBeVisible();
    await page.getByRole('link', { name: 'Kiswahili' }).click();
    await expect(page).toHaveURL(/[?&]lang=sw/);
    await expect(page.getByRole('heading', { name: 'Chagua kifurushi' })).toBeVisible();
  });
});

test('?lang=sw shows the plans page in Swahili', async ({ page }) => {
  await page.goto(sitePath('?lang=sw'));
  await expect(page.locator('html')).toHaveAttribute('lang', 'sw');
  await expect(page.getByRole('heading', { name: 'Chagua kifurushi' })).toBeVisible();
  await expect(page.getByText(/^Inadumu /).first()).toBeVisible();
  await expect(page.getByRole('link', { name: 'English' })).toBeVisible();
});

test('an unknown site gets a 404 page in plain words', async ({ page }) => {
  const response = await page.goto(`${stack().portalUrl}/s/no-such-hotspot-${Date.now()}`);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'We could not find this hotspot' })).toBeVisible();
});

test('the bare address tells visitors to connect through their hotspot', async ({ page }) => {
  await page.goto(`${stack().portalUrl}/?lang=en`);
  await expect(page.getByRole('heading', { name: 'Connect through your hotspot' })).toBeVisible();
});
