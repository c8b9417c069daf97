// The MikroTik hotspot simulator (tests/hotspot/mikrotik.ts) against the real FreeRADIUS: the
// redirect variables, CHAP computed as the portal computes it, PAP, stale challenges, refusals
// carried back to the portal, accounting and Disconnect-Requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeOctalEscapes,
  mikrotikChapResponse,
} from '../../portal/src/lib/server/controller.ts';
import { startHotspotSim, type HotspotSim } from '../hotspot/mikrotik.ts';
import {
  createHotspot,
  eventually,
  radiusTarget,
  sessionsOf,
  type Hotspot,
} from '../support/radius.ts';
import { stackInfo } from '../support/stack.ts';
import { ownerSql } from '../support/users.ts';

const portalUrl = 'http://portal.invalid/s/test';
let hotspot: Hotspot;
let sim: HotspotSim;
let papOnly: HotspotSim;

beforeAll(async () => {
  hotspot = await createHotspot({ validitySeconds: 3600 });
  const radius = await radiusTarget();
  sim = await startHotspotSim({ portalUrl, radius, router: hotspot.router, coaPort: 0 });
  papOnly = await startHotspotSim({
    portalUrl,
    radius,
    router: hotspot.router,
    loginBy: ['http-pap'],
  });
  await ownerSql()`update public.routers set coa_port = ${sim.coaPort!} where id = ${hotspot.router.id}`;
});
afterAll(async () => {
  await sim?.stop();
  await papOnly?.stop();
});

/** One device: its cookie, like a phone on the hotspot's Wi-Fi. */
function device(target: HotspotSim) {
  let cookie = '';
  const get = async (path: string) => {
    const response = await fetch(new URL(path, target.url), {
      redirect: 'manual',
      headers: { cookie },
    });
    cookie = response.headers.get('set-cookie')?.split(';')[0] ?? cookie;
    return response;
  };
  return {
    /** Opens a page while not logged in: the portal URL with the router's variables. */
    async redirect(path = '/some/page?x=1') {
      const response = await get(path);
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(portalUrl);
      return location.searchParams;
    },
    get,
    async login(fields: Record<string, string>) {
      const response = await fetch(target.loginUrl, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields),
      });
      return response;
    },
  };
}

function chap(vars: URLSearchParams, code: string): string {
  return mikrotikChapResponse(
    decodeOctalEscapes(vars.get('chap-id')!)!,
    code,
    decodeOctalEscapes(vars.get('chap-challenge')!)!,
  );
}

describe('MikroTik hotspot simulator', () => {
  it('redirects with real-shaped variables and a fresh challenge per page load', async () => {
    const phone = device(sim);
    const first = await phone.redirect();
    expect(first.get('mac')).toMatch(/^([0-9A-F]{2}:){5}[0-9A-F]{2}$/);
    expect(first.get('ip')).toMatch(/^10\.5\.50\.\d+$/);
    expect(first.get('link-login-only')).toBe(sim.loginUrl);
    expect(first.get('link-orig')).toBe(`${sim.url}/some/page?x=1`);
    expect(first.get('chap-id')).toMatch(/^\\[0-7]{3}$/);
    expect(first.get('chap-challenge')).toMatch(/^(\\[0-7]{3}){16}$/);
    const second = await phone.redirect();
    expect(second.get('mac')).toBe(first.get('mac'));
    expect(second.get('chap-challenge')).not.toBe(first.get('chap-challenge'));
  });

  it('logs a voucher in with CHAP, starts accounting and shows connected', async () => {
    const code = await hotspot.voucher();
    const phone = device(sim);
    const vars = await phone.redirect();
    const response = await phone.login({
      username: code,
      password: chap(vars, code),
      dst: vars.get('link-orig')!,
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/status\?dst=/);
    const page = await phone.get('/anything');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('You are connected');
    const rows = await eventually(
      () => sessionsOf(code),
      (r) => r.length === 1,
    );
    expect(rows[0]).toMatchObject({ mac: vars.get('mac')!.toLowerCase(), acctstoptime: null });
    expect(sim.sessions.at(-1)).toMatchObject({ user: code, mac: vars.get('mac') });
    expect(sim.sessions.at(-1)!.sessionTimeout).toBeGreaterThan(3500);
  });

  it('refuses a stale challenge and sends the browser back with the refusal', async () => {
    const code = await hotspot.voucher();
    const phone = device(sim);
    const stale = await phone.redirect();
    await phone.redirect(); // the page was loaded again: a new challenge
    const response = await phone.login({ username: code, password: chap(stale, code) });
    expect(response.status).toBe(302);
    const back = new URL(response.headers.get('location')!);
    expect(back.searchParams.get('error')).toBe('WB_BAD_PASSWORD');
    // With the fresh challenge from that redirect the same code gets in.
    const retry = await phone.login({ username: code, password: chap(back.searchParams, code) });
    expect(retry.status).toBe(303);
  });

  it('carries an unknown code back as WB_UNKNOWN', async () => {
    const phone = device(sim);
    const vars = await phone.redirect();
    const response = await phone.login({
      username: 'ZZZZZZZZZZ',
      password: chap(vars, 'ZZZZZZZZZZ'),
    });
    const back = new URL(response.headers.get('location')!);
    expect(back.searchParams.get('error')).toBe('WB_UNKNOWN');
    expect(back.searchParams.get('chap-challenge')).toMatch(/^(\\[0-7]{3}){16}$/);
  });

  it('logs in with PAP when only http-pap is allowed', async () => {
    const code = await hotspot.voucher();
    const phone = device(papOnly);
    const vars = await phone.redirect();
    expect(vars.has('chap-id')).toBe(false);
    expect((await phone.login({ username: code, password: code })).status).toBe(303);
    const wrong = await phone.login({ username: code, password: 'WRONGWRONG' });
    expect(new URL(wrong.headers.get('location')!).searchParams.get('error')).toBe(
      'WB_BAD_PASSWORD',
    );
  });

  it('ends the session on a Disconnect-Request (voucher revoked)', async () => {
    const code = await hotspot.voucher();
    const phone = device(sim);
    const vars = await phone.redirect();
    await phone.login({ username: code, password: chap(vars, code) });
    await eventually(
      () => sessionsOf(code),
      (r) => r.length === 1,
    );
    await ownerSql()`update public.vouchers set status = 'revoked' where code = ${code}`;
    const session = () => Promise.resolve(sim.sessions.find((s) => s.user === code)!);
    expect((await eventually(session, (s) => s.stopped !== undefined, 10_000)).stopped).toBe(
      'Admin-Reset',
    );
    const rows = await eventually(
      () => sessionsOf(code),
      (r) => r[0]?.acctstoptime !== null,
    );
    expect(rows[0].acctterminatecause).toBe('Admin-Reset');
    expect((await phone.get('/again')).status).toBe(302);
  });
});

describe("the stack's own hotspot simulator (npm start)", () => {
  it('sends an unauthenticated browser to the demo site with the router variables', async () => {
    const { hotspot, portalUrl, demo } = stackInfo();
    expect(hotspot?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${hotspot!.url}/`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    // Like a router set up from the generated files: the site by its id, not its slug.
    expect(`${location.origin}${location.pathname}`).toBe(`${portalUrl}/s/${demo.siteId}`);
    expect(location.searchParams.get('link-login-only')).toBe(`${hotspot!.url}/login`);
  });
});
