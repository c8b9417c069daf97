import { mikrotikLoginHtml, sitePortalUrl } from '$domain/router-files.ts';
import { loadSite } from '$lib/server/site-page.ts';
import type { RequestHandler } from './$types';

/**
 * The MikroTik hotspot's login.html for this site (the router set-up script fetches it): it
 * forwards every login to this site's portal page with the hotspot's variables. That page is
 * addressed by the site's id, however this file was asked for: a router must keep reaching this
 * site after its slug changes or is taken by someone else (SECURITY.md, Slugs are cosmetic).
 */
export const GET: RequestHandler = async ({ params, url, fetch, locals }) => {
  const { site } = await loadSite(params.slug, fetch, locals);
  return new Response(mikrotikLoginHtml(sitePortalUrl(url.origin, site.id)), {
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-disposition': 'attachment; filename="login.html"',
      'cache-control': 'no-store',
    },
  });
};
