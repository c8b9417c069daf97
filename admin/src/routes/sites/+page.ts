import { routerFileDefaults } from '$lib/router-files.ts';
import { loadSitesPage } from '$lib/sites.ts';
import { signedIn } from '$lib/signed-in.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, depends, fetch }) => {
  depends('app:sites');
  const { supabase, session } = await signedIn(parent);
  return {
    supabase,
    email: session.user.email ?? '',
    page: loadSitesPage(supabase, session.user.id),
    // Prefills the router-files form: portal (and RADIUS, when configured) from /config.json.
    fileDefaults: routerFileDefaults(fetch),
  };
};
