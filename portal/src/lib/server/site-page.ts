import { error } from '@sveltejs/kit';
import { fetchPortalSite, siteSlug, type PortalSite } from './portal-site.ts';
import { orUnavailable } from './supabase.ts';

/**
 * The site behind `/s/[slug]/…` (for its name, colour and language), or the same 404/503 pages
 * as the plans page.
 */
export async function loadSite(
  slugParam: string,
  fetch: typeof globalThis.fetch,
  locals: App.Locals,
): Promise<{ site: PortalSite; slug: string }> {
  const slug = siteSlug.safeParse(slugParam);
  if (!slug.success) error(404, { message: 'Unknown site', reason: 'unknown-site' });
  const site = await orUnavailable(fetchPortalSite(slug.data, fetch));
  if (!site) error(404, { message: 'Unknown site', reason: 'unknown-site' });
  locals.lang = locals.preferredLang ?? site.default_language;
  return { site, slug: slug.data };
}
