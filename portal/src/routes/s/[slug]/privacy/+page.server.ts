import { controllerQuery, controllerVars } from '$lib/server/controller.ts';
import { loadSite } from '$lib/server/site-page.ts';
import type { PageServerLoad } from './$types';

// The privacy notice (Kenya's Data Protection Act 2019): what is kept, why, for how long and
// whom to ask. Its links carry the controller's variables, so it is not cached, like its siblings.
export const load: PageServerLoad = async ({ params, url, fetch, locals, setHeaders }) => {
  const { site } = await loadSite(params.slug, fetch, locals);
  setHeaders({ 'cache-control': 'no-store' });
  return { site, lang: locals.lang, vars: controllerQuery(controllerVars(url.searchParams)) };
};
