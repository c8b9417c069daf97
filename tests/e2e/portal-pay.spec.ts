// Paying with M-Pesa end to end: a phone's browser behind the MikroTik hotspot simulator picks a
// plan on the portal, pays through the Daraja simulator, waits on a page that updates itself
// (meta refresh without JavaScript, a small poll with it), and is logged in at the router with
// the new voucher through the real FreeRADIUS, with a fresh CHAP challenge fetched from the
// router after the payment. Also: cancelled and insufficient-funds payments, a double tap, a
// mini-browser closed during the prompt, receipt recovery, Swahili.
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { randomInt } from 'node:crypto';
import postgres from 'postgres';
import { startHotspotSim, type HotspotSim } from '../hotspot/mikrotik.ts';
import { claimLocalPhone } from '../support/phones.ts';
import { stack } from './stack-file.ts';

const DEMO_ORG = 'd0000000-0000-4000-8000-000000000010';
const DEMO_SITE = 'd0000000-0000-4000-8000-000000000020';
const ONE_HOUR_PLAN = 'd0000000-0000-4000-8000-000000000041';

let sim: HotspotSim;
let sql: postgres.Sql;

test.beforeAll(async () => {
  const full = stack();
  if (!full.radius) throw new Error('the stack has no FreeRADIUS: install freeradius');
  if (!full.daraja) throw new Error('the stack has no Daraja simulator');
  sql = postgres(full.dbUrl, { max: 2, onnotice: () => {} });
  sim = await startHotspotSim({
    portalUrl: `${full.portalUrl}/s/${full.demo.siteSlug}`,
    radius: full.radius,
    router: { nasIp: full.demo.routerIp, secret: full.radius.secret },
  });
});
test.afterAll(async () => {
  await sim?.stop();
  await sql?.end();
});

/** A phone number of its own per test; its last four digits pick the simulator's outcome. */
function phone(outcome = '5555'): string {
  return claimLocalPhone(outcome);
}

/** How the Daraja simulator treats this phone (e.g. a slow customer: delayMs). */
async function simPhone(local: string, switches: Record<string, unknown>) {
  const response = await fetch(`${stack().daraja!.url}/_sim/phones/254${local.slice(1)}`, {
    method: 'POST',
    body: JSON.stringify(switches),
  });
  expect(response.ok).toBe(true);
}

const paymentsOf = (local: string) =>
  sql`select status, voucher_id, client_mac::text as mac from public.payments
      where phone = ${`+254${local.slice(1)}`} order by created_at`;

async function shot(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
}

/** Opens a web page behind the hotspot, lands on the portal and starts paying for 1 Hour. */
async function openPayForm(page: Page) {
  await page.goto(`${sim.url}/news/today`);
  await expect(page).toHaveURL(new RegExp(`^${stack().portalUrl}/s/demo\\?`));
  await page.getByRole('link', { name: /Buy 1 Hour|Nunua 1 Hour/ }).click();
  await expect(
    page.getByRole('heading', { name: /Pay with M-Pesa|Lipa kwa M-Pesa/ }),
  ).toBeVisible();
}

/** The router's page after a good login, then the portal's page of what is left. */
async function expectOnline(page: Page, local: string) {
  await expect(page.getByRole('heading', { name: 'You are connected' })).toBeVisible({
    timeout: 20_000,
  });
  const [paid] = await paymentsOf(local);
  const [voucher] = await sql`select code from public.vouchers where id = ${paid!.voucher_id}`;
  await expect(page.locator('#user')).toHaveText(voucher!.code);
  const sessions = await sql`
    select acctstoptime from radius.radacct where username = ${voucher!.code}`;
  expect(sessions).toHaveLength(1);
  expect(sessions[0]!.acctstoptime).toBeNull();
  await page.getByRole('link', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'You are online' })).toBeVisible();
  await expect(page.getByText('Time left')).toBeVisible();
  return voucher!.code as string;
}

test('pay with JavaScript: the waiting page follows the payment, then the device is online', async ({
  page,
}, testInfo) => {
  const local = phone();
  await simPhone(local, { delayMs: 2500 });
  await openPayForm(page);
  await shot(page, testInfo, '1-pay-form');
  await page.getByLabel('Your M-Pesa phone number').fill(local.replace(/(\d{4})(\d{3})/, '$1 $2 '));
  await page.getByRole('button', { name: /^Pay KES/ }).click();
  await expect(page.getByRole('heading', { name: 'Check your phone' })).toBeVisible();
  // The payment token is in the URL; the phone number is not.
  expect(page.url()).toMatch(/\/p\/[0-9a-f]{32}\?/);
  expect(page.url()).not.toContain(local.slice(1));
  await shot(page, testInfo, '2-waiting');
  const code = await expectOnline(page, local);
  await shot(page, testInfo, '3-online');
  expect(page.url()).not.toContain(code);
  const [paid] = await paymentsOf(local);
  expect(paid!.status).toBe('success');
  expect(paid!.mac).toBe(sim.sessions.find((s) => s.user === code)!.mac.toLowerCase());
});

test('a double tap on Pay sends one M-Pesa prompt', async ({ page }) => {
  const local = phone();
  await simPhone(local, { delayMs: 3000 });
  await openPayForm(page);
  await page.getByLabel('Your M-Pesa phone number').fill(local);
  await page.getByRole('button', { name: /^Pay KES/ }).dblclick();
  await expect(page.getByRole('heading', { name: 'Check your phone' })).toBeVisible();
  await expectOnline(page, local);
  expect(await paymentsOf(local)).toHaveLength(1);
});

test('the mini-browser closed during the prompt: the device comes back to its payment', async ({
  context,
  page,
}, testInfo) => {
  const local = phone();
  await simPhone(local, { delayMs: 4000 });
  await openPayForm(page);
  await page.getByLabel('Your M-Pesa phone number').fill(local);
  await page.getByRole('button', { name: /^Pay KES/ }).click();
  await expect(page.getByRole('heading', { name: 'Check your phone' })).toBeVisible();
  await page.close();
  // The same device (its MAC at the router) opens the browser again, a while later.
  const again = await context.newPage();
  await again.goto(`${sim.url}/weather`);
  await expect(
    again.getByRole('heading', { name: /Check your phone|Payment received/ }),
  ).toBeVisible();
  // No screenshot here: with JavaScript the page is already on its way to the router.
  await expectOnline(again, local);
  await shot(again, testInfo, 'resumed-online');
  expect(await paymentsOf(local)).toHaveLength(1);
});

test('a mini-browser that lost its cookie sees the status only, and the code from the SMS logs it in', async ({
  context,
  page,
}, testInfo) => {
  const local = phone();
  await simPhone(local, { delayMs: 1500 });
  await openPayForm(page);
  await page.getByLabel('Your M-Pesa phone number').fill(local);
  await page.getByRole('button', { name: /^Pay KES/ }).click();
  await expect(page.getByRole('heading', { name: 'Check your phone' })).toBeVisible();
  await page.close();
  await context.clearCookies({ name: 'wb_payment' });
  await expect
    .poll(async () => (await paymentsOf(local))[0]?.status, { timeout: 15_000 })
    .toBe('success');
  // Back through the router: only the MAC says which device this is, which anyone can type.
  const again = await context.newPage();
  await again.goto(`${sim.url}/weather`);
  await expect(again.getByRole('status')).toContainText(
    'The payment from this device was received',
  );
  await shot(again, testInfo, 'resumed-status-only');
  const [paid] = await paymentsOf(local);
  const [voucher] = await sql`select code from public.vouchers where id = ${paid!.voucher_id}`;
  await expect(again.locator('body')).not.toContainText(voucher!.code as string);
  await again.getByRole('link', { name: 'Enter the code from the SMS' }).click();
  await again.getByLabel('Voucher code').fill(voucher!.code as string);
  await again.getByRole('button', { name: 'Connect' }).click();
  await expect(again.locator('#user')).toHaveText(voucher!.code as string);
});

for (const [outcome, words] of [
  ['1032', 'You cancelled the payment'],
  ['0001', 'Your M-Pesa balance is too low'],
] as const) {
  test(`a payment that fails (${outcome}) is explained, and Try again starts over`, async ({
    page,
  }, testInfo) => {
    const local = phone(outcome);
    await openPayForm(page);
    await page.getByLabel('Your M-Pesa phone number').fill(local);
    await page.getByRole('button', { name: /^Pay KES/ }).click();
    await expect(page.getByRole('alert')).toContainText('The payment did not go through');
    await expect(page.getByRole('alert')).toContainText(words);
    await shot(page, testInfo, `failed-${outcome}`);
    await page.getByRole('link', { name: 'Try again' }).click();
    await expect(page.getByRole('heading', { name: 'Pay with M-Pesa' })).toBeVisible();
    await expect(page.getByRole('heading', { name: '1 Hour' })).toBeVisible();
    const [failed] = await paymentsOf(local);
    expect(failed!.status).toBe(outcome === '1032' ? 'cancelled' : 'failed');
    expect(failed!.voucher_id).toBeNull();
  });
}

test('a phone number that is not Kenyan is refused before M-Pesa is asked', async ({ page }) => {
  await openPayForm(page);
  await page.getByLabel('Your M-Pesa phone number').fill('020 123 4567');
  await page.getByRole('button', { name: /^Pay KES/ }).click();
  await expect(page.getByRole('alert')).toContainText('not a valid Kenyan mobile number');
  await expect(page.getByLabel('Your M-Pesa phone number')).toHaveValue('020 123 4567');
});

test.describe('with JavaScript off', () => {
  test.use({ javaScriptEnabled: false });

  test('the waiting page refreshes itself, and two Connect taps log the device in', async ({
    page,
  }, testInfo) => {
    const local = phone();
    await simPhone(local, { delayMs: 2000 });
    await openPayForm(page);
    await page.getByLabel('Your M-Pesa phone number').fill(local);
    await page.getByRole('button', { name: /^Pay KES/ }).click();
    await expect(page.getByRole('heading', { name: 'Check your phone' })).toBeVisible();
    await shot(page, testInfo, '1-waiting-no-js');
    await expect(page.getByRole('heading', { name: 'Payment received' })).toBeVisible({
      timeout: 15_000,
    });
    await shot(page, testInfo, '2-paid-no-js');
    // First tap: back through the router for a fresh challenge; second: the login itself.
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect(page).toHaveURL(/via=router/);
    await page.getByRole('button', { name: 'Connect' }).click();
    await expectOnline(page, local);
  });

  test('receipt recovery gives the voucher back and logs in', async ({ page }, testInfo) => {
    const local = phone();
    const receipt = `TK${randomInt(0, 1e8).toString(36).toUpperCase().padStart(6, 'X')}`;
    const [voucher] = await sql`
      insert into public.vouchers (organization_id, plan_id)
      values (${DEMO_ORG}, ${ONE_HOUR_PLAN}) returning id, code`;
    await sql`
      insert into public.payments (organization_id, site_id, plan_id, phone, amount_kes, status,
        settled_at, mpesa_receipt, voucher_id)
      values (${DEMO_ORG}, ${DEMO_SITE}, ${ONE_HOUR_PLAN}, ${`+254${local.slice(1)}`}, 10,
        'success', now(), ${receipt}, ${voucher!.id})`;
    await page.goto(`${sim.url}/`);
    await page.getByRole('link', { name: 'I paid but have no voucher' }).click();
    await page.getByLabel('M-Pesa confirmation code').fill(receipt.toLowerCase());
    await page.getByLabel('Your M-Pesa phone number').fill('0700000000');
    await page.getByRole('button', { name: 'Find my voucher' }).click();
    await expect(page.getByRole('alert')).toContainText('We found no payment');
    await page.getByLabel('Your M-Pesa phone number').fill(local);
    await page.getByRole('button', { name: 'Find my voucher' }).click();
    await expect(page.getByRole('heading', { name: 'Here is your voucher' })).toBeVisible();
    await expect(page.locator('.code')).toHaveText(
      `${voucher!.code.slice(0, 5)}-${voucher!.code.slice(5)}`,
    );
    expect(page.url()).not.toContain(voucher!.code);
    await shot(page, testInfo, 'recovered');
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect(page.getByRole('heading', { name: 'You are connected' })).toBeVisible();
    await expect(page.locator('#user')).toHaveText(voucher!.code);
  });
});

test.describe('for a phone set to Swahili', () => {
  test.use({ locale: 'sw-KE' });

  test('a cancelled payment is explained in Swahili', async ({ page }, testInfo) => {
    const local = phone('1032');
    await openPayForm(page);
    await page.getByLabel('Nambari yako ya simu ya M-Pesa').fill(local);
    await page.getByRole('button', { name: /^Lipa KSh/ }).click();
    await expect(page.getByRole('alert')).toContainText('Malipo hayakufanikiwa');
    await expect(page.getByRole('alert')).toContainText('Umeghairi malipo');
    await shot(page, testInfo, 'failed-sw');
  });
});
