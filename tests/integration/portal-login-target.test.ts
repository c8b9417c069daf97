// Hotspot variables are untrusted input. The attacker prints a QR sticker whose link carries
// `link-login-only`, `uamip` or openNDS's `gatewayaddress` pointing at their own host: the
// portal must refuse to hand the voucher code to it (no form, no link, nothing auto-sent), for
// every controller type, while the registered router and the well-known local addresses work.
// Also: every portal route answers with the security headers.
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPayHotspot, testPhone } from '../support/payments.ts';
import { createHotspot, type Hotspot } from '../support/radius.ts';
import { stackInfo } from '../support/stack.ts';
import { ownerSql } from '../support/users.ts';

const attackerHost = '127.0.0.66';
let attacker: Server;
let attackerPort = 0;
const attackerHits: string[] = [];
let hotspot: Hotspot;
let slug = '';

beforeAll(async () => {
  attacker = createServer((request, response) => {
    attackerHits.push(`${request.method} ${request.url}`);
    response.end('thanks');
  });
  await new Promise<void>((resolve) => attacker.listen(0, attackerHost, resolve));
  const address = attacker.address();
  attackerPort = typeof address === 'object' && address ? address.port : 0;
  hotspot = await createHotspot();
  const [site] = await ownerSql()`select slug from public.sites where id = ${hotspot.siteId}`;
  slug = site.slug as string;
});

afterAll(() => new Promise<void>((resolve) => attacker.close(() => resolve())));

const fas = (gateway: string) =>
  Buffer.from(
    `hid=${randomBytes(16).toString('hex')}, clientip=10.0.0.9, clientmac=aa:bb:cc:dd:ee:01, ` +
      `gatewayname=cafe, gatewayaddress=${gateway}, originurl=http://example.com/`,
  ).toString('base64');

const mikrotik = (login: string) => ({
  'link-login-only': login,
  mac: 'AA:BB:CC:DD:EE:01',
  'chap-id': '\\371',
  'chap-challenge':
    '\\357\\015\\330\\013\\021\\234\\145\\245\\303\\253\\142\\246\\133\\175\\375\\316',
});
const coova = (uamip: string, uamport: number) => ({
  uamip,
  uamport: String(uamport),
  challenge: randomBytes(16).toString('hex'),
  mac: 'AA-BB-CC-DD-EE-01',
});

/** Types a voucher on the site's voucher page with these controller variables. */
async function submitVoucher(
  vars: Record<string, string>,
  code: string,
  lang = 'en',
): Promise<string> {
  const { portalUrl } = stackInfo();
  const response = await fetch(`${portalUrl}/s/${slug}/voucher?lang=${lang}`, {
    method: 'POST',
    // SvelteKit refuses cross-site form posts: this is the portal's own form.
    headers: {
      origin: portalUrl,
      accept: 'text/html',
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ ...vars, code }),
  });
  return response.text();
}

/** Whether the page sends anything (form, link, script) towards `origin`. */
const sendsTo = (html: string, origin: string) =>
  html.includes(`action="${origin}`) || html.includes(`href="${origin}`);

describe('a doctored QR sticker naming the attacker host as the login target', () => {
  const evil = () => `http://${attackerHost}:${attackerPort}`;

  it('MikroTik link-login-only: refused, the code goes nowhere', async () => {
    const code = await hotspot.voucher();
    const html = await submitVoucher(mikrotik(`${evil()}/login`), code);
    expect(html).toContain('does not lead to this hotspot’s router');
    expect(sendsTo(html, evil())).toBe(false);
    expect(html).not.toContain('document.forms.login.submit()');
    expect(attackerHits).toEqual([]);
  });

  it('CoovaChilli uamip: refused, the code goes nowhere', async () => {
    const code = await hotspot.voucher();
    const html = await submitVoucher(coova(attackerHost, attackerPort), code);
    expect(html).toContain('does not lead to this hotspot’s router');
    expect(sendsTo(html, evil())).toBe(false);
    expect(attackerHits).toEqual([]);
  });

  it('openNDS gatewayaddress: refused, the code goes nowhere', async () => {
    const code = await hotspot.voucher();
    const html = await submitVoucher({ fas: fas(`${attackerHost}:${attackerPort}`) }, code);
    expect(html).toContain('does not lead to this hotspot’s router');
    expect(sendsTo(html, evil())).toBe(false);
    expect(attackerHits).toEqual([]);
  });

  it('refuses in Swahili too', async () => {
    const code = await hotspot.voucher();
    const html = await submitVoucher(mikrotik(`${evil()}/login`), code, 'sw');
    expect(html).toContain('haikutumwa');
    expect(sendsTo(html, evil())).toBe(false);
  });

  it('a paid payment page with a doctored link-login-only does not log in there', async () => {
    const pay = await createPayHotspot();
    const token = await paidPayment(pay);
    const query = new URLSearchParams(mikrotik(`${evil()}/login`));
    const response = await fetch(`${stackInfo().portalUrl}/s/${pay.siteSlug}/p/${token}?${query}`);
    const html = await response.text();
    expect(html).toContain('does not lead to this hotspot’s router');
    expect(sendsTo(html, evil())).toBe(false);
    expect(attackerHits).toEqual([]);
  });
});

describe('legitimate login targets still work', () => {
  it("MikroTik at the router's nas_ip, then at its registered login_host", async () => {
    const at = `http://${hotspot.router.nasIp}:8080`;
    let html = await submitVoucher(mikrotik(`${at}/login`), await hotspot.voucher());
    expect(html).toContain(`action="${at}/login"`);
    expect(html).toContain('document.forms.login.submit()');

    const registered = `hotspot-${randomBytes(3).toString('hex')}.example.net`;
    html = await submitVoucher(mikrotik(`http://${registered}/login`), await hotspot.voucher());
    expect(sendsTo(html, `http://${registered}`)).toBe(false);
    await ownerSql()`update public.routers set login_host = ${registered}
                     where id = ${hotspot.router.id}`;
    html = await submitVoucher(mikrotik(`http://${registered}/login`), await hotspot.voucher());
    expect(html).toContain(`action="http://${registered}/login"`);
  });

  it("CoovaChilli's and openNDS's well-known local addresses", async () => {
    let html = await submitVoucher(coova('10.1.0.1', 3990), await hotspot.voucher());
    expect(html).toContain('action="http://10.1.0.1:3990/logon"');
    html = await submitVoucher({ fas: fas('192.168.8.1:2050') }, await hotspot.voucher());
    expect(html).not.toContain('does not lead to this hotspot’s router');
    // Another port of that address is not openNDS's gateway: refused.
    html = await submitVoucher(coova('10.1.0.1', 8080), await hotspot.voucher());
    expect(html).toContain('does not lead to this hotspot’s router');
  });

  it("another site's router is not this site's login target", async () => {
    const other = await createHotspot();
    const html = await submitVoucher(
      mikrotik(`http://${other.router.nasIp}/login`),
      await hotspot.voucher(),
    );
    expect(html).toContain('does not lead to this hotspot’s router');
  });
});

async function paidPayment(pay: Awaited<ReturnType<typeof createPayHotspot>>): Promise<string> {
  const sql = ownerSql();
  const token = randomBytes(16).toString('hex');
  const [voucher] = await sql`
    insert into public.vouchers (organization_id, plan_id)
    values (${pay.organizationId}, ${pay.planId}) returning id`;
  await sql`
    insert into public.payments (organization_id, site_id, plan_id, phone, amount_kes,
      status_token, status, voucher_id, settled_at, mpesa_receipt)
    values (${pay.organizationId}, ${pay.siteId}, ${pay.planId}, ${testPhone()}, ${pay.priceKes},
      ${token}, 'success', ${voucher.id}, now(), ${`R${randomBytes(5).toString('hex').toUpperCase()}`})`;
  return token;
}

/** A concrete URL for every route under portal/src/routes (a new route fails until listed). */
function routeSamples(site: string, plan: string, token: string): Map<string, string> {
  return new Map([
    ['', '/'],
    ['s/[slug]', `/s/${site}`],
    ['s/[slug]/logo', `/s/${site}/logo`],
    ['s/[slug]/mikrotik/login.html', `/s/${site}/mikrotik/login.html`],
    ['s/[slug]/p/[token]', `/s/${site}/p/${token}`],
    ['s/[slug]/p/[token]/connected', `/s/${site}/p/${token}/connected`],
    ['s/[slug]/p/[token]/state', `/s/${site}/p/${token}/state`],
    ['s/[slug]/pay/[plan]', `/s/${site}/pay/${plan}`],
    ['s/[slug]/privacy', `/s/${site}/privacy`],
    ['s/[slug]/recover', `/s/${site}/recover`],
    ['s/[slug]/status', `/s/${site}/status`],
    ['s/[slug]/voucher', `/s/${site}/voucher`],
  ]);
}

function routeDirs(root: string, dir = root): string[] {
  const found = readdirSync(dir).some((name) => /^\+(page|server)\./.test(name))
    ? [relative(root, dir)]
    : [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...routeDirs(root, path));
  }
  return found;
}

describe('security headers', () => {
  it('every route (and a missing page) sends CSP, frame-ancestors, no-referrer, nosniff', async () => {
    const pay = await createPayHotspot();
    const token = await paidPayment(pay);
    const samples = routeSamples(pay.siteSlug, pay.planId, token);
    const routes = routeDirs(join(import.meta.dirname, '../../portal/src/routes'));
    expect(routes.sort()).toEqual([...samples.keys()].sort());
    for (const path of [...samples.values(), '/no/such/page', `/s/no-such-site-${token}`]) {
      const response = await fetch(`${stackInfo().portalUrl}${path}`, { redirect: 'manual' });
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp, path).toMatch(/(^|; )script-src 'sha256-[^;]+'(;|$)/);
      expect(csp, path).not.toContain('unsafe-eval');
      expect(csp, path).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toMatch(/form-action 'self'(;|$)/);
      expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });

  it('form-action names the login target of that response only', async () => {
    const at = `http://${hotspot.router.nasIp}:8080`;
    const { portalUrl } = stackInfo();
    const response = await fetch(`${portalUrl}/s/${slug}/voucher`, {
      method: 'POST',
      headers: {
        origin: portalUrl,
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ ...mikrotik(`${at}/login`), code: await hotspot.voucher() }),
    });
    // The target only: this redirect named no page to land on after the login (link-orig).
    expect(response.headers.get('content-security-policy')).toContain(`form-action 'self' ${at};`);
  });
});
