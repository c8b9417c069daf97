// A MikroTik-like hotspot for tests and the local demo. It plays the router between a browser
// and our portal and FreeRADIUS, as RouterOS's HotSpot does with our generated login.html:
//
// - an unauthenticated browser asking for any page is sent to the portal with real-shaped
//   variables (mac, ip, link-login-only, link-orig, chap-id and a fresh octal-escaped
//   chap-challenge per page load, server-name);
// - `POST /login` (username, password, dst) sends a real Access-Request to FreeRADIUS from the
//   router's registered address: CHAP with the challenge of the client's latest page load (an
//   older one fails, as on a router, and each challenge is used once) or PAP, always with a
//   Message-Authenticator, and insists on a signed answer;
// - Access-Accept → Accounting-Start, Interim-Updates, Session-Timeout honoured (Stop), a
//   "connected" page; Access-Reject → back to the portal with `error` = the Reply-Message
//   (what flogin.html forwarding `$(error)` does);
// - Disconnect-Requests (RFC 5176) on its CoA port end the session (ACK) or NAK 503.
//
// The browser's device identity (its MAC on the Wi-Fi) is a cookie here: a browser context is
// one device. Sessions live in memory.
import { randomBytes, randomInt } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  ACCT_STATUS,
  ATTR,
  CODE,
  decode,
  encodeRequest,
  encodeResponse,
  integer,
  ipv4,
  text,
  verifyRequest,
  verifyResponse,
  type Attribute,
  type Packet,
} from '../../radius/packet.ts';

const ATTR_CHAP_PASSWORD = 3;
const ATTR_NAS_PORT_TYPE = 61;
const ATTR_CHAP_CHALLENGE = 60;
const ATTR_ACCT_INTERIM_INTERVAL = 85;
const ERROR_CAUSE_SESSION_NOT_FOUND = 503;

export type HotspotSimOptions = {
  /** Where the browser is sent to log in, e.g. http://127.0.0.1:5173/s/demo. */
  portalUrl: string;
  radius: { host: string; authPort: number; acctPort: number };
  /** The router as registered in the database: packets leave from nasIp, signed with secret. */
  router: { nasIp: string; secret: string };
  port?: number;
  /** Login methods allowed, as `/ip hotspot profile login-by` (default both). */
  loginBy?: ('http-chap' | 'http-pap')[];
  /** Interim-Update period; default the Access-Accept's Acct-Interim-Interval. */
  interimMs?: number;
  /** Listen for Disconnect-Requests on this port at router.nasIp (0 = any free port). */
  coaPort?: number;
  serverName?: string;
  identity?: string;
  /**
   * The host name browsers use for the router (default 127.0.0.1), e.g. one mapped to loopback
   * by Chromium's --host-resolver-rules: Chromium trusts 127.0.0.1 like https, a router not.
   */
  host?: string;
  /**
   * A hotspot `login.html` in RouterOS servlet syntax (`$(name)`, `$(if name)…$(else)…$(endif)`),
   * e.g. the one domain/router-files.ts generates: shown instead of a plain redirect.
   */
  loginPage?: string;
  log?: (line: string) => void;
};

export type SimSession = {
  user: string;
  sessionId: string;
  mac: string;
  ip: string;
  startedAt: number;
  sessionTimeout?: number;
  interims: number;
  stopped?: string;
};

type Client = {
  mac: string;
  ip: string;
  chap?: { id: Buffer; challenge: Buffer };
  session?: SimSession;
  timers: NodeJS.Timeout[];
};

export type HotspotSim = {
  url: string;
  loginUrl: string;
  coaPort?: number;
  /** Every session so far, stopped ones included, newest last. */
  sessions: SimSession[];
  stop: () => Promise<void>;
};

/** RouterOS's servlet substitution, as much as login pages use. */
export function renderServlet(template: string, vars: Record<string, string>): string {
  return template
    .replace(
      /\$\(if ([a-z-]+)\)([\s\S]*?)(?:\$\(else\)([\s\S]*?))?\$\(endif\)/g,
      (_, name: string, yes: string, no = '') => (vars[name] ? yes : no),
    )
    .replace(/\$\(([a-z-]+)\)/g, (_, name: string) => escapeHtml(vars[name] ?? ''));
}

/** `\ooo` for every byte, as RouterOS prints `$(chap-id)` and `$(chap-challenge)`. */
export function octalEscape(bytes: Buffer): string {
  return [...bytes].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('');
}

function randomMac(): string {
  return [...randomBytes(6)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 16_384) break;
  }
  return new URLSearchParams(body);
}

function attrText(packet: Packet, type: number): string | undefined {
  return packet.attributes.find(([t]) => t === type)?.[1].toString('utf8');
}

function attrInt(packet: Packet, type: number): number | undefined {
  const value = packet.attributes.find(([t]) => t === type)?.[1];
  return value && value.length === 4 ? value.readUInt32BE(0) : undefined;
}

export async function startHotspotSim(options: HotspotSimOptions): Promise<HotspotSim> {
  const log = options.log ?? (() => {});
  const loginBy = options.loginBy ?? ['http-chap', 'http-pap'];
  const serverName = options.serverName ?? 'hotspot1';
  const identity = options.identity ?? 'sim-router';
  const clients = new Map<string, Client>();
  const sessions: SimSession[] = [];
  let packetId = randomInt(256);

  // One UDP socket at the router's address for Access- and Accounting-Requests.
  const radiusSocket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    radiusSocket.once('error', reject);
    radiusSocket.bind(0, options.router.nasIp, () => resolve());
  });
  const pending = new Map<number, (packet: Packet) => void>();
  radiusSocket.on('message', (raw) => {
    try {
      const packet = decode(raw);
      pending.get(packet.id)?.(packet);
    } catch {
      // not RADIUS: ignore
    }
  });

  /** Sends a request (3 tries, 1 s apart) and returns the correctly signed answer, or null. */
  async function request(code: number, attributes: Attribute[], password?: string) {
    packetId = (packetId + 1) % 256;
    const packet = encodeRequest(code, packetId, attributes, options.router.secret, { password });
    const port = code === CODE.accessRequest ? options.radius.authPort : options.radius.acctPort;
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        const reply = await new Promise<Packet | null>((resolve) => {
          const timer = setTimeout(() => resolve(null), 1000);
          pending.set(packet.id, (answer) => {
            if (!verifyResponse(answer, packet, options.router.secret)) return;
            // require-message-auth=yes-for-request-resp: unsigned Access-* answers are dropped.
            const signed = answer.attributes.some(([t]) => t === ATTR.messageAuthenticator);
            if (code === CODE.accessRequest && !signed) return;
            clearTimeout(timer);
            resolve(answer);
          });
          radiusSocket.send(packet.raw, port, options.radius.host);
        });
        if (reply) return reply;
      }
      return null;
    } finally {
      pending.delete(packet.id);
    }
  }

  function sessionAttributes(s: SimSession): Attribute[] {
    return [
      text(ATTR.userName, s.user),
      text(ATTR.acctSessionId, s.sessionId),
      text(ATTR.callingStationId, s.mac),
      text(ATTR.calledStationId, serverName),
      text(ATTR.nasIdentifier, identity),
      text(ATTR.nasPortId, 'bridge-hotspot'),
      ipv4(ATTR.nasIpAddress, options.router.nasIp),
      ipv4(ATTR.framedIpAddress, s.ip),
    ];
  }

  function accounting(s: SimSession, status: number, cause?: number) {
    const seconds = Math.floor((Date.now() - s.startedAt) / 1000);
    const attributes = [integer(ATTR.acctStatusType, status), ...sessionAttributes(s)];
    if (status !== ACCT_STATUS.start) {
      // Pretend traffic: 1 kB up and 10 kB down per second online.
      attributes.push(
        integer(ATTR.acctSessionTime, seconds),
        integer(ATTR.acctInputOctets, seconds * 1000),
        integer(ATTR.acctOutputOctets, seconds * 10_000),
      );
    }
    if (cause !== undefined) attributes.push(integer(ATTR.acctTerminateCause, cause));
    return request(CODE.accountingRequest, attributes);
  }

  /** Ends a client's session: Accounting-Stop with the RFC 2866 cause. */
  async function endSession(
    client: Client,
    cause: 'User-Request' | 'Session-Timeout' | 'Admin-Reset',
  ) {
    const s = client.session;
    if (!s) return;
    for (const timer of client.timers.splice(0)) clearTimeout(timer);
    client.session = undefined;
    s.stopped = cause;
    const code = { 'User-Request': 1, 'Session-Timeout': 5, 'Admin-Reset': 6 }[cause];
    log(`${s.mac} ${s.user}: session ${s.sessionId} stopped (${cause})`);
    await accounting(s, ACCT_STATUS.stop, code);
  }

  function clientOf(req: IncomingMessage, res: ServerResponse): Client {
    const mac = /(?:^|;\s*)hs-mac=([0-9A-F:]{17})/.exec(req.headers.cookie ?? '')?.[1];
    let client = mac ? clients.get(mac) : undefined;
    if (!client) {
      client = { mac: mac ?? randomMac(), ip: `10.5.50.${randomInt(2, 254)}`, timers: [] };
      clients.set(client.mac, client);
      res.setHeader('set-cookie', `hs-mac=${client.mac}; Path=/; HttpOnly; SameSite=Lax`);
    }
    return client;
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      log(`error: ${error.stack ?? error.message}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('hotspot simulator error');
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://${options.host ?? '127.0.0.1'}:${typeof address === 'object' && address ? address.port : 0}`;
  const loginUrl = `${url}/login`;

  /** login.html forwarding to the portal: a fresh challenge every time it is shown. */
  function sendToPortal(res: ServerResponse, client: Client, orig: string, error?: string) {
    client.chap = { id: randomBytes(1), challenge: randomBytes(16) };
    const target = new URL(options.portalUrl);
    const vars: Record<string, string> = {
      mac: client.mac,
      ip: client.ip,
      'link-login-only': loginUrl,
      'link-orig': orig,
      'server-name': serverName,
    };
    if (loginBy.includes('http-chap')) {
      vars['chap-id'] = octalEscape(client.chap.id);
      vars['chap-challenge'] = octalEscape(client.chap.challenge);
    }
    if (error) vars.error = error;
    if (options.loginPage) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      });
      res.end(renderServlet(options.loginPage, vars));
      return;
    }
    for (const [name, value] of Object.entries(vars)) target.searchParams.set(name, value);
    res.writeHead(302, { location: target.href, 'cache-control': 'no-store' });
    res.end();
  }

  function connectedPage(res: ServerResponse, s: SimSession, dst: string | null) {
    const left =
      s.sessionTimeout === undefined
        ? 'no limit'
        : `${Math.max(0, s.sessionTimeout - Math.floor((Date.now() - s.startedAt) / 1000))} s`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(
      page(
        'Connected',
        `<h1>You are connected</h1><p>User: <b id="user">${escapeHtml(s.user)}</b></p>` +
          `<p>Device: ${escapeHtml(s.mac)} (${escapeHtml(s.ip)})</p><p>Session time left: <span id="left">${left}</span></p>` +
          (dst ? `<p><a href="${escapeHtml(dst)}">Continue</a></p>` : '') +
          `<p><a href="/logout">Log out</a></p>`,
      ),
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const requested = new URL(req.url ?? '/', url);
    const client = clientOf(req, res);

    if (requested.pathname === '/_sim/sessions') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(sessions));
      return;
    }
    if (requested.pathname === '/logout') {
      await endSession(client, 'User-Request');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page('Logged out', '<h1>You are logged out</h1>'));
      return;
    }
    // RouterOS also takes the login fields in the query of a GET (what a link can carry).
    if (requested.pathname === '/login' && req.method === 'POST') {
      await login(client, await readForm(req), res);
      return;
    }
    if (requested.pathname === '/login' && requested.searchParams.has('username')) {
      await login(client, requested.searchParams, res);
      return;
    }
    if (client.session) {
      connectedPage(res, client.session, requested.searchParams.get('dst'));
      return;
    }
    // Only a page load gets a login page (and a new challenge): not the favicon, images, etc.
    const dest = req.headers['sec-fetch-dest'];
    if (dest && dest !== 'document' && dest !== 'iframe') {
      res.writeHead(404, { 'cache-control': 'no-store' });
      res.end();
      return;
    }
    const orig =
      requested.pathname === '/login' ? (requested.searchParams.get('dst') ?? '') : requested.href;
    sendToPortal(res, client, orig);
  }

  async function login(client: Client, form: URLSearchParams, res: ServerResponse) {
    const user = form.get('username') ?? '';
    const password = form.get('password') ?? '';
    const dst = form.get('dst') || null;
    const fail = (error: string) => {
      log(`${client.mac} ${user}: refused (${error})`);
      sendToPortal(res, client, dst ?? '', error);
    };
    if (client.session) await endSession(client, 'User-Request');

    // The challenge is the one of this client's latest login page, and it is used once.
    const chap = client.chap;
    client.chap = undefined;
    const attributes: Attribute[] = [
      text(ATTR.userName, user),
      text(ATTR.callingStationId, client.mac),
      text(ATTR.calledStationId, serverName),
      text(ATTR.nasIdentifier, identity),
      text(ATTR.nasPortId, 'bridge-hotspot'),
      integer(ATTR_NAS_PORT_TYPE, 19),
      ipv4(ATTR.nasIpAddress, options.router.nasIp),
      ipv4(ATTR.framedIpAddress, client.ip),
    ];
    let pap: string | undefined;
    if (loginBy.includes('http-chap') && /^[0-9a-f]{32}$/.test(password)) {
      const { id, challenge } = chap ?? { id: randomBytes(1), challenge: randomBytes(16) };
      attributes.push(
        [ATTR_CHAP_PASSWORD, Buffer.concat([id, Buffer.from(password, 'hex')])],
        [ATTR_CHAP_CHALLENGE, challenge],
      );
    } else if (loginBy.includes('http-pap')) {
      pap = password;
    } else {
      fail('invalid username or password');
      return;
    }
    const reply = await request(CODE.accessRequest, attributes, pap);
    if (!reply) {
      fail('RADIUS server is not responding');
      return;
    }
    if (reply.code !== CODE.accessAccept) {
      fail(attrText(reply, ATTR.replyMessage) || 'invalid username or password');
      return;
    }

    const s: SimSession = {
      user,
      sessionId: randomBytes(4).toString('hex'),
      mac: client.mac,
      ip: client.ip,
      startedAt: Date.now(),
      sessionTimeout: attrInt(reply, ATTR.sessionTimeout),
      interims: 0,
    };
    client.session = s;
    sessions.push(s);
    log(`${client.mac} ${user}: logged in, session ${s.sessionId}`);
    await accounting(s, ACCT_STATUS.start);
    const interim = options.interimMs ?? (attrInt(reply, ATTR_ACCT_INTERIM_INTERVAL) ?? 300) * 1000;
    const tick = () => {
      const timer = setTimeout(() => {
        if (client.session !== s) return;
        s.interims += 1;
        void accounting(s, ACCT_STATUS.interimUpdate).then(tick);
      }, interim);
      client.timers.push(timer);
    };
    tick();
    if (s.sessionTimeout !== undefined) {
      client.timers.push(
        setTimeout(() => void endSession(client, 'Session-Timeout'), s.sessionTimeout * 1000),
      );
    }
    res.writeHead(303, {
      location: `/status${dst ? `?dst=${encodeURIComponent(dst)}` : ''}`,
      'cache-control': 'no-store',
    });
    res.end();
  }

  // `/radius incoming`: Disconnect-Requests from the server.
  let coa: Socket | undefined;
  let coaPort: number | undefined;
  if (options.coaPort !== undefined) {
    const socket = createSocket('udp4');
    coa = socket;
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.coaPort, options.router.nasIp, () => resolve());
    });
    coaPort = socket.address().port;
    socket.on('message', (raw, from) => {
      let packet: Packet;
      try {
        packet = decode(raw);
      } catch {
        return;
      }
      if (packet.code !== CODE.disconnectRequest || !verifyRequest(packet, options.router.secret))
        return;
      const sessionId = attrText(packet, ATTR.acctSessionId);
      const mac = attrText(packet, ATTR.callingStationId);
      const user = attrText(packet, ATTR.userName);
      const client = [...clients.values()].find(
        (c) =>
          c.session &&
          (!sessionId || c.session.sessionId === sessionId) &&
          (!user || c.session.user === user) &&
          (!mac || c.session.mac.toLowerCase() === mac.toLowerCase()),
      );
      const answer = client
        ? encodeResponse(CODE.disconnectAck, packet, [], options.router.secret, {
            messageAuthenticator: true,
          })
        : encodeResponse(
            CODE.disconnectNak,
            packet,
            [integer(ATTR.errorCause, ERROR_CAUSE_SESSION_NOT_FOUND)],
            options.router.secret,
            { messageAuthenticator: true },
          );
      socket.send(answer, from.port, from.address);
      if (client) void endSession(client, 'Admin-Reset');
    });
  }

  return {
    url,
    loginUrl,
    coaPort,
    sessions,
    stop: async () => {
      for (const client of clients.values()) for (const timer of client.timers) clearTimeout(timer);
      radiusSocket.close();
      coa?.close();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
