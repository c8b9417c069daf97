import { error, redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { listOrganizations } from '$lib/organizations.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, depends }) => {
  depends('app:organizations');
  const { supabase, session, setupError } = await parent();
  if (!supabase) error(503, setupError ?? 'The admin could not start.');
  if (!session) redirect(307, resolve('/login'));
  return {
    supabase,
    email: session.user.email ?? '',
    // Not awaited: the page renders at once and shows a loading state until this settles.
    organizations: listOrganizations(supabase),
  };
};
