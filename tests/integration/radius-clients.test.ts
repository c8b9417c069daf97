// Routers as RADIUS clients: only registered routers, with their own secret, get answers, and
// changes in the database reach the running FreeRADIUS without anyone restarting it.
import { beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  addRouter,
  answersStatus,
  createHotspot,
  login,
  radius,
  unusedLoopbackAddress,
  waitUntilAnswered,
  type Hotspot,
  type Reply,
} from '../support/radius.ts';
import { ownerSql } from '../support/users.ts';

let hotspot: Hotspot;
beforeAll(async () => {
  hotspot = await createHotspot();
});

/** Packets that are expected to vanish get one short try (radclient waits about 1 s anyway). */
const once = { timeout: 0.2, retries: 1 };

/** Repeats `attempt` until `done` holds for its result (a change being applied), up to 10 s. */
async function eventually(
  attempt: () => Promise<Reply | null>,
  done: (reply: Reply | null) => boolean,
) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const reply = await attempt();
    if (done(reply) || Date.now() > deadline) return reply;
  }
}

describe('who gets an answer', () => {
  it('drops requests from an address that is no router', async () => {
    const stranger = { nasIp: unusedLoopbackAddress(), secret: hotspot.router.secret };
    const code = await hotspot.voucher();
    const [status, auth] = await Promise.all([
      answersStatus(stranger),
      radius('auth', stranger, { 'User-Name': code, 'User-Password': code }, once),
    ]);
    expect(status).toBe(false);
    expect(auth).toBeNull();
  });

  it('drops requests and accounting signed with a wrong secret', async () => {
    const forger = { ...hotspot.router, secret: 'not-the-router-secret' };
    const code = await hotspot.voucher();
    const stop = {
      'Acct-Status-Type': 'Stop',
      'User-Name': code,
      'Acct-Session-Id': 'f1',
      'Acct-Session-Time': 3600,
    };
    const [auth, acct] = await Promise.all([
      radius('auth', forger, { 'User-Name': code, 'User-Password': code }, once),
      radius('acct', forger, stop, once),
    ]);
    expect(auth).toBeNull();
    expect(acct).toBeNull();
    expect((await ownerSql()`select 1 from radius.radacct where username = ${code}`).length).toBe(
      0,
    );
    // The right secret still works.
    expect((await radius('acct', hotspot.router, stop))?.code).toBe('Accounting-Response');
  });

  it('drops Access-Requests without Message-Authenticator unless the router is allowed to omit it', async () => {
    const router = await addRouter(hotspot.organizationId, hotspot.siteId);
    const code = await hotspot.voucher();
    const unsigned = () =>
      radius(
        'auth',
        router,
        { 'User-Name': code, 'User-Password': code },
        { ...once, unsigned: true },
      );
    expect(await unsigned()).toBeNull();

    await ownerSql()`update public.routers set require_message_authenticator = false,
                       message_authenticator_off_reason = 'RouterOS 6 (test)' where id = ${router.id}`;
    const reply = await eventually(unsigned, (r) => r !== null);
    expect(reply?.code).toBe('Access-Accept');
  });
});

describe('router changes', () => {
  it('answers a new router at once, with a secret full of quoting characters', async () => {
    const secret = `q'u"o$te{s}%{User-Name}\${x}`;
    const began = Date.now();
    const router = await addRouter(hotspot.organizationId, hotspot.siteId, { secret });
    expect(Date.now() - began).toBeLessThan(5_000);
    expect((await login(router, await hotspot.voucher()))?.code).toBe('Access-Accept');
  });

  it('follows a secret change and stops answering a deleted router', async () => {
    const router = await addRouter(hotspot.organizationId, hotspot.siteId);
    const code = await hotspot.voucher();
    const credentials = { 'User-Name': code, 'User-Password': code };

    const secret = 'a-new-secret-for-the-router';
    await ownerSql()`update private.router_secrets set secret = ${secret} where router_id = ${router.id}`;
    const renewed = { ...router, secret };
    await waitUntilAnswered(renewed, 10_000);
    const [old, current] = await Promise.all([
      radius('auth', router, credentials, once),
      radius('auth', renewed, credentials),
    ]);
    expect(old).toBeNull();
    expect(current?.code).toBe('Access-Accept');

    await ownerSql()`delete from public.routers where id = ${router.id}`;
    const deadline = Date.now() + 10_000;
    while ((await answersStatus(renewed)) && Date.now() < deadline) await sleep(20);
    expect(await answersStatus(renewed)).toBe(false);
    expect(await radius('auth', renewed, credentials, once)).toBeNull();
  });
});
