import { mikrotikLoginHtml } from '$domain/router-files.ts';
import { loadSite } from '$lib/server/site-page.ts';
import type { RequestHandler } from './$types';

/**
 * The MikroTik hotspot's login.html for this site (the router set-up script fetches it): it
 * forwards every login to this site's portal page with the hotspot's variables.
 */
export const GET: RequestHandler = async ({ params, url, fetch, locals }) => {
  const { slug } = await loadSite(params.slug, fetch, locals);
  return new Response(mikrotikLoginHtml(new URL(`/s/${slug}`, url.origin).href), {
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-disposition': 'attachment; filename="login.html"',
      'cache-control': 'no-store',
    },
  });
};
