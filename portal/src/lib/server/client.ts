import { getRequestEvent } from '$app/server';
import { normalizeMac } from '$domain/mac.ts';
import { clientMac, controllerVars } from './controller.ts';

/**
 * Who is asking, for the caps and throttles the portal's backend applies per client. The
 * address is adapter-node's getClientAddress(): behind the proxy, the last X-Forwarded-For
 * entry (ADDRESS_HEADER, XFF_DEPTH in deploy/portal-proxy.ts), which a client cannot forge.
 * Behind a hotspot's NAT it is the whole site's address, so the device's MAC (as the
 * controller named it) tells customers apart where known.
 */

/** The client's address, or null when the server cannot tell (no proxy header). */
export function clientAddress(): string | null {
  try {
    return getRequestEvent().getClientAddress() || null;
  } catch {
    return null;
  }
}

/** `<address>|<mac>` (either part may be empty): the lookup throttles' per-client key. */
export function clientKey(mac?: string | null): string {
  let device = mac ?? null;
  if (device === null) {
    try {
      device = clientMac(controllerVars(getRequestEvent().url.searchParams));
    } catch {
      device = null;
    }
  }
  return `${clientAddress() ?? ''}|${normalizeMac(device ?? '') ?? ''}`;
}
