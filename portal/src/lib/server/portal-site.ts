import { z } from 'zod';
import type { RpcReply } from '$contract/rpc-replies.ts';
import { rpc } from './supabase.ts';

/** A site's public page data, as the `portal_site` RPC returns it. */

export type PortalSite = NonNullable<RpcReply<'portal_site'>>;

/**
 * A site reference from the URL /s/<ref>: the site's id (a uuid: what routers and printed
 * vouchers use) or its slug. Both fit the slug rule of `sites.slug` (lowercased, as the RPCs do);
 * anything else is not worth a database call.
 */
export const siteRef = z
  .string()
  .transform((slug) => slug.trim().toLowerCase())
  .pipe(z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/));

/** The site and its plans on sale, or null when no site has this id or slug. */
export function fetchPortalSite(
  ref: string,
  fetch: typeof globalThis.fetch,
): Promise<PortalSite | null> {
  return rpc('portal_site', { p_slug: ref }, fetch);
}
