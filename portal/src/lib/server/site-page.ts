import { error } from '@sveltejs/kit';
import { fetchPortalSite, siteSlug, type PortalSite } from './portal-site.ts';
import { PortalBackendError } from './supabase.ts';

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
  let site: PortalSite | null;
  try {
    site = await fetchPortalSite(slug.data, fetch);
  } catch (err) {
    if (!(err instanceof PortalBackendError)) throw err;
    console.error(err);
    error(503, { message: 'Supabase unavailable', reason: 'unavailable' });
  }
  if (!site) error(404, { message: 'Unknown site', reason: 'unknown-site' });
  locals.lang = locals.preferredLang ?? site.default_language;
  return { site, slug: slug.data };
}
