import { env } from '$env/dynamic/private';
import { z } from 'zod';
import { PortalBackendError } from './portal-site.ts';

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

export async function fetchVoucherStatus(
  slug: string,
  code: string,
  fetch: typeof globalThis.fetch,
): Promise<VoucherStatus> {
  const { SUPABASE_URL: url, SUPABASE_ANON_KEY: anonKey } = env;
  if (!url || !anonKey) {
    throw new PortalBackendError('SUPABASE_URL and SUPABASE_ANON_KEY must be set for the portal');
  }
  let response: Response;
  try {
    response = await fetch(new URL('rest/v1/rpc/portal_voucher_status', url.replace(/\/*$/, '/')), {
      method: 'POST',
      headers: {
        apikey: anonKey,
        authorization: `Bearer ${anonKey}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify({ p_site_slug: slug, p_code: code }),
      signal: AbortSignal.timeout(8000),
    });
  } catch (cause) {
    throw new PortalBackendError(`portal_voucher_status: Supabase unreachable at ${url}`, {
      cause,
    });
  }
  if (!response.ok) {
    const detail = (await response.text().catch(() => '')).slice(0, 300);
    throw new PortalBackendError(`portal_voucher_status: HTTP ${response.status} ${detail}`);
  }
  const parsed = answerSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) {
    throw new PortalBackendError(
      `portal_voucher_status: unexpected shape: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}
