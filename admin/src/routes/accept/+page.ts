import { error } from '@sveltejs/kit';
import { linkError, loadMyInvitations } from '$lib/team.ts';
import type { PageLoad } from './$types';

// The invitation link lands here: supabase-js has already taken the session from the URL
// fragment (or left GoTrue's error there).
// It also lists the invitations waiting for whoever is signed in (new or existing account).
export const load: PageLoad = async ({ parent, depends }) => {
  depends('app:invitations');
  const { supabase, session, setupError } = await parent();
  if (!supabase) error(503, setupError ?? 'The admin could not start.');
  return {
    supabase,
    session,
    linkProblem: linkError(location.hash),
    invitations: session ? loadMyInvitations(supabase) : Promise.resolve([]),
  };
};
