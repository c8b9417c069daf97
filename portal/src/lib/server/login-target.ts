import type { Controller } from './controller.ts';
import { orUnavailable, rpcBoolean } from './supabase.ts';

/**
 * Where a voucher code may go. The controller's variables arrive in a URL anyone can forge (a
 * doctored QR sticker), so the login address they name is trusted only when it is
 *  - the `nas_ip` or `login_host` of one of this site's routers (`portal_login_host_allowed`), or
 *  - the controller type's well-known local address, which only the hotspot itself answers on
 *    the customer's LAN: CoovaChilli's default `uamlisten` 10.1.0.1 with `uamport` 3990 (its
 *    shipped defaults, HS_UAMLISTEN / HS_UAMPORT), openNDS's gateway on a 192.168.x.1 LAN
 *    address with its default gateway port 2050 (OpenWrt's LAN, /shared/reference). MikroTik
 *    has none (its hotspot address and DNS name are whatever the operator chose): register it.
 * The host is compared, not the port (routers serve their login on a port the operator picks).
 */

/** The address the controller's login would send the code to, or null (generic mode). */
export function loginTargetUrl(controller: Controller): URL | null {
  switch (controller.kind) {
    case 'mikrotik':
      return new URL(controller.loginUrl);
    case 'coova':
      return new URL(controller.logonUrl);
    case 'opennds':
      return new URL(controller.authUrl);
    default:
      return null;
  }
}

/** Whether `target` is the controller type's well-known local login address. */
export function isWellKnownTarget(kind: Controller['kind'], target: URL): boolean {
  if (kind === 'coova') return target.hostname === '10.1.0.1' && target.port === '3990';
  if (kind === 'opennds') {
    return /^192\.168\.\d{1,3}\.1$/.test(target.hostname) && target.port === '2050';
  }
  return false;
}

/** Whether this site's portal may send a voucher code to `target`. */
export async function isAllowedTarget(
  slug: string,
  kind: Controller['kind'],
  target: URL,
  fetch: typeof globalThis.fetch,
): Promise<boolean> {
  if (isWellKnownTarget(kind, target)) return true;
  // URL keeps IPv6 literals in brackets; routers' addresses are compared without them.
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  return orUnavailable(
    rpcBoolean('portal_login_host_allowed', { p_slug: slug, p_host: host }, fetch),
  );
}
