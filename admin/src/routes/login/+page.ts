import { error, redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent }) => {
  const { supabase, session, setupError } = await parent();
  if (!supabase) error(503, setupError ?? 'The admin could not start.');
  if (session) redirect(307, resolve('/dashboard'));
  return { supabase };
};
