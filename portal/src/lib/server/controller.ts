import { createHash } from 'node:crypto';
import { fasToken, parseFas, type FasClient } from './opennds.ts';

/**
 * The hotspot controller's variables that arrive with the redirect to the portal, and the
 * login the customer's browser must send back to the controller. Everything travels in the
 * URL and in form fields (captive mini-browsers drop cookies); nothing here calls the network.
 *
 * MikroTik: `mac, ip, link-login-only, link-orig, chap-id, chap-challenge` (+ `error` after a
 * failed login). CoovaChilli (UAM): `res, uamip, uamport, challenge, mac, ip, userurl, …`
 * (+ `reply`). openNDS FAS: `fas` (./opennds.ts). None of these: the generic mode, where the
 * customer types the code at the hotspot.
 */

/** Controller variables the portal keeps (hidden fields, links); anything else is dropped. */
export const CONTROLLER_FIELDS = [
  'mac',
  'ip',
  'link-login-only',
  'link-orig',
  'chap-id',
  'chap-challenge',
  'server-name',
  'res',
  'uamip',
  'uamport',
  'challenge',
  'called',
  'nasid',
  'sessionid',
  'userurl',
  'fas',
] as const;

export type ControllerVars = Partial<Record<(typeof CONTROLLER_FIELDS)[number], string>>;

type Source = { get(name: string): FormDataEntryValue | string | null };

/** The controller variables in a query string or a posted form (values capped at 2 KB). */
export function controllerVars(source: Source): ControllerVars {
  const vars: ControllerVars = {};
  for (const name of CONTROLLER_FIELDS) {
    const value = source.get(name);
    if (typeof value === 'string' && value !== '' && value.length <= 2048) vars[name] = value;
  }
  return vars;
}

/** The variables as query-string pairs, for links that must keep them. */
export function controllerQuery(vars: ControllerVars): [string, string][] {
  return Object.entries(vars).filter((entry): entry is [string, string] => !!entry[1]);
}

export type Controller =
  | { kind: 'mikrotik'; loginUrl: string; chap: { id: Buffer; challenge: Buffer } | null }
  | { kind: 'coova'; logonUrl: string; challenge: Buffer }
  | ({ kind: 'opennds' } & FasClient)
  | { kind: 'generic' };

/** MikroTik prints CHAP bytes as octal escapes (`\371`); anything else is not a CHAP value. */
export function decodeOctalEscapes(text: string): Buffer | null {
  if (!/^(?:\\[0-7]{3})+$/.test(text)) return null;
  return Buffer.from(
    text.match(/\\[0-7]{3}/g)!.map((escape) => parseInt(escape.slice(1), 8) & 0xff),
  );
}

/** Only a plain http(s) URL with a host can be a controller's login address. */
function loginAddress(value: string | undefined): string | null {
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || !url.hostname) return null;
  return url.href;
}

/** Which controller sent the customer, from its variables. */
export function detectController(vars: ControllerVars): Controller {
  const loginUrl = loginAddress(vars['link-login-only']);
  if (loginUrl) {
    const id = decodeOctalEscapes(vars['chap-id'] ?? '');
    const challenge = decodeOctalEscapes(vars['chap-challenge'] ?? '');
    const chap = id?.length === 1 && challenge && challenge.length >= 1 ? { id, challenge } : null;
    return { kind: 'mikrotik', loginUrl, chap };
  }
  const { uamip, uamport, challenge } = vars;
  if (
    uamip &&
    /^(?:\d{1,3}\.){3}\d{1,3}$/.test(uamip) &&
    /^\d{1,5}$/.test(uamport ?? '') &&
    Number(uamport) > 0 &&
    Number(uamport) < 65536 &&
    /^[0-9a-f]{32}$/i.test(challenge ?? '')
  ) {
    return {
      kind: 'coova',
      logonUrl: `http://${uamip}:${Number(uamport)}/logon`,
      challenge: Buffer.from(challenge!, 'hex'),
    };
  }
  const fas = parseFas(vars.fas);
  if (fas) return { kind: 'opennds', ...fas };
  return { kind: 'generic' };
}

const md5 = (...parts: Buffer[]) => createHash('md5').update(Buffer.concat(parts)).digest();

/** MikroTik http-chap: hex(MD5(chap-id ‖ password ‖ chap-challenge)), password as Latin-1. */
export function mikrotikChapResponse(id: Buffer, password: string, challenge: Buffer): string {
  return md5(id, Buffer.from(password, 'latin1'), challenge).toString('hex');
}

/** CoovaChilli's challenge for the login: MD5(challenge ‖ uamsecret), or itself without one. */
function coovaChallenge(challenge: Buffer, uamsecret: string | undefined): Buffer {
  return uamsecret ? md5(challenge, Buffer.from(uamsecret, 'latin1')) : challenge;
}

/** CoovaChilli CHAP: hex(MD5(0x00 ‖ password ‖ newchal)). */
export function coovaChapResponse(
  challenge: Buffer,
  password: string,
  uamsecret: string | undefined,
): string {
  return md5(
    Buffer.from([0]),
    Buffer.from(password, 'latin1'),
    coovaChallenge(challenge, uamsecret),
  ).toString('hex');
}

/** CoovaChilli PAP: hex(password XOR newchal repeated). */
export function coovaPapPassword(
  challenge: Buffer,
  password: string,
  uamsecret: string | undefined,
): string {
  const key = coovaChallenge(challenge, uamsecret);
  const plain = Buffer.from(password, 'latin1');
  return Buffer.from(plain.map((byte, i) => byte ^ key[i % key.length])).toString('hex');
}

/** What the browser sends to the controller: a form, posted (MikroTik) or fetched (Coova). */
export type ControllerLogin =
  | { method: 'post' | 'get'; action: string; fields: [string, string][] }
  | { method: 'link'; href: string }
  | { method: 'none' }
  // The login address is not one of this site's routers (./login-target.ts): no login.
  | { method: 'refused' };

/**
 * The login for a voucher code: user name and password are both the code (what FreeRADIUS
 * expects). MikroTik gets the CHAP response when the redirect carried a challenge, else the
 * plain password (http-pap); CoovaChilli its CHAP response; the generic mode nothing (the page
 * shows the code to type).
 */
export function controllerLogin(
  controller: Controller,
  code: string,
  vars: ControllerVars,
  options: { uamsecret?: string; faskey?: string; dst?: string } = {},
): ControllerLogin {
  switch (controller.kind) {
    case 'mikrotik': {
      const password = controller.chap
        ? mikrotikChapResponse(controller.chap.id, code, controller.chap.challenge)
        : code;
      const fields: [string, string][] = [
        ['username', code],
        ['password', password],
      ];
      const dst = options.dst ?? vars['link-orig'];
      if (dst) fields.push(['dst', dst]);
      fields.push(['popup', 'false']);
      return { method: 'post', action: controller.loginUrl, fields };
    }
    case 'coova': {
      const fields: [string, string][] = [
        ['username', code],
        ['response', coovaChapResponse(controller.challenge, code, options.uamsecret)],
      ];
      const userurl = options.dst ?? vars.userurl;
      if (userurl) fields.push(['userurl', userurl]);
      return { method: 'get', action: controller.logonUrl, fields };
    }
    case 'opennds': {
      // Without the gateway's faskey no tok can be right: show the code instead.
      if (!options.faskey) return { method: 'none' };
      const fields: [string, string][] = [['tok', fasToken(controller.hid, options.faskey)]];
      const redir = options.dst ?? controller.originUrl;
      if (redir) fields.push(['redir', redir]);
      return { method: 'get', action: controller.authUrl, fields };
    }
    default:
      return { method: 'none' };
  }
}

/** The device's MAC as the controller told it (MikroTik/CoovaChilli `mac`, openNDS `fas`). */
export function clientMac(vars: ControllerVars): string | null {
  return vars.mac ?? parseFas(vars.fas)?.mac ?? null;
}

/**
 * A MikroTik CHAP challenge is good for one page load: after a minute-long payment it may be
 * stale. Asking the router's login URL again (without credentials) makes the router send the
 * browser back to the portal through login.html with a fresh challenge, and the portal then
 * finds the paid payment by the device's MAC. Null when the login can go straight ahead.
 */
export function freshChallengeLogin(
  controller: Controller,
  vars: ControllerVars,
): ControllerLogin | null {
  if (controller.kind !== 'mikrotik' || !controller.chap) return null;
  const fields: [string, string][] = vars['link-orig'] ? [['dst', vars['link-orig']]] : [];
  return { method: 'get', action: controller.loginUrl, fields };
}

/**
 * Chromium stops every form sent from an https page to an http address (GET or POST, tapped or
 * submitted by script) at "The information you're about to submit is not secure", but follows a
 * plain link without a word (tests/e2e/portal-https.spec.ts). So an https portal sends the
 * browser to an http controller by link. For MikroTik CHAP the password in that link is
 * good for one login only; the code as user name is in the router's URL, on the hotspot's LAN.
 */
export function forPage(login: ControllerLogin, pageIsHttps: boolean): ControllerLogin {
  if (!pageIsHttps || (login.method !== 'post' && login.method !== 'get')) return login;
  const target = new URL(login.action);
  if (target.protocol !== 'http:') return login;
  for (const [name, value] of login.fields) target.searchParams.append(name, value);
  return { method: 'link', href: target.href };
}

/** Whether the browser sees the portal over https (directly, or behind a TLS proxy). */
export function isHttpsPage(url: URL, headers: Headers): boolean {
  return url.protocol === 'https:' || headers.get('x-forwarded-proto') === 'https';
}
