import { env } from '$env/dynamic/private';
import { z } from 'zod';

/** A site's public page data, as the `portal_site` RPC returns it. */

// bigint columns may arrive as JSON numbers or, depending on how the SQL builds the JSON, as
// digit strings; both become numbers (quotas stay far below 2^53).
const wholeNumber = z
  .union([z.number(), z.string().regex(/^\d+$/).transform(Number)])
  .pipe(z.number().int().nonnegative());

const planSchema = z.object({
  id: z.string(),
  name: z.string(),
  price_kes: wholeNumber,
  validity_seconds: wholeNumber,
  time_quota_seconds: wholeNumber.nullable(),
  data_quota_bytes: wholeNumber.nullable(),
  download_kbps: wholeNumber.nullable(),
  upload_kbps: wholeNumber.nullable(),
  devices_allowed: wholeNumber,
});

const siteSchema = z.object({
  name: z.string(),
  slug: z.string(),
  support_phone: z.string().nullish(),
  primary_color: z.string().nullish(),
  logo_url: z.string().nullish(),
  default_language: z.enum(['en', 'sw']),
  plans: z.array(planSchema),
});

export type PortalSite = z.infer<typeof siteSchema>;

/**
 * The slug rule of `sites.slug` (the RPC also lowercases): anything else is not worth a
 * database call.
 */
export const siteSlug = z
  .string()
  .transform((slug) => slug.trim().toLowerCase())
  .pipe(z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/));

/** Supabase could not answer properly: the visitor should try again later. */
export class PortalBackendError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PortalBackendError';
  }
}

const timeoutMs = 8000;

/** The site and its plans on sale, or null when no site has this slug. */
export async function fetchPortalSite(
  slug: string,
  fetch: typeof globalThis.fetch,
): Promise<PortalSite | null> {
  const { SUPABASE_URL: url, SUPABASE_ANON_KEY: anonKey } = env;
  if (!url || !anonKey) {
    throw new PortalBackendError('SUPABASE_URL and SUPABASE_ANON_KEY must be set for the portal');
  }

  let response: Response;
  try {
    response = await fetch(new URL('rest/v1/rpc/portal_site', url.replace(/\/*$/, '/')), {
      method: 'POST',
      headers: {
        apikey: anonKey,
        authorization: `Bearer ${anonKey}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify({ p_slug: slug }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (cause) {
    throw new PortalBackendError(`portal_site: Supabase unreachable at ${url}`, { cause });
  }
  if (!response.ok) {
    const detail = (await response.text().catch(() => '')).slice(0, 300);
    throw new PortalBackendError(`portal_site: HTTP ${response.status} ${detail}`);
  }

  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    throw new PortalBackendError('portal_site: response is not JSON', { cause });
  }
  const parsed = siteSchema.nullable().safeParse(body);
  if (!parsed.success) {
    throw new PortalBackendError(`portal_site: unexpected shape: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
