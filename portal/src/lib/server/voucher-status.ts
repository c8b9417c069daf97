import type { RpcReply } from '$contract/rpc-replies.ts';
import { statusRefusals } from '$lib/errors.ts';
import type { LoginError } from '$lib/login-errors.ts';
import { clientKey } from './client.ts';
import { PortalBackendError, rpc } from './supabase.ts';

/** What is left on a voucher, as the `portal_voucher_status` RPC answers. */

export type VoucherStatus = RpcReply<'portal_voucher_status'>;

/**
 * With the portal's credential, naming the client (its address and the device's MAC): the throttle is
 * kept per client before the site's, so one client cannot lock the site's pages for everyone.
 */
export function fetchVoucherStatus(
  slug: string,
  code: string,
  fetch: typeof globalThis.fetch,
  mac?: string | null,
): Promise<VoucherStatus> {
  const args = { p_site_slug: slug, p_code: code, p_client: clientKey(mac) };
  return rpc('portal_voucher_status', args, fetch, 'portal');
}

/**
 * Why a code may not log in now, as the words a controller's refusal would get, or null when
 * it may (for controllers that ask no RADIUS server). Backend trouble is a refusal too.
 */
export async function voucherRefusal(
  slug: string,
  code: string,
  fetch: typeof globalThis.fetch,
): Promise<LoginError | null> {
  let status: VoucherStatus;
  try {
    status = await fetchVoucherStatus(slug, code, fetch);
  } catch (err) {
    if (!(err instanceof PortalBackendError)) throw err;
    console.error(err);
    return 'unavailable';
  }
  if (!status.ok) return statusRefusals[status.error];
  switch (status.status) {
    case 'active':
      return null;
    case 'expired':
      return 'expired';
    case 'revoked':
      return 'revoked';
    case 'inactive':
      return 'not-active';
    default:
      return status.bytes_left === 0 ? 'data-used' : 'time-used';
  }
}
