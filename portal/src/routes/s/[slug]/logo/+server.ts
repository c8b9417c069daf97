import { error } from '@sveltejs/kit';
import { siteRef } from '$lib/server/portal-site.ts';
import { orUnavailable, rpc } from '$lib/server/supabase.ts';
import type { RequestHandler } from './$types';

/**
 * The site's logo, served by the portal itself (the walled garden holds only this host). Its
 * URL carries a version (`?v=`, from portal_site), so browsers may keep it for a year.
 */
export const GET: RequestHandler = async ({ params, fetch }) => {
  // The param is the site's id or slug (portal_logo takes either).
  const ref = siteRef.safeParse(params.slug);
  if (!ref.success) error(404, { message: 'Unknown site' });
  const logo = await orUnavailable(rpc('portal_logo', { p_slug: ref.data }, fetch));
  if (!logo) error(404, { message: 'No logo' });
  return new Response(Buffer.from(logo.base64, 'base64'), {
    headers: {
      'content-type': logo.content_type,
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    },
  });
};
