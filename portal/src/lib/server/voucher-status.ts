import { z } from 'zod';
import type { LoginError } from '$lib/login-errors.ts';
import { PortalBackendError, rpc } from './supabase.ts';

/** What is left on a voucher, as the `portal_voucher_status` RPC answers. */

const count = z
  .union([z.number(), z.string().regex(/^\d+$/).transform(Number)])
  .pipe(z.number().nonnegative());

const answerSchema = z.union([
  z.object({
    ok: z.literal(true),
    code: z.string(),
    status: z.enum(['active', 'expired', 'exhausted', 'revoked']),
    plan_name: z.string().nullable(),
    devices_allowed: count,
    validity_seconds: count,
    first_used_at: z.string().nullable(),
    expires_at: z.string().nullable(),
    seconds_left: count,
    time_quota_seconds: count.nullable(),
    used_seconds: count,
    data_quota_bytes: count.nullable(),
    used_bytes: count,
    bytes_left: count.nullable(),
  }),
  z.object({
    ok: z.literal(false),
    error: z.enum(['not_found', 'rate_limited']),
    retry_after_seconds: z.number().optional(),
  }),
]);

export type VoucherStatus = z.infer<typeof answerSchema>;

export function fetchVoucherStatus(
  slug: string,
  code: string,
  fetch: typeof globalThis.fetch,
): Promise<VoucherStatus> {
  return rpc('portal_voucher_status', { p_site_slug: slug, p_code: code }, answerSchema, fetch);
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
  if (!status.ok) return status.error === 'rate_limited' ? 'locked' : 'unknown';
  switch (status.status) {
    case 'active':
      return null;
    case 'expired':
      return 'expired';
    case 'revoked':
      return 'revoked';
    default:
      return status.bytes_left === 0 ? 'data-used' : 'time-used';
  }
}
