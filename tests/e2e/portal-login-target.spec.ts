// The attacker prints a QR sticker whose link names their own host as the hotspot's login
// address (MikroTik `link-login-only`, CoovaChilli `uamip`, openNDS `gatewayaddress`). In a real
// browser, with JavaScript on and off, the portal refuses in plain words and the attacker's
// listener receives nothing. The legitimate journeys of every controller type still work with
// the Content-Security-Policy enforced, and Chromium reports no violation of it.
import { expect, test, type Page } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import postgres from 'postgres';
import { startHotspotSim, type HotspotSim } from '../hotspot/mikrotik.ts';
import { stack } from './stack-file.ts';

const DEMO_ORG = 'd0000000-0000-4000-8000-000000000010';
const ONE_HOUR_PLAN = 'd0000000-0000-4000-8000-000000000041';
const refusal = 'does not lead to this hotspot’s router';

let sql: postgres.Sql;
let sim: HotspotSim;
let attacker: Server;
let evil = '';
const attackerHits: string[] = [];

test.beforeAll(async () => {
  const info = stack();
  if (!info.radius) throw new Error('the stack has no FreeRADIUS: install freeradius');
  sql = postgres(info.dbUrl, { max: 2, onnotice: () => {} });
  sim = await startHotspotSim({
    portalUrl: `${info.portalUrl}/s/${info.demo.siteSlug}`,
    radius: info.radius,
    router: { nasIp: info.demo.routerIp, secret: info.radius.secret },
  });
  attacker = createServer((request, response) => {
    attackerHits.push(`${request.method} ${request.url}`);
    response.end('thanks');
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.67', resolve));
  evil = `127.0.0.67:${(attacker.address() as { port: number }).port}`;
});
test.afterAll(async () => {
  await sim?.stop();
  await sql?.end();
  await new Promise((resolve) => attacker?.close(resolve));
});

async function newVoucher(): Promise<string> {
  const [row] = await sql`
    insert into public.vouchers (organization_id, plan_id)
    values (${DEMO_ORG}, ${ONE_HOUR_PLAN}) returning code`;
  return row.code as string;
}

/** Collects what Chromium reports about the Content-Security-Policy (JavaScript on or off). */
function cspViolations(page: Page): string[] {
  const reported: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) reported.push(message.text());
  });
  return reported;
}

const fas = (gateway: string) =>
  Buffer.from(
    `hid=a1b2c3d4e5f60718, clientip=192.168.8.23, clientmac=aa:bb:cc:00:11:22, ` +
      `gatewayname=Cafe, gatewayaddress=${gateway}, originurl=http://example.com/`,
  ).toString('base64');

const doctored: Record<string, () => Record<string, string>> = {
  MikroTik: () => ({
    'link-login-only': `http://${evil}/login`,
    mac: 'AA:BB:CC:DD:EE:01',
    'chap-id': '\\371',
    'chap-challenge':
      '\\357\\015\\330\\013\\021\\234\\145\\245\\303\\253\\142\\246\\133\\175\\375\\316',
  }),
  CoovaChilli: () => ({
    res: 'notyet',
    uamip: evil.split(':')[0],
    uamport: evil.split(':')[1],
    challenge: '8b10938e9770a389af6667748c2c828f',
  }),
  openNDS: () => ({ fas: fas(evil) }),
};

async function typeCode(page: Page, vars: Record<string, string>, code: string) {
  const query = new URLSearchParams({ ...vars, lang: 'en' });
  await page.goto(`${stack().portalUrl}/s/demo?${query}`);
  await page.getByRole('link', { name: /I have a voucher/ }).click();
  await page.getByLabel('Voucher code').fill(code);
  await page.getByRole('button', { name: 'Connect' }).click();
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, () => {
    test.use({ javaScriptEnabled });

    for (const [controller, vars] of Object.entries(doctored)) {
      test(`a doctored ${controller} sticker: refused, the attacker receives nothing`, async ({
        page,
      }) => {
        const violations = cspViolations(page);
        await typeCode(page, vars(), await newVoucher());
        await expect(page.getByRole('alert')).toContainText(refusal);
        await expect(page.locator('form[name=login], a#login')).toHaveCount(0);
        expect(await page.content()).not.toMatch(new RegExp(`(action|href)="http://${evil}`));
        await page.waitForTimeout(300);
        expect(attackerHits).toEqual([]);
        expect(violations).toEqual([]);
      });
    }

    test('MikroTik: connected through the router with the policy enforced', async ({ page }) => {
      const violations = cspViolations(page);
      const code = await newVoucher();
      await page.goto(`${sim.url}/news/today`);
      await page.getByRole('link', { name: /I have a voucher/ }).click();
      await page.getByLabel('Voucher code').fill(code);
      await page.getByRole('button', { name: 'Connect' }).click();
      if (!javaScriptEnabled) await page.getByRole('button', { name: 'Connect' }).click();
      await expect(page.getByRole('heading', { name: 'You are connected' })).toBeVisible();
      expect(violations).toEqual([]);
    });

    const local: [string, Record<string, string>, string][] = [
      [
        'CoovaChilli',
        {
          res: 'notyet',
          uamip: '10.1.0.1',
          uamport: '3990',
          challenge: '8b10938e9770a389af6667748c2c828f',
          userurl: 'http://example.com/',
        },
        'http://10.1.0.1:3990/logon',
      ],
      ['openNDS', { fas: fas('192.168.8.1:2050') }, 'http://192.168.8.1:2050/opennds_auth/'],
    ];
    for (const [controller, vars, login] of local) {
      test(`${controller}: the login reaches its well-known local address`, async ({ page }) => {
        const violations = cspViolations(page);
        const reached: string[] = [];
        // The controller is not here: answer in its place, as it would after a login.
        // Then it redirects to the page the customer first asked for, as openNDS does with
        // `redir`: Chromium checks form-action on that redirect too.
        await page.route(`${login}**`, (route) => {
          reached.push(route.request().url());
          return route.fulfill({ status: 302, headers: { location: 'http://example.com/' } });
        });
        await page.route('http://example.com/', (route) =>
          route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>Example</h1>' }),
        );
        await typeCode(page, vars, await newVoucher());
        if (!javaScriptEnabled) await page.getByRole('button', { name: 'Connect' }).click();
        await expect.poll(() => reached.length).toBe(1);
        expect(reached[0].startsWith(login)).toBe(true);
        await expect(page.getByRole('heading', { name: 'Example' })).toBeVisible();
        expect(violations).toEqual([]);
      });
    }

    test('generic: the code is shown, nothing is sent', async ({ page }) => {
      const violations = cspViolations(page);
      const code = await newVoucher();
      await typeCode(page, {}, code);
      await expect(page.locator('.code')).toHaveText(`${code.slice(0, 5)}-${code.slice(5)}`);
      expect(violations).toEqual([]);
    });
  });
}
