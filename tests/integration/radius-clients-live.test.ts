// Router changes reach the running FreeRADIUS within 2 seconds and never restart it: a new
// secret, a new address, a deletion (and the address registered again), 30 changes in a row while
// another router's customers log in, and a FreeRADIUS killed from outside coming back with every
// router. FreeRADIUS's process id (stack/radius.ts writes it) is the proof that nothing
// restarted. The tests of this file run one after another, the restart last; other files'
// requests ride out that restart on radclient's retries.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { statusAnswered } from '../../radius/status-probe.ts';
import {
  addRouter,
  createHotspot,
  login,
  radiusTarget,
  randomMac,
  unusedLoopbackAddress,
  type Hotspot,
  type Router,
} from '../support/radius.ts';
import { stackInfo } from '../support/stack.ts';
import { ownerSql } from '../support/users.ts';

/** The running FreeRADIUS's process id. */
function radiusPid(): number {
  return Number(readFileSync(stackInfo().radius!.pidFile, 'utf8'));
}

/** One Status-Server from the router's address with its secret: answered within 100 ms? */
async function answers(router: { nasIp: string; secret: string }): Promise<boolean> {
  const server = await radiusTarget();
  return statusAnswered({
    host: server.host,
    port: server.authPort,
    secret: router.secret,
    from: router.nasIp,
    timeoutMs: 100,
  });
}

/**
 * Milliseconds from `since` until FreeRADIUS answers (or stops answering) the router, probing
 * without pause; Infinity when that did not happen within 5 s.
 */
async function msUntil(
  router: { nasIp: string; secret: string },
  answered: boolean,
  since: number,
): Promise<number> {
  while (performance.now() - since < 5000) {
    const probe = performance.now();
    if ((await answers(router)) === answered) return (answered ? performance.now() : probe) - since;
  }
  return Infinity;
}

/** A login from a fixed device, sent once: no retransmission hides a dropped packet. */
function loginOnce(router: Router, code: string, mac: string) {
  return login(router, code, { mac, timeout: 2, retries: 1 });
}

const newSecret = () => randomBytes(12).toString('hex');
const ms = (value: number) => `${Math.round(value)} ms`;

let hotspot: Hotspot;
let pid: number;
beforeAll(async () => {
  hotspot = await createHotspot();
  pid = radiusPid();
});

describe('router changes without restarts', () => {
  it('a new secret: the old one is refused within 2 s, the new one works, nothing restarts', async () => {
    const router = await addRouter(hotspot.organizationId, hotspot.siteId);
    const code = await hotspot.voucher();
    const mac = randomMac();
    expect((await loginOnce(router, code, mac))?.code).toBe('Access-Accept');
    // FreeRADIUS keeps a client for its first second whatever it is told (3.2): measure the usual
    // case, a router loaded a while ago.
    await sleep(1100);

    const renewed = { ...router, secret: newSecret() };
    await ownerSql()`update private.router_secrets set secret = ${renewed.secret} where router_id = ${router.id}`;
    const committed = performance.now();
    const refused = await msUntil(router, false, committed);
    const answered = await msUntil(renewed, true, committed);
    console.log(
      `new secret: old refused ${ms(refused)}, new answered ${ms(answered)} after commit`,
    );
    expect(refused).toBeLessThan(2000);
    expect(answered).toBeLessThan(2000);
    expect((await loginOnce(renewed, code, mac))?.code).toBe('Access-Accept');
    expect(await loginOnce(router, code, mac)).toBeNull();
    expect(radiusPid()).toBe(pid);
  });

  it('a new address: the old one is refused within 2 s, the new one works, nothing restarts', async () => {
    const router = await addRouter(hotspot.organizationId, hotspot.siteId);
    const code = await hotspot.voucher();
    const mac = randomMac();
    await sleep(1100);

    const moved = { ...router, nasIp: unusedLoopbackAddress() };
    await ownerSql()`update public.routers set nas_ip = ${moved.nasIp} where id = ${router.id}`;
    const committed = performance.now();
    const refused = await msUntil(router, false, committed);
    const answered = await msUntil(moved, true, committed);
    console.log(`new address: old refused ${ms(refused)}, new answered ${ms(answered)}`);
    expect(refused).toBeLessThan(2000);
    expect(answered).toBeLessThan(2000);
    expect((await loginOnce(moved, code, mac))?.code).toBe('Access-Accept');
    expect(await loginOnce(router, code, mac)).toBeNull();
    expect(radiusPid()).toBe(pid);
  });

  it('a deleted router is refused within 2 s; its address registered again with a new secret works', async () => {
    const router = await addRouter(hotspot.organizationId, hotspot.siteId);
    await sleep(1100);

    await ownerSql()`delete from public.routers where id = ${router.id}`;
    const deleted = performance.now();
    const refused = await msUntil(router, false, deleted);
    console.log(`deleted router refused ${ms(refused)} after commit`);
    expect(refused).toBeLessThan(2000);
    // Stays refused: nothing brings it back.
    await sleep(300);
    expect(await answers(router)).toBe(false);

    // The same address again, with another secret (FreeRADIUS loads it from its new file).
    const secret = newSecret();
    const [row] = await ownerSql()`
      insert into public.routers (organization_id, site_id, name, nas_ip, vendor)
      values (${hotspot.organizationId}, ${hotspot.siteId}, 'Test router again', ${router.nasIp}, 'mikrotik')
      returning id`;
    await ownerSql()`insert into private.router_secrets (router_id, secret) values (${row!.id}, ${secret})`;
    const again = { id: row!.id as string, nasIp: router.nasIp, secret };
    const added = performance.now();
    const answered = await msUntil(again, true, added);
    console.log(`address registered again: answered ${ms(answered)} after commit`);
    expect(answered).toBeLessThan(2000);
    expect((await loginOnce(again, await hotspot.voucher(), randomMac()))?.code).toBe(
      'Access-Accept',
    );
    expect(await answers(router)).toBe(false);
    expect(radiusPid()).toBe(pid);
  });

  it('30 changes in a row to one router: another router logs in throughout, nothing restarts', async () => {
    const toggled = await addRouter(hotspot.organizationId, hotspot.siteId);
    const code = await hotspot.voucher();
    const mac = randomMac();

    let changing = true;
    const logins: (string | undefined)[] = [];
    const loginLoop = (async () => {
      // Logins go on for 2 s after the last change, while FreeRADIUS catches up.
      let until = Infinity;
      while (performance.now() < until) {
        logins.push((await loginOnce(hotspot.router, code, mac))?.code);
        if (!changing && until === Infinity) until = performance.now() + 2000;
      }
    })();

    let last: Router = toggled;
    const began = performance.now();
    for (let change = 0; change < 30; change++) {
      last = { ...toggled, secret: newSecret() };
      await ownerSql()`update private.router_secrets set secret = ${last.secret} where router_id = ${toggled.id}`;
      const required = change % 2 === 0;
      await ownerSql()`update public.routers set require_message_authenticator = ${required},
                         message_authenticator_off_reason = ${required ? null : 'RouterOS 6 (test)'}
                       where id = ${toggled.id}`;
      await sleep(30);
    }
    const committed = performance.now();
    changing = false;
    await loginLoop;

    console.log(
      `30 changes in ${ms(committed - began)}: ${logins.length} logins through the other router, ` +
        `${logins.filter((reply) => reply === 'Access-Accept').length} accepted`,
    );
    expect(logins.length).toBeGreaterThanOrEqual(10);
    expect(logins.every((reply) => reply === 'Access-Accept')).toBe(true);
    expect(radiusPid()).toBe(pid);
    // The last state won: its secret answers, the first one does not.
    expect(await msUntil(last, true, committed)).toBeLessThan(4000);
    expect(await answers(toggled)).toBe(false);
  });

  it('a FreeRADIUS killed from outside comes back with every router, changes made meanwhile included', async () => {
    const routers = [
      hotspot.router,
      await addRouter(hotspot.organizationId, hotspot.siteId),
      await addRouter(hotspot.organizationId, hotspot.siteId),
    ];
    const changed = routers[2]!;
    const renewed = { ...changed, secret: newSecret() };

    const killed = performance.now();
    process.kill(pid, 'SIGTERM');
    // A change while FreeRADIUS is down (or starting) must not be lost.
    await ownerSql()`update private.router_secrets set secret = ${renewed.secret} where router_id = ${changed.id}`;
    const back = await Promise.all(
      [routers[0]!, routers[1]!, renewed].map((router) => msUntil(router, true, killed)),
    );
    console.log(`killed FreeRADIUS: every router answered again after ${ms(Math.max(...back))}`);
    expect(Math.max(...back)).toBeLessThan(5000);
    expect(radiusPid()).not.toBe(pid);
    await sleep(1100);
    expect(await answers(changed)).toBe(false);
    const code = await hotspot.voucher();
    expect((await loginOnce(renewed, code, randomMac()))?.code).toBe('Access-Accept');
  });
});
