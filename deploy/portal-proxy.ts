/**
 * How the portal learns the customer's address behind its reverse proxy (adapter-node's
 * settings): Caddy adds the address it received the request from to X-Forwarded-For, so the
 * last entry is the only one a client cannot write; anything before it came from the client.
 * The portal passes that address to pay-start and the lookup throttles (their per-address
 * caps). Production (deploy/install.ts, portal.env) and the local stack (stack/apps.ts) use
 * the same values. With a second proxy in front of Caddy (a CDN), XFF_DEPTH becomes 2.
 */
export const portalProxyEnv = {
  ADDRESS_HEADER: 'x-forwarded-for',
  XFF_DEPTH: '1',
} as const;
