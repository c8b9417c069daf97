import { error, redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent }) => {
  const { supabase, session, setupError } = await parent();
  if (!supabase) error(503, setupError ?? 'The admin could not start.');
  redirect(307, session ? resolve('/dashboard') : resolve('/login'));
};
