// What Chromium does when an https portal sends the browser to an http router (issue 5): it
// stops every form submission at "The information you're about to submit is not secure", with
// or without JavaScript, GET or POST; it follows a link silently. The portal behind https
// therefore logs in by link, and the device gets online with no warning page in between.
//
// Chromium treats 127.0.0.1 like a secure origin, so the router and the portal get host names
// (router.test, portal.test) that the browser resolves to loopback.
import {
  chromium,
  expect,
  test,
  type Browser,
  type BrowserContext,
  type Page,
} from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { resolve } from 'node:path';
import { createProxyServer } from 'http-proxy-3';
import postgres from 'postgres';
import { startHotspotSim, type HotspotSim } from '../hotspot/mikrotik.ts';
import { stack } from './stack-file.ts';

const DEMO_ORG = 'd0000000-0000-4000-8000-000000000010';
const ONE_HOUR_PLAN = 'd0000000-0000-4000-8000-000000000041';
const tls = (name: string) => readFileSync(resolve('tests/fixtures/tls', name));

let sim: HotspotSim;
let sql: postgres.Sql;
let portal: Server;
let portalOrigin: string;
let browser: Browser;
let context: BrowserContext | undefined;

test.beforeAll(async () => {
  const testInfo = test.info();
  const full = stack();
  if (!full.radius) throw new Error('the stack has no FreeRADIUS: install freeradius');
  sql = postgres(full.dbUrl, { max: 2, onnotice: () => {} });
  // The router's hotspot answers at a host name, not its RADIUS address: register it as the
  // router's login host, or the portal refuses to send codes there (SECURITY.md).
  await sql`update public.routers set login_host = 'router.test' where nas_ip = ${full.demo.routerIp}`;

  // The portal behind a TLS proxy, as in production (a CDN or nginx in front of adapter-node).
  // In production ORIGIN is the public https origin; this stack's portal believes it is
  // http://127.0.0.1:…, so its form-origin check is shown the origin it expects.
  const proxy = createProxyServer({ target: full.portalUrl });
  proxy.on('proxyReq', (proxyReq) => {
    if (proxyReq.getHeader('origin')) proxyReq.setHeader('origin', full.portalUrl);
  });
  portal = createServer({ key: tls('portal.test.key'), cert: tls('portal.test.crt') }, (req, res) =>
    proxy.web(req, res, { headers: { 'x-forwarded-proto': 'https' } }),
  );
  await new Promise<void>((done) => portal.listen(0, '127.0.0.1', done));
  const port = (portal.address() as { port: number }).port;
  portalOrigin = `https://portal.test:${port}`;

  sim = await startHotspotSim({
    portalUrl: `${portalOrigin}/s/${full.demo.siteSlug}`,
    radius: full.radius,
    router: { nasIp: full.demo.routerIp, secret: full.radius.secret },
    host: 'router.test',
  });
  const launch = testInfo.project.use.launchOptions ?? {};
  browser = await chromium.launch({
    ...launch,
    args: [...(launch.args ?? []), '--host-resolver-rules=MAP *.test 127.0.0.1'],
  });
});
/** A phone as the project describes it; the test certificate is self-signed. */
async function phone(javaScriptEnabled = true): Promise<Page> {
  const { viewport, isMobile, hasTouch } = test.info().project.use;
  context = await browser.newContext({
    viewport,
    isMobile,
    hasTouch,
    javaScriptEnabled,
    ignoreHTTPSErrors: true,
  });
  return context.newPage();
}
test.afterEach(() => context?.close());
test.afterAll(async () => {
  await browser?.close();
  await sim?.stop();
  portal?.close();
  await sql?.end();
});

async function newVoucher(): Promise<string> {
  const [row] = await sql`
    insert into public.vouchers (organization_id, plan_id)
    values (${DEMO_ORG}, ${ONE_HOUR_PLAN}) returning code`;
  return row!.code as string;
}

test('Chromium warns before any form goes from an https page to an http router', async () => {
  const page = await phone();
  // A form like the one an http portal sends, on an https page of the portal's origin. The test
  // serves it: the portal's own pages would not send it at all (their CSP form-action names
  // only the login target of that response).
  await page.route(`${portalOrigin}/insecure-form`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<form method="post" action="${sim.loginUrl}"><input name="username" value="X"><button>Go</button></form>`,
    }),
  );
  await page.goto(`${portalOrigin}/insecure-form`);
  await page.getByRole('button', { name: 'Go' }).click();
  await expect(
    page.getByText('The information you’re about to submit is not secure'),
  ).toBeVisible();
});

for (const javaScriptEnabled of [true, false]) {
  test(`an https portal logs in by link, with no warning (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
    const page = await phone(javaScriptEnabled);
    const code = await newVoucher();
    await page.goto(`${sim.url}/news`);
    await expect(page).toHaveURL(new RegExp(`^${portalOrigin}/s/demo\\?`));
    await page.getByRole('link', { name: 'I have a voucher' }).click();
    await page.getByLabel('Voucher code').fill(code);
    await page.getByRole('button', { name: 'Connect' }).click();
    if (!javaScriptEnabled) await page.getByRole('link', { name: 'Connect' }).click();
    await expect(page.getByRole('heading', { name: 'You are connected' })).toBeVisible();
    await expect(page.locator('#user')).toHaveText(code);
  });
}
