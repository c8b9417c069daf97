// Routers as FreeRADIUS clients: the text of clients.conf (or of one client file for radmin's
// "add client file"). Pure, so that quoting can be tested without a server.

/** One router as radius.nas_clients() returns it. */
export type RadiusClient = {
  routerId: string;
  nasIp: string;
  secret: string;
  requireMessageAuthenticator: boolean;
};

/**
 * The whole clients.conf: one section per router, nothing else (unknown sources are dropped).
 * Routers that cannot be written safely are left out and reported through `skip`.
 */
export function renderClients(
  clients: RadiusClient[],
  skip: (client: RadiusClient, reason: string) => void = () => {},
): string {
  const header =
    '# Generated from public.routers and private.router_secrets by radius/clients.ts.\n' +
    '# Do not edit: changes are overwritten within a minute.\n';
  const sections = clients.flatMap((client) => {
    const problem = clientProblem(client);
    if (problem) skip(client, problem);
    return problem ? [] : [`\n${renderClient(client)}`];
  });
  return header + sections.join('');
}

/** Why a router cannot become a client section, or null when it can. */
export function clientProblem(client: RadiusClient): string | null {
  if (!/^[0-9a-f-]{36}$/.test(client.routerId)) return 'the router id is not a uuid';
  if (!/^[0-9a-fA-F.:]+$/.test(client.nasIp)) return 'the address is not a single IP address';
  // FreeRADIUS keeps backslashes inside quoted strings literally except before a quote, so a
  // secret with a backslash (or a control character) has no exact spelling in its config.
  // eslint-disable-next-line no-control-regex
  if (/[\\\x00-\x1f\x7f]/.test(client.secret))
    return 'the secret contains a backslash or control character';
  return null;
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
