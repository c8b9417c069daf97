import { error } from '@sveltejs/kit';
import { fetchPortalSite, siteRef, type PortalSite } from './portal-site.ts';
import { orUnavailable } from './supabase.ts';

/** A site as the customer addressed it: `ref` is the id or slug of the URL they arrived with. */
export type AddressedSite = PortalSite & { ref: string };

/**
 * The site behind `/s/[slug]/…`, where the param is a site reference (its id, as routers and
 * printed vouchers use it, or its slug), for its name, colour and language; or the same 404/503
 * pages as the plans page. `slug` (also `site.ref`) is that reference, lower-cased: the portal's
 * own links and redirects keep it (sitePath), so a router that addresses the site by id stays on
 * the id whatever the slug becomes.
 */
export async function loadSite(
  refParam: string,
  fetch: typeof globalThis.fetch,
  locals: App.Locals,
): Promise<{ site: AddressedSite; slug: string }> {
  const ref = siteRef.safeParse(refParam);
  if (!ref.success) error(404, { message: 'Unknown site', reason: 'unknown-site' });
  const site = await orUnavailable(fetchPortalSite(ref.data, fetch));
  if (!site) error(404, { message: 'Unknown site', reason: 'unknown-site' });
  locals.lang = locals.preferredLang ?? site.default_language;
  return { site: { ...site, ref: ref.data }, slug: ref.data };
}
