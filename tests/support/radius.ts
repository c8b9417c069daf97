// RADIUS test support: the FreeRADIUS under test, hotspots (organization, site, plan, router,
// vouchers) each test file creates for itself, and real packets sent with radclient from the
// router's own loopback address (radclient binds to Packet-Src-IP-Address).
import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ATTR,
  CODE,
  attributeInteger,
  attributeText,
  decode,
  encodeRequest,
  encodeResponse,
  integer,
  verifyRequest,
  verifyResponse,
  type Attribute,
  type Packet,
} from '../../radius/packet.ts';
import { statusAnswered } from '../../radius/status-probe.ts';
import { stackInfo } from './stack.ts';
import { ownerSql } from './users.ts';

/** Where the stack's FreeRADIUS listens. */
export type RadiusTarget = { host: string; authPort: number; acctPort: number };

/** The stack's FreeRADIUS (`npm test` fails early when FreeRADIUS is not installed). */
export function radiusTarget(): Promise<RadiusTarget> {
  const { radius } = stackInfo();
  if (!radius)
    throw new Error(
      'stack.json has no FreeRADIUS: apt-get install freeradius freeradius-postgresql freeradius-utils',
    );
  return Promise.resolve(radius);
}

// ---------------------------------------------------------------------------------------------
// Hotspots
// ---------------------------------------------------------------------------------------------

export type PlanLimits = {
  validitySeconds?: number;
  timeQuotaSeconds?: number | null;
  dataQuotaBytes?: bigint | number | null;
  downloadKbps?: number | null;
  uploadKbps?: number | null;
  devicesAllowed?: number;
};

export type Router = { id: string; nasIp: string; secret: string };

export type Hotspot = {
  organizationId: string;
  siteId: string;
  planId: string;
  router: Router;
  /** Issues a voucher of the hotspot's plan (or another plan of the organization). */
  voucher: (planId?: string) => Promise<string>;
  /** Adds a plan to the organization, sold at the site unless `sold` is false. */
  plan: (limits: PlanLimits, sold?: boolean) => Promise<string>;
};

/**
 * A new organization with one site, one plan sold there and one router at a fresh loopback
 * address that FreeRADIUS already answers. Nothing is shared with other test files.
 */
export async function createHotspot(limits: PlanLimits = {}): Promise<Hotspot> {
  const sql = ownerSql();
  const tag = randomBytes(4).toString('hex');
  const [organization] = await sql`
    insert into public.organizations (name) values (${`RADIUS test ${tag}`}) returning id`;
  const organizationId = organization.id as string;
  const [site] = await sql`
    insert into public.sites (organization_id, slug, name)
    values (${organizationId}, ${`radius-${tag}`}, 'RADIUS test site') returning id`;
  const siteId = site.id as string;

  const plan = async (planLimits: PlanLimits, sold = true) => {
    const [row] = await sql`
      insert into public.plans (organization_id, name, price_kes, validity_seconds, time_quota_seconds,
        data_quota_bytes, download_kbps, upload_kbps, devices_allowed)
      values (${organizationId}, 'Test plan', 10, ${planLimits.validitySeconds ?? 86_400},
        ${planLimits.timeQuotaSeconds ?? null}, ${planLimits.dataQuotaBytes?.toString() ?? null},
        ${planLimits.downloadKbps ?? null}, ${planLimits.uploadKbps ?? null}, ${planLimits.devicesAllowed ?? 1})
      returning id`;
    if (sold) {
      await sql`insert into public.plan_sites (plan_id, site_id, organization_id)
                values (${row.id}, ${siteId}, ${organizationId})`;
    }
    return row.id as string;
  };
  const planId = await plan(limits);
  const router = await addRouter(organizationId, siteId);
  const voucher = async (voucherPlanId = planId) => {
    const [row] = await sql`
      insert into public.vouchers (organization_id, plan_id) values (${organizationId}, ${voucherPlanId})
      returning code`;
    return row.code as string;
  };
  return { organizationId, siteId, planId, router, voucher, plan };
}

/** A router at an unused 127.x.y.z address with a random secret, answered by FreeRADIUS. */
export async function addRouter(
  organizationId: string,
  siteId: string,
  options: { secret?: string; requireMessageAuthenticator?: boolean } = {},
): Promise<Router> {
  const sql = ownerSql();
  const secret = options.secret ?? randomBytes(16).toString('hex');
  for (;;) {
    const nasIp = unusedLoopbackAddress();
    const [row] = await sql`
      insert into public.routers (organization_id, site_id, name, nas_ip, vendor,
                                  require_message_authenticator, message_authenticator_off_reason)
      values (${organizationId}, ${siteId}, 'Test router', ${nasIp}, 'mikrotik',
              ${options.requireMessageAuthenticator ?? true},
              ${options.requireMessageAuthenticator === false ? 'test router without it' : null})
      on conflict (nas_ip) do nothing
      returning id`;
    if (!row) continue;
    await sql`insert into private.router_secrets (router_id, secret) values (${row.id}, ${secret})`;
    const router = { id: row.id as string, nasIp, secret };
    await waitUntilAnswered(router);
    return router;
  }
}

/** Any 127.0.0.0/8 address but 127.0.0.x, which the demo router and other tools use. */
export function unusedLoopbackAddress(): string {
  return `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

/** Waits until FreeRADIUS answers Status-Server from the router (it has picked it up). */
export async function waitUntilAnswered(router: Router, timeoutMs = 15_000): Promise<number> {
  const began = Date.now();
  while (Date.now() - began < timeoutMs) {
    if (await answersStatus(router)) return Date.now() - began;
    await sleep(20);
  }
  throw new Error(`FreeRADIUS did not pick up router ${router.nasIp} within ${timeoutMs} ms`);
}

/** Whether FreeRADIUS answers a Status-Server from the router's address with its secret. */
export async function answersStatus(router: { nasIp: string; secret: string }): Promise<boolean> {
  const server = await radiusTarget();
  return statusAnswered({
    host: server.host,
    port: server.authPort,
    secret: router.secret,
    from: router.nasIp,
    timeoutMs: 150,
  });
}

// ---------------------------------------------------------------------------------------------
// Packets
// ---------------------------------------------------------------------------------------------

export type Attributes = Record<string, string | number | bigint>;
export type Reply = { code: string; attributes: Record<string, string> };

/**
 * Sends one packet with radclient from `from.nasIp` and returns the reply, or null when none
 * came (dropped). Access-Requests carry a Message-Authenticator unless `unsigned` is set.
 * Retries cover a FreeRADIUS restart (radius-clients-live.test.ts kills it on purpose; router
 * changes never restart it).
 */
export async function radius(
  kind: 'auth' | 'acct' | 'status',
  from: { nasIp: string; secret: string },
  attributes: Attributes,
  options: { timeout?: number; retries?: number; unsigned?: boolean; server?: RadiusTarget } = {},
): Promise<Reply | null> {
  // Another FreeRADIUS than the stack's when given (the restore drill's, on a restored database).
  const server = options.server ?? (await radiusTarget());
  const port = kind === 'acct' ? server.acctPort : server.authPort;
  const lines = Object.entries(attributes).map(([name, value]) => `${name} = ${format(value)}`);
  lines.push(`Packet-Src-IP-Address = ${from.nasIp}`);
  if (kind !== 'acct' && !options.unsigned) lines.push('Message-Authenticator = 0x00');
  const output = await runRadclient(
    [
      '-x',
      '-t',
      String(options.timeout ?? 1),
      '-r',
      String(options.retries ?? 3),
      `${server.host}:${port}`,
      kind,
      from.secret,
    ],
    `${lines.join('\n')}\n`,
  );
  return parseReply(output);
}

/** radclient's input syntax: numbers bare, strings double-quoted with \ and " escaped. */
function format(value: string | number | bigint): string {
  if (typeof value !== 'string') return value.toString();
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

function runRadclient(args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('radclient', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('latin1')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('latin1')));
    child.once('error', reject);
    child.once('exit', () => resolve(output));
    child.stdin.end(input);
  });
}

/** The first "Received ..." block of `radclient -x` output. */
export function parseReply(output: string): Reply | null {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => line.startsWith('Received '));
  if (start < 0) return null;
  const code = lines[start].split(' ')[1];
  const attributes: Record<string, string> = {};
  for (const line of lines.slice(start + 1)) {
    const match = /^\t([A-Za-z0-9-]+) = (.*)$/.exec(line);
    if (!match) break;
    // radclient prints the next message right after the last attribute, without a newline.
    const value = match[2].replace(/\(\d+\) .*$/, '');
    attributes[match[1]] = value.startsWith('"')
      ? value.slice(1, -1).replace(/\\(.)/g, '$1')
      : value;
  }
  return { code, attributes };
}

// ---------------------------------------------------------------------------------------------
// Sessions
// ---------------------------------------------------------------------------------------------

export type Session = {
  router: Router;
  user: string;
  sessionId: string;
  mac: string;
};

/** A MikroTik-like hotspot session for accounting packets. */
export function session(router: Router, user: string, mac = randomMac()): Session {
  return { router, user, sessionId: randomBytes(4).toString('hex'), mac };
}

export function randomMac(): string {
  return [...randomBytes(6)]
    .map((byte) => byte.toString(16).padStart(2, '0').toUpperCase())
    .join(':');
}

/** Accounting totals as a router reports them: 32-bit octets plus gigawords. */
export function octets(direction: 'Input' | 'Output', total: bigint): Attributes {
  return {
    [`Acct-${direction}-Octets`]: total % 4294967296n,
    [`Acct-${direction}-Gigawords`]: total / 4294967296n,
  };
}

export function accounting(
  s: Session,
  status: 'Start' | 'Interim-Update' | 'Stop',
  totals: { seconds?: number; input?: bigint; output?: bigint; cause?: string } = {},
): Promise<Reply | null> {
  const attributes: Attributes = {
    'Acct-Status-Type': status,
    'User-Name': s.user,
    'Acct-Session-Id': s.sessionId,
    'Calling-Station-Id': s.mac,
    'Called-Station-Id': 'hotspot1',
    'NAS-Port-Id': 'wlan1',
    'NAS-Identifier': 'test-router',
  };
  if (status !== 'Start') {
    Object.assign(attributes, { 'Acct-Session-Time': totals.seconds ?? 0 });
    Object.assign(
      attributes,
      octets('Input', totals.input ?? 0n),
      octets('Output', totals.output ?? 0n),
    );
  }
  if (status === 'Stop') attributes['Acct-Terminate-Cause'] = totals.cause ?? 'User-Request';
  return radius('acct', s.router, attributes);
}

/** Logs `user` in with PAP (or CHAP) from `mac` through `router`. */
export function login(
  router: Router,
  user: string,
  options: {
    password?: string;
    mac?: string;
    chap?: boolean;
    timeout?: number;
    retries?: number;
    server?: RadiusTarget;
  } = {},
): Promise<Reply | null> {
  const password = options.password ?? user;
  return radius(
    'auth',
    router,
    {
      'User-Name': user,
      [options.chap ? 'CHAP-Password' : 'User-Password']: password,
      'Calling-Station-Id': options.mac ?? randomMac(),
      'Called-Station-Id': 'hotspot1',
      'NAS-Identifier': 'test-router',
    },
    { timeout: options.timeout, retries: options.retries, server: options.server },
  );
}

/** The voucher's usage and validity as the database has them. */
export async function voucherState(code: string) {
  const [row] = await ownerSql()`
    select status, used_seconds::bigint as used_seconds, used_bytes::bigint as used_bytes,
           first_used_at, expires_at, validity_seconds
    from public.vouchers where code = ${code}`;
  return {
    status: row.status as string,
    usedSeconds: BigInt(row.used_seconds),
    usedBytes: BigInt(row.used_bytes),
    firstUsedAt: row.first_used_at as Date | null,
    expiresAt: row.expires_at as Date | null,
    validitySeconds: row.validity_seconds as number,
  };
}

/** The radacct rows of a voucher code, oldest first. */
export async function sessionsOf(code: string) {
  return ownerSql()`
    select acctsessionid, acctstarttime, acctupdatetime, acctstoptime, acctsessiontime::bigint as seconds,
           acctinputoctets::bigint as input, acctoutputoctets::bigint as output, acctterminatecause, mac,
           host(nasipaddress) as nas_ip
    from radius.radacct where username = ${code} order by radacctid`;
}

// ---------------------------------------------------------------------------------------------
// Disconnect-Requests (RFC 5176) arriving at a router
// ---------------------------------------------------------------------------------------------

export type DisconnectRequest = {
  packet: Packet;
  /** Authenticator and Message-Authenticator are right for the router's secret. */
  signed: boolean;
  userName?: string;
  acctSessionId?: string;
  callingStationId?: string;
  eventTimestamp?: number;
};

/**
 * How the listener answers a request: ACK, NAK with an Error-Cause, nothing, or an ACK signed
 * with the wrong secret (which the agent must ignore).
 */
export type DisconnectAnswer =
  { code: 'ack' } | { code: 'nak'; errorCause: number } | { code: 'silence' } | { code: 'forged' };

export type CoaListener = {
  port: number;
  /** Every request received, in order (retransmissions included). */
  received: DisconnectRequest[];
  /** Answers the next requests with these, then with ACK. */
  answers: DisconnectAnswer[];
  /** Resolves once `count` requests have arrived (or rejects after `timeoutMs`). */
  waitFor: (count: number, timeoutMs?: number) => Promise<DisconnectRequest[]>;
  close: () => Promise<void>;
};

/**
 * A tiny RADIUS dynamic-authorization server on the router's own loopback address, as a
 * MikroTik's `/radius incoming` is: it checks each request against the router's secret and
 * answers as told. The router's coa_port is pointed at it.
 */
export async function listenForDisconnects(router: Router): Promise<CoaListener> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, router.nasIp, () => resolve());
  });
  const port = socket.address().port;
  await ownerSql()`update public.routers set coa_port = ${port} where id = ${router.id}`;
  const received: DisconnectRequest[] = [];
  const answers: DisconnectAnswer[] = [];
  const waiters: (() => void)[] = [];
  socket.on('message', (raw, from) => {
    let packet: Packet;
    try {
      packet = decode(raw);
    } catch {
      return;
    }
    received.push({
      packet,
      signed: verifyRequest(packet, router.secret),
      userName: attributeText(packet, ATTR.userName),
      acctSessionId: attributeText(packet, ATTR.acctSessionId),
      callingStationId: attributeText(packet, ATTR.callingStationId),
      eventTimestamp: attributeInteger(packet, ATTR.eventTimestamp),
    });
    for (const wake of waiters.splice(0)) wake();
    const answer = answers.shift() ?? { code: 'ack' };
    if (answer.code === 'silence') return;
    const reply =
      answer.code === 'nak'
        ? encodeResponse(
            CODE.disconnectNak,
            packet,
            [integer(ATTR.errorCause, answer.errorCause)],
            router.secret,
            { messageAuthenticator: true },
          )
        : encodeResponse(
            CODE.disconnectAck,
            packet,
            [],
            answer.code === 'forged' ? 'not-the-secret' : router.secret,
            { messageAuthenticator: true },
          );
    socket.send(reply, from.port, from.address);
  });
  const waitFor = async (count: number, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (received.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`expected ${count} Disconnect-Requests, got ${received.length}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return received.slice(0, count);
  };
  return {
    port,
    received,
    answers,
    waitFor,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

/** The disconnects queued for a voucher code's sessions, oldest first. */
export async function disconnectsOf(code: string) {
  return ownerSql()`
    select d.reason, d.state, d.attempts, d.error_cause, a.acctsessionid, d.requested_by
    from radius.disconnects d join radius.radacct a on a.radacctid = d.radacctid
    where a.username = ${code} or d.voucher_id = (select id from public.vouchers where code = ${code})
    order by d.id`;
}

/** Polls `read` until `done` says yes (or fails after `timeoutMs` with the last value). */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(25);
  }
}

/**
 * Sends one request over UDP from the router's address with our own encoder (for what radclient
 * cannot send, e.g. a User-Name that is not UTF-8) and returns the verified reply, or null.
 */
export async function rawRequest(
  router: Router,
  kind: 'auth' | 'acct',
  attributes: Attribute[],
  options: { password?: string; timeoutMs?: number } = {},
): Promise<{ packet: Packet; signed: boolean } | null> {
  const server = await radiusTarget();
  const request = encodeRequest(
    kind === 'auth' ? CODE.accessRequest : CODE.accountingRequest,
    randomInt(256),
    attributes,
    router.secret,
    { password: options.password },
  );
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, router.nasIp, () => resolve()));
  try {
    return await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), options.timeoutMs ?? 2000);
      socket.on('message', (raw) => {
        const packet = decode(raw);
        if (packet.id !== request.id) return;
        clearTimeout(timer);
        resolve({ packet, signed: verifyResponse(packet, request, router.secret) });
      });
      socket.send(request.raw, kind === 'auth' ? server.authPort : server.acctPort, server.host);
    });
  } finally {
    socket.close();
  }
}
