// The database goes away between the STK push and the callback (every connection of the
// functions is cut, as a restart does): nothing is lost once it is back. This file runs its own
// small stack, so cutting connections cannot disturb the other test files.
import { createHmac, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../stack/stack.ts';
import { successCallback, testMac, testPhone } from '../support/payments.ts';

const dir = join(
  new URL('../..', import.meta.url).pathname,
  '.local',
  `test-dbrestart-${process.pid}`,
);
let stack: Stack;
let sql: postgres.Sql;
let hotspot: { siteId: string; planId: string };

beforeAll(async () => {
  stack = await startStack({ dir, ports: 'free', ephemeral: true, apps: false, log: () => {} });
  sql = postgres(stack.info.dbUrl, { max: 2, onnotice: () => {} });
  const tag = randomBytes(4).toString('hex');
  const [org] =
    await sql`insert into public.organizations (name) values (${`Restart ${tag}`}) returning id`;
  const [site] = await sql`insert into public.sites (organization_id, slug, name)
    values (${org!.id}, ${`restart-${tag}`}, 'Restart') returning id`;
  const [plan] =
    await sql`insert into public.plans (organization_id, name, price_kes, validity_seconds)
    values (${org!.id}, '1 Hour', 20, 3600) returning id`;
  await sql`insert into public.plan_sites (plan_id, site_id, organization_id) values (${plan!.id}, ${site!.id}, ${org!.id})`;
  await sql`insert into private.mpesa_settings (organization_id, shortcode, passkey, consumer_key, consumer_secret)
    values (${org!.id}, '174379', 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919', 'restart-key', 'restart-secret')`;
  hotspot = { siteId: site!.id as string, planId: plan!.id as string };
}, 120_000);

afterAll(async () => {
  await sql?.end();
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const fn = (name: string) => `${stack.info.supabaseUrl}/functions/v1/${name}`;
const service = () => ({
  authorization: `Bearer ${stack.info.secretKey}`,
  'content-type': 'application/json',
});

async function waitFor<T>(check: () => Promise<T>, what: string): Promise<NonNullable<T>> {
  for (let i = 0; i < 200; i++) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('database restarted between STK push and callback', () => {
  it('loses nothing: the callback is refused or settles, and the reconciler settles what was refused', async () => {
    const phone = testPhone();
    const daraja = stack.info.daraja!.url;
    await fetch(`${daraja}/_sim/phones/${phone.slice(1)}`, {
      method: 'POST',
      body: '{"drop": true}',
    });
    const started = await fetch(fn('pay-start'), {
      method: 'POST',
      headers: service(),
      body: JSON.stringify({
        site_id: hotspot.siteId,
        plan_id: hotspot.planId,
        phone,
        client_mac: testMac(),
        idempotency_key: `restart-${phone}`,
      }),
    });
    expect(started.status).toBe(201);
    const { payment_id: id } = (await started.json()) as { payment_id: string };
    const [push] = await waitFor(async () => {
      const pushes = (await (
        await fetch(`${daraja}/_sim/pushes?phone=${phone.slice(1)}`)
      ).json()) as {
        checkoutRequestId: string;
        receipt: string | null;
      }[];
      return pushes[0]?.receipt ? pushes : null;
    }, 'the simulated payment');

    // Every connection the functions hold is cut, as a database restart does (as the superuser:
    // they belong to the functions' own role, which postgres cannot signal).
    const superuser = postgres(stack.info.superuserDbUrl, { max: 1, onnotice: () => {} });
    const cut = await superuser`select count(pg_terminate_backend(pid))::int as n
                                from pg_stat_activity where application_name = 'edge-functions'`;
    await superuser.end();
    expect(cut[0]!.n).toBeGreaterThan(0);

    const token = createHmac(
      'sha256',
      createHmac('sha256', stack.info.jwtSecret).update('pay').digest('hex'),
    )
      .update(`stk:${id}`)
      .digest('hex')
      .slice(0, 32);
    const callback = await fetch(`${fn('pay-notify')}/${id}/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: successCallback(push!.checkoutRequestId, '20.00', push!.receipt!, phone),
    });
    // Either answer is fine (a reconnect may already have happened); a refusal is a 503.
    expect([200, 503]).toContain(callback.status);

    const reconcile = await fetch(fn('pay-reconcile'), {
      method: 'POST',
      headers: service(),
      body: JSON.stringify({ payment_id: id }),
    });
    expect(reconcile.status).toBe(200);
    const [row] = await sql`select status, voucher_id, via from public.payments where id = ${id}`;
    expect(row!.status).toBe('success');
    expect(row!.voucher_id).not.toBeNull();
    const [count] = await sql`select count(*)::int as n from public.vouchers v
      join public.customers c on c.id = v.customer_id where c.phone = ${phone}`;
    expect(count!.n).toBe(1);

    // And the functions work normally again.
    const next = await fetch(fn('pay-start'), {
      method: 'POST',
      headers: service(),
      body: JSON.stringify({
        site_id: hotspot.siteId,
        plan_id: hotspot.planId,
        phone: testPhone(),
        idempotency_key: `restart-next-${phone}`,
      }),
    });
    expect(next.status).toBe(201);
  });
});
