import { error } from '@sveltejs/kit';
import { linkError } from '$lib/team.ts';
import type { PageLoad } from './$types';

// The invitation link lands here: supabase-js has already taken the session from the URL
// fragment (or left GoTrue's error there).
export const load: PageLoad = async ({ parent }) => {
  const { supabase, session, setupError } = await parent();
  if (!supabase) error(503, setupError ?? 'The admin could not start.');
  return { supabase, session, linkProblem: linkError(location.hash) };
};
