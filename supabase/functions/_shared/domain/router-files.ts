/**
 * Router files for a MikroTik hotspot: the `login.html` that forwards the customer to our
 * portal with the controller's variables, and a RouterOS v7 script that points the hotspot at
 * our FreeRADIUS (this router's secret, CoA port), sets the hotspot profile (RADIUS, accounting,
 * interim updates, CHAP/PAP/MAC login), lets the portal's host through the walled garden and,
 * optionally, brings up a WireGuard tunnel to the RADIUS server.
 *
 * Pure TypeScript shared by the apps and the Deno edge functions (no imports at all). Every
 * value that lands in the script is either checked against a strict pattern (addresses, ports,
 * durations) or written as a quoted RouterOS string with `\"`, `\\`, `\$`, `\?` and control
 * characters escaped, so a router name or secret cannot break out of its argument.
 */

/** A RouterOS double-quoted string literal for any text. */
export function routerOsString(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '"' || char === '\\' || char === '$' || char === '?') out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f)
      out += `\\${code.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (code > 0x7f) {
      // RouterOS strings are bytes: write UTF-8 as \HH escapes so the file stays ASCII.
      for (const byte of new TextEncoder().encode(char))
        out += `\\${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    } else out += char;
  }
  return `${out}"`;
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HOSTNAME =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const DURATION = /^\d{1,5}(?:ms|s|m|h|d)$/;

function ipv4(value: string, what: string): string {
  if (!IPV4.test(value)) throw new RangeError(`${what} must be an IPv4 address, got ${value}`);
  return value;
}

function cidr(value: string, what: string): string {
  const [address, bits, ...rest] = value.split('/');
  if (rest.length || !IPV4.test(address) || !/^\d{1,2}$/.test(bits ?? '') || Number(bits) > 32)
    throw new RangeError(`${what} must be an IPv4 address with a prefix length, got ${value}`);
  return value;
}

function port(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535)
    throw new RangeError(`${what} must be a port 1-65535, got ${value}`);
  return value;
}

function host(value: string, what: string): string {
  if (!IPV4.test(value) && !HOSTNAME.test(value))
    throw new RangeError(`${what} must be a host name or IPv4 address, got ${value}`);
  return value.toLowerCase();
}

/** The portal page a router forwards to: an absolute http(s) URL without credentials. */
export function portalLoginUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RangeError(`the portal URL is not a URL: ${value}`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password)
    throw new RangeError(`the portal URL must be http(s) without credentials: ${value}`);
  return url;
}

const SITE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A site's portal page as everything handed to a router or printed addresses it
 * (`<portal>/s/<site id>`): by the site's id, never its slug, which the owner may change and
 * another organization may later own (SECURITY.md, Slugs are cosmetic). `portal` is the portal's
 * base URL; anything but a uuid as the site is refused (RangeError).
 */
export function sitePortalUrl(portal: string, siteId: string): string {
  if (!SITE_ID.test(siteId)) throw new RangeError(`a site is addressed by its id: ${siteId}`);
  return `${portal.replace(/\/+$/, '')}/s/${siteId.toLowerCase()}`;
}

function escapeHtmlAttribute(value: string): string {
  // `$(` would be taken for a RouterOS servlet variable: never let one through from our side.
  return value
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\$/g, '&#36;');
}

/** Controller variables login.html passes on; `error` only after a failed login. */
const FORWARDED = [
  'mac',
  'ip',
  'link-login-only',
  'link-orig',
  'chap-id',
  'chap-challenge',
  'server-name',
] as const;

/**
 * The hotspot's `login.html`: a form (GET, so the variables stay in the portal's URL where the
 * portal keeps them) to the site's portal page, submitted at once by a one-line script, with a
 * Continue button for browsers without JavaScript. MikroTik shows it for every login, including
 * after a failed one (`$(error)`), with a fresh CHAP challenge each time.
 */
export function mikrotikLoginHtml(portalUrl: string): string {
  const action = escapeHtmlAttribute(portalLoginUrl(portalUrl).href);
  const fields = FORWARDED.map(
    (name) => `<input type="hidden" name="${name}" value="$(${name})">`,
  ).join('\n');
  return `<!doctype html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="cache-control" content="no-cache">
<title>WiFi login</title>
</head>
<body>
<form name="portal" action="${action}" method="get">
${fields}
$(if error)<input type="hidden" name="error" value="$(error)">$(endif)
<button type="submit">Continue</button>
</form>
<script>document.forms.portal.submit()</script>
</body>
</html>
`;
}

export type RouterScriptInput = {
  /** The router's name in the admin app (comments only). */
  routerName: string;
  /** The portal page of the router's site by its id (sitePortalUrl), e.g. https://wifi.example.net/s/<site id>. */
  portalUrl: string;
  radius: {
    /** FreeRADIUS as the router reaches it (its WireGuard address when tunnelled). */
    address: string;
    /** This router's RADIUS secret. */
    secret: string;
    authPort?: number;
    accountingPort?: number;
  };
  /** `routers.coa_port`: where the router listens for Disconnect-Requests (RouterOS: 1700). */
  coaPort: number;
  /** Hotspot profile to create/update (default `wifi-billing`). */
  profile?: string;
  /** The hotspot's HTML directory that receives login.html (default `hotspot`). */
  htmlDirectory?: string;
  /** `radius-interim-update` (default 5m). */
  interimUpdate?: string;
  /**
   * Also let devices that already used a voucher log in by their MAC (`login-by=mac`). Off
   * unless the operator ticks it: MACs can be copied by anyone on the hotspot's Wi-Fi
   * (radius/README.md, "MAC login").
   */
  macLogin?: boolean;
  /** Further hosts the login pages need before login (the portal's own host is always in). */
  walledGarden?: string[];
  /** A WireGuard tunnel to the RADIUS server (routers behind NAT). */
  wireguard?: {
    /** The server's public key. */
    serverPublicKey: string;
    /** The server's public address and WireGuard port. */
    endpoint: string;
    endpointPort?: number;
    /** This router's tunnel address with prefix, e.g. 10.44.1.23/16 (its registered nas_ip). */
    routerAddress: string;
  };
};

const COMMENT = 'wifi-billing';

/**
 * The RouterOS v7 script (a `.rsc` to paste into the terminal or `/import`). Re-running it
 * replaces what an earlier run added (everything it adds carries the comment `wifi-billing`).
 */
export function mikrotikSetupScript(input: RouterScriptInput): string {
  const portal = portalLoginUrl(input.portalUrl);
  const radiusAddress = ipv4(input.radius.address, 'the RADIUS address');
  const authPort = port(input.radius.authPort ?? 1812, 'the RADIUS authentication port');
  const accountingPort = port(input.radius.accountingPort ?? 1813, 'the RADIUS accounting port');
  const coaPort = port(input.coaPort, 'the CoA port');
  if (input.radius.secret.length < 1 || input.radius.secret.length > 253)
    throw new RangeError('the RADIUS secret must be 1-253 characters');
  const interim = input.interimUpdate ?? '5m';
  if (!DURATION.test(interim)) throw new RangeError(`bad interim update period: ${interim}`);
  const profile = input.profile ?? 'wifi-billing';
  const htmlDirectory = input.htmlDirectory ?? 'hotspot';
  const loginBy = ['http-chap', 'http-pap', ...(input.macLogin ? ['mac'] : [])].join(',');
  const comment = routerOsString(COMMENT);
  const loginHtmlUrl = new URL('mikrotik/login.html', `${portal.href.replace(/\/*$/, '')}/`);

  const lines = [
    `# WiFi Billing: hotspot set-up for router ${routerOsString(input.routerName)} (RouterOS 7)`,
    '# Paste into the terminal or upload and run: /import file-name=wifi-billing.rsc',
    "# The RADIUS secret below is this router's own: keep this file private.",
    '',
  ];

  let srcAddress = '';
  if (input.wireguard) {
    const wg = input.wireguard;
    const routerCidr = cidr(wg.routerAddress, 'the router tunnel address');
    const endpoint = host(wg.endpoint, 'the WireGuard endpoint');
    const endpointPort = port(wg.endpointPort ?? 51820, 'the WireGuard endpoint port');
    if (!/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/.test(wg.serverPublicKey))
      throw new RangeError('the WireGuard server public key must be 32 bytes of base64');
    srcAddress = routerCidr.split('/')[0];
    lines.push(
      '# WireGuard tunnel to the RADIUS server (the router makes its own key pair).',
      `/ip address remove [find comment=${comment}]`,
      `/interface wireguard peers remove [find comment=${comment}]`,
      `:if ([:len [/interface wireguard find name="wg-billing"]] = 0) do={ /interface wireguard add name=wg-billing listen-port=13231 comment=${comment} }`,
      `/interface wireguard peers add interface=wg-billing public-key=${routerOsString(wg.serverPublicKey)} endpoint-address=${endpoint} endpoint-port=${endpointPort} allowed-address=${radiusAddress}/32 persistent-keepalive=25s comment=${comment}`,
      `/ip address add address=${routerCidr} interface=wg-billing comment=${comment}`,
      "# Register this public key with the RADIUS server's WireGuard peer list:",
      ':put [/interface wireguard get [find name="wg-billing"] public-key]',
      '',
    );
  }

  lines.push(
    '# RADIUS: our FreeRADIUS answers this router only with its own secret.',
    `/radius remove [find comment=${comment}]`,
    `/radius add service=hotspot address=${radiusAddress} secret=${routerOsString(input.radius.secret)} authentication-port=${authPort} accounting-port=${accountingPort} timeout=1100ms require-message-auth=yes-for-request-resp${srcAddress ? ` src-address=${srcAddress}` : ''} comment=${comment}`,
    '# Disconnect-Requests from the server (routers.coa_port).',
    `/radius incoming set accept=yes port=${coaPort}`,
    '',
    '# Hotspot profile: RADIUS with accounting and interim updates, CHAP/PAP (and MAC) login.',
    `:if ([:len [/ip hotspot profile find name=${routerOsString(profile)}]] = 0) do={ /ip hotspot profile add name=${routerOsString(profile)} }`,
    `/ip hotspot profile set [find name=${routerOsString(profile)}] html-directory=${routerOsString(htmlDirectory)} use-radius=yes radius-accounting=yes radius-interim-update=${interim} login-by=${loginBy} nas-port-type=wireless-802.11`,
    `/ip hotspot set [find] profile=${routerOsString(profile)}`,
    '',
    '# Walled garden: the portal only (the browser never talks to anything else before login).',
    `/ip hotspot walled-garden remove [find comment=${comment}]`,
    `/ip hotspot walled-garden ip remove [find comment=${comment}]`,
  );
  for (const entry of [portal.hostname, ...(input.walledGarden ?? [])]) {
    const name = host(entry, 'a walled-garden host');
    lines.push(
      IPV4.test(name)
        ? `/ip hotspot walled-garden ip add action=accept dst-address=${name} comment=${comment}`
        : `/ip hotspot walled-garden add action=allow dst-host=${routerOsString(name)} comment=${comment}`,
    );
  }
  lines.push(
    '',
    '# login.html: forwards every login to the portal with the hotspot variables.',
    `/tool fetch url=${routerOsString(loginHtmlUrl.href)} dst-path=${routerOsString(`${htmlDirectory}/login.html`)}`,
    '',
  );
  return lines.join('\n');
}
