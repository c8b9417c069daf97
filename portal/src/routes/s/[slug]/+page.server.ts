import { error, redirect } from '@sveltejs/kit';
import { controllerQuery, controllerVars } from '$lib/server/controller.ts';
import { fetchPortalSite, PortalBackendError, siteSlug } from '$lib/server/portal-site.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, url, fetch, locals, setHeaders }) => {
  // A refused login comes back here from the controller (MikroTik's `error`, CoovaChilli's
  // res=failed): the voucher page explains it and takes the code again.
  if (url.searchParams.get('error') || url.searchParams.get('res') === 'failed') {
    redirect(303, `${url.pathname.replace(/\/$/, '')}/voucher${url.search}`);
  }
  const slug = siteSlug.safeParse(params.slug);
  if (!slug.success) error(404, { message: 'Unknown site', reason: 'unknown-site' });

  let site;
  try {
    site = await fetchPortalSite(slug.data, fetch);
  } catch (err) {
    if (!(err instanceof PortalBackendError)) throw err;
    console.error(err);
    error(503, { message: 'Supabase unavailable', reason: 'unavailable' });
  }
  if (!site) error(404, { message: 'Unknown site', reason: 'unknown-site' });

  // Written into <html lang> by the handle hook once the page renders.
  locals.lang = locals.preferredLang ?? site.default_language;
  // Prices and plans change; a captive browser must not show yesterday's list.
  setHeaders({ 'cache-control': 'no-store' });
  return { site, lang: locals.lang, vars: controllerQuery(controllerVars(url.searchParams)) };
};
