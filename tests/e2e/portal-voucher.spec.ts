// Voucher login end to end: a phone's browser behind the MikroTik hotspot simulator
// (tests/hotspot/mikrotik.ts) is sent to the portal, types a voucher, and the portal makes the
// browser log in at the router, which asks the stack's real FreeRADIUS. JavaScript on and off,
// English and Swahili, refusals in plain words, the status page.
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { createHash } from 'node:crypto';
import postgres from 'postgres';
import { startHotspotSim, type HotspotSim } from '../hotspot/mikrotik.ts';
import { stack } from './stack-file.ts';

const DEMO_ORG = 'd0000000-0000-4000-8000-000000000010';
const ONE_HOUR_PLAN = 'd0000000-0000-4000-8000-000000000041';

let sim: HotspotSim;
let sql: postgres.Sql;

test.beforeAll(async () => {
  const info = stack();
  if (!info.radius) throw new Error('the stack has no FreeRADIUS: install freeradius');
  sql = postgres(info.dbUrl, { max: 2, onnotice: () => {} });
  sim = await startHotspotSim({
    portalUrl: `${info.portalUrl}/s/${info.demo.siteSlug}`,
    radius: info.radius,
    router: { nasIp: info.demo.routerIp, secret: info.radius.secret },
  });
});
test.afterAll(async () => {
  await sim?.stop();
  await sql?.end();
});

async function newVoucher(): Promise<string> {
  const [row] = await sql`
    insert into public.vouchers (organization_id, plan_id)
    values (${DEMO_ORG}, ${ONE_HOUR_PLAN}) returning code`;
  return row.code as string;
}

async function shot(page: Page, info: TestInfo, name: string) {
  await page.screenshot({ path: info.outputPath(`${name}.png`), fullPage: true });
}

/** Opens some web page behind the hotspot and follows it to the voucher form. */
async function openVoucherForm(page: Page, linkName: RegExp) {
  await page.goto(`${sim.url}/news/today`);
  await expect(page).toHaveURL(new RegExp(`^${stack().portalUrl}/s/demo\\?`));
  const url = new URL(page.url());
  expect(url.searchParams.get('link-login-only')).toBe(sim.loginUrl);
  expect(url.searchParams.get('chap-challenge')).toMatch(/^(\\[0-7]{3}){16}$/);
  await page.getByRole('link', { name: linkName }).click();
}

async function expectConnected(page: Page, code: string) {
  await expect(page.getByRole('heading', { name: 'You are connected' })).toBeVisible();
  await expect(page.locator('#user')).toHaveText(code);
  const rows = await sql`
    select acctstoptime from radius.radacct where username = ${code}`;
  expect(rows).toHaveLength(1);
  expect(rows[0].acctstoptime).toBeNull();
}

test('voucher login through the hotspot with JavaScript: connected via FreeRADIUS', async ({
  page,
}, info) => {
  const code = await newVoucher();
  await openVoucherForm(page, /I have a voucher/);
  await expect(page.getByRole('heading', { name: 'Enter your voucher code' })).toBeVisible();
  await shot(page, info, '1-voucher-form');
  // Typed the way people do: lower case, with a dash.
  await page.getByLabel('Voucher code').fill(`${code.slice(0, 5)}-${code.slice(5)}`.toLowerCase());
  await page.getByRole('button', { name: 'Connect' }).click();
  await expectConnected(page, code);
  await shot(page, info, '2-connected');
  expect(sim.sessions.find((s) => s.user === code)?.sessionTimeout).toBeGreaterThan(3000);
});

test.describe('with JavaScript off', () => {
  test.use({ javaScriptEnabled: false });

  test('the Connect button logs in (CHAP computed by the portal)', async ({ page }, info) => {
    const code = await newVoucher();
    await openVoucherForm(page, /I have a voucher/);
    await page.getByLabel('Voucher code').fill(code);
    const answer = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect(page.getByRole('heading', { name: 'Connecting you…' })).toBeVisible();
    await expect(page.locator('.code')).toHaveText(`${code.slice(0, 5)}-${code.slice(5)}`);
    // The answer carries the code: no cache may keep it, and the code is not in the URL.
    expect((await answer).headers()['cache-control']).toContain('no-store');
    expect(page.url()).not.toContain(code);
    const password = await page.locator('input[name=password]').inputValue();
    expect(password).toMatch(/^[0-9a-f]{32}$/);
    await shot(page, info, '1-connecting-no-js');
    await page.getByRole('button', { name: 'Connect' }).click();
    await expectConnected(page, code);
  });

  test('a wrong code comes back as a plain-words error, and the right one then works', async ({
    page,
  }, info) => {
    await openVoucherForm(page, /I have a voucher/);
    await page.getByLabel('Voucher code').fill('ZZZZZ-ZZZZZ');
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect(page.getByRole('alert')).toContainText('This code was not accepted');
    await expect(page.getByRole('alert')).toContainText('Check the code on your voucher');
    await shot(page, info, 'wrong-code');
    // The router's fresh variables came back with the error: the next try can succeed.
    const code = await newVoucher();
    await page.getByLabel('Voucher code').fill(code);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('button', { name: 'Connect' }).click();
    await expectConnected(page, code);
  });
});

test('a malformed code is refused by the portal before the router sees it', async ({ page }) => {
  await openVoucherForm(page, /I have a voucher/);
  await page.getByLabel('Voucher code').fill('ABC0O');
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByRole('alert')).toHaveText(/never contain 0, O, 1, I or L/);
  expect(sim.sessions).not.toContainEqual(expect.objectContaining({ user: 'ABC0O' }));
  // The router's variables are still there: the corrected code logs in.
  const code = await newVoucher();
  await page.getByLabel('Voucher code').fill(code);
  await page.getByRole('button', { name: 'Connect' }).click();
  await expectConnected(page, code);
});

test('an expired voucher is explained with the next step', async ({ page }) => {
  const code = await newVoucher();
  await sql`update public.vouchers set status = 'expired' where code = ${code}`;
  await openVoucherForm(page, /I have a voucher/);
  await page.getByLabel('Voucher code').fill(code);
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByRole('alert')).toContainText('This voucher has expired');
  await expect(page.getByRole('alert')).toContainText('Buy a new plan');
});

test.describe('for a phone set to Swahili', () => {
  test.use({ locale: 'sw-KE' });

  test('the whole voucher login speaks Swahili', async ({ page }, info) => {
    await openVoucherForm(page, /Nina vocha/);
    await expect(page.locator('html')).toHaveAttribute('lang', 'sw');
    await page.getByLabel('Nambari ya vocha').fill('ZZZZZZZZZZ');
    await page.getByRole('button', { name: 'Unganisha' }).click();
    await expect(page.getByRole('alert')).toContainText('Nambari hii haikukubaliwa');
    await shot(page, info, 'wrong-code-sw');
    const code = await newVoucher();
    await page.getByLabel('Nambari ya vocha').fill(code);
    await page.getByRole('button', { name: 'Unganisha' }).click();
    await expectConnected(page, code);
  });
});

test('without controller variables the portal shows the code to type', async ({ page }) => {
  const code = await newVoucher();
  await page.goto(`${stack().portalUrl}/s/demo/voucher?lang=en`);
  await page.getByLabel('Voucher code').fill(code);
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByRole('heading', { name: 'Your code is ready' })).toBeVisible();
  await expect(page.locator('.code')).toHaveText(`${code.slice(0, 5)}-${code.slice(5)}`);
  expect(page.url()).not.toContain(code);
});

test('the status page says what is left on a code, and nothing about unknown ones', async ({
  page,
}, info) => {
  const code = await newVoucher();
  await sql`
    update public.vouchers set used_seconds = 600, first_used_at = now(),
      expires_at = now() + interval '50 minutes' where code = ${code}`;
  await openVoucherForm(page, /Check what is left/);
  await page.getByLabel('Voucher code').fill(code);
  await page.getByRole('button', { name: 'Check' }).click();
  const status = page.locator('dl.status');
  await expect(status).toContainText('Active');
  await expect(status).toContainText('1 Hour');
  await expect(status).toContainText(/Time left\s*(49|50) minutes/);
  await expect(status).toContainText('Unlimited');
  await shot(page, info, 'status');
  expect(page.url()).not.toContain(code);

  await page.getByLabel('Voucher code').fill('ZZZZZZZZZZ');
  await page.getByRole('button', { name: 'Check' }).click();
  await expect(page.getByRole('alert')).toContainText('We do not know this code');
});

test.describe('through the login.html the router set-up installs', () => {
  let routed: HotspotSim;

  test.beforeAll(async () => {
    const info = stack();
    // What `/tool fetch` in the generated RouterOS script downloads.
    const response = await fetch(`${info.portalUrl}/s/${info.demo.siteSlug}/mikrotik/login.html`);
    expect(response.status).toBe(200);
    routed = await startHotspotSim({
      portalUrl: `${info.portalUrl}/s/${info.demo.siteSlug}`,
      radius: info.radius!,
      router: { nasIp: info.demo.routerIp, secret: info.radius!.secret },
      loginPage: await response.text(),
    });
  });
  test.afterAll(async () => {
    await routed?.stop();
  });

  test('login.html forwards to the portal by itself, and refusals come back through it', async ({
    page,
  }) => {
    await page.goto(`${routed.url}/generate_204`);
    // login.html addresses the site by its id, not its slug.
    await expect(page).toHaveURL(new RegExp(`/s/${stack().demo.siteId}\\?mac=`));
    await page.getByRole('link', { name: /I have a voucher/ }).click();
    await page.getByLabel('Voucher code').fill('ZZZZZZZZZZ');
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect(page.getByRole('alert')).toContainText('This code was not accepted');
    const code = await newVoucher();
    await page.getByLabel('Voucher code').fill(code);
    await page.getByRole('button', { name: 'Connect' }).click();
    await expectConnected(page, code);
  });

  test.describe('with JavaScript off', () => {
    test.use({ javaScriptEnabled: false });

    test('login.html has a Continue button', async ({ page }) => {
      await page.goto(`${routed.url}/generate_204`);
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect(page).toHaveURL(new RegExp(`/s/${stack().demo.siteId}\\?mac=`));
      await page.getByRole('link', { name: /I have a voucher/ }).click();
      const code = await newVoucher();
      await page.getByLabel('Voucher code').fill(code);
      await page.getByRole('button', { name: 'Connect' }).click();
      await page.getByRole('button', { name: 'Connect' }).click();
      await expectConnected(page, code);
    });
  });
});

test.describe('behind CoovaChilli, with JavaScript off', () => {
  test.use({ javaScriptEnabled: false });

  test('the login goes to uamip:uamport/logon with the CHAP response', async ({ page }, info) => {
    const challenge = '8b10938e9770a389af6667748c2c828f';
    const query = new URLSearchParams({
      res: 'notyet',
      uamip: '10.1.0.1',
      uamport: '3990',
      challenge,
      called: 'AA-BB-CC-DD-EE-01',
      mac: '11-22-33-44-55-66',
      ip: '10.1.0.7',
      nasid: 'cafe',
      userurl: 'http://example.com/',
      lang: 'en',
    });
    await page.goto(`${stack().portalUrl}/s/demo?${query}`);
    await page.getByRole('link', { name: /I have a voucher/ }).click();
    const code = await newVoucher();
    await page.getByLabel('Voucher code').fill(code);
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect(page.getByRole('heading', { name: 'Connecting you…' })).toBeVisible();
    await shot(page, info, 'coova-connecting');
    const form = page.locator('form[name=login]');
    await expect(form).toHaveAttribute('action', 'http://10.1.0.1:3990/logon');
    await expect(form).toHaveAttribute('method', 'get');
    // No uamsecret configured in the stack: newchal is the challenge itself.
    const expected = createHash('md5')
      .update(Buffer.concat([Buffer.from([0]), Buffer.from(code), Buffer.from(challenge, 'hex')]))
      .digest('hex');
    await expect(form.locator('input[name=response]')).toHaveValue(expected);
    await expect(form.locator('input[name=username]')).toHaveValue(code);
    await expect(form.locator('input[name=userurl]')).toHaveValue('http://example.com/');
  });

  test('a refusal reported by CoovaChilli (res=failed) is explained', async ({ page }) => {
    await page.goto(
      `${stack().portalUrl}/s/demo?res=failed&reply=WB_EXHAUSTED_DATA&uamip=10.1.0.1&uamport=3990&lang=sw`,
    );
    await expect(page.getByRole('alert')).toContainText('Data ya vocha hii imekwisha');
  });
});

test.describe('behind openNDS (FAS level 1), with JavaScript off', () => {
  test.use({ javaScriptEnabled: false });
  const hid = 'a1b2c3d4e5f60718';
  const fas = Buffer.from(
    `hid=${hid}, clientip=192.168.8.23, clientmac=aa:bb:cc:00:11:22, gatewayname=Cafe, ` +
      'gatewayaddress=192.168.8.1:2050, originurl=http://example.com/',
  ).toString('base64');

  async function typeCode(page: Page, code: string) {
    await page.goto(`${stack().portalUrl}/s/demo?fas=${encodeURIComponent(fas)}&lang=en`);
    await page.getByRole('link', { name: /I have a voucher/ }).click();
    await page.getByLabel('Voucher code').fill(code);
    await page.getByRole('button', { name: 'Connect' }).click();
  }

  test('a good code is sent to opennds_auth with the tok of the gateway key', async ({
    page,
  }, info) => {
    await typeCode(page, await newVoucher());
    await expect(page.getByRole('heading', { name: 'Connecting you…' })).toBeVisible();
    await shot(page, info, 'opennds-connecting');
    const form = page.locator('form[name=login]');
    await expect(form).toHaveAttribute('action', 'http://192.168.8.1:2050/opennds_auth/');
    await expect(form).toHaveAttribute('method', 'get');
    const tok = createHash('sha256')
      .update(hid + stack().demo.fasKey)
      .digest('hex');
    await expect(form.locator('input[name=tok]')).toHaveValue(tok);
    await expect(form.locator('input[name=redir]')).toHaveValue('http://example.com/');
  });

  test('openNDS asks no RADIUS server, so the portal refuses an expired code itself', async ({
    page,
  }) => {
    const code = await newVoucher();
    await sql`update public.vouchers set status = 'expired' where code = ${code}`;
    await typeCode(page, code);
    await expect(page.getByRole('alert')).toContainText('This voucher has expired');
    await expect(page.locator('input[name=tok]')).toHaveCount(0);
  });
});
