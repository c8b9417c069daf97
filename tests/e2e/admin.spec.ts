import { expect, test } from '@playwright/test';
import { shot } from './operator.ts';
import { stack } from './stack-file.ts';

test('the demo owner signs in, sees the organization, and signs out', async ({ page }) => {
  const { adminUrl, demo } = stack();
  await page.goto(adminUrl);
  await expect(page).toHaveURL(/\/login$/);

  await page.getByLabel('Email').fill(demo.email);
  await page.getByLabel('Password').fill(demo.password);
  await page.getByRole('button', { name: 'Sign in' }).click();

  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole('heading', { level: 1, name: demo.organizationName })).toBeVisible();
  await expect(page.getByText(demo.email)).toBeVisible();

  // The session survives a reload (kept in localStorage).
  await page.reload();
  await expect(page.getByRole('heading', { name: demo.organizationName })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto(`${adminUrl}/dashboard`);
  await expect(page).toHaveURL(/\/login$/);
});

test('a wrong password shows an error and stays on the sign-in page', async ({ page }) => {
  const { adminUrl, demo } = stack();
  await page.goto(`${adminUrl}/login`);

  await page.getByLabel('Email').fill(demo.email);
  await page.getByLabel('Password').fill(`${demo.password}-wrong`);
  await page.getByRole('button', { name: 'Sign in' }).click();

  await expect(page.getByRole('alert')).toHaveText('Wrong email or password.');
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
  await shot(page, 'login');
});
