import { z } from 'zod';
import { rpc } from './supabase.ts';

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
  id: z.string(),
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

/** The site and its plans on sale, or null when no site has this slug. */
export function fetchPortalSite(
  slug: string,
  fetch: typeof globalThis.fetch,
): Promise<PortalSite | null> {
  return rpc('portal_site', { p_slug: slug }, siteSchema.nullable(), fetch);
}
