// Routers as FreeRADIUS clients: the text of one router's client file (clients.d/ipv4/<address>
// or clients.d/ipv6/<address>, see raddb/clients.conf) and, for the stock configuration the
// benchmark compares against, a whole clients.conf. Pure, so that quoting and file names can be
// tested without a server.

/** One router as radius.nas_clients() returns it. */
export type RadiusClient = {
  routerId: string;
  nasIp: string;
  secret: string;
  requireMessageAuthenticator: boolean;
};

/**
 * A whole clients.conf with one static section per router (bench/radius-stock.ts; ours loads
 * routers from clients.d instead). Routers that cannot be written safely are left out and
 * reported through `skip`.
 */
export function renderClients(
  clients: RadiusClient[],
  skip: (client: RadiusClient, reason: string) => void = () => {},
): string {
  const header = '# Generated from public.routers and private.router_secrets.\n';
  const sections = clients.flatMap((client) => {
    const problem = clientProblem(client);
    if (problem) skip(client, problem);
    return problem ? [] : [`\n${renderClient(client)}`];
  });
  return header + sections.join('');
}

/** Why a router cannot become a client file, or null when it can. */
export function clientProblem(client: RadiusClient): string | null {
  if (!/^[0-9a-f-]{36}$/.test(client.routerId)) return 'the router id is not a uuid';
  // The address is also the file's name, and FreeRADIUS refuses (at start: refuses to start) a
  // file whose name is not exactly how it prints the address itself.
  if (!canonicalAddress(client.nasIp))
    return 'the address is not a single IP address in canonical form (IPv4-mapped IPv6 included)';
  // FreeRADIUS reads an all-zero address as "any address" (0.0.0.0/0).
  if (client.nasIp === '0.0.0.0' || client.nasIp === '::') return 'the address is all zeros';
  // FreeRADIUS keeps backslashes inside quoted strings literally except before a quote, so a
  // secret with a backslash (or a control character) has no exact spelling in its config.
  // eslint-disable-next-line no-control-regex
  if (/[\\\x00-\x1f\x7f]/.test(client.secret))
    return 'the secret contains a backslash or control character';
  return null;
}

/**
 * Whether `address` is one IP address spelt as FreeRADIUS (inet_ntop) spells it: IPv4 dotted
 * without leading zeros; IPv6 lower-case, compressed (RFC 5952, as PostgreSQL's host() gives
 * it). IPv4-mapped and -compatible IPv6 addresses, which inet_ntop writes with a dotted tail,
 * are refused rather than guessed at.
 */
export function canonicalAddress(address: string): boolean {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(address))
    return address.split('.').every((part) => String(Number(part)) === part && Number(part) < 256);
  if (!/^[0-9a-f:]+$/.test(address) || !address.includes(':')) return false;
  try {
    // The WHATWG URL parser writes IPv6 the RFC 5952 way, as inet_ntop does.
    return new URL(`http://[${address}]/`).hostname === `[${address}]`;
  } catch {
    return false;
  }
}

/** The folders of clients.d, one per address family (raddb/clients.conf says why). */
export const CLIENT_FOLDERS = ['ipv4', 'ipv6'] as const;

/** The router's file under clients.d: `ipv4/<address>` or `ipv6/<address>`. */
export function clientFile(client: RadiusClient): string {
  return `${client.nasIp.includes(':') ? 'ipv6' : 'ipv4'}/${client.nasIp}`;
}

/** One client section (call clientProblem() first). */
export function renderClient(client: RadiusClient): string {
  const problem = clientProblem(client);
  if (problem) throw new Error(`router ${client.routerId}: ${problem}`);
  return [
    `client ${client.routerId} {`,
    `\tipaddr = ${client.nasIp}`,
    // Single quotes: FreeRADIUS expands nothing inside them and reads \' as a quote.
    `\tsecret = '${client.secret.replaceAll("'", "\\'")}'`,
    `\tshortname = ${client.routerId}`,
    `\trequire_message_authenticator = ${client.requireMessageAuthenticator ? 'yes' : 'no'}`,
    '}',
    '',
  ].join('\n');
}
