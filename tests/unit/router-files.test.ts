import { describe, expect, it } from 'vitest';
import {
  mikrotikLoginHtml,
  mikrotikSetupScript,
  routerOsString,
  sitePortalUrl,
  type RouterScriptInput,
} from '../../supabase/functions/_shared/domain/router-files.ts';

// ---------------------------------------------------------------------------------------------
// A small RouterOS tokenizer: enough of the console syntax to prove every generated line is
// well formed — quoted strings with only valid escapes and no unescaped `$` (variable
// substitution) or `?` (help), bare words without quotes/escapes/variables, balanced brackets.
// ---------------------------------------------------------------------------------------------

type Token =
  | { kind: 'word'; value: string; spaceBefore: boolean }
  | { kind: 'string'; value: string; spaceBefore: boolean }
  | { kind: 'punct'; value: string; spaceBefore: boolean };

const SIMPLE_ESCAPES: Record<string, number> = {
  '"': 0x22,
  '\\': 0x5c,
  $: 0x24,
  '?': 0x3f,
  _: 0x20,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  v: 0x0b,
};

function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  const stack: string[] = [];
  const pairs: Record<string, string> = { ']': '[', '}': '{', ')': '(' };
  let i = 0;
  let spaceBefore = true;
  if (/^\s*#/.test(line)) return [];
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t') {
      spaceBefore = true;
      i++;
      continue;
    }
    if (c === '"') {
      const bytes: number[] = [];
      i++;
      for (;;) {
        if (i >= line.length) throw new Error(`unterminated string in: ${line}`);
        const d = line[i];
        const code = d.charCodeAt(0);
        if (code < 0x20 || code > 0x7e) throw new Error(`raw byte ${code} inside a string`);
        if (d === '"') {
          i++;
          break;
        }
        if (d === '$') throw new Error(`unescaped $ (variable) inside a string: ${line}`);
        if (d === '?') throw new Error(`unescaped ? inside a string: ${line}`);
        if (d === '\\') {
          const next = line[i + 1] ?? '';
          if (next in SIMPLE_ESCAPES) {
            bytes.push(SIMPLE_ESCAPES[next]);
            i += 2;
          } else if (/^[0-9A-F]{2}$/.test(line.slice(i + 1, i + 3))) {
            bytes.push(parseInt(line.slice(i + 1, i + 3), 16));
            i += 3;
          } else throw new Error(`bad escape \\${next} in: ${line}`);
          continue;
        }
        bytes.push(code);
        i++;
      }
      tokens.push({
        kind: 'string',
        value: new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes)),
        spaceBefore,
      });
      spaceBefore = false;
      continue;
    }
    if ('[]{}();'.includes(c)) {
      if ('[{('.includes(c)) stack.push(c);
      else if (c in pairs && stack.pop() !== pairs[c]) throw new Error(`unbalanced ${c}: ${line}`);
      tokens.push({ kind: 'punct', value: c, spaceBefore });
      spaceBefore = c !== ';';
      i++;
      continue;
    }
    let word = '';
    while (i < line.length && !' \t"[]{}();'.includes(line[i])) word += line[i++];
    if (/[\\$?]/.test(word)) throw new Error(`escape, variable or ? in a bare word: ${word}`);
    if (/[^\x21-\x7e]/.test(word)) throw new Error(`non-printable in a bare word: ${word}`);
    tokens.push({ kind: 'word', value: word, spaceBefore });
    spaceBefore = false;
  }
  if (stack.length) throw new Error(`unclosed ${stack.join('')}: ${line}`);
  return tokens;
}

/** `name=value` arguments of a line (value decoded), command words before them. */
function parseCommand(line: string): { words: string[]; args: Map<string, string> } {
  const tokens = tokenize(line);
  const words: string[] = [];
  const args = new Map<string, string>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind !== 'word') continue;
    const eq = token.value.indexOf('=');
    if (eq < 0) {
      words.push(token.value);
      continue;
    }
    const name = token.value.slice(0, eq);
    const bare = token.value.slice(eq + 1);
    const next = tokens[i + 1];
    if (bare === '' && next?.kind === 'string' && !next.spaceBefore) {
      args.set(name, next.value);
      i++;
    } else {
      args.set(name, bare);
    }
  }
  return { words, args };
}

function commandLines(script: string) {
  return script
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => ({ line, ...parseCommand(line) }));
}

function findLine(script: string, prefix: string) {
  const found = commandLines(script).filter(({ line }) => line.startsWith(prefix));
  expect(found, `one line starting with ${prefix}`).toHaveLength(1);
  return found[0];
}

// ---------------------------------------------------------------------------------------------

const nasty = 'Sec"ret\\ $(x) ?help\n/system reset-configuration\t; ☕ café\u0001';

const base: RouterScriptInput = {
  routerName: 'Café "Westlands" $router\n/system reset-configuration',
  portalUrl: 'https://wifi.example.net/s/cafe-westlands',
  radius: { address: '10.44.0.1', secret: 'c0ffee0123456789abcdef0123456789' },
  coaPort: 1700,
};

describe('RouterOS string literals', () => {
  it.each([
    'plain',
    '',
    'with space',
    nasty,
    'emoji 😀 and ü',
    '$$$???"""\\\\\\',
    '\r\n\t\u0000\u007f',
  ])('%j round-trips through the tokenizer', (value) => {
    const tokens = tokenize(`:put ${routerOsString(value)}`);
    expect(tokens).toHaveLength(2);
    expect(tokens[1]).toMatchObject({ kind: 'string', value });
  });

  it('the tokenizer itself refuses what RouterOS would misread', () => {
    expect(() => tokenize(':put "a$b"')).toThrow(/variable/);
    expect(() => tokenize(':put "a\\qb"')).toThrow(/bad escape/);
    expect(() => tokenize(':put "abc')).toThrow(/unterminated/);
    expect(() => tokenize('/radius add secret=a$b')).toThrow(/bare word/);
    expect(() => tokenize(':if ([:len [find]] = 0) do={ :put 1 ')).toThrow(/unclosed/);
  });
});

describe('the RouterOS setup script', () => {
  const script = mikrotikSetupScript({ ...base, radius: { ...base.radius, secret: nasty } });

  it('parses line by line and no value escapes its argument', () => {
    const lines = commandLines(script);
    expect(lines.length).toBeGreaterThan(8);
    for (const { line } of lines) expect(line).toMatch(/^[/:]/);
    expect(script).not.toMatch(/^\/system reset/m);
    expect(script).toMatch(/^[\x20-\x7e\n]*$/);
  });

  it('points hotspot RADIUS at our server with this router’s secret and requires signatures', () => {
    const { args } = findLine(script, '/radius add');
    expect(Object.fromEntries(args)).toMatchObject({
      service: 'hotspot',
      address: '10.44.0.1',
      secret: nasty,
      'authentication-port': '1812',
      'accounting-port': '1813',
      'require-message-auth': 'yes-for-request-resp',
    });
    expect(findLine(script, '/radius remove').line).toContain('[find comment="wifi-billing"]');
  });

  it('listens for Disconnect-Requests on the router’s CoA port', () => {
    const { args } = findLine(script, '/radius incoming set');
    expect(Object.fromEntries(args)).toEqual({ accept: 'yes', port: '1700' });
    const other = mikrotikSetupScript({ ...base, coaPort: 3799 });
    expect(findLine(other, '/radius incoming set').args.get('port')).toBe('3799');
  });

  it('sets the hotspot profile: RADIUS, accounting, interim updates, CHAP/PAP login', () => {
    const { args } = findLine(script, '/ip hotspot profile set');
    expect(Object.fromEntries(args)).toMatchObject({
      'use-radius': 'yes',
      'radius-accounting': 'yes',
      'radius-interim-update': '5m',
      'login-by': 'http-chap,http-pap',
      'html-directory': 'hotspot',
    });
    expect(findLine(script, ':if ([:len [/ip hotspot profile find').line).toContain(
      '/ip hotspot profile add name="wifi-billing"',
    );
    expect(findLine(script, '/ip hotspot set').args.get('profile')).toBe('wifi-billing');
    // MAC login only when the operator ticks it (MACs can be copied on the hotspot's Wi-Fi).
    const withMac = mikrotikSetupScript({ ...base, macLogin: true, interimUpdate: '1m' });
    expect(findLine(withMac, '/ip hotspot profile set').args.get('login-by')).toBe(
      'http-chap,http-pap,mac',
    );
    expect(findLine(withMac, '/ip hotspot profile set').args.get('radius-interim-update')).toBe(
      '1m',
    );
  });

  it('lets only the portal host (and given extras) through the walled garden', () => {
    const garden = commandLines(script).filter(({ line }) =>
      line.startsWith('/ip hotspot walled-garden add'),
    );
    expect(garden.map(({ args }) => args.get('dst-host'))).toEqual(['wifi.example.net']);
    const withIp = mikrotikSetupScript({
      ...base,
      portalUrl: 'http://192.0.2.10:5173/s/demo',
      walledGarden: ['cdn.example.org'],
    });
    expect(findLine(withIp, '/ip hotspot walled-garden ip add').args.get('dst-address')).toBe(
      '192.0.2.10',
    );
    expect(findLine(withIp, '/ip hotspot walled-garden add').args.get('dst-host')).toBe(
      'cdn.example.org',
    );
  });

  it('fetches login.html from the portal into the hotspot directory', () => {
    const { args } = findLine(script, '/tool fetch');
    expect(args.get('url')).toBe('https://wifi.example.net/s/cafe-westlands/mikrotik/login.html');
    expect(args.get('dst-path')).toBe('hotspot/login.html');
  });

  it('has no WireGuard unless asked, and a complete tunnel when asked', () => {
    expect(script).not.toContain('wireguard');
    const key = 'hNsdXbC2d5cfG0yW4t2Hn5SmKzbwyFEsSWhYnh0HuUg=';
    const tunnelled = mikrotikSetupScript({
      ...base,
      wireguard: {
        serverPublicKey: key,
        endpoint: 'radius.example.net',
        routerAddress: '10.44.1.23/16',
      },
    });
    expect(
      Object.fromEntries(findLine(tunnelled, '/interface wireguard peers add').args),
    ).toMatchObject({
      interface: 'wg-billing',
      'public-key': key,
      'endpoint-address': 'radius.example.net',
      'endpoint-port': '51820',
      'allowed-address': '10.44.0.1/32',
      'persistent-keepalive': '25s',
    });
    expect(findLine(tunnelled, '/ip address add').args.get('address')).toBe('10.44.1.23/16');
    expect(findLine(tunnelled, '/radius add').args.get('src-address')).toBe('10.44.1.23');
    expect(findLine(tunnelled, ':if ([:len [/interface wireguard find').line).toContain(
      '/interface wireguard add name=wg-billing',
    );
    expect(() =>
      mikrotikSetupScript({
        ...base,
        wireguard: {
          serverPublicKey: 'x" ; /system reset',
          endpoint: 'a.b',
          routerAddress: '10.44.1.23/16',
        },
      }),
    ).toThrow(RangeError);
  });

  it('refuses values that are not what they claim to be', () => {
    const bad: Partial<RouterScriptInput>[] = [
      { radius: { address: '10.0.0.1; /system reset', secret: 's' } },
      { radius: { address: '10.0.0.1', secret: '' } },
      { coaPort: 0 },
      { coaPort: 70000 },
      { interimUpdate: '5m;/system reset' },
      { portalUrl: 'javascript:alert(1)' },
      { portalUrl: 'https://user:pw@portal.example/s/x' },
      { walledGarden: ['evil host'] },
    ];
    for (const override of bad) {
      expect(() => mikrotikSetupScript({ ...base, ...override }), JSON.stringify(override)).toThrow(
        RangeError,
      );
    }
  });
});

describe('the hotspot login.html', () => {
  it('forwards every controller variable to the portal, with and without JavaScript', () => {
    const html = mikrotikLoginHtml('https://wifi.example.net/s/cafe');
    expect(html).toContain(
      '<form name="portal" action="https://wifi.example.net/s/cafe" method="get">',
    );
    for (const name of [
      'mac',
      'ip',
      'link-login-only',
      'link-orig',
      'chap-id',
      'chap-challenge',
      'server-name',
    ]) {
      expect(html).toContain(`<input type="hidden" name="${name}" value="$(${name})">`);
    }
    expect(html).toContain(
      '$(if error)<input type="hidden" name="error" value="$(error)">$(endif)',
    );
    expect(html).toContain('<button type="submit">Continue</button>');
    expect(html).toContain('<script>document.forms.portal.submit()</script>');
  });

  it('escapes the portal URL for HTML and for RouterOS variables', () => {
    const html = mikrotikLoginHtml('https://wifi.example.net/s/x?a="b"&c=$(mac)');
    const action = /action="([^"]*)"/.exec(html)![1];
    expect(action).not.toContain('$(');
    expect(action).toContain('&amp;c=');
    expect(() => mikrotikLoginHtml('ftp://wifi.example.net/')).toThrow(RangeError);
  });
});

describe('the site a router file or printed voucher points at', () => {
  const siteId = '3f9c1e7a-0000-4000-8000-000000000001';

  it('is the site id, never its slug', () => {
    expect(sitePortalUrl('https://wifi.example.net/', siteId)).toBe(
      `https://wifi.example.net/s/${siteId}`,
    );
    expect(sitePortalUrl('https://wifi.example.net', siteId.toUpperCase())).toBe(
      `https://wifi.example.net/s/${siteId}`,
    );
    // A slug (which its owner may give up and another organization take) is refused outright.
    for (const slug of ['cafe-westlands', 'demo', `${siteId}/../evil`, '']) {
      expect(() => sitePortalUrl('https://wifi.example.net', slug), slug).toThrow(RangeError);
    }
  });

  it('ends up in login.html and in the set-up script', () => {
    const portalUrl = sitePortalUrl('https://wifi.example.net', siteId);
    expect(mikrotikLoginHtml(portalUrl)).toContain(`action="https://wifi.example.net/s/${siteId}"`);
    const script = mikrotikSetupScript({ ...base, portalUrl });
    expect(script).toContain(`https://wifi.example.net/s/${siteId}/mikrotik/login.html`);
    expect(script).not.toContain('/s/cafe-westlands');
  });
});
