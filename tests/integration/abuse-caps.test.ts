// Written as the attacker (issue 13): STK pushes sprayed from one site, router or address are
// capped before they reach Daraja; one operator's traffic to a phone does not block it at
// another; one client cannot lock a site's status page; a forged X-Forwarded-For does not move
// a client out of its address's bucket. The legitimate payment and lookup still work.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createHotspot } from '../support/radius.ts';
import {
  createPayHotspot,
  simPushes,
  startPayment,
  testMac,
  testPhone,
  waitFor,
  type PayHotspot,
} from '../support/payments.ts';
import { stackInfo } from '../support/stack.ts';
import { client, ownerSql } from '../support/users.ts';

/** A request to the portal from a loopback address of our choice (a client of its own). */
function portal(
  from: string,
  path: string,
  options: { form?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string; location: string | undefined }> {
  const url = new URL(path, stackInfo().portalUrl);
  const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: body ? 'POST' : 'GET',
        localAddress: from,
        headers: {
          // As a browser: SvelteKit answers a form action's result as JSON to other callers.
          accept: 'text/html',
          ...(body
            ? {
                'content-type': 'application/x-www-form-urlencoded',
                origin: new URL(stackInfo().portalUrl).origin,
              }
            : {}),
          ...options.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: text, location: res.headers.location }),
        );
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

/** Buys at the portal's pay page as a customer at `from` would (the form's own one-time key). */
async function payAtPortal(
  from: string,
  hotspot: PayHotspot,
  phone: string,
  headers: Record<string, string> = {},
) {
  const page = `/s/${hotspot.siteSlug}/pay/${hotspot.planId}`;
  const form = await portal(from, page, { headers });
  const key = /name="key" value="([^"]+)"/.exec(form.body)?.[1];
  expect(key, form.body.slice(0, 300)).toBeTruthy();
  return portal(from, `${page}?lang=en`, {
    form: { phone, key: key!, mac: testMac() },
    headers,
  });
}

async function hits(bucket: string): Promise<number> {
  const [row] = await ownerSql()`
    select coalesce(sum(hits), 0)::int as n from private.rate_limits
    where bucket = ${bucket} and window_start > now() - interval '10 minutes'`;
  return row!.n as number;
}

/** Fills a bucket's current 10-minute window as if `n` requests had been counted. */
async function fill(bucket: string, n: number): Promise<void> {
  await ownerSql()`
    insert into private.rate_limits (bucket, window_start, hits)
    values (${bucket}, to_timestamp(floor(extract(epoch from now()) / 600) * 600), ${n})
    on conflict (bucket, window_start) do update set hits = excluded.hits`;
}

/** Pushes the simulator received for these phones. */
async function pushCount(phones: string[]): Promise<number> {
  const counts = await Promise.all(phones.map(async (p) => (await simPushes(p)).length));
  return counts.reduce((a, b) => a + b, 0);
}

async function addRouter(hotspot: PayHotspot): Promise<string> {
  const [row] = await ownerSql()`
    insert into public.routers (organization_id, site_id, name, nas_ip, vendor)
    values (${hotspot.organizationId}, ${hotspot.siteId}, 'Second router',
      ${`2001:db8:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}::/64`}, 'mikrotik')
    returning id`;
  return row!.id as string;
}

describe('pushes sprayed at many numbers', () => {
  it('from one client address: 60 reach Daraja in 10 minutes, the rest are refused', async () => {
    const hotspot = await createPayHotspot(15);
    const address = `198.51.100.${1 + Math.floor(Math.random() * 250)}`;
    const phones = Array.from({ length: 63 }, () => testPhone('1032'));
    const answers = [];
    for (const phone of phones) {
      answers.push(await startPayment(hotspot, { phone, client_ip: address }));
    }
    expect(answers.slice(0, 60).every((a) => a.status === 201)).toBe(true);
    for (const refused of answers.slice(60)) {
      expect(refused).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
      expect(refused.body.retry_after_seconds).toBeGreaterThan(0);
      expect(refused.body.retry_after_seconds).toBeLessThanOrEqual(600);
    }
    expect(await pushCount(phones)).toBe(60);

    // The same router from another address: the router's own cap (60) is spent too.
    const viaRouter = testPhone('1032');
    expect(
      await startPayment(hotspot, { phone: viaRouter, client_ip: '198.51.100.251' }),
    ).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
    // A customer at another router of the site, from another address, still pays.
    const other = testPhone('1032');
    const router = await addRouter(hotspot);
    const legit = await startPayment(hotspot, {
      phone: other,
      router_id: router,
      client_ip: '2001:db8:feed::1',
    });
    expect(legit.status).toBe(201);
    expect(await pushCount([viaRouter, other])).toBe(1);
  });

  it('a site is capped at 120 pushes in 10 minutes whatever its routers and addresses', async () => {
    const hotspot = await createPayHotspot(15);
    await fill(`start:site:${hotspot.siteId}`, 120);
    const phone = testPhone('1032');
    const refused = await startPayment(hotspot, { phone, router_id: await addRouter(hotspot) });
    expect(refused).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
    expect(await pushCount([phone])).toBe(0);
  });

  it('one device (MAC) gets "wait" after 4 pushes in 10 minutes, across phones', async () => {
    const hotspot = await createPayHotspot(15);
    const mac = testMac();
    const phones = Array.from({ length: 6 }, () => testPhone('1032'));
    const answers = [];
    for (const phone of phones)
      answers.push(await startPayment(hotspot, { phone, client_mac: mac }));
    expect(answers.slice(0, 4).map((a) => a.status)).toEqual([201, 201, 201, 201]);
    expect(answers[4]).toMatchObject({ status: 429, body: { error: 'too_soon' } });
    expect(answers[4]!.body.retry_after_seconds).toBeGreaterThan(0);
    expect(await pushCount(phones)).toBe(4);
  });
});

describe("another operator's traffic to a phone", () => {
  it("does not block that phone at this operator; the platform's cap needs 3 operators", async () => {
    const a = await createPayHotspot(15);
    const phone = testPhone('1032');
    const settledPushes = async (n: number) =>
      waitFor(
        async () => {
          const pushes = await simPushes(phone);
          return pushes.length === n && pushes.every((p) => p.status === 'done') ? pushes : null;
        },
        10_000,
        `${n} pushes done`,
      );
    // Operator B pushes the phone from site after site (the two-minute guard is per site).
    const b = await createPayHotspot(15);
    const answers = [];
    for (let i = 0; i < 8; i++) {
      const [site] = await ownerSql()`
        insert into public.sites (organization_id, slug, name)
        values (${b.organizationId}, ${`b-${randomBytes(4).toString('hex')}`}, 'B site') returning id`;
      await ownerSql()`insert into public.plan_sites (plan_id, site_id, organization_id)
                       values (${b.planId}, ${site!.id}, ${b.organizationId})`;
      answers.push(
        await startPayment(
          { ...b, siteId: site!.id as string, routerId: '' },
          {
            phone,
            router_id: null,
          },
        ),
      );
      if (answers.length <= 5) await settledPushes(answers.length);
    }
    expect(answers.slice(0, 5).map((x) => x.status)).toEqual([201, 201, 201, 201, 201]);
    for (const refused of answers.slice(5)) {
      expect(refused).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
    }
    // Only what B's own cap admitted counts platform-wide.
    expect(await hits(`start:phone:${phone}`)).toBe(5);
    const atA = await startPayment(a, { phone });
    expect(atA.status).toBe(201);
    expect(await hits(`start:phone:${phone}`)).toBe(6);
    await settledPushes(6);
  });
});

describe('the lookup throttle', () => {
  it("one client exhausting its budget does not lock the site's status page for others", async () => {
    const hotspot = await createHotspot();
    const [site] = await ownerSql()`select slug from public.sites where id = ${hotspot.siteId}`;
    const slug = site!.slug as string;
    const code = await hotspot.voucher();
    const status = (from: string, typed: string, mac = '') =>
      portal(from, `/s/${slug}/status?lang=en`, { form: { code: typed, ...(mac ? { mac } : {}) } });
    const guess = (i: number) =>
      `ZZZZZZZ${'23456789AB'[i % 10]}${'CDEFGHJKMN'[i % 10]}${'PQRSTUVWXY'[Math.floor(i / 10) % 10]}`;

    // The attacker at 127.0.0.2 guesses, then hammers: refused after 5 misses.
    const attacker = [];
    for (let i = 0; i < 40; i++) attacker.push((await status('127.0.0.2', guess(i))).status);
    expect(attacker.slice(0, 5)).toEqual([404, 404, 404, 404, 404]);
    expect(attacker.slice(5).every((s) => s === 429)).toBe(true);
    // Straight to PostgREST with the publishable key, not through the portal: those callers
    // are one address, which alone cannot reach the site's 20 misses either.
    for (let i = 0; i < 10; i++) {
      await client().rpc('portal_voucher_status', { p_site_slug: slug, p_code: guess(i) });
    }
    // Another device behind the same NAT address (its own MAC), and another address: both fine.
    const sameNat = await status('127.0.0.2', code, testMac());
    // 200: what is left on the code (404 is a miss, 429 the throttle).
    expect(sameNat.status).toBe(200);
    expect((await status('127.0.0.3', code)).status).toBe(200);
  });

  it('a forged X-Forwarded-For does not move a client out of its address bucket', async () => {
    const hotspot = await createPayHotspot(15);
    const bucket = 'start:ip:127.0.0.4/32';
    const before = await hits(bucket);
    const phone = testPhone('1032');
    const paid = await payAtPortal('127.0.0.4', hotspot, phone, {
      'x-forwarded-for': '203.0.113.9, 10.0.0.1',
    });
    // The legitimate payment goes through (303 to its page) and counts against 127.0.0.4.
    expect(paid.status).toBe(303);
    expect(paid.location).toMatch(new RegExp(`/s/${hotspot.siteSlug}/p/[0-9a-f]{32}`));
    expect(await hits(bucket)).toBe(before + 1);
    expect(await hits('start:ip:203.0.113.9/32')).toBe(0);
    expect(await hits('start:ip:10.0.0.1/32')).toBe(0);
    // Its address's cap reached, forged headers do not help.
    await fill(bucket, 60);
    const forged = testPhone('1032');
    const refused = await payAtPortal('127.0.0.4', hotspot, forged, {
      'x-forwarded-for': `198.18.${Math.floor(Math.random() * 250)}.7`,
    });
    expect(refused.status).toBe(429);
    expect(await pushCount([forged])).toBe(0);
  });
});
