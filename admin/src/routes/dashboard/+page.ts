import { loadDashboard } from '$lib/dashboard.ts';
import { listOrganizations } from '$lib/organizations.ts';
import { signedIn } from '$lib/signed-in.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, depends, url }) => {
  depends('app:organizations');
  const { supabase, session } = await signedIn(parent);
  const siteId = url.searchParams.get('site') || null;
  return {
    supabase,
    email: session.user.email ?? '',
    // Not awaited: the page renders at once and shows a loading state until this settles.
    organizations: listOrganizations(supabase),
    siteId,
    dashboard: loadDashboard(supabase, session.user.id, siteId),
  };
};
